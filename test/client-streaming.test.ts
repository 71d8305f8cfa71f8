import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/request/client.js";
import { SseParser } from "../src/request/sse.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.queue.length = 0;
});

const chatBody = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Count to five." }], max_tokens: 50 };

function client(extra: Parameters<typeof createClient>[0] = {}) {
  return createClient({ apiKey: server.apiKey, baseURL: server.baseURL, retry: { initialDelayMs: 1, maxDelayMs: 5 }, ...extra });
}

describe("SseParser", () => {
  it("parses events split anywhere, CRLF and LF, comments, multi-line data and [DONE]", () => {
    const text = ': keep-alive\r\nevent: response.created\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const p = new SseParser();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...p.push(bytes.slice(i, i + size)));
      events.push(...p.end());
      expect(events).toEqual([
        { event: "response.created", data: '{"a":1}', id: null },
        { event: null, data: "line1\nline2", id: null },
        { event: null, data: "[DONE]", id: null },
      ]);
    }
  });
  it("decodes multi-byte characters split across chunks", () => {
    const bytes = new TextEncoder().encode("data: héllo 世界\n\n");
    const p = new SseParser();
    const events = [...bytes].flatMap((b) => p.push(new Uint8Array([b])));
    expect(events[0].data).toBe("héllo 世界");
  });
});

describe("createClient: streaming", () => {
  it("chat: yields the events, adds include_usage and settles from the final usage", async () => {
    const c = client({ budget: { usd: 1 } });
    const before = server.requests.length;
    const stream = await c.chat.completions.create({ ...chatBody, stream: true });
    expect(server.requests[before].body.stream_options).toEqual({ include_usage: true });
    expect(c.status().reserved.usd).toBeGreaterThan(0);
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(text).toBe("ok ok ok ok ok");
    expect(chunks).toBe(8); // role, 5 words, finish, usage
    const report = await stream.done;
    expect(report.usage).toMatchObject({ promptTokens: stream.estimate.promptTokens, completionTokens: 5 });
    expect(report.record.actual?.source).toBe("usage");
    expect(c.status().reserved).toEqual({ usd: 0, tokens: 0 });
    expect(c.spent().tokens).toBe(stream.estimate.promptTokens + 5);
  });

  it("keeps the caller's stream_options", async () => {
    const c = client();
    const before = server.requests.length;
    const stream = await c.chat.completions.create({ ...chatBody, stream: true, stream_options: { include_obfuscation: false } });
    for await (const _ of stream) void _;
    expect(server.requests[before].body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
  });

  it("completions and responses streams settle from their usage", async () => {
    const c = client();
    const s1 = await c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "One, two,", max_tokens: 3, stream: true });
    let t1 = "";
    for await (const e of s1) t1 += e.choices[0]?.text ?? "";
    expect(t1).toBe("ok ok ok");
    expect((await s1.done).usage?.completionTokens).toBe(3);
    const before = server.requests.length;
    const s2 = await c.responses.create({ model: "gpt-4o-mini", input: "Say ok", max_output_tokens: 16, stream: true });
    expect(server.requests[before].body.stream_options).toBeUndefined();
    const types: string[] = [];
    for await (const e of s2) types.push(e.type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const r2 = await s2.done;
    expect(r2.usage).toMatchObject({ promptTokens: s2.estimate.promptTokens, completionTokens: 5 });
    expect(c.summary()).toMatchObject({ settled: 2, exactPromptCalls: 2 });
  });

  it("breaking out of the loop closes the stream and settles from what was received", async () => {
    const c = client({ budget: { tokens: 10_000 } });
    server.queue.push({ eventDelayMs: 20 });
    const stream = await c.chat.completions.create({ ...chatBody, stream: true });
    let n = 0;
    for await (const _ of stream) {
      void _;
      if (++n === 3) break; // role chunk + 2 words
    }
    const report = await stream.done;
    expect(report.record.actual).toMatchObject({ source: "counted", promptTokens: stream.estimate.promptTokens, completionTokens: 2 });
    expect(c.status().reserved.tokens).toBe(0);
    expect(c.spent().tokens).toBe(stream.estimate.promptTokens + 2);
  });

  it("an AbortSignal ends a hanging stream with ABORTED and settles it once", async () => {
    const c = client({ budget: { usd: 1 } });
    server.queue.push({ hangAfterEvents: 2 });
    const controller = new AbortController();
    const stream = await c.chat.completions.create({ ...chatBody, stream: true }, { signal: controller.signal });
    const seen: unknown[] = [];
    const consume = (async () => {
      for await (const e of stream) {
        seen.push(e);
        if (seen.length === 2) setTimeout(() => controller.abort(), 10);
      }
    })();
    await expect(consume).rejects.toMatchObject({ code: "ABORTED" });
    const report = await stream.done;
    expect(report.record.outcome).toBe("settled");
    expect(report.record.actual?.completionTokens).toBe(1);
    expect(c.summary()).toMatchObject({ calls: 1, settled: 1 });
    expect(c.status().reserved.usd).toBe(0);
    await stream.abort(); // idempotent
    expect(c.summary().calls).toBe(1);
  });

  it("stream.abort() before reading settles the prompt", async () => {
    const c = client();
    server.queue.push({ hangAfterEvents: 0 });
    const stream = await c.chat.completions.create({ ...chatBody, stream: true });
    const report = await stream.abort();
    expect(report.record.actual).toMatchObject({ source: "counted", completionTokens: 0, promptTokens: stream.estimate.promptTokens });
  });

  it("a stream that cannot start is an API error and releases the reservation", async () => {
    const c = client({ maxRetries: 0, budget: { usd: 1 } });
    server.queue.push({ status: 500 });
    await expect(c.chat.completions.create({ ...chatBody, stream: true })).rejects.toMatchObject({ code: "API_ERROR", status: 500 });
    expect(c.status().reserved.usd).toBe(0);
    expect(c.spent().usd).toBe(0);
  });
});

describe("createClient: stream timeouts", () => {
  it("a stream that stops sending ends with TIMEOUT after timeoutMs without data, and is settled", async () => {
    const c = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, timeoutMs: 150, budget: { usd: 1 } });
    server.queue.push({ hangAfterEvents: 3 });
    const stream = await c.chat.completions.create({ ...chatBody, stream: true });
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const e of stream) seen.push(e);
    })().catch((e) => e);
    expect(err).toMatchObject({ code: "TIMEOUT", timeoutMs: 150 });
    expect(err.message).toContain("stream (no data) timed out after 150 ms");
    expect(seen).toHaveLength(3);
    const report = await stream.done;
    expect(report.record.actual).toMatchObject({ source: "counted", completionTokens: 2 });
    expect(c.status().reserved.usd).toBe(0);
  });
});
