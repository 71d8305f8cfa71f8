import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/request/client.js";
import { guardFetch } from "../src/request/guard-fetch.js";
import { Budget, MemoryLedger } from "../src/request/budget.js";
import { preflight } from "../src/request/preflight.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

const body = (i: number) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Request number ${i}: reply with a few words.` }], max_tokens: 40 });

describe("Budget: reserve, settle, release", () => {
  it("refuses a reservation that does not fit beside spent + reserved, and never counts twice", async () => {
    const b = new Budget({ usd: 1, tokens: 1000 });
    const r1 = await b.reserve("a", { usd: 0.6, tokens: 100 });
    await expect(b.reserve("b", { usd: 0.5, tokens: 100 })).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(b.status().reserved).toEqual({ usd: 0.6, tokens: 100 });
    expect(await b.settle(r1, { usd: 0.2, tokens: 40 })).toBe(true);
    expect(await b.settle(r1, { usd: 0.2, tokens: 40 })).toBe(false);
    expect(await b.release(r1)).toBe(false);
    expect(b.status()).toMatchObject({ spent: { usd: 0.2, tokens: 40 }, reserved: { usd: 0, tokens: 0 }, calls: 1 });
    const r2 = await b.reserve("b", { usd: 0.5, tokens: 100 });
    await b.release(r2);
    expect(b.status().remaining.usd).toBeCloseTo(0.8, 12);
    await expect(b.reserve("c", { usd: 0, tokens: 961 })).rejects.toThrow(/only 960 of the 1000-token budget are left/);
  });

  it("a daily budget resets when the UTC day changes", async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const ledger = new MemoryLedger({ period: yesterday, spentUsd: 5, spentTokens: 100, calls: 3 });
    const b = new Budget({ usd: 5, period: "day" }, { ledger });
    const r = await b.reserve("x", { usd: 1, tokens: 1 });
    expect(b.status().spent.usd).toBe(0);
    await b.settle(r, { usd: 1, tokens: 1 });
    expect((await ledger.read()).period).toBe(new Date().toISOString().slice(0, 10));
  });

  it("invalid limits are a usage error", () => {
    expect(() => new Budget({ usd: -1 })).toThrow(/invalid budget: usd/);
  });

  it("preflight() checks a budget without reserving", () => {
    expect(() => preflight(body(1), { budget: { tokens: 10 } })).toThrow(/budget exceeded/);
    const e = preflight(body(1), { budget: { usd: 1 } });
    expect(e.worstCase.completionTokens).toBe(40);
  });
});

describe("load: 200 concurrent calls under a budget that allows about half", () => {
  it("createClient: never overspends; every call is settled once or refused before sending", async () => {
    const worst = preflight(body(100)).worstCase;
    const limit = (worst.usd as number) * 100;
    let usageCalls = 0;
    const c = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: limit }, onUsage: () => usageCalls++ });
    // The server answers slowly enough that calls overlap, and reports 10 of the 40 completion tokens.
    server.handler = () => ({ delayMs: 5 + Math.floor(Math.random() * 20) });
    server.completionTokens = 10;
    const before = { requests: server.requests.length, completed: server.completed };
    let maxSeen = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        try {
          const res = await c.chat.completions.create(body(i));
          const s = c.status();
          maxSeen = Math.max(maxSeen, s.spent.usd + s.reserved.usd);
          return { ok: true as const, usd: res.tokcost.record.actual!.usd as number, tokens: res.usage.total_tokens as number };
        } catch (error) {
          return { ok: false as const, code: (error as { code: string }).code };
        }
      }),
    );
    server.handler = undefined;
    server.completionTokens = 5;
    const completed = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    const sent = server.requests.length - before.requests;
    const status = c.status();
    const settledUsd = completed.reduce((s, r) => s + (r.ok ? r.usd : 0), 0);
    console.log(
      `[load/createClient] budget $${limit.toFixed(6)} (100 × worst case $${(worst.usd as number).toFixed(8)}); completed ${completed.length}, refused ${refused.length}, requests sent ${sent}; spent $${status.spent.usd.toFixed(6)}; peak spent+reserved $${maxSeen.toFixed(6)}`,
    );
    expect(completed.length + refused.length).toBe(200);
    expect(refused.every((r) => !r.ok && r.code === "BUDGET_EXCEEDED")).toBe(true);
    expect(completed.length).toBeGreaterThanOrEqual(100);
    expect(refused.length).toBeGreaterThan(0);
    expect(sent).toBe(completed.length); // refused calls never reached the server
    expect(server.completed - before.completed).toBe(completed.length);
    expect(status.spent.usd).toBeLessThanOrEqual(limit + 1e-12);
    expect(maxSeen).toBeLessThanOrEqual(limit + 1e-12);
    expect(status.spent.usd).toBeCloseTo(settledUsd, 12);
    expect(status.spent.tokens).toBe(completed.reduce((s, r) => s + (r.ok ? r.tokens : 0), 0));
    expect(status.reserved).toEqual({ usd: 0, tokens: 0 });
    expect(status.calls).toBe(completed.length);
    expect(usageCalls).toBe(completed.length);
    expect(c.summary()).toMatchObject({ settled: completed.length, released: 0, exactPromptCalls: completed.length });
  });

  it("waves: settling frees the unused part of each reservation for later calls", async () => {
    const worst = preflight(body(100)).worstCase;
    const limit = (worst.usd as number) * 100;
    const c = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: limit } });
    server.handler = () => ({ delayMs: 2 + Math.floor(Math.random() * 8) });
    server.completionTokens = 20; // half of max_tokens: each call costs well under its reservation
    const before = server.requests.length;
    let peak = 0;
    const results: Array<true | string> = [];
    for (let wave = 0; wave < 5; wave++) {
      // 5 waves of 40 concurrent calls; a wave starts when the previous one has settled
      results.push(
        ...(await Promise.all(
          Array.from({ length: 40 }, async (_, j) => {
            const r = await c.chat.completions.create(body(wave * 40 + j)).then(
              () => true as const,
              (e) => (e as { code: string }).code,
            );
            const s = c.status();
            peak = Math.max(peak, s.spent.usd + s.reserved.usd);
            return r;
          }),
        )),
      );
    }
    server.handler = undefined;
    server.completionTokens = 5;
    const completed = results.filter((r) => r === true).length;
    const refused = results.filter((r) => r === "BUDGET_EXCEEDED").length;
    const status = c.status();
    console.log(
      `[load/waves] budget $${limit.toFixed(6)}; completed ${completed}, refused ${refused}, requests sent ${server.requests.length - before}; spent $${status.spent.usd.toFixed(6)}; peak spent+reserved $${peak.toFixed(6)}`,
    );
    expect(completed + refused).toBe(200);
    expect(completed).toBeGreaterThan(100); // actual usage is below the worst case, so more calls fit
    expect(refused).toBeGreaterThan(0);
    expect(server.requests.length - before).toBe(completed);
    expect(status.spent.usd).toBeLessThanOrEqual(limit + 1e-12);
    expect(peak).toBeLessThanOrEqual(limit + 1e-12);
    expect(status.reserved).toEqual({ usd: 0, tokens: 0 });
    expect(status.calls).toBe(completed);
  });

  it("guardFetch + the openai SDK: the same guarantees", async () => {
    const worst = preflight(body(100)).worstCase;
    const limit = (worst.usd as number) * 100;
    const guarded = guardFetch({ budget: { usd: limit } });
    const openai = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch: guarded, maxRetries: 0 });
    server.handler = () => ({ delayMs: 5 + Math.floor(Math.random() * 20) });
    const before = server.requests.length;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        openai.chat.completions.create(body(i) as never).then(
          (r) => ({ ok: true as const, tokens: (r as { usage: { total_tokens: number } }).usage.total_tokens }),
          (e) => ({ ok: false as const, status: (e as { status: number }).status, code: (e as { code: string }).code }),
        ),
      ),
    );
    server.handler = undefined;
    const completed = results.filter((r) => r.ok).length;
    const refused = results.filter((r) => !r.ok);
    const status = guarded.status();
    console.log(
      `[load/guardFetch] budget $${limit.toFixed(6)}; completed ${completed}, refused ${refused.length}, requests sent ${server.requests.length - before}; spent $${status.spent.usd.toFixed(6)}`,
    );
    expect(completed + refused.length).toBe(200);
    expect(refused.every((r) => !r.ok && r.status === 429 && r.code === "tokcost_budget_exceeded")).toBe(true);
    expect(completed).toBeGreaterThanOrEqual(100);
    expect(server.requests.length - before).toBe(completed);
    expect(status.spent.usd).toBeLessThanOrEqual(limit + 1e-12);
    expect(status.reserved).toEqual({ usd: 0, tokens: 0 });
    expect(status.calls).toBe(completed);
  });
});
