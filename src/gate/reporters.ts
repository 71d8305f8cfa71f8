/**
 * Reporters for `tokcost check`: each is a pure function of a {@link CheckReport} (no I/O, no
 * environment), so the CLI decides where the text goes and tests can check every format.
 */
import { escapeControl } from "../util/text.js";
import Table from "cli-table3";
import { fitColumns } from "../util/table-fit.js";
import { isLimitProblem, type CheckReport, type FileResult, type Problem, type RuleResult, type Violation } from "./report.js";
import { formatInt as fmtInt, formatPercent as fmtPercent, formatUsd as fmtUsd } from "../util/format.js";

/** Output formats of `tokcost check`. */
export const CHECK_FORMATS = ["table", "json", "markdown", "github", "junit"] as const;
/** One of {@link CHECK_FORMATS}. */
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** Options for the human-facing reporters. */
export interface RenderOptions {
  /** ANSI colour (table only). */
  color?: boolean;
  /** List passing files too, however many there are (by default only up to {@link PASSING_ROWS_SHOWN} checks). */
  all?: boolean;
  /** Narrow the table to this many columns (the terminal's width; table only). */
  width?: number;
}

/** Up to this many checks, passing files are listed too; beyond it only failures (CI logs stay readable). */
export const PASSING_ROWS_SHOWN = 100;

function paint(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

function tokensCell(r: FileResult): string {
  return r.promptTokens === null ? "—" : `${r.exact ? "" : "≈"}${fmtInt(r.promptTokens)}`;
}

function growthText(r: FileResult): string {
  const b = r.baseline;
  if (!b) return "";
  if (b.status === "new") return "new";
  if (b.status === "recount") return "recount";
  if (b.delta === null || b.delta === 0) return "=";
  return `${b.delta > 0 ? "+" : ""}${fmtInt(b.delta)}${b.percent !== null ? ` (${b.delta > 0 ? "+" : ""}${fmtPercent(b.percent)})` : ""}`;
}

function limitLabel(v: Violation): string {
  return v.line !== undefined ? `${v.limit} (line ${v.line})` : v.limit;
}

function shownResults(report: CheckReport, all: boolean | undefined): FileResult[] {
  return all || report.results.length <= PASSING_ROWS_SHOWN ? report.results : report.results.filter((r) => r.status !== "pass" || (r.baseline && r.baseline.status !== "unchanged"));
}

function verdict(report: CheckReport): string {
  if (report.exitCode === 0) return "PASS";
  return report.exitCode === 1 ? "FAIL (a limit was exceeded)" : "ERROR (configuration or input problems)";
}

/** The one-line summary every format ends with. */
export function summaryLine(report: CheckReport): string {
  const s = report.summary;
  const parts = [
    `${fmtInt(s.checks)} check${s.checks === 1 ? "" : "s"} of ${fmtInt(s.files)} file${s.files === 1 ? "" : "s"}: ${fmtInt(s.passed)} passed, ${fmtInt(s.failed)} failed, ${fmtInt(s.errors)} error${s.errors === 1 ? "" : "s"}`,
  ];
  const ruleFailures = report.rules.filter((r) => r.violations.length).length;
  if (ruleFailures) parts.push(`${fmtInt(ruleFailures)} rule total${ruleFailures === 1 ? "" : "s"} exceeded`);
  const problems = report.problems.filter((p) => p.level === "error" && !isLimitProblem(p)).length;
  if (problems) parts.push(`${fmtInt(problems)} configuration or input problem${problems === 1 ? "" : "s"}`);
  if (report.problems.some(isLimitProblem)) parts.push("prices older than maxPriceAgeDays");
  parts.push(`${fmtInt(s.promptTokens)} prompt tokens`, `worst case ${fmtUsd(s.costUsd)}`);
  if (s.cached) parts.push(`${fmtInt(s.cached)} from cache`);
  return `tokcost check: ${parts.join(" · ")} — ${verdict(report)}`;
}

function baselineLines(report: CheckReport): string[] {
  const b = report.baseline;
  if (!b) return [];
  if (b.updated) return [`Baseline ${b.file} written (${fmtInt(new Set(report.results.filter((r) => r.promptTokens !== null).map((r) => r.path)).size)} files).`];
  if (!b.compared) return [];
  const lines = [`Baseline ${b.file}${b.maxGrowth ? ` (maxGrowth ${b.maxGrowth})` : ""}: ${b.new.length} new, ${b.removed.length} removed, ${b.grown.length} grown, ${b.shrunk.length} shrunk`];
  const after = new Map(report.results.map((r) => [r.path, r.promptTokens]));
  // paths are escaped: a line break in a file name must not start a line of its own (a forged
  // "::error" workflow command in --format github)
  for (const p of b.new) lines.push(`  new      ${escapeControl(p)} (${fmtInt(after.get(p))} tokens)`);
  for (const p of b.removed) lines.push(`  removed  ${escapeControl(p)}`);
  for (const g of b.grown)
    lines.push(
      `  grown    ${escapeControl(g.path)} ${fmtInt(g.before)} → ${fmtInt(g.after)} (+${fmtInt(g.delta)}${g.percent !== null ? `, +${fmtPercent(g.percent)}` : ""})${g.exceeded ? " — beyond maxGrowth" : ""}`,
    );
  for (const g of b.shrunk) lines.push(`  shrunk   ${escapeControl(g.path)} ${fmtInt(g.before)} → ${fmtInt(g.after)} (${fmtInt(g.delta)})`);
  return lines;
}

function ruleLabel(rule: RuleResult | FileResult): string {
  return "ruleName" in rule ? rule.ruleName : rule.name;
}

/**
 * Table for people (the default). Lists every check when there are at most 100 (or with `all`),
 * otherwise only failing, erroring and changed files; then one line per broken limit, problems,
 * baseline changes and the summary.
 */
export function renderTable(report: CheckReport, options: RenderOptions = {}): string {
  const p = paint(Boolean(options.color));
  const out: string[] = [];
  const rows = shownResults(report, options.all);
  const withBaseline = report.baseline?.compared === true;
  if (rows.length) {
    const cells = rows.map((r) => {
      const status =
        r.status === "pass"
          ? p.green("pass")
          : r.status === "fail"
            ? p.red(
                `FAIL ${r.violations
                  .map((v) => v.limit)
                  .filter((v, i, a) => a.indexOf(v) === i)
                  .join(", ")}`,
              )
            : p.red("ERROR");
      return [escapeControl(r.path), ruleLabel(r), r.model || "—", tokensCell(r), fmtInt(r.maxTokens), fmtUsd(r.costUsd), ...(withBaseline ? [growthText(r)] : []), status];
    });
    const numeric = [false, false, false, true, true, true, ...(withBaseline ? [true] : []), false];
    // on a narrow terminal: drop Max tokens, Rule, then Model, and abbreviate the path rather than wrap
    const fitted = fitColumns(["File", "Rule", "Model", "Tokens", "Max tokens", "Cost", ...(withBaseline ? ["vs baseline"] : []), "Status"], cells, numeric, {
      width: options.width,
      drop: [4, 1, 2],
      shrink: 0,
    });
    const table = new Table({
      head: fitted.head,
      style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [], compact: true },
      colAligns: fitted.numeric.map((n) => (n ? "right" : "left")),
      chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    });
    for (const row of fitted.rows) table.push(row);
    out.push(table.toString());
  }
  if (rows.length < report.results.length) out.push(p.dim(`(${fmtInt(report.results.length - rows.length)} passing checks not listed; use --all to list them)`));
  const details = detailLines(report);
  for (const d of details) out.push(d.level === "error" ? `${p.red("✗")} ${d.text}` : `${p.yellow("!")} ${d.text}`);
  out.push(...baselineLines(report));
  out.push(report.exitCode === 0 ? p.green(summaryLine(report)) : p.red(summaryLine(report)));
  return out.join("\n");
}

/** Every broken limit, error and warning as one line each, in report order. */
export function detailLines(report: CheckReport): { level: "error" | "warning"; text: string; path?: string; line?: number; title: string }[] {
  const lines: { level: "error" | "warning"; text: string; path?: string; line?: number; title: string }[] = [];
  for (const problem of report.problems) lines.push({ level: problem.level, text: problem.message, path: problem.path, line: problem.line, title: `tokcost: ${problemTitle(problem)}` });
  for (const r of report.results) {
    if (r.error)
      lines.push({ level: "error", text: r.error.message, path: r.path, line: r.error.line ?? 1, title: `tokcost: ${r.error.code === "INVALID_INPUT" ? "invalid input" : "unreadable file"}` });
    for (const v of r.violations)
      lines.push({ level: "error", text: `${r.path} [${r.ruleName}]: ${limitLabel(v)}: ${v.message}`, path: r.path, line: v.line ?? 1, title: `tokcost: ${v.limit} exceeded` });
  }
  for (const rule of report.rules)
    for (const v of rule.violations) lines.push({ level: "error", text: `rule "${rule.name}": ${v.limit}: ${v.message}`, path: report.config ?? undefined, title: `tokcost: ${v.limit} exceeded` });
  for (const rule of report.rules) for (const w of rule.warnings) lines.push({ level: "warning", text: `rule "${rule.name}": ${w}`, path: report.config ?? undefined, title: "tokcost" });
  for (const r of report.results) for (const w of r.warnings) lines.push({ level: "warning", text: `${r.path}: ${w}`, path: r.path, line: 1, title: "tokcost" });
  return lines;
}

function problemTitle(problem: Problem): string {
  if (problem.code === "NO_MATCH") return "glob matches nothing";
  if (problem.code === "INVALID_CONFIG") return "invalid config";
  if (isLimitProblem(problem)) return "maxPriceAgeDays exceeded";
  if (problem.subject === "baseline" || problem.code === "NO_BASELINE") return "baseline";
  return problem.level === "error" ? "error" : "warning";
}

/** The report as JSON (the documented contract: see docs/ci.md). */
export function renderJson(report: CheckReport): string {
  return JSON.stringify(report, null, 2);
}

/** Text as literal Markdown: the characters that start formatting or end a table cell are escaped. */
function mdEscape(text: string): string {
  return text
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/[\r\n]+/g, " ")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * Text as a Markdown code span, whatever it holds: the fence is one backtick longer than the
 * longest run of backticks in it, with a space inside when it starts or ends with one
 * (CommonMark). Control characters are made visible; line breaks become spaces.
 */
function mdCode(text: string): string {
  const inner = escapeControl(text.replace(/[\r\n]+/g, " "));
  const longest = Math.max(0, ...(inner.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = inner.startsWith("`") || inner.endsWith("`") ? " " : "";
  return `${fence}${pad}${inner}${pad}${fence}`;
}

function mdTable(head: string[], align: ("l" | "r")[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `| ${align.map((a) => (a === "r" ? "---:" : "---")).join(" | ")} |`, ...rows.map((row) => `| ${row.map(mdEscape).join(" | ")} |`)];
}

/** Most rows in the "all checks" section of the Markdown report (GitHub caps a step summary at 1 MiB). */
export const MARKDOWN_MAX_ROWS = 1000;

/** GitHub-flavoured Markdown: verdict, failing files with the limit broken and by how much, rules, baseline. */
export function renderMarkdown(report: CheckReport): string {
  const s = report.summary;
  const out: string[] = [];
  const icon = report.exitCode === 0 ? "✅" : report.exitCode === 1 ? "❌" : "⚠️";
  const problemCount = report.problems.filter((p) => p.level === "error" && !isLimitProblem(p)).length;
  const ruleFailures = report.rules.filter((r) => r.violations.length).length;
  const counts = [`${fmtInt(s.failed)} failed`, `${fmtInt(s.errors)} error${s.errors === 1 ? "" : "s"}`];
  if (report.problems.some(isLimitProblem)) counts.push("prices older than maxPriceAgeDays");
  if (ruleFailures) counts.push(`${fmtInt(ruleFailures)} rule total${ruleFailures === 1 ? "" : "s"} exceeded`);
  if (problemCount) counts.push(`${fmtInt(problemCount)} configuration or input problem${problemCount === 1 ? "" : "s"}`);
  out.push(`## ${icon} tokcost check: ${report.exitCode === 0 ? `all ${fmtInt(s.checks)} checks passed` : counts.join(", ")}`, "");
  out.push(
    `${fmtInt(s.checks)} checks of ${fmtInt(s.files)} files · ${fmtInt(s.promptTokens)} prompt tokens · worst case ${fmtUsd(s.costUsd)}${s.cached ? ` · ${fmtInt(s.cached)} from cache` : ""}`,
    "",
  );
  const failing = report.results.filter((r) => r.status !== "pass");
  if (failing.length) {
    out.push("### Failing files", "");
    const rows: string[][] = [];
    for (const r of failing.slice(0, MARKDOWN_MAX_ROWS)) {
      if (r.error) rows.push([escapeControl(r.path), r.ruleName, r.model || "—", tokensCell(r), fmtUsd(r.costUsd), "error", r.error.message]);
      for (const v of r.violations) rows.push([escapeControl(r.path), r.ruleName, r.model, tokensCell(r), fmtUsd(r.costUsd), limitLabel(v), v.message]);
    }
    out.push(...mdTable(["File", "Rule", "Model", "Tokens", "Cost", "Limit", "By how much"], ["l", "l", "l", "r", "r", "l", "l"], rows), "");
  }
  const ruleViolations = report.rules.flatMap((rule) => rule.violations.map((v) => ({ rule, v })));
  const problems = report.problems;
  if (ruleViolations.length || problems.length) {
    out.push("### Problems", "");
    for (const { rule, v } of ruleViolations) out.push(`- ❌ rule **${mdEscape(rule.name)}**: ${v.limit}: ${mdEscape(v.message)}`);
    for (const problem of problems) out.push(`- ${problem.level === "error" ? "⚠️ error" : "warning"}: ${mdEscape(problem.message)}`);
    out.push("");
  }
  out.push("### Rules", "");
  out.push(
    ...mdTable(
      ["Rule", "Model", "Files", "Tokens", "Worst-case cost", "Status"],
      ["l", "l", "r", "r", "r", "l"],
      report.rules.map((r) => [r.name, r.model ?? "—", fmtInt(r.fileCount), fmtInt(r.promptTokens), fmtUsd(r.costUsd), r.status]),
    ),
    "",
  );
  const b = report.baseline;
  if (b?.compared) {
    out.push(`### Baseline ${mdCode(b.file)}${b.maxGrowth ? ` (maxGrowth ${b.maxGrowth})` : ""}`, "");
    out.push(`${b.new.length} new, ${b.removed.length} removed, ${b.grown.length} grown, ${b.shrunk.length} shrunk`, "");
    for (const p of b.new) out.push(`- 🆕 new: ${mdCode(p)}`);
    for (const p of b.removed) out.push(`- 🗑️ removed: ${mdCode(p)}`);
    for (const g of b.grown)
      out.push(
        `- ${g.exceeded ? "❌" : "📈"} grown: ${mdCode(g.path)} ${fmtInt(g.before)} → ${fmtInt(g.after)} (+${fmtInt(g.delta)}${g.percent !== null ? `, +${fmtPercent(g.percent)}` : ""})${g.exceeded ? " — beyond maxGrowth" : ""}`,
      );
    for (const g of b.shrunk) out.push(`- 📉 shrunk: ${mdCode(g.path)} ${fmtInt(g.before)} → ${fmtInt(g.after)}`);
    out.push("");
  } else if (b?.updated) out.push(`Baseline ${mdCode(b.file)} written.`, "");
  if (report.results.length) {
    const rows = report.results.slice(0, MARKDOWN_MAX_ROWS).map((r) => [escapeControl(r.path), r.ruleName, r.model || "—", tokensCell(r), fmtInt(r.maxTokens), fmtUsd(r.costUsd), r.status]);
    out.push(`<details><summary>All ${fmtInt(report.results.length)} checks</summary>`, "");
    out.push(...mdTable(["File", "Rule", "Model", "Tokens", "Max tokens", "Cost", "Status"], ["l", "l", "l", "r", "r", "r", "l"], rows));
    if (report.results.length > MARKDOWN_MAX_ROWS) out.push("", `… and ${fmtInt(report.results.length - MARKDOWN_MAX_ROWS)} more (see the JSON report).`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}

/** Escapes a workflow-command message (GitHub: %, CR and LF). */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow-command property value (also ":" and ","). */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` for every broken
 * limit and bad input, `::warning` for warnings, `::notice` for files that grew within their
 * allowance; then the baseline changes and the summary as plain log lines.
 */
export function renderGithub(report: CheckReport): string {
  const out: string[] = [];
  const command = (level: "error" | "warning" | "notice", message: string, props: { file?: string; line?: number; title?: string }) => {
    const parts: string[] = [];
    if (props.file) parts.push(`file=${escapeGithubProperty(props.file)}`);
    if (props.file && props.line !== undefined) parts.push(`line=${props.line}`);
    if (props.title) parts.push(`title=${escapeGithubProperty(props.title)}`);
    out.push(`::${level}${parts.length ? " " + parts.join(",") : ""}::${escapeGithubData(message)}`);
  };
  for (const d of detailLines(report)) command(d.level, d.text, { file: d.path, line: d.line, title: d.title });
  for (const g of report.baseline?.grown ?? []) {
    if (!g.exceeded)
      command("notice", `${g.path} grew ${fmtInt(g.before)} → ${fmtInt(g.after)} tokens (+${fmtInt(g.delta)}${g.percent !== null ? `, +${fmtPercent(g.percent)}` : ""}) over the baseline`, {
        file: g.path,
        line: 1,
        title: "tokcost: grown",
      });
  }
  out.push(...baselineLines(report));
  out.push(summaryLine(report));
  return out.join("\n");
}

/** Escapes text for XML 1.0 content and attributes, dropping characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/**
 * JUnit XML: one `<testsuite>` per rule, one `<testcase>` per file and rule (a `<failure>` per
 * broken limit, an `<error>` for a file that could not be read), a rule-total case when the rule
 * has `totalCostUsd`, and a "configuration" suite for config and glob errors.
 */
export function renderJunit(report: CheckReport): string {
  const attr = (name: string, value: string | number) => `${name}="${escapeXml(String(value))}"`;
  const suites: { name: string; cases: string[]; failures: number; errors: number }[] = [];
  for (const rule of report.rules) {
    const suite = { name: rule.name, cases: [] as string[], failures: 0, errors: 0 };
    const classname = `tokcost.rules[${rule.index}]`;
    for (const r of report.results.filter((x) => x.rule === rule.index)) {
      const inner: string[] = [];
      if (r.error) {
        suite.errors++;
        inner.push(`      <error ${attr("type", r.error.code)} ${attr("message", r.error.message)}>${escapeXml(r.error.message)}</error>`);
      } else if (r.violations.length) {
        suite.failures++;
        const first = r.violations[0];
        inner.push(
          `      <failure ${attr("type", first.limit)} ${attr("message", r.violations.map((v) => `${limitLabel(v)}: ${v.message}`).join("; "))}>${escapeXml(r.violations.map((v) => `${limitLabel(v)}: ${v.message}`).join("\n"))}</failure>`,
        );
      }
      const info = `${tokensCell(r)} prompt tokens, max tokens ${fmtInt(r.maxTokens)}, worst case ${fmtUsd(r.costUsd)} on ${r.model || "—"}${r.baseline ? `, vs baseline ${growthText(r)}` : ""}`;
      inner.push(`      <system-out>${escapeXml(info)}</system-out>`);
      suite.cases.push(`    <testcase ${attr("classname", classname)} ${attr("name", r.path)} ${attr("file", r.path)} time="0">\n${inner.join("\n")}\n    </testcase>`);
    }
    if (rule.limits.totalCostUsd !== null) {
      const v = rule.violations.find((x) => x.limit === "totalCostUsd");
      if (v) suite.failures++;
      suite.cases.push(
        `    <testcase ${attr("classname", classname)} ${attr("name", `${rule.name} (totalCostUsd)`)} time="0">${v ? `\n      <failure ${attr("type", v.limit)} ${attr("message", v.message)}>${escapeXml(v.message)}</failure>\n    ` : ""}</testcase>`,
      );
    }
    suites.push(suite);
  }
  const configErrors = report.problems.filter((p) => p.level === "error");
  if (configErrors.length) {
    const suite = { name: "configuration", cases: [] as string[], failures: 0, errors: configErrors.length };
    configErrors.forEach((p, i) => {
      suite.cases.push(
        `    <testcase ${attr("classname", "tokcost.config")} ${attr("name", `${p.code} #${i + 1}`)} time="0">\n      <error ${attr("type", p.code)} ${attr("message", p.message)}>${escapeXml(p.message)}</error>\n    </testcase>`,
      );
    });
    suites.push(suite);
  }
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const errors = suites.reduce((n, s) => n + s.errors, 0);
  const body = suites.map(
    (s) =>
      `  <testsuite ${attr("name", s.name)} ${attr("tests", s.cases.length)} ${attr("failures", s.failures)} ${attr("errors", s.errors)} skipped="0" time="0">\n${s.cases.join("\n")}${s.cases.length ? "\n" : ""}  </testsuite>`,
  );
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites ${attr("name", "tokcost check")} ${attr("tests", tests)} ${attr("failures", failures)} ${attr("errors", errors)} time="0">`,
    ...body,
    `</testsuites>`,
  ].join("\n");
}

/** Renders a report in `format`. */
export function renderCheckReport(report: CheckReport, format: CheckFormat, options: RenderOptions = {}): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "github":
      return renderGithub(report);
    case "junit":
      return renderJunit(report);
    case "table":
      return renderTable(report, options);
  }
}
