/**
 * The package's entry points as a user imports them (from a project with tokcost in its
 * node_modules): `tokcost` in Node (binary rank tables), the portable entry (js-tiktoken's rank
 * modules, what browsers and edge workers get), and `tokcost/node`. They must count the same.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { preflight } from "../src/request/preflight.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

describe("package entry points", () => {
  it("the public API is listed in one place: docs/api.md is generated from the entries, and every public name has TSDoc", () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "scripts", "docs-api.mjs"), "--check"], { cwd: repoRoot, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("internals stay internal: tokcost/node does not export the gate's escaping helpers, line parsers or worker messages", async () => {
    const node = await import("../src/node/index.js");
    for (const name of ["lineOf", "parseJsonAt", "escapeXml", "escapeGithubData", "fitViolation", "readAll", "looksBinary", "WorkerMessage", "batchProblems", "isProcessOwnerAlive"])
      expect(Object.keys(node)).not.toContain(name);
    const core = await import("../src/index.js");
    for (const name of ["utf8BinaryString", "canonicalJson", "daysSince", "signedDifference", "formatIssuePath"]) expect(Object.keys(core)).not.toContain(name);
  });

  it("tokcost (Node), the portable entry and tokcost/node resolve and count identically", () => {
    const project = mkdtempSync(path.join(tmpdir(), "tokcost-entries-"));
    mkdirSync(path.join(project, "node_modules"));
    symlinkSync(repoRoot, path.join(project, "node_modules", "tokcost"), "dir");
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "module" }));
    const text = "Héllo wörld, 你好 — count me exactly. <|endoftext|>";
    writeFileSync(
      path.join(project, "main.js"),
      `import { countTokens, encode } from "tokcost";
import { countFiles } from "tokcost/node";
const text = ${JSON.stringify(text)};
console.log(JSON.stringify({ counts: [countTokens(text, { model: "gpt-4o" }), countTokens(text, { encoding: "cl100k_base" })], ids: encode(text, { encoding: "o200k_base" }), countFiles: typeof countFiles }));`,
    );
    // the portable entry on its own process, so its rank provider (js-tiktoken's modules) is the one used
    writeFileSync(
      path.join(project, "portable.js"),
      `import { countTokens } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, "dist", "src", "index.js")).href)};
const text = ${JSON.stringify(text)};
console.log(JSON.stringify({ counts: [countTokens(text, { model: "gpt-4o" }), countTokens(text, { encoding: "cl100k_base" })] }));`,
    );
    const run = (file: string) => {
      const r = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
      expect(r.stderr).toBe("");
      return JSON.parse(r.stdout) as { counts: number[]; ids?: number[]; countFiles?: string };
    };
    const out = run("main.js");
    const portable = run("portable.js");
    const o200k = get_encoding("o200k_base");
    const cl100k = get_encoding("cl100k_base");
    const expected = [o200k.encode(text, [], []).length, cl100k.encode(text, [], []).length];
    expect(out.counts).toEqual(expected);
    expect(portable.counts).toEqual(expected);
    expect(out.ids).toEqual(Array.from(o200k.encode(text, [], [])));
    expect(out.countFiles).toBe("function");
  });

  it("the integration entries (tokcost/ai-sdk, tokcost/langchain, tokcost/redis) resolve with exactly their public names", () => {
    const project = mkdtempSync(path.join(tmpdir(), "tokcost-entries-"));
    mkdirSync(path.join(project, "node_modules"));
    symlinkSync(repoRoot, path.join(project, "node_modules", "tokcost"), "dir");
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "module" }));
    const entries = ["tokcost/ai-sdk", "tokcost/langchain", "tokcost/redis"];
    writeFileSync(
      path.join(project, "main.js"),
      `const out = {};
for (const name of ${JSON.stringify(entries)}) out[name] = Object.keys(await import(name)).sort();
console.log(JSON.stringify(out));`,
    );
    // the integrations count with the ranks of their entry: Node's binary tables, or js-tiktoken's modules
    const countScript = (from: string) => `import { tokcostMiddleware } from ${JSON.stringify(from)};
const m = tokcostMiddleware();
const usage = { inputTokens: { total: 1 }, outputTokens: { total: 1 } };
const out = await m.wrapGenerate({ doGenerate: async () => ({ content: [], finishReason: "stop", usage, warnings: [] }), params: { prompt: [{ role: "user", content: [{ type: "text", text: "Héllo, 你好" }] }], maxOutputTokens: 5 }, model: { modelId: "gpt-4o", provider: "openai.chat" } });
console.log(out.providerMetadata.tokcost.estimate.promptTokens);`;
    writeFileSync(path.join(project, "count-node.js"), countScript("tokcost/ai-sdk"));
    writeFileSync(path.join(project, "count-portable.js"), countScript(pathToFileURL(path.join(repoRoot, "dist", "src", "ai-sdk", "index.js")).href));
    for (const file of ["count-node.js", "count-portable.js"]) {
      const c = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
      expect(c.stderr).toBe("");
      expect(Number(c.stdout)).toBe(preflight({ model: "gpt-4o", messages: [{ role: "user", content: "Héllo, 你好" }], max_tokens: 5 }).promptTokens);
    }
    const r = spawnSync(process.execPath, ["main.js"], { cwd: project, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      "tokcost/ai-sdk": ["toChatBody", "tokcostMiddleware", "usageFromAiSdk"],
      "tokcost/langchain": ["TokcostCallbackHandler", "toOpenAIMessages", "usageFromLangChain"],
      "tokcost/redis": ["createRedisBudgetStore", "toMicros"],
    });
  });
});
