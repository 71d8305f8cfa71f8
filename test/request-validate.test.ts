/** validateRequest: the API's rejections, in its words (openai-api-facts.json), with field paths. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateRequest, detectRequestKind, InvalidRequestError, PARAMETER_RULES, parameterRulesFor, isReasoningModel } from "../src/index.js";
import { referencePath } from "./helpers/cli.js";

const facts = JSON.parse(readFileSync(referencePath("openai-api-facts.json"), "utf8")) as {
  api_error_examples: Array<{ kind: string; template?: string; body?: { error: { message: string; param: string | null } }; message?: string }>;
};
const example = (kind: string) => facts.api_error_examples.find((e) => e.kind.startsWith(kind))!;

const chat = (extra: Record<string, unknown> = {}, model = "gpt-4o") => ({ model, messages: [{ role: "user", content: "Hi" }], ...extra });

function rejection(body: unknown, options?: { model?: string; strict?: boolean }): InvalidRequestError {
  try {
    validateRequest(body, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error("expected the request to be rejected");
}

describe("unknown parameters", () => {
  it("max_token → the API's legacy wording with a suggestion", () => {
    const template = example("unrecognized_argument").template!;
    const err = rejection(chat({ max_token: 5 }));
    expect(err.message).toBe(`${template.replace("{argument}", "max_token")} (did you mean max_tokens?)`);
    expect(err.param).toBe("max_token");
    expect(err.suggestion).toBe("max_tokens");
    expect(err.code).toBe("INVALID_REQUEST");
  });

  it("top_k, the reference's own example (with tokcost's suggestion appended)", () => {
    expect(rejection(chat({ top_k: 5 })).message).toBe(`${example("unrecognized_argument").body!.error.message} (did you mean top_p?)`);
  });

  it("no suggestion when nothing is close", () => {
    const err = rejection(chat({ thinking: { type: "enabled" } }));
    expect(err.message).toBe("Unrecognized request argument supplied: thinking");
    expect(err.suggestion).toBeUndefined();
  });

  it("nested unknown fields are accepted with a notice naming the path (the API accepts or ignores many)", () => {
    const body = { model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png", detal: "low" } }] }] };
    const validated = validateRequest(body);
    expect(validated.notices).toEqual([expect.objectContaining({ code: "UNKNOWN_FIELD", param: "messages[0].content[0].image_url.detal" })]);
    // The accepted body does not carry the undeclared field (it is not counted).
    expect(JSON.stringify(validated.body)).not.toContain("detal");
  });

  it("strict mode refuses them in the API's 'Unknown parameter' wording with the path", () => {
    const template = example("unknown_parameter").template!;
    const err = rejection({ model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png", detal: "low" } }] }] }, { strict: true });
    expect(err.message.startsWith(`${template.replace("{param}", "messages[0].content[0].image_url.detal")} (did you mean detail?)`)).toBe(true);
    expect(err.param).toBe("messages[0].content[0].image_url.detal");
  });

  it("the echo-back pattern: an assistant message as the API returned it is accepted without notices", () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: "Hello!",
          refusal: null,
          annotations: [],
          audio: null,
          function_call: null,
          tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}", parsed_arguments: {} } }],
          parsed: null,
        },
        { role: "tool", tool_call_id: "call_1", name: "f", content: "ok" },
        { role: "user", content: "again" },
      ],
    };
    expect(validateRequest(body).notices).toEqual([]);
  });

  it("every endpoint rejects unknown arguments", () => {
    expect(rejection({ model: "davinci-002", prompt: "x", max_token: 1 }).message).toMatch(/^Unrecognized request argument supplied: max_token \(did you mean max_tokens\?\)$/);
    expect(rejection({ model: "gpt-4o", input: "x", max_tokens: 100 }).message).toMatch(/^Unrecognized request argument supplied: max_tokens/);
    expect(rejection({ model: "text-embedding-3-small", input: "x", dimension: 256 }).message).toBe("Unrecognized request argument supplied: dimension (did you mean dimensions?)");
  });
});

describe("types and ranges name the field path", () => {
  it("messages[2].content of the wrong type", () => {
    const err = rejection({
      model: "gpt-4o",
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
        { role: "user", content: 42 },
      ],
    });
    expect(err.param).toBe("messages[2].content");
    expect(err.message).toBe("Invalid type for 'messages[2].content': expected one of a string or an array, but got an integer instead.");
  });

  it("max_tokens below minimum, in the API's words", () => {
    const err = rejection(chat({ max_tokens: -15335 }));
    expect(err.message).toBe(example("max_tokens below minimum").body!.error.message);
    expect(err.param).toBe("max_tokens");
  });

  it("max_output_tokens below 16 (Responses)", () => {
    expect(rejection({ model: "gpt-5.5", input: "hi", max_output_tokens: 1 }).message).toBe(example("max_output_tokens below minimum").message);
  });

  it("temperature, top_p, penalties, n, logprobs ranges", () => {
    expect(rejection(chat({ temperature: 2.5 })).message).toBe("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.");
    expect(rejection(chat({ top_p: -0.5 })).param).toBe("top_p");
    expect(rejection(chat({ presence_penalty: 3 })).param).toBe("presence_penalty");
    expect(rejection(chat({ frequency_penalty: -2.1 })).param).toBe("frequency_penalty");
    expect(rejection(chat({ n: 0 })).param).toBe("n");
    expect(rejection({ model: "davinci-002", prompt: "x", logprobs: 6 }).param).toBe("logprobs");
  });

  it("stop takes at most 4 sequences", () => {
    const err = rejection(chat({ stop: ["a", "b", "c", "d", "e"] }));
    expect(err.message).toBe("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.");
    expect(validateRequest(chat({ stop: ["a", "b", "c", "d"] })).kind).toBe("chat");
  });

  it("unknown roles and content part types list what is supported", () => {
    expect(rejection({ model: "gpt-4o", messages: [{ role: "robot", content: "x" }] }).message).toBe(
      "Invalid value: 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and 'function'.",
    );
    expect(rejection({ model: "gpt-4o", messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] }).param).toBe("messages[0].content[0].type");
  });

  it("missing required parameters", () => {
    expect(rejection({ messages: [{ role: "user", content: "x" }] }).message).toBe("Missing required parameter: 'model'.");
    expect(rejection({ model: "gpt-4o", messages: [{ content: "x" }] }).param).toBe("messages[0].role");
    expect(rejection({ model: "gpt-4o", messages: [{ role: "tool", content: "x" }] }).message).toBe("Missing required parameter: 'messages[0].tool_call_id'.");
  });

  it("completions: best_of must cover n", () => {
    const err = rejection({ model: "davinci-002", prompt: "x", n: 3, best_of: 2 });
    expect(err.param).toBe("best_of");
    expect(validateRequest({ model: "davinci-002", prompt: "x", n: 2, best_of: 3 }).kind).toBe("completions");
  });

  it("a body that is not an object", () => {
    expect(rejection([1, 2]).message).toMatch(/expected a JSON object, but got an array/);
  });
});

describe("model rules (capabilities data)", () => {
  it("reasoning models reject max_tokens in the API's words", () => {
    const expected = example("max_tokens not supported").body!.error.message;
    for (const model of ["gpt-5", "o1", "o3-mini", "o4-mini", "gpt-5.1", "gpt-5.4-mini", "ft:o4-mini-2025-04-16:org::abc"]) {
      const err = rejection(chat({ max_tokens: 100 }, model));
      expect(err.message).toBe(expected);
      expect(err.param).toBe("max_tokens");
    }
    expect(validateRequest(chat({ max_completion_tokens: 100 }, "gpt-5")).kind).toBe("chat");
    expect(validateRequest(chat({ max_tokens: 100 }, "gpt-4o")).kind).toBe("chat");
  });

  it("reasoning models accept only the default temperature", () => {
    const template = example("temperature not supported").template!;
    expect(rejection(chat({ temperature: 0.01 }, "gpt-5")).message).toBe(template.replace("{value}", "0.01"));
    expect(validateRequest(chat({ temperature: 1 }, "gpt-5")).kind).toBe("chat");
    expect(rejection(chat({ top_p: 0.5 }, "o3")).param).toBe("top_p");
    expect(rejection(chat({ presence_penalty: 0.5 }, "o3")).message).toContain("Only the default (0) value is supported.");
    expect(rejection(chat({ logit_bias: { "50256": -100 } }, "o1")).message).toBe("Unsupported parameter: 'logit_bias' is not supported with this model.");
  });

  it("GPT-5.1+ accept temperature only with reasoning effort none", () => {
    expect(validateRequest(chat({ temperature: 0.2, reasoning_effort: "none" }, "gpt-5.2")).kind).toBe("chat");
    expect(rejection(chat({ temperature: 0.2, reasoning_effort: "low" }, "gpt-5.2")).param).toBe("temperature");
    expect(rejection(chat({ temperature: 0.2, reasoning_effort: "none" }, "gpt-5")).param).toBe("temperature");
    expect(validateRequest({ model: "gpt-5.1", input: "x", temperature: 0.2, reasoning: { effort: "none" } }).kind).toBe("responses");
  });

  it("o1-preview/o1-mini reject system messages", () => {
    expect(
      rejection({
        model: "o1-mini",
        messages: [
          { role: "system", content: "x" },
          { role: "user", content: "y" },
        ],
      }).message,
    ).toBe("Unsupported value: 'messages[0].role' does not support 'system' with this model.");
  });

  it("the rules are data with sources", () => {
    for (const row of PARAMETER_RULES) expect(row.source.length).toBeGreaterThan(10);
    expect(parameterRulesFor("gpt-4o")).toBeUndefined();
    expect(isReasoningModel("gpt-5-mini-2025-08-07")).toBe(true);
    expect(isReasoningModel("gpt-4.1")).toBe(false);
  });

  it("options.model fills in a missing model", () => {
    expect(validateRequest({ messages: [{ role: "user", content: "x" }], max_tokens: 5 }, { model: "gpt-4o" }).body.model).toBe("gpt-4o");
    expect(rejection({ messages: [{ role: "user", content: "x" }], max_tokens: 5 }, { model: "o3" }).param).toBe("max_tokens");
  });
});

describe("endpoint recognition", () => {
  it.each([
    [{ model: "gpt-4o", messages: [] }, "chat"],
    [{ model: "davinci-002", prompt: "x" }, "completions"],
    [{ model: "text-embedding-3-small", input: "x" }, "embeddings"],
    [{ model: "my-embedder", input: "x", dimensions: 8 }, "embeddings"],
    [{ model: "gpt-4.1", input: "x" }, "responses"],
    [{ model: "gpt-4.1", instructions: "x" }, "responses"],
    [{ model: "x" }, undefined],
  ] as const)("%j → %s", (body, kind) => {
    expect(detectRequestKind(body)).toBe(kind);
  });

  it("validates the current API's chat parameters", () => {
    const body = {
      // An audio model: the others refuse input_audio content (recorded, test/conformance).
      model: "gpt-4o-audio-preview",
      messages: [
        { role: "developer", content: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          name: "ann",
          content: [
            { type: "text", text: "Hi" },
            { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
            { type: "file", file: { file_id: "file-1" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "ok" },
      ],
      tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object", properties: {}, additionalProperties: false }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: true } },
      max_completion_tokens: 100,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
      seed: 1,
      user: "u",
      store: true,
      metadata: { a: "b" },
      logprobs: true,
      top_logprobs: 3,
      service_tier: "flex",
      parallel_tool_calls: false,
    };
    expect(validateRequest(body).kind).toBe("chat");
  });
});

describe("Responses input items and tools", () => {
  it("each item is checked against the schema its type selects", () => {
    expect(rejection({ model: "gpt-4.1", input: [{ type: "function_call", call_id: "c", name: "f" }] }).message).toBe("Missing required parameter: 'input[0].arguments'.");
    expect(rejection({ model: "gpt-4.1", input: [{ type: "function_call_output", call_id: "c" }] }).message).toBe("Missing required parameter: 'input[0].output'.");
    expect(rejection({ model: "gpt-4.1", input: [{ role: "user", content: "x", foo: 1 }] }, { strict: true }).param).toBe("input[0].foo");
    expect(validateRequest({ model: "gpt-4.1", input: [{ role: "user", content: "x", foo: 1 }] }).notices.map((n) => n.param)).toEqual(["input[0].foo"]);
    expect(rejection({ model: "gpt-4.1", input: [{ role: "user", content: [{ type: "input_txt", text: "x" }] }] }).param).toBe("input[0].content[0].type");
    expect(rejection({ model: "gpt-4.1", input: "x", tools: [{ type: "function", name: "f", strictt: true }] }, { strict: true }).message).toMatch(
      /^Unknown parameter: 'tools\[0\]\.strictt'\. \(did you mean strict\?\)/,
    );
    expect(rejection({ model: "gpt-4.1", input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}", argumentz: 1 }] }, { strict: true }).suggestion).toBe("arguments");
  });

  it("accepts other item types and built-in tools by type", () => {
    const body = {
      model: "gpt-4.1",
      input: [
        { type: "reasoning", id: "r", summary: [] },
        { role: "user", content: [{ type: "input_text", text: "hi" }] },
        { type: "function_call_output", call_id: "c", output: "ok" },
      ],
      tools: [{ type: "web_search" }, { type: "function", name: "f" }],
    };
    expect(validateRequest(body).kind).toBe("responses");
  });
});

describe("refusals recorded from the live API (test/conformance), in its words", () => {
  const weather = { type: "object", properties: { location: { type: "string" }, unit: { type: "string" } }, required: ["location", "unit"] };

  it("strict function schemas need additionalProperties: false and every property required", () => {
    const chatErr = rejection(chat({ tools: [{ type: "function", function: { name: "get_current_weather", parameters: weather, strict: true } }] }));
    expect(chatErr.message).toBe("Invalid schema for function 'get_current_weather': In context=(), 'additionalProperties' is required to be supplied and to be false.");
    expect(chatErr.param).toBe("tools[0].function.parameters");
    const partial = { ...weather, required: ["location"], additionalProperties: false };
    const respErr = rejection({ model: "gpt-4o-mini", input: "x", tools: [{ type: "function", name: "get_current_weather", parameters: partial, strict: true }] });
    expect(respErr.message).toBe(
      "Invalid schema for function 'get_current_weather': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'unit'.",
    );
    expect(respErr.param).toBe("tools[0].parameters");
    const nested = { type: "object", properties: { o: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } }, required: ["o"], additionalProperties: false };
    expect(rejection(chat({ tools: [{ type: "function", function: { name: "f", parameters: nested, strict: true } }] })).message).toContain("In context=('properties', 'o'), 'additionalProperties'");
    // Not strict: anything goes.
    expect(() => validateRequest(chat({ tools: [{ type: "function", function: { name: "f", parameters: weather } }] }))).not.toThrow();
  });

  it("token ids beyond the model's encoding, web search options off the search models, audio content off the audio models", () => {
    expect(rejection({ model: "davinci-002", prompt: [1, 123456] }).message).toBe("Invalid token in prompt: 123456. Minimum value is 0, maximum value is 100257 (inclusive).");
    expect(() => validateRequest({ model: "davinci-002", prompt: [100257] })).not.toThrow();
    expect(rejection(chat({ web_search_options: {} })).message).toBe("Web search options not supported with this model.");
    expect(() => validateRequest(chat({ web_search_options: {} }, "gpt-4o-search-preview"))).not.toThrow();
    const audio = { model: "gpt-5-mini", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "mp3" } }] }] };
    expect(rejection(audio).message).toBe("Invalid 'messages[0]'. Content blocks are expected to be either text or image_url type.");
    expect(() => validateRequest({ ...audio, model: "gpt-4o-audio-preview" })).not.toThrow();
  });

  it("per-family parameters: stop, reasoning effort, roles, and GPT-5.1's default effort 'none'", () => {
    expect(rejection(chat({ stop: ["x"] }, "gpt-5-mini")).message).toBe("Unsupported parameter: 'stop' is not supported with this model.");
    expect(() => validateRequest(chat({ stop: [] }, "gpt-5-mini"))).not.toThrow();
    expect(() => validateRequest(chat({ stop: ["x"] }, "o3-mini"))).not.toThrow();
    const effort = rejection({ model: "o4-mini", input: "x", reasoning: { effort: "minimal" } });
    expect(effort.message).toBe("Unsupported value: 'minimal' is not supported with the 'o4-mini' model. Supported values are: 'low', 'medium', and 'high'.");
    expect(effort.param).toBe("reasoning.effort");
    expect(rejection({ model: "o1-mini", messages: [{ role: "developer", content: "x" }] }).param).toBe("messages[0].role");
    expect(() => validateRequest(chat({ temperature: 0.7, max_completion_tokens: 10 }, "gpt-5.1"))).not.toThrow();
    expect(rejection(chat({ temperature: 0.7, reasoning_effort: "high" }, "gpt-5.1")).param).toBe("temperature");
  });

  it("the API's words for ranges: 'decimal' for number parameters, JSON Schema's wording on embeddings", () => {
    expect(rejection({ model: "gpt-4o", input: "x", temperature: -1 }).message).toBe("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.");
    expect(rejection({ model: "text-embedding-3-small", input: "x", dimensions: -42 }).message).toBe("-42 is less than the minimum of 1 - 'dimensions'");
  });
});
