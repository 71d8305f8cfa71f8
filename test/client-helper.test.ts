import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/request/client.js";
import { ApiError } from "../src/request/http-errors.js";
import { costOf } from "../src/pricing/cost.js";
import { getModel } from "../src/pricing/table.js";
import { estimateRequest } from "../src/request/estimate-request.js";
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
  server.usageQueue.length = 0;
  server.handler = undefined;
});

const chatBody = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello in five words." }], max_tokens: 50 };
const fast = { initialDelayMs: 1, maxDelayMs: 5 };

function client(extra: Parameters<typeof createClient>[0] = {}) {
  return createClient({ apiKey: server.apiKey, baseURL: server.baseURL, retry: fast, ...extra });
}

describe("createClient: the four endpoints", () => {
  it("chat: returns the API's JSON unchanged, with the estimate and the actual cost attached", async () => {
    const c = client();
    const before = server.requests.length;
    const res = await c.chat.completions.create(chatBody);
    const raw = server.requests[before];
    expect(raw.path).toBe("/v1/chat/completions");
    expect(raw.body).toEqual(chatBody);
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0].message.content).toBe("ok ok ok ok ok");
    expect(Object.keys(res)).not.toContain("tokcost");
    expect(JSON.parse(JSON.stringify(res)).usage.completion_tokens).toBe(5);
    const report = res.tokcost;
    expect(report.estimate.kind).toBe("chat");
    expect(report.estimate.promptTokens).toBe(res.usage.prompt_tokens);
    expect(report.record.outcome).toBe("settled");
    expect(report.record.actual?.source).toBe("usage");
    const expected = costOf(getModel("gpt-4o-mini"), { inputTokens: res.usage.prompt_tokens, outputTokens: 5 }).total;
    expect(report.record.actual?.usd).toBeCloseTo(expected as number, 12);
    expect(report.record.difference?.promptTokens).toBe(0);
    expect(report.record.difference?.usd).toBeLessThan(0); // 5 of 50 completion tokens used
    expect(c.spent().usd).toBeCloseTo(expected as number, 12);
    expect(c.spent().tokens).toBe(res.usage.total_tokens);
    expect(c.summary()).toMatchObject({ calls: 1, settled: 1, exactPromptCalls: 1 });
  });

  it("completions, responses and embeddings go to their endpoints and are metered", async () => {
    const c = client();
    const comp = await c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon a time", max_tokens: 8 });
    expect(comp.object).toBe("text_completion");
    expect(comp.tokcost.usage?.promptTokens).toBe(comp.tokcost.estimate.promptTokens);
    const resp = await c.responses.create({ model: "gpt-4o-mini", input: "Write a haiku", max_output_tokens: 40 });
    expect(resp.object).toBe("response");
    expect(resp.tokcost.usage?.promptTokens).toBe(resp.usage.input_tokens);
    const emb = await c.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta gamma"] });
    expect(emb.data).toHaveLength(2);
    expect(emb.tokcost.record.actual?.completionTokens).toBe(0);
    expect(c.calls().map((r) => r.kind)).toEqual(["completions", "responses", "embeddings"]);
    expect(c.summary().exactPromptCalls).toBe(3);
  });

  it("bills cached input at the cached rate and reasoning tokens as output", async () => {
    const c = client();
    server.usageQueue.push({ cachedTokens: 6, reasoningTokens: 20, completionTokens: 30 });
    const res = await c.chat.completions.create({ model: "o4-mini", messages: [{ role: "user", content: "Prove that there are infinitely many primes, briefly." }], max_completion_tokens: 100 });
    expect(res.usage.prompt_tokens_details.cached_tokens).toBe(6);
    expect(res.usage.completion_tokens_details.reasoning_tokens).toBe(20);
    const entry = getModel("o4-mini");
    const expected = costOf(entry, { inputTokens: res.usage.prompt_tokens, cachedInputTokens: 6, outputTokens: 30 }).total as number;
    expect(res.tokcost.record.actual).toMatchObject({ cachedTokens: 6, reasoningTokens: 20, completionTokens: 30 });
    expect(res.tokcost.record.actual?.usd).toBeCloseTo(expected, 12);
    const uncached = costOf(entry, { inputTokens: res.usage.prompt_tokens, outputTokens: 30 }).total as number;
    expect(expected).toBeLessThan(uncached);
  });

  it("sends the key, organization, project and extra headers; baseURL may be any proxy", async () => {
    const c = client({ organization: "org-123", project: "proj_abc", headers: { "x-gateway": "yes" } });
    const before = server.requests.length;
    await c.embeddings.create({ model: "text-embedding-3-small", input: "hi" });
    const h = server.requests[before].headers;
    expect(h.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(h["openai-organization"]).toBe("org-123");
    expect(h["openai-project"]).toBe("proj_abc");
    expect(h["x-gateway"]).toBe("yes");
    expect(c.baseURL).toBe(server.baseURL);
  });

  it("reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    process.env.OPENAI_API_KEY = server.apiKey;
    process.env.OPENAI_BASE_URL = server.baseURL;
    try {
      const c = createClient();
      expect(c.baseURL).toBe(server.baseURL);
      const res = await c.embeddings.create({ model: "text-embedding-3-small", input: "hi" });
      expect(res.object).toBe("list");
    } finally {
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved.url;
    }
  });

  it("without a key: MISSING_API_KEY naming OPENAI_API_KEY, before any request", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const before = server.requests.length;
      const c = createClient({ baseURL: server.baseURL });
      await expect(c.chat.completions.create(chatBody)).rejects.toMatchObject({ code: "MISSING_API_KEY", message: expect.stringContaining("OPENAI_API_KEY") });
      // an empty key (e.g. an unset variable passed through) is a missing key too, not a bad option
      const empty = createClient({ baseURL: server.baseURL, apiKey: "" });
      await expect(empty.chat.completions.create(chatBody)).rejects.toMatchObject({ code: "MISSING_API_KEY" });
      expect(server.requests.length).toBe(before);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe("createClient: options are checked when the client is made", () => {
  it("a malformed option is one UsageError naming it (and never echoing a key); a good call still works", async () => {
    const bad = (options: object) => () => createClient(options as never);
    expect(bad({ apiKey: "sk-x", baseURL: "api.openai.com/v1" })).toThrow("createClient: baseURL: must be an absolute http(s) URL such as https://api.openai.com/v1");
    expect(bad({ apiKey: "sk-x", timeoutMs: -5 })).toThrow(/^createClient: timeoutMs: /);
    expect(bad({ apiKey: "sk-x", maxRetries: 1.5 })).toThrow(/^createClient: maxRetries: /);
    expect(bad({ apiKey: "sk-x", headers: { "x-trace": 1 } })).toThrow(/^createClient: headers\.x-trace: /);
    const keyError = (() => {
      try {
        createClient({ apiKey: "sk-secret-123", timeoutMs: "soon" } as never);
      } catch (error) {
        return error as Error & { code: string };
      }
    })();
    expect(keyError?.code).toBe("INVALID_ARGUMENT");
    expect(keyError?.message).not.toContain("sk-secret-123");
    const c = client();
    await expect(c.chat.completions.create(chatBody, { timeoutMs: 0 })).rejects.toThrow(/^create: timeoutMs: /);
    const ok = await c.chat.completions.create(chatBody, { timeoutMs: 5_000 });
    expect(ok.tokcost.record.actual?.usd).toBeGreaterThan(0);
  });
});

describe("createClient: pre-flight refuses before sending", () => {
  it("invalid request: InvalidRequestError with the field path and suggestion, nothing sent", async () => {
    const c = client();
    const before = server.requests.length;
    const err = await c.chat.completions.create({ ...chatBody, max_token: 5 }).catch((e) => e);
    expect(err).toMatchObject({ code: "INVALID_REQUEST", param: "max_token", suggestion: "max_tokens" });
    const err2 = await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: 42 }] }).catch((e) => e);
    expect(err2).toMatchObject({ code: "INVALID_REQUEST", param: "messages[0].content" });
    expect(server.requests.length).toBe(before);
    expect(c.status().reserved).toEqual({ usd: 0, tokens: 0 });
  });

  it("context limit and max output: refused with the numbers and the room", async () => {
    const c = client();
    const before = server.requests.length;
    const long = "word ".repeat(10_000);
    const err = await c.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: long }], max_tokens: 100 }).catch((e) => e);
    expect(err.code).toBe("CONTEXT_LIMIT");
    expect(err.message).toContain("This model's maximum context length is 8192 tokens");
    expect(err.details).toMatchObject({ contextWindow: 8192, maxTokens: 100, room: 0 });
    const out = await c.chat.completions.create({ ...chatBody, max_tokens: 20_000 }).catch((e) => e);
    expect(out.code).toBe("MAX_OUTPUT");
    expect(out.message).toContain("max_tokens is too large: 20000");
    expect(out.details.room).toBe(16384);
    const unknown = await c.chat.completions.create({ ...chatBody, model: "mystery-model" }).catch((e) => e);
    expect(unknown.code).toBe("UNKNOWN_MODEL");
    expect(server.requests.length).toBe(before);
  });
});

describe("createClient: API errors and retries", () => {
  it("keeps the API's status, type, code and message (400, 401)", async () => {
    const c = client({ maxRetries: 0 });
    server.queue.push({ status: 400, body: { error: { message: "Unknown parameter: 'reasoning'.", type: "invalid_request_error", param: "reasoning", code: "unknown_parameter" } } });
    const e400 = await c.chat.completions.create(chatBody).catch((e) => e);
    expect(e400).toBeInstanceOf(ApiError);
    expect(e400).toMatchObject({
      code: "API_ERROR",
      status: 400,
      type: "invalid_request_error",
      param: "reasoning",
      apiCode: "unknown_parameter",
      message: "Unknown parameter: 'reasoning'.",
      sdkName: "BadRequestError",
    });
    const bad = createClient({ apiKey: "sk-wrong-key-abcdefghijklmnop", baseURL: server.baseURL });
    const e401 = await bad.chat.completions.create(chatBody).catch((e) => e);
    expect(e401).toMatchObject({ status: 401, type: "invalid_request_error", apiCode: "invalid_api_key", sdkName: "AuthenticationError" });
    expect(e401.message).toMatch(/^Incorrect API key provided: sk-wrong\*+mnop\./);
    expect(c.status().reserved.usd).toBe(0);
    expect(c.spent().usd).toBe(0);
  });

  it("retries 429 honouring retry-after-ms, Retry-After seconds and HTTP dates, then succeeds", async () => {
    const c = client({ maxRetries: 3 });
    const before = server.requests.length;
    server.queue.push(
      { status: 429, headers: { "retry-after-ms": "5" } },
      { status: 429, headers: { "retry-after": "0" } },
      { status: 429, headers: { "retry-after": new Date(Date.now() - 1000).toUTCString() } },
    );
    const res = await c.chat.completions.create(chatBody);
    expect(server.requests.length - before).toBe(4);
    expect(res.tokcost.attempts).toBe(4);
    expect(c.summary()).toMatchObject({ settled: 1, calls: 1 });
  });

  it("retries 500 and 503; gives up after maxRetries with the last error", async () => {
    const c = client({ maxRetries: 2 });
    server.queue.push({ status: 500 }, { status: 503 });
    const ok = await c.chat.completions.create(chatBody);
    expect(ok.tokcost.attempts).toBe(3);
    const before = server.requests.length;
    server.queue.push({ status: 429 }, { status: 429 }, { status: 429 });
    const err = await c.chat.completions.create(chatBody).catch((e) => e);
    expect(server.requests.length - before).toBe(3);
    expect(err).toMatchObject({ code: "API_ERROR", status: 429, apiCode: "rate_limit_exceeded", attempts: 3, sdkName: "RateLimitError" });
    expect(c.status().reserved).toEqual({ usd: 0, tokens: 0 });
    expect(c.summary()).toMatchObject({ settled: 1, released: 1 });
  });

  it("does not retry other 4xx", async () => {
    const c = client({ maxRetries: 3 });
    const before = server.requests.length;
    server.queue.push({
      status: 404,
      body: { error: { message: "The model `gpt-4o-mini` does not exist or you do not have access to it.", type: "invalid_request_error", param: null, code: "model_not_found" } },
    });
    const err = await c.chat.completions.create(chatBody).catch((e) => e);
    expect(server.requests.length - before).toBe(1);
    expect(err).toMatchObject({ status: 404, apiCode: "model_not_found", sdkName: "NotFoundError" });
  });

  it("a slow response ends with TIMEOUT; an aborted one with ABORTED; both release the reservation", async () => {
    const c = client({ maxRetries: 0, budget: { usd: 1 } });
    server.queue.push({ delayMs: 2_000 });
    const t = await c.chat.completions.create(chatBody, { timeoutMs: 100 }).catch((e) => e);
    expect(t).toMatchObject({ code: "TIMEOUT", timeoutMs: 100 });
    expect(t.message).toContain("timed out after 100 ms");
    server.queue.push({ delayMs: 2_000 });
    const controller = new AbortController();
    const pending = c.chat.completions.create(chatBody, { signal: controller.signal }).catch((e) => e);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ code: "ABORTED" });
    const pre = new AbortController();
    pre.abort();
    expect(await c.chat.completions.create(chatBody, { signal: pre.signal }).catch((e) => e)).toMatchObject({ code: "ABORTED" });
    expect(c.status().reserved).toEqual({ usd: 0, tokens: 0 });
    expect(c.spent().usd).toBe(0);
  });

  it("a refused connection is a NETWORK_ERROR after the retries", async () => {
    const dead = await startFakeOpenAI();
    const url = dead.baseURL;
    await dead.close();
    const c = createClient({ apiKey: server.apiKey, baseURL: url, maxRetries: 1, retry: fast });
    const err = await c.embeddings.create({ model: "text-embedding-3-small", input: "x" }).catch((e) => e);
    expect(err.code).toBe("NETWORK_ERROR");
    expect(err.message).toMatch(/network error: .*ECONNREFUSED/);
  });

  it("a dropped connection is retried", async () => {
    const c = client({ maxRetries: 1 });
    server.queue.push({ drop: true });
    const res = await c.embeddings.create({ model: "text-embedding-3-small", input: "x" });
    expect(res.tokcost.attempts).toBe(2);
  });

  it("estimate vs actual is recorded per call and passed to onEstimate/onUsage", async () => {
    const estimates: number[] = [];
    const usages: number[] = [];
    const c = client({ onEstimate: (e) => estimates.push(e.promptTokens), onUsage: (r) => usages.push(r.actual?.promptTokens ?? -1) });
    await c.chat.completions.create(chatBody);
    expect(estimates).toEqual(usages);
    const refusing = client({
      onEstimate: () => {
        throw new Error("no calls on Sunday");
      },
    });
    const before = server.requests.length;
    await expect(refusing.chat.completions.create(chatBody)).rejects.toThrow("no calls on Sunday");
    expect(server.requests.length).toBe(before);
    const est = estimateRequest(chatBody);
    expect(c.calls()[0].estimate.promptTokens).toBe(est.promptTokens);
  });
});
