/**
 * The Redis budget store against a real redis-server (started here on 127.0.0.1, a free port, a
 * temp dir, AOF on): integer micro-dollars, per-window spend, idempotent settles, and the fleet —
 * several processes × concurrent calls against a budget for about half of them: never
 * overspent, every call settled or refused exactly once, a SIGKILLed process's reservations
 * expire, a Redis crash + restart loses no settled spend, and reservations fail closed while
 * Redis is down (nothing reaches the API). Fails — never skips — when redis-server cannot start.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient as createRedisClient } from "redis";
import { Budget, periodKey } from "../src/request/budget.js";
import { createClient } from "../src/request/client.js";
import { preflight } from "../src/request/preflight.js";
import { createRedisBudgetStore, toMicros, type RedisBudgetStore } from "../src/redis/index.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";
import { startRedis, type RedisHandle } from "./helpers/redis-server.js";

const CHILD = resolve("test/helpers/redis-fleet-child.mjs");
let redis: RedisHandle;
let server: FakeOpenAIServer;
const stores: RedisBudgetStore[] = [];
let keyN = 0;
const newKey = () => `tokcost-test-${process.pid}-${keyN++}`;
const store = (key: string, extra: Partial<Parameters<typeof createRedisBudgetStore>[0]> = {}) => {
  const s = createRedisBudgetStore({ url: redis.url, key, ...extra });
  stores.push(s);
  return s;
};

beforeAll(async () => {
  if (!existsSync(resolve("dist/src/redis/index.js"))) throw new Error("run `npm run build` first: the fleet tests start child processes on dist/");
  redis = await startRedis();
  server = await startFakeOpenAI();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.close();
  await redis?.stop();
});

interface ChildCall {
  ok: boolean;
  id?: string;
  outcome?: string;
  micros?: number;
  tokens?: number;
  code?: string;
}

function runChild(env: Record<string, string>): Promise<{ code: number | null; calls: ChildCall[]; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) =>
      done({
        code,
        stderr,
        calls: stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as ChildCall),
      }),
    );
  });
}

/** Raw view of a budget's keys, read with a separate client. */
async function raw(key: string, period = "total"): Promise<{ spent: Record<string, string>; held: Record<string, string>; reservations: number; done: number }> {
  const c = createRedisClient({ url: redis.url });
  await c.connect();
  try {
    const k = `{${key}}`;
    return { spent: await c.hGetAll(`${k}:spent:${period}`), held: await c.hGetAll(`${k}:held`), reservations: await c.hLen(`${k}:res`), done: await c.zCard(`${k}:done`) };
  } finally {
    await c.close();
  }
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const body = (i: number) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: `fleet call ${i}` }], max_tokens: 100 });

describe("createRedisBudgetStore", () => {
  it("reserve → settle → release in integer micro-dollars, per window, each id counted once", async () => {
    const key = newKey();
    const budget = new Budget({ usd: 0.01, tokens: 10_000, period: "day" }, { store: store(key) });
    const r1 = await budget.reserve("a", { usd: 0.0012345, tokens: 300 });
    expect(budget.status().reserved).toEqual({ usd: 0.001235, tokens: 300 }); // rounded up to a micro-dollar
    const r2 = await budget.reserve("b", { usd: 0.002, tokens: 200 });
    expect(await budget.settle(r1, { usd: 0.0000004, tokens: 120 })).toBe(true);
    expect(await budget.settle(r1, { usd: 1, tokens: 1 })).toBe(false);
    expect(await budget.release(r2)).toBe(true);
    const status = await budget.refresh();
    expect(status).toMatchObject({ spent: { usd: 0.000001, tokens: 120 }, reserved: { usd: 0, tokens: 0 }, calls: 1 });
    const state = await raw(key, periodKey("day") as string);
    expect(state).toEqual({ spent: { micros: "1", tokens: "120", calls: "1" }, held: { micros: "0", tokens: "0" }, reservations: 0, done: 2 });
    // a second settle of the same id from another process (a retry after a lost reply) is not counted
    const other = new Budget({ usd: 0.01, period: "day" }, { store: store(key) });
    expect(await other.settle({ id: "a", amount: { usd: 0, tokens: 0 }, state: "held" }, { usd: 0.005, tokens: 9 })).toBe(false);
    expect((await other.refresh()).spent.usd).toBe(0.000001);
    await expect(budget.reserve("c", { usd: 0.0099999, tokens: 1 })).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    await expect(budget.reserve("d", { usd: 0.001, tokens: 9_900 })).rejects.toThrow(/only 9880 of the 10000-token budget are left/);
  });

  it("refuses bad options with a one-line UsageError", () => {
    expect(() => createRedisBudgetStore({ key: "" } as never)).toThrow(/key: must be a non-empty string/);
    expect(() => createRedisBudgetStore({ key: "k" })).toThrow(/give one of url and client/);
  });

  it("fleet: 4 processes × 30 concurrent calls, a budget for about half — never overspent, each call settled once", async () => {
    const key = newKey();
    // the children's bodies ("fleet <pid> call <i>") all count the same; a 7-digit pid stands in
    const worst = preflight({ ...body(0), messages: [{ role: "user", content: "fleet 9999999 call 29" }] }).worstCase.usd as number;
    const limit = (toMicros(worst) * 60) / 1e6; // exactly 60 worst cases, in the store's whole micro-dollars
    server.handler = () => ({ delayMs: 5 + Math.floor(Math.random() * 30) });
    server.completionTokens = 60;
    const before = server.requests.length;
    const env = { REDIS_URL: redis.url, KEY: key, LIMIT_USD: String(limit), BASE_URL: server.baseURL, API_KEY: server.apiKey, CALLS: "30" };
    const results = await Promise.all(Array.from({ length: 4 }, () => runChild(env)));
    server.handler = undefined;
    server.completionTokens = 5;
    for (const r of results) expect(r.stderr).toBe("");
    const calls = results.flatMap((r) => r.calls);
    const ok = calls.filter((c) => c.ok);
    const refused = calls.filter((c) => !c.ok);
    const state = await raw(key);
    console.log(`[redis/fleet] budget ${toMicros(limit)} µ$; completed ${ok.length}, refused ${refused.length}; spent ${state.spent.micros} µ$`);
    expect(calls).toHaveLength(120);
    expect(refused.every((c) => c.code === "BUDGET_EXCEEDED")).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThanOrEqual(60);
    expect(server.requests.length - before).toBe(ok.length); // refused calls never reached the API
    expect(new Set(ok.map((c) => c.id)).size).toBe(ok.length);
    expect(ok.every((c) => c.outcome === "settled")).toBe(true);
    expect(Number(state.spent.micros)).toBe(ok.reduce((s, c) => s + c.micros!, 0));
    expect(Number(state.spent.micros)).toBeLessThanOrEqual(Math.floor(limit * 1e6));
    expect(Number(state.spent.tokens)).toBe(ok.reduce((s, c) => s + c.tokens!, 0));
    expect(Number(state.spent.calls)).toBe(ok.length);
    expect(state.held).toEqual({ micros: "0", tokens: "0" });
    expect(state.reservations).toBe(0);
  });

  it("a SIGKILLed process's reservations expire, and the budget is whole again", async () => {
    const key = newKey();
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, MODE: "hold", REDIS_URL: redis.url, KEY: key, LIMIT_USD: "1", AMOUNT_USD: "0.3", HOLD: "3", TTL_MS: "1500" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((ok) => child.stdout.once("data", () => ok()));
    child.kill("SIGKILL");
    const budget = new Budget({ usd: 1 }, { store: store(key) });
    expect((await budget.refresh()).reserved.usd).toBeCloseTo(0.9, 10);
    await expect(budget.reserve("now", { usd: 0.2, tokens: 1 })).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    await until(async () => (await budget.refresh()).reserved.usd === 0, "the killed process's reservations to expire");
    const r = await budget.reserve("after", { usd: 0.9, tokens: 1 });
    await budget.release(r);
    expect((await raw(key)).reservations).toBe(0);
  });

  it("reservations fail closed while Redis is down; a crash + restart (AOF) loses no settled spend", async () => {
    const key = newKey();
    const s = store(key, { settleRetryMs: 30_000, connectTimeoutMs: 2_000 });
    const client = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: 1 }, store: s, maxRetries: 0 });
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => client.chat.completions.create(body(i))));
    const settledMicros = first.reduce((sum, r) => sum + toMicros(r.tokcost.record.actual!.usd!), 0);
    // 5 calls in flight (reserved, at the API) when Redis dies: they settle once it is back
    const sentAtStart = server.requests.length;
    server.handler = () => ({ delayMs: 1_000 });
    const inflight = Promise.all(Array.from({ length: 5 }, (_, i) => client.chat.completions.create(body(100 + i))));
    await until(async () => server.requests.length === sentAtStart + 5, "the 5 calls to reach the API");
    await redis.kill();
    const refusals = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        client.chat.completions.create(body(200 + i)).then(
          () => "sent",
          (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
        ),
      ),
    );
    for (const r of refusals) expect(r).toMatch(/^LEDGER_ERROR: budget store unreachable: Redis at 127\.0\.0\.1:\d+: .*the call is refused/);
    expect(server.requests.length).toBe(sentAtStart + 5); // refused calls never reached the API
    await redis.restart();
    const second = await inflight;
    server.handler = undefined;
    expect(second.every((r) => r.tokcost.record.outcome === "settled")).toBe(true);
    const total = settledMicros + second.reduce((sum, r) => sum + toMicros(r.tokcost.record.actual!.usd!), 0);
    // the reconnected client keeps working
    await until(
      async () =>
        await client.refresh().then(
          () => true,
          () => false,
        ),
      "the store to reconnect",
    );
    const state = await raw(key);
    expect(Number(state.spent.micros)).toBe(total);
    expect(Number(state.spent.calls)).toBe(15);
    expect(state.reservations).toBe(0);
  });
});
