import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, renderCheckReport, renderGithub, renderJunit, renderCheckMarkdown, renderCheckTable, runCheck, type CheckReport } from "../src/gate/index.js";
// internals of the reporters, tested directly
import { escapeGithubData, escapeGithubProperty, escapeXml, PASSING_ROWS_SHOWN } from "../src/gate/reporters.js";
import { findAll, parseXml } from "./helpers/gate-xml.js";

describe("the XML checker used by these tests is strict", () => {
  it.each([
    ["<a><b></a></b>", /closes/],
    ["<a x=1/>", /not quoted/],
    ['<a x="1" x="2"/>', /duplicate/],
    ["<a>&bogus;</a>", /unknown entity/],
    ["<a>AT&T</a>", /bare "&"/],
    ['<a x="<"/>', /"<" in attribute/],
    ["<a/><b/>", /content after the root|second root/],
    ["<a>\u0001</a>", /not allowed/],
    ["<a>", /never closed/],
  ])("rejects %j", (xml, reason) => {
    expect(() => parseXml(xml)).toThrow(reason);
  });

  it("decodes entities and character references", () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a t="x &amp; &quot;y&quot;&#10;z">1 &lt; 2 &#x263A;</a>`);
    expect(root.attributes.t).toBe('x & "y"\nz');
    expect(root.text).toBe("1 < 2 ☺");
  });
});

describe("escaping", () => {
  it("GitHub workflow commands: %, CR, LF in messages; also : and , in properties", () => {
    expect(escapeGithubData("50% of a\r\nb")).toBe("50%25 of a%0D%0Ab");
    expect(escapeGithubProperty("a:b,c%d\ne")).toBe("a%3Ab%2Cc%25d%0Ae");
  });

  it("XML: markup characters become entities, forbidden characters are replaced", () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    expect(escapeXml("a\u0000b\uD800c")).toBe("a\uFFFDb\uFFFDc");
    expect(parseXml(`<t v="${escapeXml("line1\nline2\t\u0007")}"/>`).attributes.v).toBe("line1\nline2\t\uFFFD");
  });
});

describe("reporters on a real report with awkward file names", () => {
  let report: CheckReport;
  const odd = `prompts/tasks/odd & <name> "q" 50%, a:b.txt`;

  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tokcost-reporters-"));
    cpSync(new URL("./fixtures/gate/", import.meta.url), root, { recursive: true });
    writeFileSync(path.join(root, odd), "word ".repeat(400));
    writeFileSync(path.join(root, "requests/broken.jsonl"), '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}\n{"model":\n');
    report = await runCheck(await loadConfig(root), { jobs: 1 });
  });

  it("GitHub annotations carry the right file and line, escaped", () => {
    const lines = renderGithub(report).split("\n");
    const long = lines.find((l) => l.startsWith("::error file=prompts/system/long-context.md,"))!;
    expect(long).toMatch(
      /^::error file=prompts\/system\/long-context\.md,line=1,title=tokcost%3A maxPromptTokens exceeded::prompts\/system\/long-context\.md \[system prompts\]: maxPromptTokens: [\d,]+ prompt tokens > maxPromptTokens 2,000 \(\+[\d,]+ tokens, \+[\d.]+%25\)$/,
    );
    const broken = lines.find((l) => l.startsWith("::error file=requests/broken.jsonl,"))!;
    expect(broken).toMatch(/^::error file=requests\/broken\.jsonl,line=2,title=tokcost%3A invalid input::requests\/broken\.jsonl:2: not valid JSON/);
    const oddLine = lines.find((l) => l.includes("maxPromptTokens exceeded") && l.includes("odd"))!;
    expect(oddLine.startsWith(`::error file=${escapeGithubProperty(odd)},line=1,`)).toBe(true);
    // every workflow command is one line: no raw CR or LF can end a message early
    for (const l of lines.filter((x) => x.startsWith("::"))) expect(l).toMatch(/^::(error|warning|notice)( [^:]+)?::.+$/);
    expect(lines[lines.length - 1]).toMatch(/^tokcost check: .* — ERROR/);
  });

  it("JUnit XML is well-formed, one test case per file and rule, failures typed by limit", () => {
    const xml = renderJunit(report);
    const root = parseXml(xml);
    expect(root.name).toBe("testsuites");
    const suites = findAll(root, "testsuite");
    expect(suites.map((s) => s.attributes.name)).toEqual(["system prompts", "tasks", "requests"]);
    const cases = findAll(root, "testcase");
    // one per (file, rule), plus the rule-total case of the rule with totalCostUsd
    expect(cases).toHaveLength(report.results.length + 1);
    const oddCase = cases.find((c) => c.attributes.name === odd)!;
    expect(oddCase.attributes.file).toBe(odd);
    expect(findAll(oddCase, "failure")[0].attributes.type).toBe("maxPromptTokens");
    const brokenCase = cases.find((c) => c.attributes.name === "requests/broken.jsonl")!;
    expect(findAll(brokenCase, "error")[0].attributes.message).toMatch(/broken\.jsonl:2: not valid JSON/);
    expect(Number(root.attributes.tests)).toBe(cases.length);
    expect(Number(root.attributes.failures)).toBe(suites.reduce((n, s) => n + Number(s.attributes.failures), 0));
    expect(Number(root.attributes.failures)).toBe(findAll(root, "failure").length);
    expect(Number(root.attributes.errors)).toBe(findAll(root, "error").length);
    for (const s of suites) expect(Number(s.attributes.tests)).toBe(findAll(s, "testcase").length);
  });

  it("Markdown names each failing file with its tokens, cost, limit and by how much", () => {
    const md = renderCheckMarkdown(report);
    expect(md).toMatch(/^## ⚠️ tokcost check: 2 failed, 1 error/);
    expect(md).toContain("| File | Rule | Model | Tokens | Cost | Limit | By how much |");
    const row = md.split("\n").find((l) => l.startsWith("| prompts/system/long-context.md |"))!;
    expect(row).toMatch(/\| maxPromptTokens \| [\d,]+ prompt tokens &gt; maxPromptTokens 2,000 \(\+[\d,]+ tokens/);
    // a "|" or "<" in a file name cannot break the table
    expect(md).toContain("odd &amp; &lt;name&gt;".replace("&amp;", "&"));
  });

  it("the table lists every check when there are few, with failures spelled out", () => {
    const text = renderCheckTable(report, { color: false });
    expect(text).not.toContain("\u001b[");
    expect(text).toContain("prompts/tasks/summarise.txt");
    expect(text).toMatch(/✗ prompts\/system\/long-context\.md \[system prompts\]: maxPromptTokens: /);
    expect(text).toMatch(/✗ requests\/broken\.jsonl:2: not valid JSON/);
    expect(renderCheckTable(report, { color: true })).toContain("\u001b[31m");
  });

  it("with many checks the table lists only failures unless asked for all", () => {
    const many: CheckReport = { ...report, results: Array.from({ length: PASSING_ROWS_SHOWN + 1 }, (_, i) => ({ ...report.results.find((r) => r.status === "pass")!, path: `p/${i}.txt` })) };
    const short = renderCheckTable(many);
    expect(short).not.toContain("p/5.txt");
    expect(short).toContain(`(${PASSING_ROWS_SHOWN + 1} passing checks not listed; use --all to list them)`);
    expect(renderCheckTable(many, { all: true })).toContain("p/5.txt");
  });

  it("JSON carries the documented contract (docs/ci.md), file names exact", () => {
    const json = JSON.parse(renderCheckReport(report, "json")) as Record<string, unknown> & { summary: Record<string, unknown>; results: Array<Record<string, unknown>> };
    expect(Object.keys(json).sort()).toEqual(["baseline", "config", "exitCode", "ok", "pricing", "problems", "results", "rules", "summary", "version"]);
    expect(json).toMatchObject({ version: 1, exitCode: report.exitCode, ok: report.ok });
    expect(Object.keys(json.summary).sort()).toEqual(["cached", "checks", "costUsd", "errors", "failed", "files", "passed", "promptTokens", "warnings"]);
    expect(json.summary).toEqual({ ...report.summary });
    expect(json.summary.promptTokens).toBeGreaterThan(0);
    // Awkward names (spaces, quotes, newlines) are kept byte for byte, never escaped for a terminal.
    expect(json.results.map((r) => r.path).sort()).toEqual(report.results.map((r) => r.path).sort());
  });
});
