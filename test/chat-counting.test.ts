/**
 * Chat message and tool-definition counts against every API-measured count in
 * chat-counting.json (OpenAI cookbook).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { countChatTokens, countFunctionDefinitions, chatFormatFor, getEncoding, InputError } from "../src/index.js";
import { referencePath } from "./helpers/cli.js";

interface MessageCount {
  model: string;
  count_by_function: number;
  prompt_tokens_reported_by_api: number;
  api_measured: boolean;
  note?: string;
}
const ref = JSON.parse(readFileSync(referencePath("chat-counting.json"), "utf8")) as {
  cookbook_example_messages: { messages: Array<{ role: string; content: string; name?: string }> };
  chat_message_counts: MessageCount[];
  tools_token_counts: Array<{
    model: string;
    tools: Array<{ type: string; function: { name: string; description: string; parameters: Record<string, unknown> } }>;
    messages: Array<{ role: string; content: string }>;
    prompt_tokens_reported_by_api: number;
  }>;
};
const messages = ref.cookbook_example_messages.messages;

describe("countChatTokens reproduces the API-measured cookbook counts", () => {
  const measured = ref.chat_message_counts.filter((c) => c.api_measured && !c.note);
  it.each(measured.map((c) => [c.model, c.prompt_tokens_reported_by_api] as const))("%s → %i prompt tokens", (model, expected) => {
    const result = countChatTokens(messages, { model });
    expect(result.total).toBe(expected);
    expect(result.exact).toBe(true);
  });

  it("the notebook's alias mismatch: gpt-3.5-turbo then meant gpt-3.5-turbo-0301 (API 127)", () => {
    const drift = ref.chat_message_counts.find((c) => c.note !== undefined)!;
    expect(drift.prompt_tokens_reported_by_api).toBe(127);
    expect(countChatTokens(messages, { model: "gpt-3.5-turbo-0301" }).total).toBe(drift.prompt_tokens_reported_by_api);
    // and the function's own answer for the alias as it is today
    expect(countChatTokens(messages, { model: drift.model }).total).toBe(drift.count_by_function);
  });

  it("uses 4 per message and −1 per name for gpt-3.5-turbo-0301 only", () => {
    expect(chatFormatFor("gpt-3.5-turbo-0301")).toMatchObject({ tokensPerMessage: 4, tokensPerName: -1, replyPriming: 3 });
    expect(chatFormatFor("gpt-4o-2024-08-06")).toMatchObject({ tokensPerMessage: 3, tokensPerName: 1, replyPriming: 3 });
    expect(chatFormatFor("ft:gpt-4o-mini-2024-07-18:org::abc")).toMatchObject({ tokensPerMessage: 3, measured: { messages: expect.any(String) } });
  });

  it("counts each message as framing + encoded values, with per-message totals", () => {
    const enc = get_encoding("o200k_base");
    const result = countChatTokens([{ role: "user", name: "bob", content: "Hello there" }], { model: "gpt-4o" });
    const expected = 3 + enc.encode("user").length + enc.encode("bob").length + 1 + enc.encode("Hello there").length;
    expect(result.perMessage).toEqual([expected]);
    expect(result.total).toBe(expected + 3);
    expect(result.replyPriming).toBe(3);
  });

  it("marks models OpenAI has not measured as inexact, with a reason", () => {
    const result = countChatTokens(messages, { model: "o3" });
    expect(result.total).toBe(123); // same o200k encoding; o3 primes the reply with 2 tokens (o3-mini's recorded constant)
    expect(result.exact).toBe(false);
    expect(result.warnings.join(" ")).toMatch(/message framing for o3: not measured/);
  });

  it("tool calls: exact where recorded traffic measured them (gpt-4o), inexact elsewhere; several text parts inexact", () => {
    const conversation = [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "18C" },
    ];
    const onGpt4o = countChatTokens(conversation, { model: "gpt-4o" });
    expect(onGpt4o.exact).toBe(true);
    // The call as billed: name + compact JSON arguments + 3; the result names the function it answers (+1).
    const enc = getEncoding("o200k_base");
    const call = enc.count("get_weather") + enc.count('{"city":"Paris"}') + 3;
    const result = 3 + enc.count("tool") + enc.count("18C") + enc.count("functions.get_weather") + 1;
    expect(onGpt4o.toolCalls).toBe(call);
    expect(onGpt4o.toolResults).toBe(result);
    expect(onGpt4o.total).toBe(3 + enc.count("user") + enc.count("Weather in Paris?") + 3 + enc.count("assistant") + call + result + 3);
    expect(countChatTokens(conversation, { model: "gpt-4.1" }).exact).toBe(false);
    // A result whose call is not in the conversation cannot be counted exactly.
    expect(countChatTokens([conversation[2]], { model: "gpt-4o" }).warnings.join(" ")).toMatch(/whose call is not in the conversation/);
    const parts = countChatTokens(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ],
      { model: "gpt-4o" },
    );
    expect(parts.exact).toBe(false);
    const onePart = countChatTokens([{ role: "user", content: [{ type: "text", text: "Hello there" }] }], { model: "gpt-4o" });
    expect(onePart.exact).toBe(true);
    expect(onePart.total).toBe(countChatTokens([{ role: "user", content: "Hello there" }], { model: "gpt-4o" }).total);
  });
});

describe("messages that cannot be counted", () => {
  it("content that is not text or parts, and a text part without text, are errors that name the field (never a made-up count)", () => {
    const bad = (messages: unknown) => () => countChatTokens(messages as never, { model: "gpt-4o" });
    expect(bad([{ role: "user", content: 5 }])).toThrow(InputError);
    expect(bad([{ role: "user", content: 5 }])).toThrow("messages[0].content must be a string or an array of content parts, got number");
    expect(
      bad([
        { role: "system", content: "ok" },
        { role: "user", content: [{ type: "text" }] },
      ]),
    ).toThrow("messages[1].content[0].text must be a string, got undefined");
    expect(countChatTokens([{ role: "user", content: [{ type: "text", text: "hi" }] }], { model: "gpt-4o" }).total).toBe(countChatTokens([{ role: "user", content: "hi" }], { model: "gpt-4o" }).total);
  });

  it("a function tool without a function definition or a name, and tools that are not an array, are errors", () => {
    const messages = [{ role: "user", content: "hi" }];
    const bad = (options: object) => () => countChatTokens(messages, { model: "gpt-4o", ...options } as never);
    expect(bad({ tools: [{ type: "function" }] })).toThrow("tools[0].function must be a function definition with a name ({ name, description?, parameters? })");
    expect(bad({ tools: [{ type: "function", function: { description: "no name" } }] })).toThrow(InputError);
    expect(bad({ functions: [{ description: "no name" }] })).toThrow("functions[0] must be a function definition with a name");
    expect(bad({ tools: "get_weather" })).toThrow("tools must be an array of tool definitions");
    expect(() => countFunctionDefinitions([{ description: "x" } as never], { model: "gpt-4o", encoding: getEncoding("o200k_base") })).toThrow(InputError);
    // a built-in tool is not an error: it is not counted, and the result says so
    const builtIn = countChatTokens(messages, { model: "gpt-4o", tools: [{ type: "web_search" }] } as never);
    expect(builtIn.exact).toBe(false);
    expect(builtIn.warnings.join(" ")).toContain('tools of type "web_search" are not counted');
  });
});

describe("tool definitions reproduce the API-measured weather example", () => {
  it.each(ref.tools_token_counts.map((c) => [c.model, c.prompt_tokens_reported_by_api, c] as const))("%s → %i prompt tokens", (model, expected, c) => {
    const result = countChatTokens(c.messages, { model, tools: c.tools });
    expect(result.total).toBe(expected);
    expect(result.exact).toBe(true);
    expect(result.tools).toBeGreaterThan(0);
    expect(result.messages + result.tools).toBe(expected);
  });

  it("counts legacy functions like tools, but says the shape was not measured", () => {
    const c = ref.tools_token_counts[0];
    const viaTools = countChatTokens(c.messages, { model: "gpt-4o", tools: c.tools });
    const viaFunctions = countChatTokens(c.messages, { model: "gpt-4o", functions: c.tools.map((t) => t.function) });
    expect(viaFunctions.total).toBe(viaTools.total);
    expect(viaFunctions.exact).toBe(false);
  });

  it("counts definitions as their rendered namespace + 9; nested objects on gpt-4o are counted but inexact", () => {
    const enc = getEncoding("o200k_base");
    const flat = countFunctionDefinitions([{ name: "f", description: "Do it.", parameters: { type: "object", properties: { a: { type: "string", description: "A" } } } }], {
      model: "gpt-4o",
      encoding: enc,
    });
    expect(flat.tokens).toBe(enc.count("namespace functions {\n\n// Do it.\ntype f = (_: {\n// A\na?: string,\n}) => any;\n\n} // namespace functions") + 9);
    expect(flat.exact).toBe(true);
    const nested = countFunctionDefinitions(
      [
        {
          name: "f",
          description: "Do it",
          parameters: {
            type: "object",
            properties: {
              a: { type: "object", description: "A", properties: { b: { type: "string", description: "B", enum: ["x", "y"] } } },
              list: { type: "array", description: "L", items: { type: "string" } },
            },
          },
        },
      ],
      { model: "gpt-4o", encoding: enc },
    );
    expect(nested.exact).toBe(false);
    expect(nested.tokens).toBeGreaterThan(flat.tokens);
    expect(nested.warnings.join(" ")).toMatch(/nested object parameters for gpt-4o: not measured/);
  });

  it("no tools cost nothing", () => {
    expect(countFunctionDefinitions([], { model: "gpt-4o", encoding: getEncoding("o200k_base") }).tokens).toBe(0);
  });
});
