import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { findAll, parseXml } from "./helpers/gate-xml.js";

/** A fresh copy of the fixture repo, as a user's checkout (with .git so config lookup stops there). */
function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tokcost-check-cli-"));
  cpSync(new URL("./fixtures/gate/", import.meta.url), dir, { recursive: true });
  mkdirSync(path.join(dir, ".git"));
  return dir;
}

const check = (cwd: string, args: string[] = [], env: Record<string, string | undefined> = {}) => runCli(["check", ...args], { cwd, env: { GITHUB_STEP_SUMMARY: undefined, ...env } });

function writeConfig(dir: string, config: unknown) {
  writeFileSync(path.join(dir, "tokcost.config.json"), JSON.stringify(config));
}

describe("tokcost check (CLI)", () => {
  it("exits 0 when every limit holds, with a readable table and no colour off a terminal", () => {
    const dir = repo();
    writeConfig(dir, { model: "gpt-4o", maxTokens: 500, rules: [{ files: "prompts/tasks/*.txt", limits: { maxPromptTokens: "1k", maxCostUsd: 0.05 } }] });
    // The bundled prices are more than 90 days old on the days these tests run: the notice is hidden here (tested in pricing-stale.test.ts).
    const r = check(dir, [], { TOKCOST_NO_STALE_WARNING: "1" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("prompts/tasks/classify.txt");
    expect(r.stdout).toContain("pass");
    expect(r.stdout).toMatch(/tokcost check: 2 checks of 2 files: 2 passed, 0 failed, 0 errors .* — PASS/);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("exits 1 when a limit is exceeded, naming the file, its tokens, its cost, the limit and by how much", () => {
    const dir = repo();
    const r = check(dir);
    expect(r.code).toBe(1);
    const row = r.stdout.split("\n").find((l) => l.includes("prompts/system/long-context.md") && l.includes("│"))!;
    expect(row).toMatch(/[\d,]{5} .*\$0\.\d+ .*FAIL maxPromptTokens/);
    expect(r.stdout).toMatch(/✗ prompts\/system\/long-context\.md \[system prompts\]: maxPromptTokens: [\d,]+ prompt tokens > maxPromptTokens 2,000 \(\+[\d,]+ tokens, \+[\d.]+%\)/);
    expect(r.stdout).toContain("FAIL (a limit was exceeded)");
  });

  it("--format json prints the structured report", () => {
    const dir = repo();
    const r = check(dir, ["--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, exitCode: 1, ok: false, config: "tokcost.config.json" });
    const long = report.results.find((x: { path: string }) => x.path === "prompts/system/long-context.md");
    expect(long.violations[0]).toMatchObject({ limit: "maxPromptTokens", allowed: 2000 });
  });

  it("--format github prints annotations and appends a Markdown summary to GITHUB_STEP_SUMMARY", () => {
    const dir = repo();
    writeFileSync(
      path.join(dir, "requests/bad.jsonl"),
      ['{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}}', '{"custom_id":"b", "body": '].join("\n"),
    );
    const summary = path.join(dir, "summary.md");
    writeFileSync(summary, "previous step\n");
    const r = check(dir, ["--format", "github"], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^::error file=prompts\/system\/long-context\.md,line=1,title=tokcost%3A maxPromptTokens exceeded::/m);
    expect(r.stdout).toMatch(/^::error file=requests\/bad\.jsonl,line=2,title=tokcost%3A invalid input::requests\/bad\.jsonl:2: not valid JSON/m);
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("previous step\n## ⚠️ tokcost check")).toBe(true);
    expect(md).toContain("| prompts/system/long-context.md |");
  });

  it("--format junit writes well-formed JUnit XML", () => {
    const dir = repo();
    const r = check(dir, ["--format", "junit"]);
    expect(r.code).toBe(1);
    const root = parseXml(r.stdout);
    const cases = findAll(root, "testcase");
    expect(cases.map((c) => c.attributes.name)).toContain("prompts/system/support.txt");
    const failures = findAll(root, "failure");
    expect(failures.map((f) => f.attributes.type)).toEqual(["maxPromptTokens"]);
    expect(root.attributes.failures).toBe("1");
  });

  it("--format markdown", () => {
    const dir = repo();
    const r = check(dir, ["--format", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## ❌ tokcost check: 1 failed, 0 errors/);
    expect(r.stdout).toContain("### Rules");
  });

  it("--update-baseline, then growth beyond maxGrowth fails and new/removed/grown files are named", () => {
    const dir = repo();
    const update = check(dir, ["--update-baseline"]);
    expect(update.code).toBe(1); // the long prompt still breaks its own limit
    expect(update.stdout).toContain("Baseline tokcost-baseline.json written (6 files).");
    const baseline = JSON.parse(readFileSync(path.join(dir, "tokcost-baseline.json"), "utf8"));
    expect(Object.keys(baseline.files)).toHaveLength(6);
    // grow one prompt by ~50%, add one, remove one
    const support = path.join(dir, "prompts/system/support.txt");
    const text = readFileSync(support, "utf8");
    writeFileSync(support, text + text.slice(0, Math.floor(text.length / 2)));
    writeFileSync(path.join(dir, "prompts/tasks/new.txt"), "A brand new task prompt.");
    writeFileSync(path.join(dir, "prompts/tasks/classify.txt"), "");
    const r = check(dir, ["--baseline", "tokcost-baseline.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ prompts\/system\/support\.txt \[system prompts\]: maxGrowth: grew [\d,]+ → [\d,]+ tokens \(\+[\d,]+, \+[\d.]+%\) over the baseline; maxGrowth 10%/);
    expect(r.stdout).toMatch(/Baseline tokcost-baseline\.json \(maxGrowth 10%\): 1 new, 0 removed, 1 grown, 1 shrunk/);
    expect(r.stdout).toMatch(/ {2}new {6}prompts\/tasks\/new\.txt/);
    expect(r.stdout).toMatch(/ {2}grown {4}prompts\/system\/support\.txt .* — beyond maxGrowth/);
    // a removed file
    rmSync(path.join(dir, "prompts/tasks/summarise.txt"));
    const removed = check(dir, ["--config", "tokcost.config.json", "--format", "json"]);
    const report = JSON.parse(removed.stdout);
    expect(report.baseline.new).toEqual(["prompts/tasks/new.txt"]);
    expect(report.baseline.removed).toEqual(["prompts/tasks/summarise.txt"]);
  });

  it("--cache writes a content-hash cache and reuses it", () => {
    const dir = repo();
    check(dir, ["--cache", ".tokcost-cache.json"]);
    expect(existsSync(path.join(dir, ".tokcost-cache.json"))).toBe(true);
    const r = check(dir, ["--cache", ".tokcost-cache.json"]);
    expect(r.stdout).toMatch(/4 from cache/);
  });

  it("an invalid config: one line on stderr naming the file and the field, exit 2, no stack trace", () => {
    const dir = repo();
    writeConfig(dir, { model: "gpt-4o", rules: [{ files: "prompts/**", limits: { maxPromptTokens: "lots" } }] });
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^tokcost: tokcost\.config\.json: rules\[0\]\.limits\.maxPromptTokens: expected a token count/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    // a config that is not JSON: JSON.parse quotes the text around the error, line breaks included
    writeFileSync(path.join(dir, "tokcost.config.json"), "not json\n{\n");
    const broken = check(dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tokcost: tokcost\.config\.json: not valid JSON \(.+\)$/)]);
  });

  it("no config at all is exit 2 with a pointer to the docs", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tokcost-check-empty-"));
    mkdirSync(path.join(dir, ".git"));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokcost: no tokcost config found .*docs\/ci\.md/);
  });

  it("a glob that matches nothing warns, and is an error with --strict; the other files are still reported", () => {
    const dir = repo();
    writeConfig(dir, { model: "gpt-4o", rules: [{ files: ["prompts/tasks/*.txt", "prompts/none/*.txt"] }] });
    const loose = check(dir);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toContain('! tokcost.config.json: rules[0].files: "prompts/none/*.txt" matches no files');
    const strict = check(dir, ["--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toContain('✗ tokcost.config.json: rules[0].files: "prompts/none/*.txt" matches no files');
    expect(strict.stdout).toContain("prompts/tasks/summarise.txt");
  });

  it("a bad flag is a usage error (exit 2)", () => {
    const r = check(repo(), ["--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of table, json, markdown, github, junit/);
  });
});
