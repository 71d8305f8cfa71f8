/**
 * Baselines: stored per-file token counts, so a pull request can fail when a prompt grows beyond
 * `maxGrowth` and the output can name files that are new, removed or grown. The file is sorted,
 * stable JSON without timestamps, so regenerating it only changes lines of files that changed.
 */
import { z } from "zod";
import { InputError } from "../errors.js";
import { formatIssuePath } from "../pricing/parse.js";
import { describeGrowth, type Growth } from "./human.js";
import type { BaselineComparison, BaselineSummary, FileResult, GrowthEntry, Violation } from "./report.js";
import { parseJsonText } from "../util/json.js";
import { atomicWrite, readTextIfExists } from "../node/io.js";

/** The stored count of one file. */
export interface BaselineEntry {
  /** Model of the (first) rule that checked it. */
  model: string;
  /** Encoding the tokens were counted with; growth is only compared within one encoding. */
  encoding: string;
  tokens: number;
}

/** A baseline file. */
export interface Baseline {
  version: 1;
  files: Record<string, BaselineEntry>;
}

const baselineSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.object({ model: z.string(), encoding: z.string(), tokens: z.number().int().nonnegative() })),
});

/**
 * Reads a baseline; undefined when the file does not exist.
 * @throws InputError when it exists but is not a valid baseline.
 */
export async function readBaseline(file: string, label: string): Promise<Baseline | undefined> {
  const text = await readTextIfExists(file, `baseline ${label}`);
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (cause) {
    throw new InputError(`baseline ${label}: not valid JSON (${(cause as Error).message}); regenerate it with --update-baseline`);
  }
  const parsed = baselineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`baseline ${label}: ${formatIssuePath(issue.path)}: ${issue.message}; regenerate it with --update-baseline`);
  }
  return parsed.data;
}

/** The baseline as diff-friendly JSON: sorted paths, fixed key order, two-space indent, final newline. */
export function serializeBaseline(baseline: Baseline): string {
  const files: Record<string, BaselineEntry> = {};
  for (const path of Object.keys(baseline.files).sort()) {
    const { model, encoding, tokens } = baseline.files[path];
    files[path] = { model, encoding, tokens };
  }
  return JSON.stringify({ version: 1, files }, null, 2) + "\n";
}

/**
 * Writes a baseline atomically, only over a regular file (or none).
 * @throws InputError (FILE_UNWRITABLE) when its directory is missing or the path is a directory, FIFO or device.
 */
export async function writeBaseline(file: string, baseline: Baseline, label = file): Promise<void> {
  await atomicWrite(file, serializeBaseline(baseline), { label: `baseline ${label}` });
}

/** The result that represents each file in the baseline: its first rule that counted it. */
function primaryResults(results: readonly FileResult[]): Map<string, FileResult> {
  const byPath = new Map<string, FileResult>();
  for (const r of results) {
    const current = byPath.get(r.path);
    if (!current || (current.promptTokens === null && r.promptTokens !== null)) byPath.set(r.path, r);
  }
  return byPath;
}

/**
 * The baseline for this run's results. Files that could not be counted keep their previous
 * entry, so a transient read error does not drop them.
 */
export function buildBaseline(results: readonly FileResult[], previous?: Baseline): Baseline {
  const files: Record<string, BaselineEntry> = {};
  for (const [path, r] of primaryResults(results)) {
    if (r.promptTokens !== null) files[path] = { model: r.model, encoding: r.encoding, tokens: r.promptTokens };
    else if (previous?.files[path]) files[path] = previous.files[path];
  }
  return { version: 1, files };
}

function percentOf(before: number, delta: number): number | null {
  return before === 0 ? null : Math.round((delta / before) * 1000) / 10;
}

/** Is growth beyond the allowance? A zero baseline that grows exceeds any percentage. */
export function exceedsGrowth(before: number, after: number, maxGrowth: Growth): boolean {
  const delta = after - before;
  if (delta <= 0) return false;
  if ("tokens" in maxGrowth) return delta > maxGrowth.tokens;
  return before === 0 ? true : (delta / before) * 100 > maxGrowth.percent + 1e-9;
}

/**
 * Compares results with a baseline: sets `baseline` on each result that matches the baseline's
 * encoding, adds a `maxGrowth` violation where a file grew too much, and summarises new, removed,
 * grown and shrunk files. Mutates `results` (violations and status), returns the summary.
 */
export function compareWithBaseline(results: FileResult[], baseline: Baseline, options: { file: string; maxGrowth?: Growth }): BaselineSummary {
  const summary: BaselineSummary = {
    file: options.file,
    maxGrowth: options.maxGrowth ? describeGrowth(options.maxGrowth) : null,
    compared: true,
    updated: false,
    new: [],
    removed: [],
    grown: [],
    shrunk: [],
  };
  const seen = new Set<string>();
  for (const [path, r] of primaryResults(results)) {
    seen.add(path);
    if (r.promptTokens === null) continue;
    const entry = baseline.files[path];
    if (!entry) {
      summary.new.push(path);
      r.baseline = { status: "new", before: null, after: r.promptTokens, delta: null, percent: null };
      continue;
    }
    if (entry.encoding !== r.encoding) {
      // counts under different tokenizers are not comparable
      r.baseline = { status: "recount", before: entry.tokens, after: r.promptTokens, delta: null, percent: null };
      r.warnings.push(`baseline counted ${path} with ${entry.encoding} (${entry.model}), now ${r.encoding} (${r.model}): not compared; run --update-baseline`);
      continue;
    }
    const delta = r.promptTokens - entry.tokens;
    const percent = percentOf(entry.tokens, delta);
    const comparison: BaselineComparison = { status: delta > 0 ? "grown" : delta < 0 ? "shrunk" : "unchanged", before: entry.tokens, after: r.promptTokens, delta, percent };
    r.baseline = comparison;
    if (delta === 0) continue;
    const exceeded = delta > 0 && options.maxGrowth !== undefined && exceedsGrowth(entry.tokens, r.promptTokens, options.maxGrowth);
    const growth: GrowthEntry = { path, before: entry.tokens, after: r.promptTokens, delta, percent, exceeded };
    (delta > 0 ? summary.grown : summary.shrunk).push(growth);
    if (exceeded && options.maxGrowth) r.violations.push(growthViolation(growth, options.maxGrowth));
  }
  for (const path of Object.keys(baseline.files).sort()) if (!seen.has(path)) summary.removed.push(path);
  summary.new.sort();
  return summary;
}

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function growthViolation(g: GrowthEntry, maxGrowth: Growth): Violation {
  const pct = g.percent === null ? "from 0" : `+${g.percent}%`;
  if ("tokens" in maxGrowth) {
    return {
      limit: "maxGrowth",
      unit: "tokens",
      actual: g.delta,
      allowed: maxGrowth.tokens,
      over: g.delta - maxGrowth.tokens,
      message: `grew ${int.format(g.before)} → ${int.format(g.after)} tokens (+${int.format(g.delta)}, ${pct}) over the baseline; maxGrowth ${int.format(maxGrowth.tokens)} tokens (${int.format(g.delta - maxGrowth.tokens)} over)`,
    };
  }
  const actual = g.percent ?? Infinity;
  const over = g.percent === null ? g.delta : Math.round((g.percent - maxGrowth.percent) * 10) / 10;
  return {
    limit: "maxGrowth",
    unit: g.percent === null ? "tokens" : "percent",
    actual: g.percent === null ? g.delta : actual,
    allowed: g.percent === null ? 0 : maxGrowth.percent,
    over,
    message: `grew ${int.format(g.before)} → ${int.format(g.after)} tokens (+${int.format(g.delta)}, ${pct}) over the baseline; maxGrowth ${maxGrowth.percent}%${g.percent === null ? "" : ` (${over} points over)`}`,
  };
}
