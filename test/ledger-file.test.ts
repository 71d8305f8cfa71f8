import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, utimesSync, readdirSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileLedger } from "../src/node/ledger.js";
import OpenAI from "openai";
import { createClient, guardFetch } from "../src/node/client.js";
import { Budget, ledgerStateSchema } from "../src/request/budget.js";
import { preflight } from "../src/request/preflight.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

const DIST_CLIENT = resolve("dist/src/node/client.js");
const DIST_LEDGER = resolve("dist/src/node/ledger.js");
const DIST_BUDGET = resolve("dist/src/request/budget.js");

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
  if (!existsSync(DIST_CLIENT)) throw new Error("run `npm run build` first: the multi-process tests start child processes on dist/");
});
afterAll(async () => {
  await server.close();
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "tokcost-ledger-"));
}

/** A pid that certainly is not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

function runNode(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("FileLedger", () => {
  it("persists spend across ledger instances (processes), in a valid file, with no lock left behind", async () => {
    const path = join(tmp(), "spend.json");
    const b1 = new Budget({ usd: 1 }, { ledger: new FileLedger(path) });
    const r = await b1.reserve("call-1", { usd: 0.4, tokens: 100 });
    expect(ledgerStateSchema.parse(JSON.parse(readFileSync(path, "utf8"))).reservations["call-1"]).toMatchObject({ usd: 0.4, owner: `${process.pid}@${hostname()}` });
    await b1.settle(r, { usd: 0.25, tokens: 60 });
    const b2 = new Budget({ usd: 1 }, { ledger: new FileLedger(path) });
    expect((await b2.refresh()).spent).toEqual({ usd: 0.25, tokens: 60 });
    await expect(b2.reserve("call-2", { usd: 0.8, tokens: 1 })).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(readdirSync(join(path, "..")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("the Node createClient takes ledger: 'path.json' and keeps spend for the next run", async () => {
    const path = join(tmp(), "nightly.json");
    const opts = { apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: 1, period: "day" as const }, ledger: path };
    const first = createClient(opts);
    const res = await first.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 20 });
    const second = createClient(opts);
    const status = await second.refresh();
    expect(status.spent.usd).toBeCloseTo(res.tokcost.record.actual!.usd!, 15);
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ period: new Date().toISOString().slice(0, 10), calls: 1, reservations: {} });
  });

  it("the Node guardFetch takes ledger: 'path.json' too (the official SDK, spend kept in the file)", async () => {
    const path = join(tmp(), "sdk.json");
    const guarded = guardFetch({ budget: { usd: 1 }, ledger: path });
    const openai = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch: guarded, maxRetries: 0 });
    const res = await openai.embeddings.create({ model: "text-embedding-3-small", input: "persist me" });
    const state = await new FileLedger(path).read();
    expect(state).toMatchObject({ spentTokens: res.usage.total_tokens, calls: 1, reservations: {} });
    expect(state.spentUsd).toBeCloseTo(guarded.spent().usd, 15);
  });

  it("a corrupt or foreign ledger is a LEDGER_ERROR, never silently reset", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "bad.json"), "{ not json");
    const b = new Budget({ usd: 1 }, { ledger: new FileLedger(join(dir, "bad.json")) });
    await expect(b.reserve("x", { usd: 0.1, tokens: 1 })).rejects.toMatchObject({ code: "LEDGER_ERROR" });
    expect(readFileSync(join(dir, "bad.json"), "utf8")).toBe("{ not json");
    writeFileSync(join(dir, "other.json"), JSON.stringify({ hello: "world" }));
    await expect(new FileLedger(join(dir, "other.json")).read()).rejects.toThrow(/is not a tokcost ledger/);
  });

  it("breaks a lock left by a dead process or too old; waits for a live one, then times out", async () => {
    const dir = tmp();
    const path = join(dir, "l.json");
    writeFileSync(`${path}.lock`, JSON.stringify({ owner: `${deadPid()}@${hostname()}`, token: "t", at: Date.now() }));
    await new FileLedger(path).transact((s) => (s.calls = 1));
    expect(existsSync(`${path}.lock`)).toBe(false);
    writeFileSync(`${path}.lock`, JSON.stringify({ owner: `${process.pid}@${hostname()}`, token: "live", at: Date.now() }));
    await expect(new FileLedger(path, { lockTimeoutMs: 150 }).transact(() => 0)).rejects.toThrow(/timed out after 150 ms waiting for the ledger lock/);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(`${path}.lock`, old, old);
    expect(await new FileLedger(path, { lockTimeoutMs: 150 }).transact((s) => s.calls)).toBe(1);
  });

  it("drops reservations held by processes that are gone", async () => {
    const path = join(tmp(), "r.json");
    const owner = `${deadPid()}@${hostname()}`;
    writeFileSync(path, JSON.stringify({ version: 1, period: null, spentUsd: 0, spentTokens: 0, calls: 0, reservations: { ghost: { usd: 0.9, tokens: 9, at: Date.now(), owner } } }));
    const b = new Budget({ usd: 1 }, { ledger: new FileLedger(path) });
    await b.reserve("mine", { usd: 0.5, tokens: 1 });
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")).reservations)).toEqual(["mine"]);
  });

  it("a process killed mid-write never corrupts the ledger", async () => {
    const path = join(tmp(), "crash.json");
    const script = `
      const { FileLedger } = await import(${JSON.stringify(pathToFileURL(DIST_LEDGER).href)});
      const ledger = new FileLedger(${JSON.stringify(path)});
      process.stdout.write("ready\\n");
      for (let i = 0; ; i++) await ledger.transact((s) => { s.calls += 1; s.spentTokens += 7; s.reservations["r" + (i % 50)] = { usd: i, tokens: i, at: Date.now() }; });
    `;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((ok) => child.stdout.once("data", () => ok()));
      await new Promise((r) => setTimeout(r, 100 + round * 70));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("close", r));
      const state = await new FileLedger(path).read(); // parses and validates
      expect(state.spentTokens).toBe(state.calls * 7);
      // the next transaction breaks the dead process's lock, if it left one
      await new FileLedger(path, { lockTimeoutMs: 2_000 }).transact((s) => (s.reservations = {}));
    }
    expect((await new FileLedger(path).read()).calls).toBeGreaterThan(0);
  });

  it("holds a budget across processes: 3 processes × 40 concurrent calls, a budget for about half", async () => {
    const path = join(tmp(), "shared.json");
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Reply with a few words." }], max_tokens: 40 };
    const worst = preflight(body).worstCase.usd as number;
    const limit = worst * 60;
    server.handler = () => ({ delayMs: 5 + Math.floor(Math.random() * 15) });
    server.completionTokens = 40; // every call uses its whole completion budget: actual = worst case
    const before = { requests: server.requests.length, completed: server.completed };
    const script = `
      const { createClient } = await import(${JSON.stringify(pathToFileURL(DIST_CLIENT).href)});
      const client = createClient({ baseURL: process.env.FAKE_URL, budget: { usd: Number(process.env.LIMIT) }, ledger: process.env.LEDGER });
      const body = JSON.parse(process.env.BODY);
      const results = await Promise.all(Array.from({ length: 40 }, () => client.chat.completions.create(body).then((r) => ({ ok: true, usd: r.tokcost.record.actual.usd }), (e) => ({ ok: false, code: e.code }))));
      process.stdout.write(JSON.stringify({ completed: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok && r.code === "BUDGET_EXCEEDED").length, other: results.filter((r) => !r.ok && r.code !== "BUDGET_EXCEEDED").map((r) => r.code), usd: results.reduce((s, r) => s + (r.ok ? r.usd : 0), 0) }));
    `;
    void DIST_BUDGET;
    const env = { FAKE_URL: server.baseURL, LIMIT: String(limit), LEDGER: path, BODY: JSON.stringify(body), OPENAI_API_KEY: server.apiKey };
    const runs = await Promise.all([runNode(script, env), runNode(script, env), runNode(script, env)]);
    server.handler = undefined;
    server.completionTokens = 5;
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const out = runs.map((r) => JSON.parse(r.stdout) as { completed: number; refused: number; other: string[]; usd: number });
    const completed = out.reduce((s, o) => s + o.completed, 0);
    const refused = out.reduce((s, o) => s + o.refused, 0);
    const state = await new FileLedger(path).read();
    console.log(
      `[load/3 processes, file ledger] budget $${limit.toFixed(6)}; completed ${completed} (${out.map((o) => o.completed).join("+")}), refused ${refused}; ledger spent $${state.spentUsd.toFixed(6)}`,
    );
    expect(out.flatMap((o) => o.other)).toEqual([]);
    expect(completed + refused).toBe(120);
    expect(completed).toBeGreaterThanOrEqual(60);
    expect(refused).toBeGreaterThan(0);
    expect(server.requests.length - before.requests).toBe(completed);
    expect(state.spentUsd).toBeLessThanOrEqual(limit + 1e-12);
    expect(state.spentUsd).toBeCloseTo(
      out.reduce((s, o) => s + o.usd, 0),
      12,
    );
    expect(state.calls).toBe(completed);
    expect(state.reservations).toEqual({});
  });
});
