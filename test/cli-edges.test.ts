/**
 * The CLI's edges (issues 13, 16, 18): estimate is estimateFiles() plus rendering; a bare array of
 * messages is a chat everywhere; `fit`; `truncate` never writes broken JSON; one CSV for mixed
 * inputs; tables that fit the terminal; the missing-file hint; the stale-price note once; media
 * requests say what they are billed as.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { binPath, runCli } from "./helpers/cli.js";
import { estimateFiles } from "../src/node/estimate-files.js";
import { estimateFilesJson } from "../src/node/estimate-json.js";
import { estimateRequest } from "../src/request/index.js";
import { getEncoding } from "../src/tokenizer/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "tokcost-edges-"));
const at = (name: string) => path.join(dir, name);
const o200k = getEncoding("o200k_base");

// A 200-turn support chat (system prompt, then 100 user/assistant pairs), saved as a bare array.
const history = [{ role: "system", content: "You are a support agent for a bicycle shop. Answer in two sentences." }];
for (let i = 0; i < 100; i++) {
  history.push({ role: "user", content: `Turn ${i}: my order #${1000 + i} has not arrived; the tracking page says it left the depot ${i % 7} days ago.` });
  history.push({ role: "assistant", content: `Sorry about order #${1000 + i}. Parcels from that depot take up to ${(i % 5) + 2} working days; I have flagged it for the courier.` });
}
writeFileSync(at("history.json"), JSON.stringify(history, null, 2));
writeFileSync(at("body.json"), JSON.stringify({ model: "gpt-4o", messages: history, temperature: 0.2 }));
writeFileSync(at("note.txt"), "Summarise the attached report in one paragraph.");
const chatTokens = estimateRequest({ model: "gpt-4o", messages: history }).promptTokens;

const noStale = { TOKCOST_NO_STALE_WARNING: "1" };
/** The width of the widest table line (box-drawn rows; prose lines under a table wrap as prose does). */
const widest = (text: string) =>
  Math.max(
    0,
    ...text
      .split("\n")
      .filter((line) => /^[┌│└├]/.test(line))
      .map((line) => [...line].length),
  );

describe("estimate is estimateFiles() plus rendering (issue 16)", () => {
  it("--json is the library's JSON, in command-line order, across text, request, batch and fine-tuning files", async () => {
    const files = [at("note.txt"), "examples/batch.jsonl", "examples/chat-request.json", "examples/fine-tune.jsonl"];
    const r = runCli(["estimate", ...files, "-m", "gpt-4o-mini", "--json"], { env: noStale });
    expect(r.code).toBe(0);
    const cli = JSON.parse(r.stdout);
    const lib = estimateFilesJson((await estimateFiles(files, { models: ["gpt-4o-mini"], maxTokens: null })).results);
    expect(cli.estimates).toEqual(JSON.parse(JSON.stringify(lib.estimates)));
    expect(cli.estimates.map((e: { path: string; kind?: string }) => [e.path, e.kind ?? "text"])).toEqual([
      [files[0], "text"],
      [files[1], "batch"],
      [files[2], "chat"],
      [files[3], "fine-tune"],
    ]);
  });
});

describe("a bare array of messages is a chat everywhere (issue 13)", () => {
  it("estimate counts it as the chat request it is, not as text", () => {
    const e = JSON.parse(runCli(["estimate", at("history.json"), "-m", "gpt-4o", "--json"], { env: noStale }).stdout).estimates[0];
    expect(e).toMatchObject({ kind: "chat", promptTokens: chatTokens, exact: true });
    const asText = o200k.count(readFileSync(at("history.json"), "utf8"));
    expect(asText).toBeGreaterThan(chatTokens * 1.2); // what it was counted as before
    // the same on stdin, and the same as the request body holding it
    expect(JSON.parse(runCli(["estimate", "-m", "gpt-4o", "--json"], { input: readFileSync(at("history.json")), env: noStale }).stdout).estimates[0].promptTokens).toBe(chatTokens);
    expect(JSON.parse(runCli(["estimate", at("body.json"), "--json"], { env: noStale }).stdout).estimates[0].promptTokens).toBe(chatTokens);
  });

  it("count --chat gives the same number (and plain count still counts the bytes as text)", () => {
    expect(runCli(["count", "--chat", "-m", "gpt-4o", at("history.json")]).stdout).toBe(`${chatTokens} ${at("history.json")}\n`);
    expect(runCli(["count", "--chat", at("body.json")]).stdout).toBe(`${chatTokens} ${at("body.json")}\n`);
    expect(runCli(["count", at("history.json")]).stdout).toBe(`${o200k.count(readFileSync(at("history.json"), "utf8"))} ${at("history.json")}\n`);
  });

  it("check reads a bare array in a request rule as the same chat", () => {
    const root = mkdtempSync(path.join(tmpdir(), "tokcost-edges-check-"));
    mkdirSync(path.join(root, ".git"));
    writeFileSync(path.join(root, "history.json"), JSON.stringify(history));
    writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.json", kind: "request", limits: { maxPromptTokens: 100000 } }] }));
    const r = runCli(["check", "--format", "json"], { cwd: root, env: noStale });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ path: "history.json", promptTokens: chatTokens, status: "pass" });
  });
});

describe("tokcost fit (issue 13)", () => {
  it("drops the oldest turns, keeps the system prompt, writes a valid bare array, reports what was dropped", () => {
    const out = at("fitted.json");
    const r = runCli(["fit", at("history.json"), "-m", "gpt-4o", "--max-tokens", "1000", "--context-window", "3000", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const fitted = JSON.parse(readFileSync(out, "utf8")) as typeof history;
    expect(fitted[0]).toEqual(history[0]);
    expect(fitted.at(-1)).toEqual(history.at(-1));
    expect(fitted.length).toBeLessThan(history.length);
    // whole turns: the first kept turn starts with a user message
    expect(fitted[1].role).toBe("user");
    const dropped = history.length - fitted.length;
    expect(r.stderr).toMatch(new RegExp(`^dropped the oldest ${dropped} of 201 messages \\(indexes 1–${dropped}\\); prompt [\\d,]+ tokens \\+ 1,000 for the completion ≤ 3,000 \\(gpt-4o\\); wrote `));
    const prompt = estimateRequest({ model: "gpt-4o", messages: fitted }).promptTokens;
    expect(prompt + 1000).toBeLessThanOrEqual(3000);
  });

  it("keeps a request body's shape and fields, never splits a tool call from its result, and --json summarises", () => {
    const call = { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "track", arguments: '{"order":"1000"}' } }] };
    const result = { role: "tool", tool_call_id: "call_1", content: "in transit, " + "depot scan ".repeat(200) };
    const messages = [history[0], { role: "user", content: "where is my order?" }, call, result, { role: "assistant", content: "It is in transit." }, ...history.slice(1, 11)];
    const tools = [{ type: "function", function: { name: "track", description: "Track an order", parameters: { type: "object", properties: { order: { type: "string" } } } } }];
    writeFileSync(at("tools.json"), JSON.stringify({ model: "gpt-4o-mini", messages, tools, max_tokens: 500, temperature: 0 }));
    const r = runCli(["fit", at("tools.json"), "--context-window", "1200", "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ model: "gpt-4o-mini", shape: "request", fits: true, maxTokens: 500, limit: 1200, messages: messages.length });
    const body = summary.conversation;
    expect(body).toMatchObject({ model: "gpt-4o-mini", tools, max_tokens: 500, temperature: 0 });
    const hasCall = body.messages.some((m: { tool_calls?: unknown }) => m.tool_calls);
    const hasResult = body.messages.some((m: { role: string }) => m.role === "tool");
    expect(hasCall).toBe(hasResult);
    expect(summary.droppedIndexes).toEqual(expect.arrayContaining([2, 3])); // the big tool turn went first
  });

  it("exits 1 and writes nothing when even the system prompt does not fit", () => {
    const out = at("never.json");
    const r = runCli(["fit", at("history.json"), "-m", "gpt-4o", "--max-tokens", "1000", "--context-window", "1010", "-o", out]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tokcost: .*history\.json does not fit gpt-4o even with every droppable turn dropped: .* nothing written/)]);
  });

  it("refuses what is not a conversation, one line, exit 2", () => {
    const r = runCli(["fit", at("note.txt"), "-m", "gpt-4o", "--max-tokens", "10"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokcost: .*note\.txt: not valid JSON .*fit takes a JSON array of chat messages or a chat request body\n$/);
  });
});

describe("truncate never writes broken JSON (issue 13)", () => {
  it("refuses a JSON or JSONL file with one line pointing to fit, exit 2, nothing on stdout", () => {
    const r = runCli(["truncate", at("history.json"), "--tokens", "100"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `tokcost: ${at("history.json")} is JSON: truncate cuts plain text and would leave invalid JSON; to shorten a conversation by whole turns use tokcost fit ${at("history.json")} -m <model> --max-tokens <n>\n`,
    );
    expect(runCli(["truncate", "examples/batch.jsonl", "--tokens", "10"]).stderr).toMatch(/is JSON Lines: truncate cuts plain text/);
    expect(runCli(["truncate", "--tokens", "5"], { input: JSON.stringify(history) }).code).toBe(2);
    // plain text is still cut
    expect(runCli(["truncate", "--tokens", "2"], { input: "hello world again" }).stdout).toBe("hello world");
  });
});

describe("one CSV for files of different kinds (issue 18)", () => {
  it("one header, rows in command-line order; tsv too", () => {
    const files = ["examples/chat-request.json", at("note.txt"), "examples/batch.jsonl", "examples/requests/image-generation.json"];
    const r = runCli(["estimate", ...files, "--format", "csv"], { env: noStale });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("path,"))).toHaveLength(1);
    expect(lines[0]).toBe(
      "path,kind,line,custom_id,model,encoding,exact,prompt_tokens,messages_tokens,tools_tokens,image_tokens,max_tokens,choices,completion_tokens,context_window,fits,room,billed_as,cost_prompt_usd,cost_completion_usd,cost_total_usd",
    );
    const order = lines.slice(1).map((l) => l.split(",")[0]);
    const firstOf = (f: string) => order.indexOf(f);
    expect(firstOf(files[0])).toBe(0);
    expect(firstOf(files[0])).toBeLessThan(firstOf(files[1]));
    expect(firstOf(files[1])).toBeLessThan(firstOf(files[2]));
    expect(firstOf(files[2])).toBeLessThan(firstOf(files[3]));
    expect(order.filter((p) => p === files[2]).length).toBe(readFileSync(files[2], "utf8").trim().split("\n").length); // a row per batch line
    const tsv = runCli(["estimate", ...files, "--format", "tsv"], { env: noStale })
      .stdout.trim()
      .split("\n");
    expect(tsv[0].split("\t")).toEqual(lines[0].split(","));
    expect(tsv).toHaveLength(lines.length);
  });
});

describe("tables fit the terminal (issue 18)", () => {
  it("on 80 columns models, estimate, count and check stay within 80; --wide shows all", () => {
    const env = { ...noStale, COLUMNS: "80" };
    const models = runCli(["models"], { env });
    expect(widest(models.stdout)).toBeLessThanOrEqual(80);
    expect(models.stdout.split("\n")[1]).toMatch(/Model .*Context .*Input/);
    const wide = runCli(["models", "--wide"], { env });
    expect(widest(wide.stdout)).toBeGreaterThan(120);
    expect(wide.stdout.split("\n")[1]).toContain("As of");
    // not a terminal and no COLUMNS: the full table
    expect(widest(runCli(["models"], { env: noStale }).stdout)).toBe(widest(wide.stdout));

    const long = at("a-prompt-file-with-a-rather-long-name-that-would-wrap-the-table.txt");
    writeFileSync(long, "hello");
    const estimate = runCli(["estimate", long, "examples/chat-request.json", "-m", "gpt-4o,gpt-4o-mini"], { env });
    expect(estimate.code).toBe(0);
    expect(widest(estimate.stdout)).toBeLessThanOrEqual(80);
    expect(estimate.stdout).toContain("…");
    expect(widest(runCli(["estimate", long, "-m", "gpt-4o", "--wide"], { env }).stdout)).toBeGreaterThan(80);

    const count = runCli(["count", long, at("note.txt"), "--format", "table"], { env });
    expect(
      Math.max(
        ...count.stdout
          .trim()
          .split("\n")
          .map((line) => [...line].length),
      ),
    ).toBeLessThanOrEqual(80);
    expect(count.stdout).toContain("…");

    const root = mkdtempSync(path.join(tmpdir(), "tokcost-edges-width-"));
    mkdirSync(path.join(root, ".git"));
    mkdirSync(path.join(root, "prompts-with-a-long-directory-name", "and-another-level-below-it"), { recursive: true });
    writeFileSync(path.join(root, "prompts-with-a-long-directory-name", "and-another-level-below-it", "system-prompt.txt"), "hello");
    writeFileSync(
      path.join(root, "tokcost.config.json"),
      JSON.stringify({ model: "gpt-4o", maxTokens: 100, rules: [{ name: "system prompts", files: "prompts-with-a-long-directory-name/**/*.txt", limits: { maxPromptTokens: 1000 } }] }),
    );
    const check = runCli(["check"], { cwd: root, env });
    expect(check.code).toBe(0);
    expect(widest(check.stdout)).toBeLessThanOrEqual(80);
    expect(widest(runCli(["check", "--wide"], { cwd: root, env }).stdout)).toBeGreaterThan(80);
  });
});

describe("mistakes and notes (issue 18)", () => {
  it("a bare string that is no file hints at --text and piping", () => {
    const count = runCli(["count", "hello world"]);
    expect(count.code).toBe(2);
    expect(count.stderr).toBe('tokcost: no such file "hello world" — to count text, use --text "…" or pipe it: echo … | tokcost count\n');
    const estimate = runCli(["estimate", "hello world", "-m", "gpt-4o"], { env: noStale });
    expect(estimate.code).toBe(2);
    expect(estimate.stderr).toContain('tokcost: no such file "hello world" — to estimate text, use --text "…" or pipe it: echo … | tokcost estimate\n');
    // a missing file name that looks like one keeps the plain message
    expect(runCli(["count", "missing.txt"]).stderr).toBe("tokcost: missing.txt: no such file\n");
  });

  it("the stale-price note appears once per run, however many files and kinds", () => {
    const r = runCli(["estimate", at("note.txt"), at("history.json"), "examples/batch.jsonl", "examples/chat-request.json", "-m", "gpt-4o"], { env: { TOKCOST_NO_STALE_WARNING: undefined } });
    expect(r.stderr.split("\n").filter((l) => l.includes("may be out of date"))).toHaveLength(1);
    expect(runCli(["estimate", at("note.txt"), at("history.json"), "-m", "gpt-4o", "--no-stale-warning"]).stderr).not.toContain("out of date");
  });
});

describe("media requests say what they are billed as (issue 13)", () => {
  it("images, speech and transcription rows show the billed units", () => {
    const r = runCli(["estimate", "examples/requests/image-generation.json", "examples/requests/speech.json", "examples/requests/transcription.json"], { env: noStale });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ Billed as +│/);
    expect(r.stdout).toMatch(/dall-e-3 +│ +0 │ 1 × 1024x1792 hd at \$0\.12 +│ +\$0\.12 │/);
    const chars = JSON.parse(readFileSync("examples/requests/speech.json", "utf8")).input.length;
    expect(r.stdout).toContain(`│ ${chars} characters `);
    expect(r.stdout).toMatch(/whisper-1 +│ +0 │ [\d.]+ (s|min) +│/);
    // text requests keep their columns and get none
    expect(runCli(["estimate", "examples/chat-request.json"], { env: noStale }).stdout).not.toContain("Billed as");
  });
});

describe("a reader that stops early", () => {
  // `tokcost … | head -1`: the pipe closes while tokcost still writes; Unix tools stop quietly.
  const longFile = () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tokcost-pipe-")), "long.txt");
    writeFileSync(file, "hello world ".repeat(400_000));
    return file;
  };
  it.each([
    ["count --tokens on a long file", () => ["count", "--tokens", longFile()]],
    ["help", () => ["fit", "--help"]],
  ])("%s: a closed stdout ends the run quietly, without a stack trace", async (_name, args) => {
    const child = spawn(process.execPath, [binPath, ...args()], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});

describe("an unknown model among several, on a request file", () => {
  it("is reported on its row (table, CSV, JSON); the other models are still estimated; exit 2", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tokcost-unknown-"));
    const file = path.join(dir, "body.json");
    writeFileSync(file, JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }));
    const table = runCli(["estimate", file, "-m", "gpt-4o,gpt-4o-mni", "--no-stale-warning"]);
    expect(table.code).toBe(2);
    expect(table.stdout).toMatch(/gpt-4o-mni .*unknown model/);
    expect(table.stdout).toMatch(/did you mean gpt-4o-mini/);
    const json = runCli(["estimate", file, "-m", "gpt-4o,gpt-4o-mni", "--json"]);
    expect(json.code).toBe(2);
    const out = JSON.parse(json.stdout) as { estimates: Array<{ model: string; promptTokens: number | null; notices: Array<{ code: string }> }> };
    expect(out.estimates.map((e) => e.model)).toEqual(["gpt-4o", "gpt-4o-mni"]);
    expect(out.estimates[0].promptTokens).toBe(estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }).promptTokens);
    expect(out.estimates[1]).toMatchObject({ promptTokens: null, notices: [{ code: "UNKNOWN_MODEL" }] });
    const csv = runCli(["estimate", file, "-m", "gpt-4o,gpt-4o-mni", "--format", "csv", "--no-stale-warning"]);
    expect(csv.stdout.trim().split("\n")).toHaveLength(3);
  });
});
