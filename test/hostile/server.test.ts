/**
 * Issue 14: a misbehaving server on 127.0.0.1 against createClient and guardFetch + the openai
 * SDK. Every case asserts: the caller gets the response or a clear tokcost error, the key (and
 * every credential) never appears anywhere, spent ≤ budget, and every reservation ends settled
 * or released exactly once. Loops in the server are bounded; nothing asserts timings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTokcostError } from "../../src/errors.js";
import { createClient, type TokcostClient } from "../../src/request/client.js";
import { guardFetch, type GuardedFetch } from "../../src/request/guard-fetch.js";
import type { CallRecord } from "../../src/request/meter.js";

const KEY = "sk-hostile-server-test-0123456789abcdefSECRET";
const HEADER_SECRET = "x-api-key-value-HEADERSECRET-42";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let other: Server;
let base = "";
let otherBase = "";
const seenByOther: string[] = [];
const open = new Set<ServerResponse>();

function listen(s: Server): Promise<string> {
  return new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`)));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => void Promise.resolve(handler(req, res, body)).catch(() => res.destroy()));
  });
  other = createServer((req, res) => {
    seenByOther.push(JSON.stringify(req.headers), req.url ?? "");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 })));
  });
  base = await listen(server);
  otherBase = await listen(other);
});
afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((ok) => server.close(ok));
  await new Promise((ok) => other.close(ok));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function completion(usage: unknown, content = "ok") {
  return { id: "c1", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage };
}
function chunk(content: string, usage: unknown = null) {
  return `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: usage ? [] : [{ index: 0, delta: { content }, finish_reason: null }], usage })}\n\n`;
}
/** Writes while the client reads, at most `max` writes (a bounded "endless" stream). */
async function pump(res: ServerResponse, next: (i: number) => string, max: number, pauseMs = 0): Promise<void> {
  for (let i = 0; i < max && !res.destroyed && !res.writableEnded; i++) {
    const ok = res.write(next(i));
    if (!ok)
      await new Promise((r) => {
        res.once("drain", r);
        res.once("close", r);
      });
    if (pauseMs) await sleep(pauseMs);
  }
  if (!res.destroyed) res.end();
}

const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi" }], max_tokens: 20 };
const BUDGET = 1; // USD, far above one call's worst case: each case checks spent ≤ budget

/** Everything a caller or a log could see, to search for the key. */
function visible(error: unknown, records: CallRecord[], extra: unknown[] = []): string {
  const e = error as { message?: string; stack?: string; cause?: unknown } | undefined;
  return [String(error), e?.message, e?.stack, JSON.stringify(error ?? null), String((e?.cause as Error | undefined)?.message), JSON.stringify(records), ...extra.map((x) => JSON.stringify(x))].join(
    "\n",
  );
}

function expectClean(text: string): void {
  expect(text).not.toContain(KEY);
  expect(text).not.toContain("SECRET");
}

/** Every reservation ended exactly once; the budget holds nothing and was not overspent. */
async function expectAccounted(reporter: TokcostClient | GuardedFetch, usage: string[], calls: number): Promise<void> {
  await sleep(20);
  const status = reporter.status();
  expect(status.reserved).toEqual({ usd: 0, tokens: 0 });
  expect(status.spent.usd).toBeLessThanOrEqual(BUDGET);
  const records = reporter.calls();
  expect(records).toHaveLength(calls);
  expect(new Set(usage).size).toBe(usage.length); // onUsage once per call id
  expect(usage).toHaveLength(calls);
  expect(records.map((r) => r.id).sort()).toEqual([...usage].sort());
}

function client(extra: Parameters<typeof createClient>[0] = {}) {
  const ids: string[] = [];
  const requests: unknown[] = [];
  const c = createClient({
    apiKey: KEY,
    baseURL: base,
    budget: { usd: BUDGET },
    headers: { "x-api-key": HEADER_SECRET },
    maxRetries: 0,
    onUsage: (r) => ids.push(r.id),
    onRequest: (r) => requests.push(r),
    ...extra,
  });
  return { c, ids, requests };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("createClient against a misbehaving server", () => {
  it("slow headers: a timeout, the reservation released", async () => {
    handler = async (_req, res) => {
      await sleep(400);
      if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 })));
    };
    const { c, ids, requests } = client({ timeoutMs: 100 });
    const error = await failure(c.chat.completions.create(body));
    expect(isTokcostError(error) && error.code).toBe("TIMEOUT");
    expect(c.calls()[0].outcome).toBe("released");
    expectClean(visible(error, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it("an abort after a 200's headers: the call is settled at its worst case, not released", async () => {
    const controller = new AbortController();
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"c1",');
      setTimeout(() => controller.abort(), 50);
      for (let i = 0; i < 100 && !res.destroyed; i++) await sleep(50);
      if (!res.destroyed) res.end('"usage":null}');
    };
    const { c, ids } = client();
    const error = await failure(c.chat.completions.create(body, { signal: controller.signal }));
    expect(isTokcostError(error) && error.code).toBe("ABORTED");
    expect(c.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    await expectAccounted(c, ids, 1);
  });

  it("slow body after a 200: a timeout, and the call is settled at its worst case, not released", async () => {
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"c1",');
      for (let i = 0; i < 100 && !res.destroyed; i++) await sleep(50);
      if (!res.destroyed) res.end('"usage":null}');
    };
    const { c, ids, requests } = client({ timeoutMs: 1_000 });
    const error = await failure(c.chat.completions.create(body));
    expect(isTokcostError(error) && error.code).toBe("TIMEOUT");
    expect(c.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    expectClean(visible(error, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it("slow body after a 200 on a media call (speech): a timeout, and the call is settled at its worst case, not released", async () => {
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(16));
      for (let i = 0; i < 100 && !res.destroyed; i++) await sleep(50);
      if (!res.destroyed) res.end();
    };
    const { c, ids, requests } = client({ timeoutMs: 1_000 });
    const error = await failure(c.audio.speech.create({ model: "tts-1", input: "Hello there", voice: "alloy" }));
    expect(isTokcostError(error) && error.code).toBe("TIMEOUT");
    expect(c.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    expectClean(visible(error, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it("a reset after a 200's headers: a network error, the call settled at its worst case", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"c1","choices":[');
      setTimeout(() => res.destroy(), 20);
    };
    const { c, ids, requests } = client();
    const error = await failure(c.chat.completions.create(body));
    expect(isTokcostError(error) && error.code).toBe("NETWORK_ERROR");
    expect(c.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    expect(c.spent().usd).toBeGreaterThan(0);
    expectClean(visible(error, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it("a huge body: not buffered past maxResponseBytes, settled at the worst case", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      void pump(res, (i) => (i === 0 ? '{"pad":"' : "x".repeat(65536)), 200); // 13 MB
    };
    const { c, ids } = client({ maxResponseBytes: 1 << 20 });
    const error = await failure(c.chat.completions.create(body));
    expect(isTokcostError(error) && error.code).toBe("INVALID_RESPONSE");
    expect((error as Error).message).toMatch(/larger than 1048576 bytes/);
    expect(c.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    await expectAccounted(c, ids, 1);
  });

  it("bad usage: the response is returned, the call settled at its worst case with a warning", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: -5, completion_tokens: 1e308 })));
    const { c, ids } = client();
    const res = await c.chat.completions.create(body);
    expect(res.choices[0].message.content).toBe("ok");
    expect(res.tokcost.record).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    await expectAccounted(c, ids, 1);
  });

  it("output beyond max_tokens in the usage: settled at the usage and marked", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: 9, completion_tokens: 500, total_tokens: 509 })));
    const { c, ids } = client();
    const res = await c.chat.completions.create(body);
    expect(res.tokcost.record.overrun).toBe(true);
    expect(res.tokcost.record.actual?.completionTokens).toBe(500);
    await expectAccounted(c, ids, 1);
  });

  it("an endless SSE stream: cut off past max_tokens (+ margin), settled at what was received, marked", async () => {
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void pump(res, (i) => ((sent = i), chunk(" word")), 100_000);
    };
    const { c, ids, requests } = client();
    const stream = await c.chat.completions.create({ ...body, stream: true });
    let got = 0;
    const error = await failure(
      (async () => {
        for await (const _ of stream) got++;
      })(),
    );
    expect(isTokcostError(error) && error.code).toBe("INVALID_RESPONSE");
    expect((error as Error).message).toMatch(/output tokens reserved/);
    const report = await stream.done;
    expect(report.record).toMatchObject({ outcome: "settled", overrun: true, actual: { source: "counted" } });
    expect(report.record.actual!.completionTokens).toBeGreaterThan(20);
    expect(report.record.actual!.completionTokens).toBeLessThanOrEqual(20 + 16 + 1);
    expect(got).toBeLessThan(100);
    expect(sent).toBeLessThan(100_000);
    expectClean(visible(error, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it("an endless SSE line without a newline: refused once past the line limit, settled", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void pump(res, (i) => (i === 0 ? "data: " : "y".repeat(65536)), 2000); // 128 MB if read to the end
    };
    const { c, ids } = client();
    const stream = await c.chat.completions.create({ ...body, stream: true });
    const error = await failure(
      (async () => {
        for await (const _ of stream);
      })(),
    );
    expect(isTokcostError(error) && error.code).toBe("INVALID_RESPONSE");
    expect((await stream.done).record).toMatchObject({ outcome: "settled", overrun: true });
    await expectAccounted(c, ids, 1);
  });

  it("keepalive comments do not hold a stream open past timeoutMs", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chunk("hi"));
      void pump(res, () => ": keepalive\n\n", 300, 10);
    };
    const { c, ids } = client({ timeoutMs: 150 });
    const stream = await c.chat.completions.create({ ...body, stream: true });
    const error = await failure(
      (async () => {
        for await (const _ of stream);
      })(),
    );
    expect(isTokcostError(error) && error.code).toBe("TIMEOUT");
    expect((await stream.done).record.outcome).toBe("settled");
    await expectAccounted(c, ids, 1);
  });

  it("totalTimeoutMs bounds a stream that keeps sending events", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void pump(res, () => `data: ${JSON.stringify({ id: "c1", choices: [] })}\n\n`, 300, 10);
    };
    const { c, ids } = client({ totalTimeoutMs: 200 });
    const stream = await c.chat.completions.create({ ...body, stream: true });
    const error = await failure(
      (async () => {
        for await (const _ of stream);
      })(),
    );
    expect(isTokcostError(error) && error.code).toBe("TIMEOUT");
    expect((error as Error).message).toMatch(/totalTimeoutMs/);
    await expectAccounted(c, ids, 1);
  });

  it("malformed SSE (data: null, not JSON, arrays, stray fields) is skipped; the stream ends settled", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`data: null\n\ndata: {not json\n\ndata: [1,2]\n\nretry: x\nevent\n\n${chunk("Hello")}\r\n${chunk("", { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 })}data: [DONE]\n\n`);
    };
    const { c, ids } = client();
    const stream = await c.chat.completions.create({ ...body, stream: true });
    const seen: unknown[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen).toHaveLength(2);
    expect((await stream.done).record).toMatchObject({ outcome: "settled", actual: { source: "usage", completionTokens: 1 } });
    await expectAccounted(c, ids, 1);
  });

  it("a redirect to another origin never carries the key or the credential headers there", async () => {
    seenByOther.length = 0;
    handler = (_req, res) => res.writeHead(307, { location: `${otherBase}/chat/completions` }).end();
    const { c, ids, requests } = client();
    let outcome: unknown;
    try {
      outcome = await c.chat.completions.create(body);
    } catch (error) {
      outcome = error;
    }
    expectClean(seenByOther.join("\n"));
    expectClean(visible(outcome, c.calls(), requests));
    await expectAccounted(c, ids, 1);
  });

  it.each([["999999999"], ["-1"], ["soon"], ["Wed, 21 Oct 2099 07:28:00 GMT"], ["1e400"]])("Retry-After %s: retried within the policy, never an endless wait", async (value) => {
    let n = 0;
    handler = (_req, res) => {
      if (n++ === 0)
        res
          .writeHead(429, { "retry-after": value, "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: `slow down ${KEY}`, type: "requests", param: null, code: "rate_limit_exceeded" } }));
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 })));
    };
    const { c, ids } = client({ maxRetries: 1, retry: { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 } });
    const res = await c.chat.completions.create(body);
    expect(res.tokcost.attempts).toBe(2);
    await expectAccounted(c, ids, 1);
  });
});

describe("guardFetch + the openai SDK against a misbehaving server", () => {
  function sdk(extra: Parameters<typeof guardFetch>[0] = {}, defaultHeaders: Record<string, string> = {}) {
    const ids: string[] = [];
    const guarded = guardFetch({ budget: { usd: BUDGET }, onUsage: (r) => ids.push(r.id), ...extra });
    const openai = new OpenAI({ apiKey: KEY, baseURL: base, fetch: guarded, maxRetries: 0, timeout: 2_000, defaultHeaders });
    return { guarded, openai, ids };
  }

  it("an endless SSE stream is cut off past max_tokens; settled, marked", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void pump(res, () => chunk(" word"), 100_000);
    };
    const { guarded, openai, ids } = sdk();
    const stream = await openai.chat.completions.create({ ...body, stream: true });
    const error = await failure(
      (async () => {
        for await (const _ of stream);
      })(),
    );
    expectClean(visible(error, guarded.calls()));
    expect(guarded.calls()[0]).toMatchObject({ outcome: "settled", overrun: true });
    await expectAccounted(guarded, ids, 1);
  });

  it("a reset after a 200's headers: the SDK fails, the call is settled", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"c1","choices":[');
      setTimeout(() => res.destroy(), 20);
    };
    const { guarded, openai, ids } = sdk();
    const error = await failure(openai.chat.completions.create(body));
    expectClean(visible(error, guarded.calls()));
    expect(guarded.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    await expectAccounted(guarded, ids, 1);
  });

  it("a huge body is not read past maxResponseBytes for its usage; settled at the worst case", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const text = JSON.stringify(completion({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 }, "z".repeat(3 << 20)));
      res.end(text);
    };
    const { guarded, openai, ids } = sdk({ maxResponseBytes: 1 << 20 });
    const res = await openai.chat.completions.create(body);
    expect(res.choices[0].message.content).toHaveLength(3 << 20);
    expect(guarded.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "reserved" } });
    await expectAccounted(guarded, ids, 1);
  });

  it("bad usage and slow headers: the response or the SDK's error; accounted", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: "many" })));
    const { guarded, openai, ids } = sdk();
    expect((await openai.chat.completions.create(body)).choices[0].message.content).toBe("ok");
    handler = async (_req, res) => {
      await sleep(3_000);
      if (!res.destroyed) res.end();
    };
    const error = await failure(openai.chat.completions.create(body));
    expectClean(visible(error, guarded.calls()));
    await expectAccounted(guarded, ids, 2);
    expect(guarded.calls().map((r) => r.outcome)).toEqual(["settled", "released"]);
  });

  it("a redirect within the same origin is followed with the headers and the body", async () => {
    const seen: Array<{ url?: string; apiKey?: string | string[]; body: string }> = [];
    handler = (req, res, text) => {
      seen.push({ url: req.url, apiKey: req.headers["api-key"], body: text });
      if (req.url?.startsWith("/v1/chat")) res.writeHead(307, { location: "/moved/chat/completions" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 })));
    };
    const { guarded, openai, ids } = sdk({}, { "api-key": HEADER_SECRET });
    expect((await openai.chat.completions.create(body)).choices[0].message.content).toBe("ok");
    expect(seen.map((s) => s.url)).toEqual(["/v1/chat/completions", "/moved/chat/completions"]);
    expect(seen[1].apiKey).toBe(HEADER_SECRET);
    expect(JSON.parse(seen[1].body)).toMatchObject({ model: body.model });
    expect(guarded.calls()[0]).toMatchObject({ outcome: "settled", actual: { promptTokens: 9 } });
    await expectAccounted(guarded, ids, 1);
  });

  it.each([[307], [308], [302]])("a %i redirect to another origin never carries the key or credential headers there", async (status) => {
    seenByOther.length = 0;
    handler = (_req, res) => res.writeHead(status, { location: `${otherBase}/chat/completions` }).end();
    const { guarded, openai, ids } = sdk({}, { "api-key": HEADER_SECRET, "x-api-key": HEADER_SECRET, "x-goog-api-key": HEADER_SECRET, cookie: `session=${HEADER_SECRET}` });
    let outcome: unknown;
    try {
      outcome = await openai.chat.completions.create(body);
    } catch (error) {
      outcome = error;
    }
    expectClean(seenByOther.join("\n"));
    expectClean(visible(outcome, guarded.calls()));
    await expectAccounted(guarded, ids, 1);
  });
});
