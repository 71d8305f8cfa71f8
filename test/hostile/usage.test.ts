/**
 * Issue 14 items 4 and 5: a 200 whose usage cannot be read (negative, fractional, huge, strings,
 * nulls, only total_tokens) is still returned to the caller, and settles at the reserved worst
 * case with a warning on the record — never at $0, never leaving the reservation open.
 */
import { describe, expect, it } from "vitest";
import OpenAI from "openai";
import { createClient } from "../../src/request/client.js";
import { guardFetch } from "../../src/request/guard-fetch.js";
import { readUsage } from "../../src/request/meter.js";

const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 100 };

function completion(usage: unknown): Record<string, unknown> {
  return { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }], usage };
}

const fetchReturning = (json: unknown) => (async () => new Response(JSON.stringify(json), { status: 200, headers: { "content-type": "application/json" } })) as unknown as typeof fetch;

const BAD_USAGE: Array<[string, unknown]> = [
  ["negative prompt_tokens", { prompt_tokens: -5, completion_tokens: 3, total_tokens: -2 }],
  ["fractional prompt_tokens", { prompt_tokens: 8.5, completion_tokens: 3, total_tokens: 11.5 }],
  ["huge prompt_tokens", { prompt_tokens: 1e308, completion_tokens: 3, total_tokens: 1e308 }],
  ["string counts", { prompt_tokens: "9", completion_tokens: "3", total_tokens: "12" }],
  ["null counts", { prompt_tokens: null, completion_tokens: null, total_tokens: null }],
  ["only total_tokens", { total_tokens: 12 }],
  ["a string", "lots"],
  ["negative completion_tokens", { prompt_tokens: 9, completion_tokens: -1000, total_tokens: 9 }],
];

describe("createClient: unreadable usage", () => {
  for (const [name, usage] of BAD_USAGE) {
    it(`${name}: the response comes back, settled at the worst case with a warning`, async () => {
      const client = createClient({ apiKey: "sk-test-0123456789abcdef", baseURL: "https://example.com/v1", budget: { usd: 1 }, fetch: fetchReturning(completion(usage)) });
      const res = await client.chat.completions.create(body);
      expect(res.choices[0].message.content).toBe("hello");
      const { record } = res.tokcost;
      expect(record.outcome).toBe("settled");
      expect(record.actual?.source).toBe("reserved");
      expect(record.actual?.usd).toBeGreaterThan(0);
      expect(record.actual?.usd).toBeCloseTo(record.reserved.usd, 12);
      expect(record.warnings?.[0]).toMatch(/usage.*settled at the reserved worst case/);
      const status = client.status();
      expect(status.reserved).toEqual({ usd: 0, tokens: 0 });
      expect(status.spent.usd).toBeCloseTo(record.reserved.usd, 12);
    });
  }

  it("valid usage is still settled from usage, without warnings", async () => {
    const client = createClient({
      apiKey: "sk-test-0123456789abcdef",
      baseURL: "https://example.com/v1",
      budget: { usd: 1 },
      fetch: fetchReturning(completion({ prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 })),
    });
    const res = await client.chat.completions.create(body);
    expect(res.tokcost.record.actual).toMatchObject({ source: "usage", promptTokens: 8, completionTokens: 1 });
    expect(res.tokcost.record.warnings).toBeUndefined();
  });

  it("a streamed response with unreadable usage settles at the worst case; data: null is skipped, not a TypeError", async () => {
    const events = [
      { id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }], usage: null },
      null,
      { id: "c", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: -1, completion_tokens: 1, total_tokens: 0 } },
    ];
    const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
    const fetch = (async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } })) as unknown as typeof globalThis.fetch;
    const client = createClient({ apiKey: "sk-test-0123456789abcdef", baseURL: "https://example.com/v1", budget: { usd: 1 }, fetch });
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const seen: unknown[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen).toHaveLength(2);
    const report = await stream.done;
    expect(report.record.actual?.source).toBe("reserved");
    expect(report.record.warnings?.[0]).toContain("usage.prompt_tokens is -1");
  });
});

describe("guardFetch: unreadable usage", () => {
  it("returns the response to the SDK and settles at the worst case (not $0)", async () => {
    const guarded = guardFetch({ budget: { usd: 1 }, fetch: fetchReturning(completion({ prompt_tokens: 8.5, completion_tokens: "x" })) });
    const openai = new OpenAI({ apiKey: "sk-test-0123456789abcdef", baseURL: "https://example.com/v1", fetch: guarded, maxRetries: 0 });
    const res = await openai.chat.completions.create({ ...body, messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0].message.content).toBe("hello");
    const [record] = guarded.calls();
    expect(record.actual?.source).toBe("reserved");
    expect(record.actual?.usd).toBeGreaterThan(0);
    expect(record.warnings?.[0]).toContain("usage.prompt_tokens is 8.5");
    expect(guarded.status().reserved.usd).toBe(0);
  });
});

describe("readUsage", () => {
  it("reads the API's shapes, and embeddings without completion tokens", () => {
    expect(readUsage({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } }).usage).toEqual({
      promptTokens: 5,
      cachedTokens: 3,
      completionTokens: 2,
      reasoningTokens: 0,
      totalTokens: 7,
    });
    expect(readUsage({ input_tokens: 5, output_tokens: 2, total_tokens: 7 }).usage?.completionTokens).toBe(2);
    expect(readUsage({ prompt_tokens: 5, total_tokens: 5 }, "embeddings").usage?.completionTokens).toBe(0);
    expect(readUsage(null)).toEqual({ usage: null, problem: null });
    expect(readUsage(undefined)).toEqual({ usage: null, problem: null });
  });

  it("never reads an unreadable count as zero", () => {
    for (const [, usage] of BAD_USAGE) expect(readUsage(usage, "chat").problem).toEqual(expect.any(String));
    // a cached count above the prompt (or not a count) prices everything at the full rate
    expect(readUsage({ prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } }).usage?.cachedTokens).toBe(0);
  });
});
