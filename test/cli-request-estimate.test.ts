/** CLI: `tokcost estimate` on request JSON, batch and fine-tuning JSONL, --chat, --image-size; `tokcost truncate`. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { runCli } from "./helpers/cli.js";
import { countChatTokens, getModel } from "../src/index.js";
import { png } from "./fixtures/requests/image-bytes.js";

/** The error lines of stderr (warnings such as stale prices are other lines). */
const errorLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("tokcost:"));
const fx = (name: string) => path.join("test", "fixtures", "requests", name);
const o200k = get_encoding("o200k_base");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tokcost-cli-req-"));
  writeFileSync(path.join(dir, "cat.png"), png(1024, 1024));
  writeFileSync(
    path.join(dir, "local-image.json"),
    JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "cat.png", detail: "high" } }] }], max_tokens: 10 }),
  );
  writeFileSync(
    path.join(dir, "remote-image.json"),
    JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } }] }], max_tokens: 10 }),
  );
  writeFileSync(path.join(dir, "text.txt"), "The quick brown fox jumps over the lazy dog.");
});

describe("tokcost estimate <request.json>", () => {
  it("recognises a chat request and counts it as the API bills it (129)", () => {
    const r = runCli(["estimate", fx("cookbook-chat.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(chat)");
    expect(r.stdout).toMatch(/gpt-3\.5-turbo\s*│\s*129\s*│/);
  });

  it("every kind of entry starts with the contract's fields, in order (text, request body, Batch file, fine-tuning file)", () => {
    const keysOf = (args: string[]) => {
      const r = runCli(["estimate", ...args, "--json"]);
      return Object.keys((JSON.parse(r.stdout) as { estimates: Array<Record<string, unknown>> }).estimates[0]);
    };
    const contract = [
      "path",
      "model",
      "encoding",
      "exact",
      "promptTokens",
      "maxTokens",
      "completionTokens",
      "completionBasis",
      "contextWindow",
      "maxInputTokens",
      "maxOutputTokens",
      "fits",
      "room",
      "cost",
      "problems",
      "warnings",
      "notices",
    ];
    expect(keysOf(["examples/support-agent.txt", "-m", "gpt-4o"])).toEqual(contract);
    for (const args of [["examples/chat-request.json"], ["examples/batch.jsonl"], ["examples/fine-tune.jsonl", "-m", "gpt-4o-mini-2024-07-18"]])
      expect(keysOf(args).slice(0, contract.length)).toEqual(contract);
  });

  it("--json keeps the contract and adds kind, maxTokensParam and breakdown", () => {
    const r = runCli(["estimate", "examples/chat-request.json", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { estimates: Array<Record<string, unknown>> };
    const e = out.estimates[0];
    for (const key of ["path", "model", "encoding", "exact", "promptTokens", "maxTokens", "contextWindow", "maxInputTokens", "maxOutputTokens", "fits", "room", "cost", "warnings"])
      expect(e).toHaveProperty(key);
    expect(e).toMatchObject({ path: "examples/chat-request.json", model: "gpt-4o", kind: "chat", promptTokens: 101, exact: true, maxTokens: 500, maxTokensParam: "max_tokens" });
    expect(e.breakdown).toMatchObject({ tools: 68, images: 0, choices: 1, completionTokens: 500 });
    expect(Object.keys(e.cost as object)).toEqual(expect.arrayContaining(["currency", "prompt", "completion", "total"]));
  });

  it("-m re-estimates the request on other models", () => {
    const r = runCli(["estimate", fx("cookbook-chat.json"), "-m", "gpt-4o,gpt-4", "--json"]);
    const out = JSON.parse(r.stdout) as { estimates: Array<{ model: string; promptTokens: number }> };
    expect(out.estimates.map((e) => [e.model, e.promptTokens])).toEqual([
      ["gpt-4o", 124],
      ["gpt-4", 129],
    ]);
  });

  it("a request the API would reject: one line in the API's words, exit 2", () => {
    const r = runCli(["estimate", fx("typo.json")]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`tokcost: ${fx("typo.json")}: Unrecognized request argument supplied: max_token (did you mean max_tokens?)`]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const reasoning = runCli(["estimate", fx("reasoning-max-tokens.json")]);
    expect(reasoning.code).toBe(2);
    expect(reasoning.stderr).toContain("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
    // where the API's words do not name the field, the line adds it (the API returns it as "param")
    const role = runCli(["estimate", "-"], { input: JSON.stringify({ model: "gpt-4o", messages: [{ role: "robot", content: "hi" }] }) });
    expect(role.code).toBe(2);
    expect(errorLines(role.stderr)).toEqual([
      "tokcost: <stdin>: Invalid value: 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and 'function'. (at messages[0].role)",
    ]);
  });

  it("a JSONL of bare request bodies: a line each at standard rates, bad lines named; other files still estimated", () => {
    const file = path.join(dir, "bodies.jsonl");
    const lines = [
      { model: "gpt-4o", messages: [{ role: "user", content: "hello" }], max_tokens: 50 },
      { model: "gpt-4o", messages: [{ role: "robot", content: "x" }] },
      { foo: 1 },
      { model: "gpt-4o-mini", prompt: "Say this is a test", max_tokens: 7 },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const r = runCli(["estimate", file, fx("cookbook-chat.json"), "--json"]);
    expect(r.code).toBe(1); // invalid lines, as for a batch file
    const out = JSON.parse(r.stdout);
    const bodies = out.estimates.find((e: { path: string }) => e.path === file);
    expect(bodies.kind).toBe("requests");
    expect(bodies.requests.lines.map((l: { line: number; kind: string; customId: null }) => [l.line, l.kind, l.customId])).toEqual([
      [1, "chat", null],
      [4, "completions", null],
    ]);
    const chat = countChatTokens([{ role: "user", content: "hello" }], { model: "gpt-4o" }).total;
    const gpt4o = getModel("gpt-4o").pricing;
    expect(bodies.requests.lines[0].cost.total).toBeCloseTo((chat * gpt4o.input! + 50 * gpt4o.output!) / 1e6, 12); // standard, not batch, rates
    expect(out.estimates.map((e: { path: string }) => e.path)).toContain(fx("cookbook-chat.json"));
    expect(errorLines(r.stderr)).toEqual([
      `tokcost: ${file}:2: Invalid value: 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and 'function'. (at messages[0].role)`,
      `tokcost: ${file}:3: not a request body: expected messages (chat), prompt (completions) or input (responses, embeddings)`,
    ]);
    const table = runCli(["estimate", file]);
    expect(table.stdout).toContain(`${file}: request bodies, one per line`);
    expect(table.stdout).toMatch(/│\s*Cost │/);
  });

  it("a request that does not fit exits 1 with the API's message", () => {
    const r = runCli(["estimate", fx("too-long.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("This model's maximum context length is 8192 tokens. However, you requested 9008 tokens (8 in the messages, 9000 in the completion).");
  });

  it("completions, embeddings and responses bodies", () => {
    const r = runCli(["estimate", fx("completions.json"), fx("embeddings.json"), fx("responses.json"), "--json"]);
    expect(r.code).toBe(0);
    const kinds = (JSON.parse(r.stdout) as { estimates: Array<{ kind: string }> }).estimates.map((e) => e.kind);
    expect(kinds).toEqual(["completions", "embeddings", "responses"]);
  });

  it("measures local images; remote ones need --image-size for an exact count", () => {
    const local = JSON.parse(runCli(["estimate", path.join(dir, "local-image.json"), "--json"]).stdout).estimates[0];
    expect(local.breakdown.images).toBe(765);
    const remote = runCli(["estimate", path.join(dir, "remote-image.json"), "--json"]);
    expect(JSON.parse(remote.stdout).estimates[0]).toMatchObject({ exact: false });
    const sized = JSON.parse(runCli(["estimate", path.join(dir, "remote-image.json"), "--image-size", "1024x1024", "--json"]).stdout).estimates[0];
    expect(sized).toMatchObject({ exact: true });
    expect(sized.breakdown.images).toBe(765);
    const bad = runCli(["estimate", path.join(dir, "remote-image.json"), "--image-size", "big"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--image-size expects WIDTHxHEIGHT");
  });

  it("--chat treats a text file as one user message", () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const r = runCli(["estimate", path.join(dir, "text.txt"), "--chat", "-m", "gpt-4o", "--max-tokens", "100", "--json"]);
    const e = JSON.parse(r.stdout).estimates[0];
    expect(e.kind).toBe("chat");
    expect(e.promptTokens).toBe(3 + o200k.encode("user").length + o200k.encode(text).length + 3);
    const plain = JSON.parse(runCli(["estimate", path.join(dir, "text.txt"), "-m", "gpt-4o", "--json"]).stdout).estimates[0];
    expect(plain.promptTokens).toBe(o200k.encode(text).length);
    expect(plain.kind).toBeUndefined();
  });

  it("--chat on a JSON array of messages counts the conversation (the cookbook's 124 / 127)", () => {
    const r = runCli(["estimate", fx("conversation.json"), "--chat", "-m", "gpt-4o,gpt-3.5-turbo-0301", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { estimates: Array<{ model: string; promptTokens: number; kind: string }> };
    expect(out.estimates.map((e) => [e.model, e.promptTokens, e.kind])).toEqual([
      ["gpt-4o", 124, "chat"],
      ["gpt-3.5-turbo-0301", 127, "chat"],
    ]);
  });

  it("a request body piped on stdin is estimated as a request; plain text stays text", () => {
    const piped = runCli(["estimate", "--json"], { input: readFileSync("examples/chat-request.json", "utf8") });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout).estimates[0]).toMatchObject({ path: "<stdin>", kind: "chat", promptTokens: 101 });
    const text = runCli(["estimate", "-", "-m", "gpt-4o", "--json"], { input: "hello world" });
    expect(JSON.parse(text.stdout).estimates[0]).toMatchObject({ path: "<stdin>", promptTokens: o200k.encode("hello world").length });
    const bad = runCli(["estimate", "-m", "gpt-4o"], { input: '{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"max_token":1}' });
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)).toEqual(["tokcost: <stdin>: Unrecognized request argument supplied: max_token (did you mean max_tokens?)"]);
  });

  it("--tier, --cached-tokens, --cache-hit and --reasoning-tokens price a request body as they price text", () => {
    const { pricing } = getModel("gpt-4o");
    const run = (...flags: string[]) => JSON.parse(runCli(["estimate", "examples/chat-request.json", "--json", ...flags]).stdout).estimates[0];
    const plain = run();
    expect(plain.promptTokens).toBe(101);
    expect(plain.cost.prompt).toBeCloseTo((101 * pricing.input!) / 1e6, 12);
    expect(run("--cached-tokens", "50").cost.prompt).toBeCloseTo((51 * pricing.input! + 50 * pricing.cachedInput!) / 1e6, 12);
    expect(run("--cache-hit", "50%").cost.prompt).toBeCloseTo((51 * pricing.input! + 50 * pricing.cachedInput!) / 1e6, 12);
    expect(run("--tier", "batch").cost.total).toBeCloseTo(plain.cost.total / 2, 12);
    const reasoning = run("--reasoning-tokens", "1000");
    expect(reasoning.cost.completion).toBeCloseTo(plain.cost.completion + (1000 * pricing.output!) / 1e6, 12);
    expect(reasoning.warnings.join(" ")).toMatch(/1000 reasoning tokens are billed as output/);
    const batch = runCli(["estimate", "examples/batch.jsonl", "--cached-tokens", "10"]);
    expect(batch.stderr).toContain("--tier, --cached-tokens, --cache-hit, --reasoning-tokens and --reasoning-effort do not apply here: batch files are billed at Batch API rates");
  });

  it("request files and text files together in one JSON document", () => {
    const r = runCli(["estimate", fx("cookbook-chat.json"), path.join(dir, "text.txt"), "-m", "gpt-4o", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { estimates: unknown[] }).estimates).toHaveLength(2);
  });
});

describe("tokcost estimate <batch.jsonl>", () => {
  it("a per-line table and totals at batch rates", () => {
    const r = runCli(["estimate", "examples/batch.jsonl"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Batch API input file");
    expect(r.stdout).toContain("greet-1");
    expect(r.stdout).toContain("total (3 requests)");
  });

  it("bad lines are reported with line number and reason; the rest are counted; exit 1", () => {
    const r = runCli(["estimate", fx("batch-mixed.jsonl"), "--json"]);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.stdout).estimates[0];
    expect(e.kind).toBe("batch");
    expect(e.batch.requests).toBe(2);
    expect(e.batch.invalid).toBe(3);
    expect(e.batch.errors.map((x: { line: number }) => x.line)).toEqual([2, 3, 6]);
    const table = runCli(["estimate", fx("batch-mixed.jsonl")]);
    expect(table.stderr).toContain(`tokcost: ${fx("batch-mixed.jsonl")}:2: (typo) Unrecognized request argument supplied: max_token (did you mean max_tokens?)`);
    expect(table.stderr).toContain(`${fx("batch-mixed.jsonl")}:3: not valid JSON`);
  });
});

describe("tokcost estimate <fine-tune.jsonl>", () => {
  it("training tokens, OpenAI's default epochs, and --epochs", () => {
    const r = runCli(["estimate", "examples/fine-tune.jsonl", "-m", "gpt-4o-mini-2024-07-18", "--json"]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout).estimates[0];
    expect(e.kind).toBe("fine-tune");
    expect(e.fineTuning).toMatchObject({ examples: 3, invalid: 0, epochs: 25, epochsSource: "default" });
    expect(e.fineTuning.billedTokens).toBe(25 * e.promptTokens);
    const three = JSON.parse(runCli(["estimate", "examples/fine-tune.jsonl", "-m", "gpt-4o-mini-2024-07-18", "--epochs", "3", "--json"]).stdout).estimates[0];
    expect(three.fineTuning).toMatchObject({ epochs: 3, epochsSource: "given", billedTokens: 3 * e.promptTokens });
  });

  it("needs the model to fine-tune", () => {
    const r = runCli(["estimate", "examples/fine-tune.jsonl"]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(errorLines(r.stderr)[0]).toMatch(/^tokcost: examples\/fine-tune\.jsonl is a fine-tuning file: name the model to fine-tune with -m/);
  });

  it("invalid examples are reported by line; exit 1", () => {
    const r = runCli(["estimate", fx("fine-tune-mixed.jsonl"), "-m", "gpt-4o-mini"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${fx("fine-tune-mixed.jsonl")}:2: the example has no assistant message`);
    expect(r.stdout).toContain("training tokens per epoch");
  });
});

describe("tokcost truncate", () => {
  const text = "The quick brown fox jumps over the lazy dog.";
  const ids = o200k.encode(text);
  const decode = (t: Uint32Array | number[]) => new TextDecoder().decode(o200k.decode(Uint32Array.from(t)));

  it("keeps the first n tokens", () => {
    const r = runCli(["truncate", path.join(dir, "text.txt"), "--tokens", "4", "-m", "gpt-4o"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(decode(ids.slice(0, 4)));
    expect(r.stderr).toContain(`kept 4 of ${ids.length} tokens`);
  });

  it("--from start keeps the end; stdin works", () => {
    const r = runCli(["truncate", "--tokens", "3", "--from", "start"], { input: text });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(decode(ids.slice(-3)));
  });

  it("usage errors are one line, exit 2", () => {
    const r = runCli(["truncate", path.join(dir, "text.txt"), "--tokens", "-3"]);
    expect(r.code).toBe(2);
    const missing = runCli(["truncate", path.join(dir, "nope.txt"), "--tokens", "3"]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.stderr)).toEqual([`tokcost: ${path.join(dir, "nope.txt")}: no such file`]);
  });
});
