/**
 * The structured result of `tokcost check`. Every reporter (table, JSON, Markdown, GitHub, JUnit)
 * is a pure function of this object, and `--format json` prints it as is (stable field names).
 */
import type { FileKind } from "./config.js";

/** The limits a check can break. */
export type LimitName = "maxPromptTokens" | "maxCostUsd" | "mustFit" | "totalCostUsd" | "maxGrowth";

/** One broken limit: what was allowed, what was found, and by how much it was exceeded. */
export interface Violation {
  limit: LimitName;
  /** Unit of `actual`, `allowed` and `over`. */
  unit: "tokens" | "usd" | "percent";
  actual: number;
  allowed: number;
  /** `actual - allowed` (always positive). */
  over: number;
  /** One human line: "9,214 prompt tokens > maxPromptTokens 8,000 (+1,214 tokens, +15.2%)". */
  message: string;
  /** Line of the file the violation is about (a JSONL request), when it is about one line. */
  line?: number;
}

/** How a file compares with the baseline. */
export interface BaselineComparison {
  status: "new" | "grown" | "shrunk" | "unchanged" | "recount";
  /** Tokens in the baseline (null for a new file). */
  before: number | null;
  after: number;
  /** after - before (null for a new file). */
  delta: number | null;
  /** Growth in percent of `before` (null for a new file or a zero baseline). */
  percent: number | null;
}

/** One file checked by one rule. */
export interface FileResult {
  /** "/"-separated path relative to the config's directory (what CI annotations need). */
  path: string;
  /** Index of the rule in the config's `rules`. */
  rule: number;
  ruleName: string;
  model: string;
  encoding: string;
  kind: FileKind;
  status: "pass" | "fail" | "error";
  /** Prompt tokens (all requests of a JSONL file together); null when the file could not be counted. */
  promptTokens: number | null;
  /** Completion budget of one call as set (the largest, for a JSONL file); null when none is set. */
  maxTokens: number | null;
  /** Output tokens the worst-case cost prices (all requests): the budget set, or the most the model may generate; null when unbounded or not counted. */
  completionTokens: number | null;
  /** Worst-case cost in USD: prompt + `completionTokens` (all requests of a JSONL file); null when unknown. */
  costUsd: number | null;
  contextWindow: number | null;
  /** Does every request fit the model's limits? null when the model's limits are unknown. */
  fits: boolean | null;
  /** true when the counts are exactly what the API will bill. */
  exact: boolean;
  /** Requests in the file (1 for text and JSON, lines for JSONL). */
  requests: number;
  /** Served from the content-hash cache rather than re-tokenized. */
  cached: boolean;
  violations: Violation[];
  warnings: string[];
  error?: { code: string; message: string; line?: number };
  baseline?: BaselineComparison;
}

/** One rule's totals and rule-level violations. */
export interface RuleResult {
  index: number;
  name: string;
  files: string[];
  model: string | null;
  encoding: string | null;
  maxTokens: number | null;
  kind: FileKind | null;
  fileCount: number;
  promptTokens: number;
  /** Worst-case cost of all its files; null when some cost is unknown. */
  costUsd: number | null;
  limits: { maxPromptTokens: number | null; maxCostUsd: number | null; mustFit: boolean; totalCostUsd: number | null };
  status: "pass" | "fail" | "error";
  violations: Violation[];
  warnings: string[];
}

/** A problem not tied to one file's limits: an invalid rule, a glob that matches nothing, a baseline issue. */
export interface Problem {
  level: "error" | "warning";
  code: string;
  /** What it is about, for reporters to title it without reading `message`: the baseline file (added). */
  subject?: "baseline";
  message: string;
  path?: string;
  line?: number;
  rule?: number;
}

/** One file's growth over the baseline. */
export interface GrowthEntry {
  path: string;
  before: number;
  after: number;
  delta: number;
  percent: number | null;
  /** Beyond `maxGrowth`. */
  exceeded: boolean;
}

/** What the baseline comparison found. */
export interface BaselineSummary {
  /** Baseline file, relative to the config's directory. */
  file: string;
  /** "10%", "500 tokens", or null when growth is reported but not limited. */
  maxGrowth: string | null;
  /** false when there was no baseline file to compare with. */
  compared: boolean;
  /** true when --update-baseline wrote the file. */
  updated: boolean;
  new: string[];
  removed: string[];
  grown: GrowthEntry[];
  shrunk: GrowthEntry[];
}

/** Where the prices a check used come from, and how old they are. */
export interface CheckPricing {
  /** Date of the oldest prices used; null when no checked model has a pricing entry. */
  asOf: string | null;
  /** Days from `asOf` to the day of the check; null with `asOf`. */
  ageDays: number | null;
  /** The `maxPriceAgeDays` limit in force (config or --max-price-age), or null. */
  maxAgeDays: number | null;
  /** One per model entry used: its id, date and source (and the fields corrected, if any). */
  sources: { model: string; asOf: string; source: unknown; corrected?: string[] }[];
}

/** A problem that is a limit (exit 1), not a configuration or input error: prices older than maxPriceAgeDays. */
export function isLimitProblem(problem: Problem): boolean {
  return problem.code === "MAX_PRICE_AGE";
}

/** The whole result of a check run. */
export interface CheckReport {
  version: 1;
  /** 0 all pass, 1 a limit was exceeded, 2 a configuration or input error. */
  exitCode: 0 | 1 | 2;
  ok: boolean;
  /** Config file, relative to the working directory. */
  config: string | null;
  summary: {
    files: number;
    checks: number;
    passed: number;
    failed: number;
    errors: number;
    warnings: number;
    promptTokens: number;
    /** Worst-case cost of every checked file; null when some cost is unknown. */
    costUsd: number | null;
    cached: number;
  };
  rules: RuleResult[];
  results: FileResult[];
  baseline: BaselineSummary | null;
  problems: Problem[];
  /** Dates and sources of the prices used (added in 0.x; absent from reports built by older versions). */
  pricing?: CheckPricing;
}
