/** The CLI in pipes, as Unix tools behave: plain lines off a terminal, formats, text arguments, one-line usage errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getEncoding } from "../src/tokenizer/index.js";
import { runCli } from "./helpers/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "tokcost-piping-"));
const a = path.join(dir, "a.txt");
const b = path.join(dir, "b.txt");
writeFileSync(a, "hello world");
const bText = "lorem ipsum dolor sit amet ".repeat(400);
writeFileSync(b, bText);
const o200k = getEncoding("o200k_base");
const na = o200k.count("hello world");
const nb = o200k.count(bText);

describe("count off a terminal", () => {
  it("prints plain lines like wc: tokens and file, a total for several, no header or separators", () => {
    const r = runCli(["count", a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${na} ${a}\n${nb} ${b}\n${na + nb} total\n`);
    expect(nb).toBeGreaterThan(999); // would have had a thousands separator in the table
  });
  it("prints the number alone for stdin or --text", () => {
    expect(runCli(["count"], { input: "hello world" }).stdout).toBe(`${na}\n`);
    expect(runCli(["count", "--text", "hello world"]).stdout).toBe(`${na}\n`);
  });
  it("--format table keeps the table for people", () => {
    expect(runCli(["count", a, "--format", "table"]).stdout).toMatch(/^tokens {2}bytes {2}file \(o200k_base\)\n/);
  });
});

describe("--format on every printing command", () => {
  it("count: csv and tsv with one header, json", () => {
    expect(runCli(["count", a, b, "--format", "csv"]).stdout).toBe(`path,encoding,exact,tokens,bytes\n${a},o200k_base,true,${na},11\n${b},o200k_base,true,${nb},${bText.length}\n`);
    expect(runCli(["count", a, "--format", "tsv"]).stdout).toBe(`path\tencoding\texact\ttokens\tbytes\n${a}\to200k_base\ttrue\t${na}\t11\n`);
    expect(JSON.parse(runCli(["count", a, "--format", "json"]).stdout).total.tokens).toBe(na);
  });
  it("models: csv and tsv", () => {
    const csv = runCli(["models", "gpt-4.1-nano", "--format", "csv"]).stdout.trim().split("\n");
    expect(csv[0]).toBe("id,provider,mode,context_window,max_output_tokens,input_usd_per_1m,cached_input_usd_per_1m,output_usd_per_1m,encoding,exact_tokenizer,status,as_of");
    expect(csv).toContainEqual(expect.stringMatching(/^gpt-4\.1-nano,openai,chat,\d+,\d+,[\d.]+,/));
    expect(runCli(["models", "gpt-4.1-nano", "--format", "tsv"]).stdout.split("\n")[0].split("\t")).toHaveLength(12);
  });
  it("a format that does not exist is one line, exit 2", () => {
    const r = runCli(["count", a, "--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tokcost: --format must be one of table, json, csv, tsv, got "xml"\n');
  });
});

describe("text as an argument, ids both ways", () => {
  it("count and estimate take --text", () => {
    expect(runCli(["count", "--text", "Hello world"]).stdout).toBe(`${o200k.count("Hello world")}\n`);
    const e = JSON.parse(runCli(["estimate", "--text", "Hello world", "-m", "gpt-4o", "--json"]).stdout);
    expect(e.estimates[0]).toMatchObject({ path: "<text>", model: "gpt-4o", promptTokens: o200k.count("Hello world") });
    const both = runCli(["count", "--text", "x", a]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("--tokens prints ids and --decode turns them back into text", () => {
    const ids = o200k.encode("Hello world");
    expect(runCli(["count", "--tokens", "--text", "Hello world"]).stdout).toBe(`${ids.join(" ")}\n`);
    expect(runCli(["count", "--decode"], { input: ids.join(", ") + "\n" }).stdout).toBe("Hello world");
    expect(runCli(["count", "--decode", "--encoding", "cl100k_base", "--text", "9906 1917"]).stdout).toBe("Hello world");
    const bad = runCli(["count", "--decode", "--text", "12 abc"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tokcost: --decode expects token ids (whole numbers separated by spaces or commas), got "abc"\n');
  });
});

describe("help and mistakes", () => {
  it("every command's --help has examples", () => {
    for (const command of ["estimate", "count", "models", "check", "truncate", "fit", "pricing", "calibrate", "serve"]) {
      const r = runCli([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(/\nExamples:\n {2}tokcost /);
    }
  });
  it("an unknown command or option is one line with the closest match, exit 2", () => {
    const cmd = runCli(["cuont"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe("tokcost: unknown command 'cuont'; did you mean count? (see tokcost --help)\n");
    const opt = runCli(["count", "--formt", "csv"]);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toBe("tokcost: unknown option '--formt'; did you mean --format? (see tokcost count --help)\n");
  });
  it("models with no match exits 1 with a hint", () => {
    const r = runCli(["models", "zzz"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('tokcost: no models match "zzz"; try a shorter part of the id, a provider (--provider openai) or "tokcost models" to list all\n');
    expect(runCli(["models", "gpt-4o-mni"]).stderr).toContain("did you mean gpt-4o-mini");
  });
});
