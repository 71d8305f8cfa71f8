/** estimateRequest: prompt tokens by endpoint, completion budget × choices, fit and worst-case cost. */
import { UnknownModelError } from "../src/errors.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { estimateRequest, getModel, countChatTokens, InvalidRequestError, PricingTable, parsePricingFile } from "../src/index.js";
import { referencePath } from "./helpers/cli.js";

const ref = JSON.parse(readFileSync(referencePath("chat-counting.json"), "utf8"));
const cookbook = ref.cookbook_example_messages.messages;
const weather = ref.tools_token_counts.find((c: { model: string }) => c.model === "gpt-4o");
const facts = JSON.parse(readFileSync(referencePath("openai-api-facts.json"), "utf8"));
const p50k = get_encoding("p50k_base");
const cl100k = get_encoding("cl100k_base");

// A fixed table so the cost arithmetic does not depend on the bundled prices.
const table = new PricingTable([
  parsePricingFile({
    version: 1,
    asOf: "2026-01-01",
    models: [
      {
        id: "gpt-4o",
        provider: "openai",
        mode: "chat",
        encoding: "o200k_base",
        contextWindow: 128000,
        maxOutputTokens: 16384,
        pricing: { input: 2.5, cachedInput: 1.25, output: 10, batchInput: 1.25, batchOutput: 5, flexInput: 1, flexOutput: 4 },
        source: "test",
        asOf: "2026-01-01",
      },
      { id: "gpt-4", provider: "openai", mode: "chat", encoding: "cl100k_base", contextWindow: 8192, maxOutputTokens: 8192, pricing: { input: 30, output: 60 }, source: "test", asOf: "2026-01-01" },
      { id: "davinci-002", provider: "openai", mode: "completion", encoding: "cl100k_base", contextWindow: 16384, pricing: { input: 2, output: 2 }, source: "test", asOf: "2026-01-01" },
      { id: "text-davinci-003", provider: "openai", mode: "completion", encoding: "p50k_base", contextWindow: 4097, pricing: { input: 20, output: 20 }, source: "test", asOf: "2026-01-01" },
      { id: "o3", provider: "openai", mode: "chat", encoding: "o200k_base", contextWindow: 200000, maxOutputTokens: 100000, pricing: { input: 2, output: 8 }, source: "test", asOf: "2026-01-01" },
      { id: "text-embedding-3-small", provider: "openai", mode: "embedding", encoding: "cl100k_base", contextWindow: 8191, pricing: { input: 0.02 }, source: "test", asOf: "2026-01-01" },
    ],
  }),
]);

describe("chat requests", () => {
  it("the cookbook example on gpt-4o: 124 prompt tokens, cost = prompt + max_tokens × n × output", () => {
    const e = estimateRequest({ model: "gpt-4o", messages: cookbook, max_tokens: 100, n: 3 }, { table });
    expect(e.kind).toBe("chat");
    expect(e.promptTokens).toBe(124);
    expect(e.exact).toBe(true);
    expect(e.maxTokens).toBe(100);
    expect(e.breakdown).toMatchObject({ messages: 124, tools: 0, images: 0, choices: 3, completionTokens: 300 });
    expect(e.cost.prompt).toBeCloseTo((124 * 2.5) / 1e6, 12);
    expect(e.cost.completion).toBeCloseTo((300 * 10) / 1e6, 12);
    expect(e.cost.total).toBeCloseTo((124 * 2.5 + 300 * 10) / 1e6, 12);
    expect(e.fits).toBe(true);
    expect(e.room).toBe(16384);
  });

  it("the weather tools example: 101 = messages + tools", () => {
    const e = estimateRequest({ model: "gpt-4o", messages: weather.messages, tools: weather.tools, temperature: 0 }, { table });
    expect(e.promptTokens).toBe(101);
    expect(e.breakdown.messages + e.breakdown.tools).toBe(101);
    expect(e.breakdown.messages).toBe(countChatTokens(weather.messages, { model: "gpt-4o" }).total);
  });

  it("a request over the context window, in the API's words", () => {
    const template: string = facts.api_error_examples.find((x: { kind: string }) => x.kind === "context_length_exceeded (messages + completion)").template;
    const long = "word ".repeat(8000);
    const e = estimateRequest({ model: "gpt-4", messages: [{ role: "user", content: long }], max_tokens: 4000 }, { table });
    const m = e.promptTokens;
    expect(e.fits).toBe(false);
    expect(e.problems).toContain(
      template
        .replace("{limit}", "8192")
        .replace("{total}", String(m + 4000))
        .replace("{m}", String(m))
        .replace("{c}", "4000"),
    );
    expect(e.room).toBe(8192 - m);
  });

  it("reasoning models: max_completion_tokens, and a note that reasoning is billed as output", () => {
    const e = estimateRequest({ model: "o3", messages: [{ role: "user", content: "Prove it." }], max_completion_tokens: 5000 }, { table });
    expect(e.maxTokensParam).toBe("max_completion_tokens");
    expect(e.cost.completion).toBeCloseTo((5000 * 8) / 1e6, 12);
    expect(e.warnings.join(" ")).toMatch(/reasoning tokens are billed as output and count against max_completion_tokens/);
    expect(() => estimateRequest({ model: "o3", messages: [{ role: "user", content: "x" }], max_tokens: 10 }, { table })).toThrow(InvalidRequestError);
  });

  it("no completion budget: the completion is priced at the most the model may generate, with a warning", () => {
    const e = estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }, { table });
    expect(e.maxTokens).toBeNull();
    // gpt-4o: max output 16,384 (the window has room for it), at $10 / 1M
    expect(e).toMatchObject({ completionTokens: 16384, completionBasis: "model_max_output" });
    expect(e.breakdown.completionTokens).toBe(16384);
    expect(e.cost.completion).toBeCloseTo((16384 * 10) / 1e6, 12);
    expect(e.notices.find((n) => n.code === "COMPLETION_WORST_CASE")).toMatchObject({ subject: "gpt-4o", data: { tokens: 16384, param: "max_tokens", limit: "max_output" } });
    expect(e.warnings.join(" ")).toMatch(/no max_tokens set: the completion may run to 16,384 tokens \(gpt-4o's max output\)/);
    // n choices: each may run to the limit
    expect(estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], n: 3 }, { table }).completionTokens).toBe(3 * 16384);
  });

  it("no completion budget near the end of the window: capped by the room left", () => {
    const long = "word ".repeat(120_000);
    const e = estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: long }] }, { table });
    expect(e.fits).toBe(true);
    expect(e.completionTokens).toBe(128_000 - e.promptTokens);
    expect(e.notices.find((n) => n.code === "COMPLETION_WORST_CASE")?.data).toMatchObject({ limit: "context_window" });
  });

  it("embeddings and moderations have no output budget: completion 0", () => {
    const moderation = estimateRequest({ model: "omni-moderation-latest", input: "hello" }, { kind: "moderations" });
    expect(moderation).toMatchObject({ completionTokens: 0, completionBasis: "no_output" });
    const image = estimateRequest({ model: "dall-e-3", prompt: "a cat" });
    expect(image.completionBasis).toBe("media");
    const e = estimateRequest({ model: "text-embedding-3-small", input: "hello" }, { table });
    expect(e).toMatchObject({ completionTokens: 0, completionBasis: "no_output" });
    expect(e.cost.completion).toBe(0);
    expect(e.notices.some((n) => n.code === "COMPLETION_WORST_CASE")).toBe(false);
  });

  it("batch and flex rates", () => {
    const body = { model: "gpt-4o", messages: cookbook, max_tokens: 100 };
    expect(estimateRequest(body, { table, batch: true }).cost.total).toBeCloseTo((124 * 1.25 + 100 * 5) / 1e6, 12);
    expect(estimateRequest({ ...body, service_tier: "flex" }, { table }).cost.total).toBeCloseTo((124 * 1 + 100 * 4) / 1e6, 12);
  });

  it("cached input (tokens or a hit ratio) and reasoning tokens, as for text estimates", () => {
    const body = { model: "gpt-4o", messages: cookbook, max_tokens: 100 };
    expect(estimateRequest(body, { table, cachedInputTokens: 100 }).cost.prompt).toBeCloseTo((24 * 2.5 + 100 * 1.25) / 1e6, 12);
    expect(estimateRequest(body, { table, cacheHitRatio: 0.5 }).cost.prompt).toBeCloseTo((62 * 2.5 + 62 * 1.25) / 1e6, 12);
    const reasoning = { model: "o3", messages: [{ role: "user", content: "Prove it." }], max_completion_tokens: 5000, n: 2 };
    const e = estimateRequest(reasoning, { table, reasoningTokens: 2000 });
    // billed once per choice: (2 × 5,000 visible + 2 × 2,000 reasoning) × $8 / 1M
    expect(e.cost.completion).toBeCloseTo(((2 * 5000 + 2 * 2000) * 8) / 1e6, 12);
    expect(e.cost.reasoning).toBeCloseTo((2 * 2000 * 8) / 1e6, 12);
    expect(e.fits).toBe(true);
    expect(e.warnings.join(" ")).toMatch(/2000 reasoning tokens are billed as output and count against max_completion_tokens/);
    // reasoning counts against max_completion_tokens: 5,000 + 96,000 > o3's 100,000 output cap
    const over = estimateRequest(reasoning, { table, reasoningTokens: 96_000 });
    expect(over.fits).toBe(false);
    // room is the largest max_completion_tokens the model takes, and that parameter includes reasoning
    expect(over.room).toBe(100_000);
  });

  it("a model the table does not know: an error with suggestions, or tokens only with allowUnpriced", () => {
    const body = { model: "gpt-4o-2031-01-01-x", messages: cookbook };
    expect(() => estimateRequest(body, { table })).toThrow(UnknownModelError);
    expect(() => estimateRequest(body, { table })).toThrow(/unknown model "gpt-4o-2031-01-01-x" \(did you mean gpt-4o.*--allow-unpriced/);
    const e = estimateRequest(body, { table, allowUnpriced: true });
    expect(e.promptTokens).toBe(124);
    expect(e.cost.total).toBeNull();
    expect(e.notices.map((n) => n.code)).toEqual(["UNPRICED_MODEL"]);
  });

  it("with the bundled table", () => {
    const e = estimateRequest({ model: "gpt-4o-mini", messages: cookbook, max_tokens: 10 });
    const entry = getModel("gpt-4o-mini");
    expect(e.promptTokens).toBe(124);
    expect(e.cost.prompt).toBeCloseTo((124 * entry.pricing.input!) / 1e6, 12);
  });
});

describe("completions requests", () => {
  it("each prompt of an array is its own completion; suffix counts as input; best_of multiplies", () => {
    const prompts = ["Once upon a time", "In a galaxy far away"];
    const e = estimateRequest({ model: "text-davinci-003", prompt: prompts, suffix: " The end.", max_tokens: 50, n: 2, best_of: 4 }, { table });
    const perPrompt = prompts.map((p) => p50k.encode(p).length + p50k.encode(" The end.").length);
    expect(e.kind).toBe("completions");
    expect(e.promptTokens).toBe(perPrompt[0] + perPrompt[1]);
    expect(e.breakdown).toMatchObject({ prompts: 2, choices: 4, completionTokens: 50 * 4 * 2, largestPrompt: Math.max(...perPrompt) });
    expect(e.cost.total).toBeCloseTo(((perPrompt[0] + perPrompt[1]) * 20 + 400 * 20) / 1e6, 12);
    expect(e.warnings.join(" ")).toMatch(/best_of 4: all 4 completions are generated and billed/);
  });

  it("max_tokens defaults to 16, and the default prompt is <|endoftext|>", () => {
    const e = estimateRequest({ model: "davinci-002" }, { table, kind: "completions" });
    expect(e.maxTokens).toBe(16);
    expect(e.promptTokens).toBe(1);
  });

  it("token-array prompts count their tokens", () => {
    const e = estimateRequest(
      {
        model: "davinci-002",
        prompt: [
          [1, 2, 3],
          [4, 5],
        ],
        max_tokens: 1,
      },
      { table },
    );
    expect(e.promptTokens).toBe(5);
    expect(e.breakdown.prompts).toBe(2);
  });

  it("uses the completions wording when it does not fit", () => {
    const e = estimateRequest({ model: "text-davinci-003", prompt: "hello", max_tokens: 5000 }, { table });
    expect(e.fits).toBe(false);
    expect(e.problems[0]).toMatch(/^This model's maximum context length is 4097 tokens, however you requested 5001 tokens \(1 in your prompt; 5000 for the completion\)/);
  });
});

describe("embeddings and responses", () => {
  it("embeddings bill input only", () => {
    const inputs = ["first document", "second, longer document"];
    const e = estimateRequest({ model: "text-embedding-3-small", input: inputs, dimensions: 256 }, { table });
    expect(e.kind).toBe("embeddings");
    expect(e.promptTokens).toBe(cl100k.encode(inputs[0]).length + cl100k.encode(inputs[1]).length);
    expect(e.exact).toBe(true);
    expect(e.maxTokens).toBeNull();
    expect(e.cost.total).toBeCloseTo((e.promptTokens * 0.02) / 1e6, 14);
  });

  it("responses: instructions and input counted by the chat rule, marked inexact", () => {
    const e = estimateRequest({ model: "gpt-4o", instructions: "Be brief.", input: [{ role: "user", content: [{ type: "input_text", text: "Hello" }] }], max_output_tokens: 100 }, { table });
    expect(e.kind).toBe("responses");
    const chat = countChatTokens(
      [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
      { model: "gpt-4o" },
    );
    expect(e.promptTokens).toBe(chat.total);
    expect(e.exact).toBe(false);
    expect(e.maxTokensParam).toBe("max_output_tokens");
  });

  it("responses: replayed function calls and outputs are counted (inexact), earlier turns warned", () => {
    const enc = get_encoding("o200k_base");
    const base = estimateRequest({ model: "gpt-4o", input: "Weather in Paris?" }, { table });
    const withCall = estimateRequest(
      {
        model: "gpt-4o",
        input: [
          { role: "user", content: "Weather in Paris?" },
          { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "function_call_output", call_id: "c1", output: "18C" },
        ],
      },
      { table },
    );
    expect(withCall.promptTokens).toBe(base.promptTokens + enc.encode("get_weather").length + enc.encode('{"city":"Paris"}').length + enc.encode("18C").length);
    const previous = estimateRequest({ model: "gpt-4o", input: "And tomorrow?", previous_response_id: "resp_1" }, { table });
    expect(previous.warnings.join(" ")).toMatch(/earlier turns are billed as input too/);
  });

  it("responses: function tools are counted, built-in tools flagged", () => {
    const tools = [{ type: "function", name: "get_current_weather", description: weather.tools[0].function.description, parameters: weather.tools[0].function.parameters }];
    const e = estimateRequest({ model: "gpt-4o", input: "Weather?", tools }, { table });
    expect(e.breakdown.tools).toBe(countChatTokens([], { model: "gpt-4o", tools: weather.tools }).tools);
    const b = estimateRequest({ model: "gpt-4o", input: "Weather?", tools: [{ type: "web_search" }] }, { table });
    expect(b.warnings.join(" ")).toMatch(/built-in tool "web_search"/);
  });
});

describe("limits in each endpoint's words", () => {
  it("the Responses API's context message", () => {
    const expected = facts.api_error_examples.find((x: { kind: string }) => x.kind === "context_length_exceeded (Responses API)").body_streaming_error_event.error.message;
    const e = estimateRequest({ model: "gpt-4", input: "word ".repeat(9000) }, { table });
    expect(e.fits).toBe(false);
    expect(e.problems).toEqual([expected]);
  });

  it("the GPT-5 input cap, in the API's words", () => {
    const e = estimateRequest({ model: "gpt-5", messages: [{ role: "user", content: "hello ".repeat(280_000) }], max_completion_tokens: 100 });
    expect(e.fits).toBe(false);
    expect(e.problems[0]).toBe(`Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in ${e.promptTokens} tokens. Please reduce the length of the messages.`);
  });
});
