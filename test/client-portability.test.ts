import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

/** Every module reachable from `entry` through relative imports. */
function importGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    const src = readFileSync(file, "utf8");
    files.set(file, src);
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".") && !spec.endsWith(".json")) walk(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      else files.set(`${file} -> ${spec}`, "");
    }
  };
  walk(entry);
  return files;
}

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

describe("the request helper runs where only ES modules and fetch exist", () => {
  it("nothing reachable from the core entry imports a Node module or uses process/Buffer unguarded", () => {
    const graph = importGraph(resolve("src/index.ts"));
    expect([...graph.keys()].some((k) => k.endsWith("src/request/client.ts"))).toBe(true);
    expect([...graph.keys()].some((k) => k.endsWith("src/request/guard-fetch.ts"))).toBe(true);
    const nodeImports = [...graph.keys()].filter((k) => / -> (node:|fs$|path$|os$|crypto$)/.test(k));
    expect(nodeImports).toEqual([]);
    const unguarded = [...graph.entries()].filter(([, src]) => {
      const code = src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      return /(?<![.\w])process\./.test(code) || /\bBuffer\b/.test(code);
    });
    expect(unguarded.map(([f]) => f)).toEqual([]);
  });

  // Buffer stays: Node's own fetch (undici) needs it; the static check above covers tokcost's code.
  it("with globalThis.process removed, a client calls, streams and meters", async () => {
    const entry = resolve("dist/src/index.js");
    expect(existsSync(entry), "run `npm run build` first").toBe(true);
    const script = `
      const out = process.stdout; const url = process.env.FAKE_URL; const key = process.env.FAKE_KEY;
      globalThis.process = undefined;
      const { createClient } = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const result = {};
      try { await createClient({ baseURL: url }).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }); } catch (e) { result.noKey = e.code; }
      const client = createClient({ apiKey: key, baseURL: url, budget: { usd: 1 } });
      const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
      result.text = res.choices[0].message.content;
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5, stream: true });
      let text = ""; for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
      result.streamed = text; result.calls = client.summary().settled; result.reserved = client.status().reserved.usd;
      out.write(JSON.stringify(result));
    `;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, FAKE_URL: server.baseURL, FAKE_KEY: server.apiKey, OPENAI_API_KEY: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let o = "";
      let e = "";
      child.stdout.on("data", (d) => (o += d));
      child.stderr.on("data", (d) => (e += d));
      child.on("close", (c) => done({ code: c, stdout: o, stderr: e }));
    });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ noKey: "MISSING_API_KEY", text: "ok ok ok ok ok", streamed: "ok ok ok ok ok", calls: 2, reserved: 0 });
  });
});
