import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { guardFetch } from "../src/request/guard-fetch.js";
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

const chatBody = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Say hello." }], max_tokens: 50 };

function sdk(fetch: ReturnType<typeof guardFetch>, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) {
  return new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch, maxRetries: 2, ...extra });
}

describe("guardFetch with the official openai SDK", () => {
  it("meters chat, responses and embeddings calls; the SDK sees the API's response untouched", async () => {
    const guarded = guardFetch({ budget: { usd: 5 } });
    const openai = sdk(guarded);
    const chat = await openai.chat.completions.create(chatBody);
    expect(chat.choices[0].message.content).toBe("ok ok ok ok ok");
    expect(chat.usage?.completion_tokens).toBe(5);
    const resp = await openai.responses.create({ model: "gpt-4o-mini", input: "Write a haiku", max_output_tokens: 64 });
    expect(resp.output_text).toBe("ok ok ok ok ok");
    const emb = await openai.embeddings.create({ model: "text-embedding-3-small", input: "hello" });
    expect(emb.data[0].embedding).toHaveLength(3);
    const calls = guarded.calls();
    expect(calls.map((c) => [c.kind, c.outcome, c.actual?.source])).toEqual([
      ["chat", "settled", "usage"],
      ["responses", "settled", "usage"],
      ["embeddings", "settled", "usage"],
    ]);
    for (const c of calls) expect(c.difference?.promptTokens).toBe(0);
    const total = calls.reduce((s, c) => s + (c.actual?.usd ?? 0), 0);
    expect(guarded.spent().usd).toBeCloseTo(total, 12);
    expect(guarded.remaining().usd).toBeCloseTo(5 - total, 12);
    expect(guarded.status().reserved).toEqual({ usd: 0, tokens: 0 });
  });

  it("streams through the SDK untouched and settles from the usage chunk it asked for", async () => {
    const guarded = guardFetch({ budget: { usd: 5 } });
    const openai = sdk(guarded);
    const before = server.requests.length;
    const stream = await openai.chat.completions.create({ ...chatBody, stream: true });
    let text = "";
    let lastUsage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) lastUsage = chunk.usage;
    }
    expect(text).toBe("ok ok ok ok ok");
    expect(lastUsage).toMatchObject({ completion_tokens: 5 });
    expect(server.requests[before].body.stream_options).toEqual({ include_usage: true });
    const [call] = guarded.calls();
    expect(call.actual).toMatchObject({ source: "usage", completionTokens: 5 });
    expect(guarded.status().reserved.usd).toBe(0);

    const rs = await openai.responses.create({ model: "gpt-4o-mini", input: "hi", max_output_tokens: 32, stream: true });
    const types: string[] = [];
    for await (const e of rs) types.push(e.type);
    expect(types.at(-1)).toBe("response.completed");
    expect(guarded.calls()[1].actual).toMatchObject({ source: "usage", completionTokens: 5 });
  });

  it("a stream the SDK aborts is settled from what was received", async () => {
    const guarded = guardFetch();
    const openai = sdk(guarded);
    server.queue.push({ eventDelayMs: 20 });
    const stream = await openai.chat.completions.create({ ...chatBody, stream: true });
    let n = 0;
    for await (const _ of stream) {
      void _;
      if (++n === 3) break;
    }
    await expect.poll(() => guarded.calls().length).toBe(1);
    expect(guarded.calls()[0].actual).toMatchObject({ source: "counted" });
    expect(guarded.calls()[0].actual!.completionTokens).toBeGreaterThanOrEqual(2);
  });

  it("refuses invalid requests before they leave: BadRequestError, not retried, nothing sent", async () => {
    const refused: string[] = [];
    const guarded = guardFetch({ onRefuse: (e) => refused.push(e.code) });
    const openai = sdk(guarded);
    const before = server.requests.length;
    const err = await openai.chat.completions.create({ ...chatBody, max_token: 5 } as never).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.code).toBe("tokcost_invalid_request");
    expect(err.param).toBe("max_token");
    expect(err.message).toContain("tokcost refused this request before sending it: Unrecognized request argument supplied: max_token");
    expect(err.headers.get("x-tokcost-refused")).toBe("INVALID_REQUEST");
    const ctx = await openai.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "word ".repeat(9000) }], max_tokens: 10 }).catch((e) => e);
    expect(ctx).toBeInstanceOf(OpenAI.BadRequestError);
    expect(ctx.code).toBe("context_length_exceeded");
    expect(server.requests.length).toBe(before);
    expect(refused).toEqual(["INVALID_REQUEST", "CONTEXT_LIMIT"]);
  });

  it("refuses a call that would overspend with a RateLimitError the SDK does not retry", async () => {
    const guarded = guardFetch({ budget: { tokens: 100 } });
    const openai = sdk(guarded);
    const before = server.requests.length;
    const err = await openai.chat.completions.create({ ...chatBody, max_tokens: 500 }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.type).toBe("insufficient_quota");
    expect(err.code).toBe("tokcost_budget_exceeded");
    expect(err.message).toMatch(/budget exceeded: this call may use up to \d+ tokens/);
    expect(server.requests.length).toBe(before);
    const ok = await openai.chat.completions.create({ ...chatBody, max_tokens: 20 });
    expect(ok.usage?.total_tokens).toBe(guarded.spent().tokens);
  });

  it("lets the SDK retry 429/500; each attempt's reservation is released, the success settled once", async () => {
    const guarded = guardFetch({ budget: { usd: 1 } });
    const openai = sdk(guarded);
    server.queue.push({ status: 429, headers: { "retry-after-ms": "1" } }, { status: 500, headers: { "retry-after-ms": "1" } });
    const res = await openai.chat.completions.create(chatBody);
    expect(res.usage?.completion_tokens).toBe(5);
    expect(guarded.summary()).toMatchObject({ calls: 3, released: 2, settled: 1 });
    expect(guarded.status().reserved.usd).toBe(0);
    expect(guarded.spent().tokens).toBe(res.usage?.total_tokens);
  });

  it("passes other requests through untouched and keeps API errors as the SDK knows them", async () => {
    const guarded = guardFetch({ budget: { usd: 1 } });
    const openai = sdk(guarded, { maxRetries: 0 });
    const models = await openai.models.list();
    expect(models.data[0].id).toBe("gpt-4o-mini");
    const bad = new OpenAI({ apiKey: "sk-wrong-key-abcdefghijklmnop", baseURL: server.baseURL, fetch: guarded, maxRetries: 0 });
    const err = await bad.chat.completions.create(chatBody).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe("invalid_api_key");
    expect(guarded.calls().at(-1)?.outcome).toBe("released");
    expect(guarded.spent().usd).toBe(0);
  });
});
