/**
 * The runnable examples in examples/ (docs/preflight.md points at them) keep working: the offline
 * pre-flight script, and the request helper and the official SDK against the bundled local
 * stand-in for the API, started on a free port on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis } from "./helpers/redis-server.js";

let server: ChildProcess;
let baseURL: string;

beforeAll(async () => {
  server = spawn(process.execPath, ["examples/local-openai-server.mjs", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  baseURL = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    server.on("exit", (code) => reject(new Error(`local server exited with ${code}`)));
  });
});

afterAll(() => {
  server?.kill();
});

const run = (script: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [script], { encoding: "utf8", env: { ...process.env, OPENAI_API_KEY: "", OPENAI_BASE_URL: "", ...env }, timeout: 30_000 });

describe("examples/", () => {
  it("preflight.mjs: one passes, each bad request is refused with its code, offline", () => {
    const r = run("examples/preflight.mjs");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok {6}fits: chat, 20 prompt tokens \(exact\)/m);
    for (const code of ["INVALID_REQUEST", "CONTEXT_LIMIT", "MAX_OUTPUT", "BUDGET_EXCEEDED"]) expect(r.stdout).toContain(`[${code}]`);
  });

  it("client.mjs: a call and a stream through the helper, metered in a ledger, the key never printed", () => {
    const key = "sk-example-key-0123456789abcdef";
    const ledger = path.join(mkdtempSync(path.join(tmpdir(), "tokcost-examples-")), "spend.json");
    const r = run("examples/client.mjs", { OPENAI_API_KEY: key, OPENAI_BASE_URL: baseURL, TOKCOST_LEDGER: ledger });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/prompt tokens: estimated (\d+), billed \1/);
    expect(r.stdout).toMatch(/stream: \d+ completion tokens/);
    expect(r.stdout + r.stderr).not.toContain(key);
  });

  it("guard-fetch.mjs: the official SDK through guardFetch; a typo and an over-budget call refused before sending", () => {
    const r = run("examples/guard-fetch.mjs", { OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: baseURL });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/metered chat gpt-4o-mini: \d+ tokens/);
    expect(r.stdout).toMatch(/refused: BadRequestError 400 .*max_token \(did you mean max_tokens\?\)/);
    expect(r.stdout).toMatch(/refused: RateLimitError 429 tokcost_budget_exceeded: .*budget exceeded/);
  });

  it("without a key, client.mjs says what to set and exits 1", () => {
    const r = run("examples/client.mjs");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("OPENAI_API_KEY");
  });

  it("requests/: a request body per endpoint, each estimated as its endpoint with a known cost", () => {
    const expected: Record<string, string> = {
      "chat.json": "chat",
      "completions.json": "completions",
      "responses.json": "responses",
      "embeddings.json": "embeddings",
      "image-generation.json": "images",
      "gpt-image-generation.json": "images",
      "image-edit.json": "image-edits",
      "image-variation.json": "image-variations",
      "speech.json": "speech",
      "speech-gpt-4o-mini-tts.json": "speech",
      "transcription.json": "transcriptions",
      // translations share the transcription body's shape: by URL (a batch line, guardFetch, createClient) they are translations
      "translation.json": "transcriptions",
      "moderation.json": "moderations",
    };
    const files = readdirSync("examples/requests").filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const file of files) {
      const r = spawnSync(process.execPath, ["bin/tokcost.js", "estimate", `examples/requests/${file}`, "--json"], { encoding: "utf8", timeout: 30_000 });
      expect(r.status, `${file}: ${r.stderr}`).toBe(0);
      const [e] = JSON.parse(r.stdout).estimates;
      expect(e.kind, file).toBe(expected[file]);
      expect(typeof e.cost.total, file).toBe("number");
    }
  });

  it("ai-sdk.mjs: generateText and streamText through tokcostMiddleware, metered exactly; an over-budget call refused", () => {
    const r = run("examples/ai-sdk.mjs", { OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: baseURL });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^generateText: \S/m);
    expect(r.stdout).toMatch(/^streamText: .*\(\d+ completion tokens\)/m);
    expect(r.stdout.match(/prompt tokens: estimated (\d+), billed \1/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/^refused: \[BUDGET_EXCEEDED\] budget exceeded/m);
    expect(r.stdout).toMatch(/^budget: \$[\d.]+ spent of \$0\.002, 2 calls$/m);
  });

  it("langchain.mjs: ChatOpenAI with TokcostCallbackHandler, metered exactly; an over-budget call refused", () => {
    const r = run("examples/langchain.mjs", { OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: baseURL });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/prompt tokens: estimated (\d+), billed \1/);
    expect(r.stdout).toMatch(/^refused: \[BUDGET_EXCEEDED\] budget exceeded/m);
    expect(r.stdout).toMatch(/^budget: \$[\d.]+ spent of \$0\.002, 1 calls$/m);
  });

  it("redis-budget.mjs: two workers share one daily budget in Redis", async () => {
    const redis = await startRedis();
    try {
      const r = run("examples/redis-budget.mjs", { OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: baseURL, REDIS_URL: redis.url });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^worker 0 call 0: ok/m);
      expect(r.stdout).toMatch(/refused \[BUDGET_EXCEEDED\]/);
      expect(r.stdout).toMatch(/^fleet: \$[\d.]+ spent of \$0\.0004 today, \d+ calls, \$0\.000000 reserved$/m);
    } finally {
      await redis.stop();
    }
  });
});
