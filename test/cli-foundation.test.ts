import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { runCli } from "./helpers/cli.js";
import { readFileSync } from "node:fs";
import { groupWarnings } from "../src/cli/shared.js";
import { notice } from "../src/estimate/notice.js";
import { getModel } from "../src/index.js";

let dir: string;
const o200k = get_encoding("o200k_base");
const p50k = get_encoding("p50k_base");

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tokcost-cli-"));
  writeFileSync(path.join(dir, "hello.txt"), "Hello, world! This is a prompt.\n");
  writeFileSync(path.join(dir, "empty.txt"), "");
  writeFileSync(path.join(dir, "binary.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  writeFileSync(path.join(dir, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in Latin-1
  writeFileSync(path.join(dir, "special.txt"), "before <|endoftext|> after");
  writeFileSync(path.join(dir, "long.txt"), "word ".repeat(5000));
  mkdirSync(path.join(dir, "sub"));
  writeFileSync(
    path.join(dir, "bad-pricing.json"),
    JSON.stringify({ version: 1, asOf: "2026-01-01", models: [{ id: "x", provider: "openai", mode: "chat", pricing: { input: "cheap" }, source: "me", asOf: "2026-01-01" }] }),
  );
  writeFileSync(
    path.join(dir, "pricing.json"),
    JSON.stringify({
      version: 1,
      asOf: "2026-09-01",
      models: [
        {
          id: "acme-small",
          provider: "acme",
          mode: "chat",
          encoding: "cl100k_base",
          exactTokenizer: false,
          contextWindow: 8000,
          maxOutputTokens: 1000,
          pricing: { input: 1, output: 2 },
          source: "https://acme.example/pricing",
          asOf: "2026-09-01",
        },
      ],
    }),
  );
});

const f = (name: string) => path.join(dir, name);

describe("tokcost estimate", () => {
  it("prints a table for the bundled example and exits 0", () => {
    const r = runCli(["estimate", "examples/support-agent.txt", "-m", "gpt-4o", "--max-tokens", "500"]);
    expect(r.code).toBe(0);
    const expected = o200k.encode(readFileSync("examples/support-agent.txt", "utf8")).length;
    expect(r.stdout).toContain("gpt-4o");
    expect(r.stdout).toContain(String(expected));
    expect(r.stdout).toContain("yes");
    expect(r.stdout).not.toContain("\u001b["); // no colour when not a TTY
  });

  it("--json follows the documented contract with exact counts", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", "--max-tokens", "100", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["estimates", "pricing"]); // pricing: added (docs/json-output.md)
    const e = out.estimates[0];
    // completionTokens, completionBasis and notices: added (docs/json-output.md, "What changed")
    expect(Object.keys(e)).toEqual([
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
    ]);
    expect(e.promptTokens).toBe(o200k.encode("Hello, world! This is a prompt.\n").length);
    expect(e.exact).toBe(true);
    expect(e.maxTokens).toBe(100);
    expect(e).toMatchObject({ completionTokens: 100, completionBasis: "max_tokens" });
    expect(e.cost.currency).toBe("USD");
    expect(e.cost.total).toBeCloseTo(e.cost.prompt + e.cost.completion, 15);
    expect(e.fits).toBe(true);
  });

  it("compares several models (repeatable and comma-separated -m) and defaults to a comparison", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o,gpt-4o-mini", "-m", "gpt-5", "--json"]);
    expect(JSON.parse(r.stdout).estimates.map((e: { model: string }) => e.model)).toEqual(["gpt-4o", "gpt-4o-mini", "gpt-5"]);
    const d = runCli(["estimate", f("hello.txt"), "--json"]);
    expect(JSON.parse(d.stdout).estimates.length).toBeGreaterThanOrEqual(3);
  });

  it("exits 1 with the API's wording when the request does not fit", () => {
    const r = runCli(["estimate", f("long.txt"), "-m", "text-davinci-003", "--max-tokens", "1000"]);
    const tokens = p50k.encode("word ".repeat(5000)).length;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`This model's maximum context length is 4097 tokens, however you requested ${tokens + 1000} tokens (${tokens} in your prompt; 1000 for the completion)`);
    expect(r.stderr).toContain("retired on 2024-01-04");
  });

  it("markdown and csv formats", () => {
    const md = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", "--format", "markdown"]);
    expect(md.stdout.split("\n")[1]).toMatch(/^\| --- \| --- \| ---: /);
    const csv = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toBe(
      "path,kind,line,custom_id,model,encoding,exact,prompt_tokens,messages_tokens,tools_tokens,image_tokens,max_tokens,choices,completion_tokens,context_window,fits,room,billed_as,cost_prompt_usd,cost_completion_usd,cost_total_usd",
    );
  });

  it("reads stdin with - or a pipe", () => {
    const r = runCli(["estimate", "-", "-m", "gpt-4o", "--json"], { input: "hello world" });
    expect(JSON.parse(r.stdout).estimates[0]).toMatchObject({ path: "<stdin>", promptTokens: 2 });
    const piped = runCli(["count", "--json"], { input: "hello world" });
    expect(JSON.parse(piped.stdout).total.tokens).toBe(2);
  });

  it("a byte-order mark is text: counted the same from a file and from stdin, as tiktoken counts it", () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Hello world")]);
    writeFileSync(f("bom.txt"), withBom);
    const expected = o200k.encode("\ufeffHello world").length;
    expect(expected).toBe(3);
    expect(JSON.parse(runCli(["count", f("bom.txt"), "--json"]).stdout).total.tokens).toBe(expected);
    expect(JSON.parse(runCli(["count", "--json"], { input: withBom }).stdout).total.tokens).toBe(expected);
    expect(JSON.parse(runCli(["estimate", "-", "-m", "gpt-4o", "--json"], { input: withBom }).stdout).estimates[0].promptTokens).toBe(expected);
  });

  it("never prints $0.00 for a small non-zero cost", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o-mini"]);
    expect(r.stdout).not.toMatch(/\$0\.00(?![0-9])/);
    expect(r.stdout).toMatch(/\$0\.0000\d/);
  });

  it("a user pricing file extends the table; its counts are marked approximate", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "acme-small", "--pricing", f("pricing.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("≈");
    const env = runCli(["estimate", f("hello.txt"), "-m", "acme-small", "--json"], { env: { TOKCOST_PRICING: f("pricing.json") } });
    expect(JSON.parse(env.stdout).estimates[0].exact).toBe(false);
  });
});

describe("bad input: one line, exit 2, other files still reported", () => {
  it("missing file, directory and binary file alongside a good file", () => {
    const r = runCli(["estimate", f("nope.txt"), f("sub"), f("binary.bin"), f("hello.txt"), "-m", "gpt-4o", "--json"]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.estimates).toHaveLength(1);
    expect(out.errors.map((e: { code: string }) => e.code)).toEqual(["FILE_NOT_FOUND", "INVALID_INPUT", "INVALID_INPUT"]);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`tokcost: ${f("nope.txt")}: no such file`);
    expect(lines[1]).toContain("is a directory");
    expect(lines[2]).toContain("binary");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("invalid UTF-8 is counted with a warning; an empty file is 0 tokens", () => {
    const r = runCli(["count", f("latin1.txt"), f("empty.txt"), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files[0].tokens).toBe(o200k.encode("caf\uFFFD\n").length);
    expect(out.files[1]).toMatchObject({ tokens: 0, bytes: 0 });
    const human = runCli(["count", f("latin1.txt")]);
    expect(human.stderr).toContain("not valid UTF-8");
  });

  it("unknown model suggests the closest", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gtp-4o"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown model "gtp-4o" (did you mean gpt-4o');
    // tiktoken's prefix rules would count "gpt-4-o" (as "gpt-4-…"), but a model the table does not price is still an error…
    const prefixed = runCli(["estimate", f("hello.txt"), "-m", "gpt-4-o", "--json"]);
    expect(prefixed.code).toBe(2);
    expect(prefixed.stderr).toContain('unknown model "gpt-4-o" (did you mean gpt-4o');
    expect(prefixed.stderr).toContain("--allow-unpriced");
    // …unless the user asks for tokens only: counted, not priced, and the warning still suggests the model meant.
    const unpriced = runCli(["estimate", f("hello.txt"), "-m", "gpt-4-o", "--allow-unpriced", "--json"]);
    expect(unpriced.code).toBe(0);
    const row = JSON.parse(unpriced.stdout).estimates[0];
    expect(row.warnings.join(" ")).toContain("did you mean gpt-4o");
    expect(row.notices[0]).toMatchObject({ code: "UNPRICED_MODEL", subject: "gpt-4-o" });
    expect(row.cost.total).toBeNull();
  });

  it("negative or non-numeric --max-tokens, unknown flag, unknown encoding", () => {
    for (const bad of ["-5", "lots", "1.5", "99999999999999999999"]) {
      const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", `--max-tokens=${bad}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--max-tokens expects a non-negative whole number");
    }
    const flag = runCli(["estimate", "--frobnicate"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frobnicate'");
    const enc = runCli(["count", f("hello.txt"), "--encoding", "o300k"]);
    expect(enc.code).toBe(2);
    expect(enc.stderr).toContain('unknown encoding "o300k"');
  });

  it("a pricing file that fails the schema names the field path", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", "--pricing", f("bad-pricing.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("models[0].pricing.input");
  });
});

describe("tokcost count", () => {
  it("counts per file and in total, like wc", () => {
    const r = runCli(["count", f("hello.txt"), f("special.txt"), "-m", "gpt-4o"]);
    expect(r.code).toBe(0);
    const hello = o200k.encode("Hello, world! This is a prompt.\n").length;
    const special = o200k.encode("before <|endoftext|> after", [], []).length;
    expect(r.stdout).toMatch(new RegExp(`\\b${hello}\\b.*hello\\.txt`));
    expect(r.stdout).toMatch(new RegExp(`\\b${hello + special}\\b.*total`));
  });

  it("treats special-token text as ordinary text unless --allow-special", () => {
    const plain = JSON.parse(runCli(["count", f("special.txt"), "--json"]).stdout);
    expect(plain.files[0].tokens).toBe(o200k.encode("before <|endoftext|> after", [], []).length);
    const special = JSON.parse(runCli(["count", f("special.txt"), "--json", "--allow-special"]).stdout);
    expect(special.files[0].tokens).toBe(o200k.encode("before <|endoftext|> after", "all").length);
  });

  it("--json contract", () => {
    const out = JSON.parse(runCli(["count", f("hello.txt"), "--encoding", "cl100k_base", "--json"]).stdout);
    expect(out.files[0]).toEqual({ path: f("hello.txt"), tokens: get_encoding("cl100k_base").encode("Hello, world! This is a prompt.\n").length, bytes: 32 });
    expect(out.total).toEqual({ tokens: out.files[0].tokens, bytes: 32 });
    expect(out).toMatchObject({ encoding: "cl100k_base", exact: true });
    expect(out).not.toHaveProperty("model");
  });

  it("another vendor's model is counted with the closest public encoding, marked approximate", () => {
    const json = JSON.parse(runCli(["count", f("hello.txt"), "-m", "claude-sonnet-4-5", "--json"]).stdout);
    expect(json).toMatchObject({ model: "claude-sonnet-4-5", encoding: "o200k_base", exact: false });
    expect(json.files[0].tokens).toBe(o200k.encode("Hello, world! This is a prompt.\n").length);
    const human = runCli(["count", f("hello.txt"), "-m", "claude-sonnet-4-5", "--format", "table"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`≈${json.files[0].tokens}\\s+32\\s+.*hello\\.txt`));
    expect(human.stderr).toMatch(/does not publish claude-sonnet-4-5's tokenizer/);
    // an OpenAI model counted with an encoding that is not its own is approximate too
    const other = JSON.parse(runCli(["count", f("hello.txt"), "-m", "gpt-4o", "--encoding", "cl100k_base", "--json"]).stdout);
    expect(other).toMatchObject({ model: "gpt-4o", encoding: "cl100k_base", exact: false });
    expect(JSON.parse(runCli(["count", f("hello.txt"), "-m", "gpt-4o", "--json"]).stdout).exact).toBe(true);
  });
});

describe("tokcost models", () => {
  it("lists the table and filters it", () => {
    const r = runCli(["models", "gpt-4o"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("gpt-4o-mini");
    expect(r.stdout).toContain("128,000");
    const json = JSON.parse(runCli(["models", "--json"]).stdout);
    expect(json.models.length).toBeGreaterThan(5);
    expect(json.models.every((m: { source: unknown; asOf: string }) => m.source && /^\d{4}-\d{2}-\d{2}$/.test(m.asOf))).toBe(true);
  });

  it("help and version exit 0", () => {
    expect(runCli(["--help"]).code).toBe(0);
    expect(runCli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("warnings for people", () => {
  it("one line per note: the same notice about several subjects is grouped by its code and subject, in first-seen order", () => {
    expect(
      groupWarnings([
        notice("REASONING_NOT_COUNTED", "o4-mini: hidden reasoning tokens are billed as output", "o4-mini"),
        "prices are old",
        notice("REASONING_NOT_COUNTED", "gpt-5: hidden reasoning tokens are billed as output", "gpt-5"),
        "prices are old",
        "a.txt: invalid UTF-8",
        "b.txt: invalid UTF-8",
        notice("REASONING_TOKENS", "ft:gpt-4o:org::x: a colon in the id is never split", "ft:gpt-4o:org::x"),
      ]),
      // plain strings are never split by their wording: only notices (code + subject) are grouped
    ).toEqual(["o4-mini, gpt-5: hidden reasoning tokens are billed as output", "prices are old", "a.txt: invalid UTF-8", "b.txt: invalid UTF-8", "ft:gpt-4o:org::x: a colon in the id is never split"]);
  });

  it("without --max-tokens the completion is priced at the model's worst case, never $0, and said once", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o"]);
    expect(r.code).toBe(0);
    const row = r.stdout.split("\n").find((line) => line.includes("gpt-4o"))!;
    expect(row).toContain("≤16,384");
    expect(row).not.toMatch(/\$0\s/);
    expect(r.stderr).toContain("warning: completion: up to 16,384 tokens, priced as the worst case — set --max-tokens to tighten");
    const json = JSON.parse(runCli(["estimate", f("hello.txt"), "-m", "gpt-4o", "--json"]).stdout).estimates[0];
    expect(json).toMatchObject({ maxTokens: null, completionTokens: 16384, completionBasis: "model_max_output" });
    expect(json.cost.completion).toBeCloseTo((16384 * getModel("gpt-4o").pricing.output!) / 1e6, 12);
    expect(json.notices.map((n: { code: string }) => n.code)).toContain("COMPLETION_WORST_CASE");
    // models that differ are named with their own worst case, on one line
    const several = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o,gpt-4.1,gpt-4o-mini"]);
    expect(several.stderr.split("\n").filter((line) => line.includes("completion: up to"))).toEqual([
      "warning: completion: up to 16,384 (gpt-4o, gpt-4o-mini), 32,768 (gpt-4.1), priced as the worst case — set --max-tokens to tighten",
    ]);
  });

  it("count -m only needs an encoding: an id the table does not list is counted, with its suggestions as a warning", () => {
    const r = runCli(["count", "--text", "hello there", "-m", "gpt-4o-mni"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(String(o200k.encode("hello there").length));
    expect(r.stderr).toContain('no pricing or limits for "gpt-4o-mni" in the table: tokens only (did you mean gpt-4o-mini');
  });

  it("a typo in a multi-model run: its row reports the problem, the others are estimated, exit 2", () => {
    const r = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o,gpt-4o-mni", "--max-tokens", "100", "--json"]);
    expect(r.code).toBe(2);
    const rows = JSON.parse(r.stdout).estimates;
    expect(rows.map((e: { model: string }) => e.model)).toEqual(["gpt-4o", "gpt-4o-mni"]);
    expect(rows[0].cost.total).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ promptTokens: null, fits: null, cost: { total: null }, maxTokens: 100 });
    expect(rows[1].notices).toEqual([{ code: "UNKNOWN_MODEL", subject: "gpt-4o-mni", data: { suggestions: expect.arrayContaining(["gpt-4o-mini"]) }, text: rows[1].problems[0] }]);
    const human = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o,gpt-4o-mni"]);
    expect(human.code).toBe(2);
    expect(human.stdout).toContain("✗ " + f("hello.txt") + ' · gpt-4o-mni: unknown model "gpt-4o-mni" (did you mean gpt-4o-mini');
    expect(human.stdout).toMatch(/gpt-4o-mni .*unknown model/);
    // a single unknown model is a usage error, as before
    const single = runCli(["estimate", f("hello.txt"), "-m", "gpt-4o-mni"]);
    expect(single.code).toBe(2);
    expect(single.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("the default comparison names its reasoning models in one warning", () => {
    const r = runCli(["estimate", f("hello.txt")]);
    expect(r.code).toBe(0);
    const reasoning = r.stderr.split("\n").filter((line) => line.includes("hidden reasoning tokens"));
    // with --max-tokens the reasoning tokens come on top of the budget; without, the worst case already holds them
    expect(reasoning).toEqual([]);
    const budgeted = runCli(["estimate", f("hello.txt"), "--max-tokens", "500"]);
    expect(budgeted.stderr.split("\n").filter((line) => line.includes("hidden reasoning tokens"))).toEqual([
      "warning: o4-mini, gpt-5-mini, gpt-5: hidden reasoning tokens are billed as output and count against max_completion_tokens, on top of the visible answer; add --reasoning-tokens <n> (or reasoningTokens) to include them",
    ]);
  });
});
