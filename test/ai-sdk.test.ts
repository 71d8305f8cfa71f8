/**
 * tokcost/ai-sdk with the real `ai` (6.x) and `@ai-sdk/openai` (3.x) against the fake OpenAI API on
 * 127.0.0.1: calls refused before the network (budget, window, output cap, invalid), calls
 * metered after it (generateText, streamText, generateObject, tools, chat and responses models),
 * a cancelled stream settled from what it received.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, jsonSchema, streamText, tool, wrapLanguageModel, type ModelMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { tokcostMiddleware } from "../src/ai-sdk/middleware.js";
import type { CallRecord } from "../src/request/meter.js";
import { TokcostError } from "../src/errors.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
let openai: ReturnType<typeof createOpenAI>;
beforeAll(async () => {
  server = await startFakeOpenAI();
  openai = createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL });
});
afterAll(async () => {
  await server.close();
});

describe("tokcostMiddleware (ai 6 + @ai-sdk/openai 3)", () => {
  it("generateText on a chat model: exact prompt count, settled from usage, record attached", async () => {
    const records: CallRecord[] = [];
    const middleware = tokcostMiddleware({ budget: { usd: 1 }, maxTokens: 50, onRecord: (r) => records.push(r) });
    const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware });
    server.usageQueue.push({ cachedTokens: 3 });
    const before = server.requests.length;
    const result = await generateText({ model, system: "Be brief.", prompt: "Say hi to the tokenizer.", maxRetries: 0 });
    expect(server.requests.length).toBe(before + 1);
    const sent = server.requests.at(-1)!;
    expect(sent.body.max_tokens).toBe(50); // maxTokens filled in for a call that set none
    const meta = result.providerMetadata?.tokcost as unknown as CallRecord;
    expect(meta.outcome).toBe("settled");
    expect(meta.estimate.exact).toBe(true);
    expect(meta.estimate.promptTokens).toBe(result.usage.inputTokens);
    expect(meta.actual).toMatchObject({ promptTokens: result.usage.inputTokens, completionTokens: result.usage.outputTokens, cachedTokens: 3, source: "usage" });
    expect(records).toHaveLength(1);
    expect(middleware.budget.status().spent.usd).toBeCloseTo(meta.actual!.usd!, 15);
    expect(middleware.budget.status().reserved).toEqual({ usd: 0, tokens: 0 });
  });

  it("tools, tool calls and tool results, on chat and responses models: the prompt count equals the API's", async () => {
    // a PNG header (tokcost reads the size from it): 512 × 300
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0, 0, 0, 1, 44, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
    const messages: ModelMessage[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "Weather in Paris? Here is the sky:" },
          { type: "image", image: png, mediaType: "image/png" },
        ],
      },
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: { city: "Paris" } }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", toolName: "weather", output: { type: "json", value: { tempC: 21, sky: "clear" } } }] },
      { role: "assistant", content: "It is 21 °C and clear." },
      { role: "user", content: "And tomorrow?" },
    ];
    const tools = {
      weather: tool({
        description: "Current weather for a city",
        inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"], additionalProperties: false }),
      }),
    };
    for (const base of [openai.chat("gpt-4o-mini"), openai("gpt-4o-mini")]) {
      const middleware = tokcostMiddleware({ maxTokens: 40 });
      const model = wrapLanguageModel({ model: base, middleware });
      const result = await generateText({ model, system: "You are a weather bot.", messages, tools, maxRetries: 0 });
      const record = middleware.calls()[0];
      expect(record.kind).toBe(base.provider === "openai.chat" ? "chat" : "responses");
      expect(record.estimate.promptTokens).toBe(result.usage.inputTokens);
      expect(record.estimate.promptTokens).toBeGreaterThan(255); // the image counts (512 × 300 at high detail)
    }
  });

  it("refuses before the network: over budget, over the window, over the output cap, each a TokcostError", async () => {
    const before = server.requests.length;
    const small = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware: tokcostMiddleware({ budget: { usd: 0.000001 } }) });
    const over = await generateText({ model: small, prompt: "Hello", maxOutputTokens: 1000, maxRetries: 0 }).catch((e) => e);
    expect(over).toBeInstanceOf(TokcostError);
    expect(over).toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(String(over.message)).toMatch(/^budget exceeded: this call may cost up to \$[\d.e-]+ on gpt-4o-mini/);
    const plain = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware: tokcostMiddleware() });
    await expect(generateText({ model: plain, prompt: "word ".repeat(130_000), maxOutputTokens: 100, maxRetries: 0 })).rejects.toMatchObject({ code: "CONTEXT_LIMIT" });
    await expect(generateText({ model: plain, prompt: "Hi", maxOutputTokens: 100_000, maxRetries: 0 })).rejects.toMatchObject({ code: "MAX_OUTPUT" });
    // a budget on a call that sets no maxOutputTokens reserves the model's whole room
    const roomy = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware: tokcostMiddleware({ budget: { usd: 0.001 } }) });
    await expect(generateText({ model: roomy, prompt: "Hi", maxRetries: 0 })).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(server.requests.length).toBe(before);
  });

  it("streamText settles from the stream's usage at finish; a refused stream reports the TokcostError and sends nothing", async () => {
    const middleware = tokcostMiddleware({ budget: { usd: 1 } });
    const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware });
    server.usageQueue.push({ completionTokens: 7 });
    const result = streamText({ model, prompt: "Stream a few words.", maxOutputTokens: 30, maxRetries: 0 });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    const usage = await result.usage;
    const meta = (await result.providerMetadata)?.tokcost as unknown as CallRecord;
    expect(text).toBe("ok ok ok ok ok ok ok");
    expect(meta).toMatchObject({ outcome: "settled", actual: { source: "usage", completionTokens: 7, promptTokens: usage.inputTokens } });
    expect(meta.estimate.promptTokens).toBe(usage.inputTokens);

    const before = server.requests.length;
    const errors: unknown[] = [];
    const refused = streamText({
      model: wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware: tokcostMiddleware({ budget: { tokens: 10 } }) }),
      prompt: "Hi",
      maxOutputTokens: 30,
      maxRetries: 0,
      onError: ({ error }) => void errors.push(error),
    });
    for await (const _ of refused.fullStream) void _;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(server.requests.length).toBe(before);
  });

  it("a cancelled stream settles from the prompt estimate and the output received; the budget is not left holding it", async () => {
    const records: CallRecord[] = [];
    const middleware = tokcostMiddleware({ budget: { usd: 1 }, onRecord: (r) => records.push(r) });
    const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware });
    server.queue.push({ hangAfterEvents: 3 });
    const abort = new AbortController();
    const result = streamText({ model, prompt: "Keep going.", maxOutputTokens: 30, maxRetries: 0, abortSignal: abort.signal, onError: () => undefined });
    let text = "";
    for await (const delta of result.textStream) {
      text += delta;
      if (text === "ok ok") abort.abort();
    }
    await new Promise<void>((resolve) => {
      const check = () => (records.length ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(records[0]).toMatchObject({ outcome: "settled", actual: { source: "counted", completionTokens: 2 } });
    expect(records[0].warnings?.[0]).toMatch(/the stream (failed|was cancelled): settled from the prompt estimate and the 2 output tokens received/);
    expect(middleware.budget.status().reserved).toEqual({ usd: 0, tokens: 0 });
  });

  it("generateObject: the JSON schema is part of the pre-flight; a failed call releases its reservation", async () => {
    const middleware = tokcostMiddleware({ budget: { usd: 1 }, maxTokens: 20 });
    const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware });
    server.queue.push({ status: 500 });
    await expect(generateObject({ model, schema: z.object({ ok: z.string() }), prompt: "Say ok as JSON.", maxRetries: 0 })).rejects.toThrow();
    expect(middleware.calls()[0]).toMatchObject({ outcome: "released" });
    expect(middleware.budget.status()).toMatchObject({ spent: { usd: 0 }, reserved: { usd: 0 } });
    expect(server.requests.at(-1)!.body.response_format.type).toBe("json_schema");
  });
});
