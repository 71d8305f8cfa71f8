/**
 * `runCheck`: evaluates every rule of a gate configuration over the files it matches and returns
 * a structured {@link CheckReport}. Text prompts are counted on worker threads (`count-text.ts`:
 * batched reads for small files, `countFiles` for big ones) and optionally served from a
 * content-hash cache; request and chat files are estimated with `estimateRequest`. One bad file or rule never stops the others: it is reported and the run
 * exits 2.
 */
import path from "node:path";
import { loadPricingTable } from "../node/pricing-file.js";
import { estimateFromTokens, resolveModel, type CompletionBasis, type Estimate, type LimitProblem, type ResolvedModel } from "../estimate/index.js";
import type { PricingTable } from "../pricing/table.js";
import { daysSince, pricingProvenance, sumUsd, tidyUsd } from "../pricing/cost.js";
import { InputError, UnknownEncodingError, UnknownModelError, isTokcostError, type TokcostError } from "../errors.js";
import type { FileKind, GateConfig, GateRule, LoadedConfig } from "./config.js";
import { FileWalker, findFiles } from "./glob.js";
import { CountCache, DEFAULT_CACHE_FILE } from "./cache.js";
import { mapLimit, readTextFile } from "./read-files.js";
import { countTextFiles } from "./count-text.js";
import type { TextJob } from "./text-measure.js";
import { estimateGateRequestFile, localImageSizesOfFile, type RequestUnit } from "./requests.js";
import { buildBaseline, compareWithBaseline, readBaseline, writeBaseline } from "./baseline.js";
import { formatInt as fmtInt, formatPercent as fmtPercent, formatUsd as fmtUsd } from "../util/format.js";
import { isLimitProblem, type CheckPricing, type CheckReport, type FileResult, type Problem, type RuleResult, type Violation } from "./report.js";
import type { Calibration } from "../request/calibration.js";

/** Options for {@link runCheck}. Relative paths are resolved against `cwd`. */
export interface CheckOptions {
  /** Directory globs, the baseline and the pricing file are relative to (default: the config's directory, else process.cwd()). */
  cwd?: string;
  /** Baseline file to compare with (default: the config's `baseline.file` when it has a baseline section). */
  baseline?: string;
  /** Write this run's counts to the baseline file instead of comparing. */
  updateBaseline?: boolean;
  /** Content-hash cache: true for the default location, or a file path. */
  cache?: boolean | string;
  /** Worker threads for counting (default: number of cores). */
  jobs?: number;
  /**
   * What may be wrong is an error, as `estimate --strict` means it: a glob that matches nothing,
   * and a request field the API does not document.
   */
  strict?: boolean;
  /** Pricing table (default: bundled, plus the config's `pricing` file). */
  table?: PricingTable;
  /** How the config file is named in messages (default: its path relative to cwd). */
  configLabel?: string;
  /** Measured framing constants (default: the config's `calibration` file; this one is used when the config names none). */
  calibration?: Calibration;
  /** Prices older than this many days fail the check (exit 1); overrides the config's `maxPriceAgeDays`. */
  maxPriceAgeDays?: number;
  /** The day prices are aged against (default: today). */
  today?: Date;
  /** Count rule models the pricing table does not list (tokens only) instead of reporting them as unknown. */
  allowUnpriced?: boolean;
}

/** Files read at once while inspecting (bounds open handles and memory). */
const IO_CONCURRENCY = 16;

interface RuleContext {
  index: number;
  rule: GateRule;
  name: string;
  model?: string;
  modelField: string;
  resolved?: ResolvedModel;
  maxTokens?: number;
  encoding?: string;
  files: { path: string; kind: FileKind }[];
  result: RuleResult;
  /** Warnings of the model itself, reported once per rule rather than once per file. */
  modelWarnings: Set<string>;
  failed: boolean;
}

/** The kind of a file when the rule does not say: request bodies by extension, text otherwise. */
export function defaultKind(file: string): FileKind {
  return /\.jsonl?$/i.test(file) ? "request" : "text";
}

function errorInfo(error: unknown): { code: string; message: string; line?: number } {
  if (isTokcostError(error)) {
    const line = typeof error.details?.line === "number" ? error.details.line : undefined;
    return { code: error.code, message: error.message, ...(line !== undefined ? { line } : {}) };
  }
  return { code: "FILE_UNREADABLE", message: (error as Error).message ?? String(error) };
}

function pct(over: number, allowed: number): string {
  return allowed > 0 ? `, +${fmtPercent((over / allowed) * 100)}` : "";
}

/**
 * The mustFit violation of one estimate that does not fit, with numbers that say by how much:
 * the limit is the one the estimate's own limit check names (`limitProblems`), context window
 * first, then the input cap, then the output cap.
 */
export function fitViolation(e: Estimate, line?: number): Violation {
  const prompt = e.promptTokens;
  const completion = e.maxTokens ?? 0;
  const api = e.problems[0] ? ` — ${e.problems[0]}` : "";
  const at = line !== undefined ? `line ${line}: ` : "";
  const broken = (kind: LimitProblem["kind"]) => e.limitProblems.find((p) => p.kind === kind);
  const context = broken("context");
  const input = broken("input");
  const output = broken("output");
  let v: Omit<Violation, "limit" | "unit">;
  if (context) {
    const { actual, allowed } = context;
    v = {
      actual,
      allowed,
      over: actual - allowed,
      message: `${at}${fmtInt(actual)} tokens (${fmtInt(actual - completion)} prompt + ${fmtInt(completion)} max tokens) do not fit ${e.model}'s ${fmtInt(allowed)}-token context window (+${fmtInt(actual - allowed)} tokens)`,
    };
  } else if (input) {
    const { actual, allowed } = input;
    v = { actual, allowed, over: actual - allowed, message: `${at}${fmtInt(actual)} prompt tokens exceed ${e.model}'s ${fmtInt(allowed)}-token input limit (+${fmtInt(actual - allowed)} tokens)` };
  } else if (output) {
    const { actual, allowed } = output;
    v = { actual, allowed, over: actual - allowed, message: `${at}max tokens ${fmtInt(actual)} exceed ${e.model}'s ${fmtInt(allowed)}-token output limit (+${fmtInt(actual - allowed)} tokens)` };
  } else {
    v = { actual: prompt + completion, allowed: e.contextWindow ?? 0, over: 0, message: `${at}does not fit ${e.model}` };
  }
  return { limit: "mustFit", unit: "tokens", ...v, message: v.message + api, ...(line !== undefined ? { line } : {}) };
}

/** What the worst case of a file's cost holds, for the maxCostUsd message. */
function costBasis(result: FileResult, basis: CompletionBasis | null): string {
  const per = result.requests > 1 ? ` per request, ${result.requests} requests` : "";
  if (result.maxTokens !== null) return ` (prompt + ${fmtInt(result.maxTokens)} max tokens${per})`;
  if (basis === "model_max_output" && result.completionTokens !== null)
    return ` (prompt + up to ${fmtInt(result.completionTokens)} completion tokens, the most ${result.model} may generate; set maxTokens to tighten)`;
  return "";
}

function applyFileLimits(result: FileResult, ctx: RuleContext, estimates: { estimate: Estimate; line?: number }[]): void {
  const basis = estimates.length ? estimates[0].estimate.completionBasis : null;
  const limits = ctx.rule.limits;
  const tokens = result.promptTokens ?? 0;
  if (limits.maxPromptTokens !== undefined && tokens > limits.maxPromptTokens) {
    const over = tokens - limits.maxPromptTokens;
    result.violations.push({
      limit: "maxPromptTokens",
      unit: "tokens",
      actual: tokens,
      allowed: limits.maxPromptTokens,
      over,
      message: `${fmtInt(tokens)} prompt tokens > maxPromptTokens ${fmtInt(limits.maxPromptTokens)} (+${fmtInt(over)} tokens${pct(over, limits.maxPromptTokens)})`,
    });
  }
  if (limits.maxCostUsd !== undefined) {
    if (result.costUsd === null) result.warnings.push(`maxCostUsd not checked: no price for ${result.model}`);
    else if (result.costUsd > limits.maxCostUsd + 1e-12) {
      const over = tidyUsd(result.costUsd - limits.maxCostUsd);
      const budget = costBasis(result, basis);
      result.violations.push({
        limit: "maxCostUsd",
        unit: "usd",
        actual: result.costUsd,
        allowed: limits.maxCostUsd,
        over,
        message: `worst-case cost ${fmtUsd(result.costUsd)}${budget} > maxCostUsd ${fmtUsd(limits.maxCostUsd)} (+${fmtUsd(over)}${pct(over, limits.maxCostUsd)})`,
      });
    }
  }
  if (limits.mustFit) {
    for (const { estimate, line } of estimates) if (estimate.fits === false) result.violations.push(fitViolation(estimate, line));
    if (estimates.some((e) => e.estimate.fits === null)) ctx.modelWarnings.add(`mustFit not checked for ${result.model}: its context window is unknown`);
  }
}

function newResult(ctx: RuleContext, file: string, kind: FileKind): FileResult {
  return {
    path: file,
    rule: ctx.index,
    ruleName: ctx.name,
    model: ctx.model ?? "",
    encoding: ctx.resolved?.encoding ?? ctx.encoding ?? "",
    kind,
    status: "pass",
    promptTokens: null,
    maxTokens: null,
    completionTokens: null,
    costUsd: null,
    contextWindow: null,
    fits: null,
    exact: true,
    requests: 1,
    cached: false,
    violations: [],
    warnings: [],
  };
}

function fileWarnings(ctx: RuleContext, warnings: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const w of warnings) {
    if (ctx.resolved?.warnings.includes(w) || ctx.modelWarnings.has(w)) continue;
    out.add(w);
  }
  return [...out];
}

function fromRequests(result: FileResult, ctx: RuleContext, units: RequestUnit[], readWarnings: string[]): void {
  let tokens = 0;
  let completionTokens: number | null = 0;
  let maxTokens: number | null = null;
  const warnings: string[] = [...readWarnings];
  for (const { estimate } of units) {
    tokens += estimate.promptTokens;
    completionTokens = completionTokens === null || estimate.completionTokens === null ? null : completionTokens + estimate.completionTokens;
    if (estimate.maxTokens !== null) maxTokens = Math.max(maxTokens ?? 0, estimate.maxTokens);
    warnings.push(...estimate.warnings);
  }
  const cost = sumUsd(units.map((u) => u.estimate.cost.total));
  const first = units[0].estimate;
  result.model = ctx.rule.model ?? first.model;
  result.encoding = first.encoding;
  result.promptTokens = tokens;
  result.maxTokens = maxTokens;
  result.completionTokens = completionTokens;
  result.costUsd = cost;
  result.contextWindow = first.contextWindow;
  result.fits = units.some((u) => u.estimate.fits === false) ? false : units.every((u) => u.estimate.fits === true) ? true : null;
  result.exact = units.every((u) => u.estimate.exact);
  result.requests = units.length;
  result.warnings = fileWarnings(ctx, warnings);
}

/** A path as reports show it: "/"-separated, relative to the root. */
function toRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/") || file;
}

/** A path for messages: relative to the root when inside it, else as given. */
function labelOf(root: string, file: string): string {
  const relative = toRelative(root, file);
  return relative.startsWith("../") || relative === ".." ? file : relative;
}

function rulePath(index: number, field: string): string {
  return `rules[${index}].${field}`;
}

/** A check in progress: what the load phase found, shared by the later phases. */
interface CheckRun {
  config: GateConfig;
  loaded?: LoadedConfig;
  root: string;
  configLabel: string;
  table: PricingTable;
  calibration?: Calibration;
  /** Problems not tied to a file, in the order found. */
  problems: Problem[];
  contexts: RuleContext[];
  /** The baseline file named by an option or the config; undefined when there is none to compare with. */
  baselineOption?: string;
  baselineFile: string;
  cache?: CountCache;
}

/**
 * Runs the gate. Accepts a {@link LoadedConfig} (from {@link loadConfig}) or a bare config object.
 * Never throws for a bad file or rule (they are in the report); throws only for a pricing or
 * calibration file that cannot be loaded or an explicit baseline that is invalid.
 *
 * Four phases: load (pricing, calibration, rules, the files they match), measure (count and
 * estimate every file of every rule), judge (file limits, the baseline, rule totals) and report.
 */
export async function runCheck(input: LoadedConfig | GateConfig, options: CheckOptions = {}): Promise<CheckReport> {
  const run = await loadCheck(input, options);
  const measured = await measureFiles(run, options);
  const results = measured.map((m) => m.result);
  judgeFiles(run, measured);
  const baseline = await judgeBaseline(run, results, options);
  const rules = judgeRules(run, results);
  return reportCheck(run, results, rules, baseline, options);
}

/** Load: the pricing table and calibration, each rule's model (a bad rule is reported and skipped), and the files each rule matches. */
async function loadCheck(input: LoadedConfig | GateConfig, options: CheckOptions): Promise<CheckRun> {
  const loaded = "config" in input && "root" in input ? input : undefined;
  const config: GateConfig = loaded ? loaded.config : (input as GateConfig);
  const root = path.resolve(options.cwd ?? loaded?.root ?? process.cwd());
  const configLabel = options.configLabel ?? (loaded ? path.relative(root, loaded.file).split(path.sep).join("/") || loaded.file : "config");
  let table = options.table ?? (await loadPricingTable([config.pricing ? path.resolve(root, config.pricing) : undefined]));
  const calibration = config.calibration ? await (await import("../node/calibration-file.js")).readCalibration(path.resolve(root, config.calibration)) : options.calibration;
  const problems: Problem[] = [];
  // Azure deployment names are their owner's choice: the config says which OpenAI model each serves.
  for (const [deployment, model] of Object.entries(config.azureDeployments ?? {})) {
    const target = table.match(model);
    if (target && target.entry.provider === "openai") table = table.withAzureDeployment(deployment, target.entry.id);
    else
      problems.push({
        level: "error",
        code: "INVALID_CONFIG",
        path: configLabel,
        message: `${configLabel}: azureDeployments.${deployment}: expects an OpenAI model id the pricing table knows (e.g. "gpt-4o"), got "${model}"`,
      });
  }
  const contexts = config.rules.map((rule, index) => ruleContext(rule, index, { config, configLabel, table, problems, allowUnpriced: options.allowUnpriced }));

  // Discovery: one walk per directory, shared by every rule.
  // tokcost's own files are never prompts, even under a broad glob such as "**/*.json"
  const baselineOption = options.baseline ?? (config.baseline ? config.baseline.file : undefined);
  const baselineFile = path.resolve(root, baselineOption ?? "tokcost-baseline.json");
  const cacheFile = options.cache ? path.resolve(root, typeof options.cache === "string" ? options.cache : DEFAULT_CACHE_FILE) : undefined;
  const ownFiles = new Set([loaded?.file, baselineFile, cacheFile].filter((f): f is string => f !== undefined && path.basename(f) !== "package.json").map((f) => toRelative(root, f)));
  const walker = new FileWalker(root);
  for (const ctx of contexts) {
    const found = await findFiles(root, ctx.rule.files, walker);
    found.files = found.files.filter((f) => !ownFiles.has(f));
    for (const pattern of found.unmatched) {
      problems.push({
        level: options.strict ? "error" : "warning",
        code: "NO_MATCH",
        message: `${configLabel}: ${rulePath(ctx.index, "files")}: "${pattern}" matches no files`,
        path: configLabel,
        rule: ctx.index,
      });
    }
    ctx.files = found.files.map((file) => ({ path: file, kind: ctx.rule.kind ?? defaultKind(file) }));
    if (ctx.model === undefined && !ctx.failed && ctx.files.some((f) => f.kind !== "request")) {
      ctx.failed = true;
      problems.push({
        level: "error",
        code: "INVALID_CONFIG",
        path: configLabel,
        message: `${configLabel}: ${rulePath(ctx.index, "model")}: no model for ${ctx.files.find((f) => f.kind !== "request")?.kind} files: set "model" on the rule or at the top level`,
        rule: ctx.index,
      });
    }
  }
  const cache = cacheFile ? await CountCache.load(cacheFile, labelOf(root, cacheFile)) : undefined;
  return { config, loaded, root, configLabel, table, calibration, problems, contexts, baselineOption, baselineFile, cache };
}

/** One rule, its model resolved once; a model that cannot be resolved or priced fails the rule (reported in `problems`). */
function ruleContext(rule: GateRule, index: number, run: { config: GateConfig; configLabel: string; table: PricingTable; problems: Problem[]; allowUnpriced?: boolean }): RuleContext {
  const { config, configLabel, table, problems } = run;
  const model = rule.model ?? config.model;
  const maxTokens = rule.maxTokens ?? config.maxTokens;
  const encoding = rule.encoding ?? config.encoding;
  const ctx: RuleContext = {
    index,
    rule,
    name: rule.name ?? rule.files.join(", "),
    model,
    modelField: rule.model ? rulePath(index, "model") : "model",
    maxTokens,
    encoding,
    files: [],
    modelWarnings: new Set(),
    failed: false,
    result: {
      index,
      name: rule.name ?? rule.files.join(", "),
      files: rule.files,
      model: model ?? null,
      encoding: null,
      maxTokens: maxTokens ?? null,
      kind: rule.kind ?? null,
      fileCount: 0,
      promptTokens: 0,
      costUsd: 0,
      limits: { maxPromptTokens: rule.limits.maxPromptTokens ?? null, maxCostUsd: rule.limits.maxCostUsd ?? null, mustFit: rule.limits.mustFit, totalCostUsd: rule.limits.totalCostUsd ?? null },
      status: "pass",
      violations: [],
      warnings: [],
    },
  };
  const fail = (field: string, message: string) => {
    ctx.failed = true;
    problems.push({ level: "error", code: "INVALID_CONFIG", message: `${configLabel}: ${field}: ${message}`, path: configLabel, rule: index });
  };
  if (model === undefined) return ctx;
  try {
    ctx.resolved = resolveModel(model, { table, encoding, allowUnpriced: run.allowUnpriced });
    ctx.result.encoding = ctx.resolved.encoding;
    for (const w of ctx.resolved.warnings) ctx.modelWarnings.add(w);
    const priced = ctx.resolved.entry?.pricing.input !== undefined;
    if (!priced && rule.limits.maxCostUsd !== undefined)
      fail(rulePath(index, "limits.maxCostUsd"), `${model} has no price in the pricing table, so a dollar limit cannot be checked (add it with "pricing")`);
    else if (!priced && rule.limits.totalCostUsd !== undefined)
      fail(rulePath(index, "limits.totalCostUsd"), `${model} has no price in the pricing table, so a dollar limit cannot be checked (add it with "pricing")`);
  } catch (error) {
    if (error instanceof UnknownModelError) {
      // the CLI-flag advice of the default message does not apply to a config file
      const didYouMean = error.suggestions.length ? ` (did you mean ${error.suggestions.slice(0, 3).join(", ")}?)` : "";
      fail(ctx.modelField, `unknown model "${error.model}"${didYouMean}; fix the id, set "encoding" to count it anyway (or run with --allow-unpriced), or add it with "pricing"`);
    } else fail(encoding !== undefined && error instanceof UnknownEncodingError ? (rule.encoding ? rulePath(index, "encoding") : "encoding") : ctx.modelField, errorInfo(error).message);
  }
  return ctx;
}

/** One (rule, file) measured: its result, and the estimates its limits are judged on (none when it could not be estimated). */
interface MeasuredFile {
  ctx: RuleContext;
  result: FileResult;
  estimates: { estimate: Estimate; line?: number }[];
}

/**
 * Measure: text prompts counted once per file for every encoding their rules need, in parallel
 * (with a cache, files counted before are not re-tokenized); request and chat files estimated.
 */
async function measureFiles(run: CheckRun, options: CheckOptions): Promise<MeasuredFile[]> {
  const { root, cache } = run;
  const active = run.contexts.filter((c) => !c.failed);
  const encodingsOf = new Map<string, Set<string>>();
  for (const ctx of active) {
    for (const f of ctx.files) {
      if (f.kind !== "text" || !ctx.resolved) continue;
      let set = encodingsOf.get(f.path);
      if (!set) encodingsOf.set(f.path, (set = new Set()));
      set.add(ctx.resolved.encoding);
    }
  }
  const textJobs: TextJob[] = [...encodingsOf].map(([file, encodings]) => ({ path: path.resolve(root, file), label: file, encodings: [...encodings] }));
  const counted = await countTextFiles(textJobs, { jobs: options.jobs, hash: cache !== undefined, cachedKeys: cache?.keys() });
  const texts = new Map<string, { bytes: number; warnings: string[]; tokens: Record<string, { tokens: number; cached: boolean }> } | { error: TokcostError }>();
  counted.forEach((m, i) => {
    const file = textJobs[i].label;
    if (!m.ok) {
      texts.set(file, { error: new InputError(m.message, { code: m.code }) });
      return;
    }
    const tokens: Record<string, { tokens: number; cached: boolean }> = {};
    for (const [encoding, n] of Object.entries(m.tokens)) {
      const key = m.sha256 ? CountCache.key("text", encoding, m.sha256) : undefined;
      if (n === null && key && cache) {
        const hit = cache.get(key);
        if (hit !== undefined) tokens[encoding] = { tokens: hit, cached: true };
      } else if (n !== null) {
        tokens[encoding] = { tokens: n, cached: false };
        if (key && cache) cache.set(key, n);
      }
    }
    texts.set(file, { bytes: m.bytes, warnings: m.warnings, tokens });
  });

  const measured: MeasuredFile[] = [];
  const requestJobs: MeasuredFile[] = [];
  for (const ctx of active) {
    for (const f of ctx.files) {
      const entry: MeasuredFile = { ctx, result: newResult(ctx, f.path, f.kind), estimates: [] };
      measured.push(entry);
      if (f.kind !== "text") {
        requestJobs.push(entry);
        continue;
      }
      const { result } = entry;
      const resolved = ctx.resolved as ResolvedModel;
      const info = texts.get(f.path);
      const count = info && !("error" in info) ? info.tokens[resolved.encoding] : undefined;
      if (!info || "error" in info || !count) {
        result.error = errorInfo(info && "error" in info ? info.error : new InputError(`${f.path}: not counted`, { code: "FILE_UNREADABLE" }));
        continue;
      }
      const estimate = estimateFromTokens(resolved, count.tokens, { maxTokens: ctx.maxTokens ?? null });
      result.model = resolved.id;
      result.encoding = resolved.encoding;
      result.promptTokens = count.tokens;
      result.maxTokens = estimate.maxTokens;
      result.completionTokens = estimate.completionTokens;
      result.costUsd = estimate.cost.total;
      result.contextWindow = estimate.contextWindow;
      result.fits = estimate.fits;
      result.exact = estimate.exact;
      result.cached = count.cached;
      result.warnings = fileWarnings(ctx, [...info.warnings, ...estimate.warnings]);
      entry.estimates = [{ estimate }];
    }
  }
  await mapLimit(requestJobs, IO_CONCURRENCY, async (entry) => {
    const { ctx, result } = entry;
    try {
      const abs = path.resolve(root, result.path);
      const read = await readTextFile(abs, result.path);
      const jsonl = /\.jsonl$/i.test(result.path);
      const imageSizes = await localImageSizesOfFile(read.text, jsonl, path.dirname(abs));
      const units = estimateGateRequestFile(read.text, result.path, jsonl, {
        imageSizes,
        kind: result.kind as Exclude<FileKind, "text">,
        model: ctx.rule.model,
        defaultModel: run.config.model,
        maxTokens: ctx.maxTokens,
        encoding: ctx.encoding,
        table: run.table,
        calibration: run.calibration,
        allowUnpriced: options.allowUnpriced,
        strict: options.strict,
      });
      fromRequests(result, ctx, units, read.warnings);
      entry.estimates = units.map((u) => ({ estimate: u.estimate, line: units.length > 1 || u.line !== 1 ? u.line : undefined }));
    } catch (error) {
      result.error = errorInfo(error);
      if (result.error.line === undefined && /\.json$/i.test(result.path) && !/^FILE_/.test(result.error.code)) result.error.line = 1;
    }
  });
  return measured;
}

/** Judge each file against its rule's limits (maxPromptTokens, maxCostUsd, mustFit). */
function judgeFiles(run: CheckRun, measured: MeasuredFile[]): void {
  for (const { ctx, result, estimates } of measured) if (!result.error) applyFileLimits(result, ctx, estimates);
}

/** Compare with the baseline (or write it), before statuses are settled, since growth can fail a file. */
async function judgeBaseline(run: CheckRun, results: FileResult[], options: CheckOptions): Promise<CheckReport["baseline"]> {
  const { baselineOption, baselineFile: file, root, problems, configLabel } = run;
  if (baselineOption === undefined && !options.updateBaseline) return null;
  const label = toRelative(root, file);
  let previous;
  let unreadable = false;
  try {
    previous = await readBaseline(file, label);
  } catch (error) {
    unreadable = true;
    if (!options.updateBaseline) problems.push({ level: "error", code: errorInfo(error).code, subject: "baseline", message: errorInfo(error).message, path: label });
  }
  const maxGrowth = run.config.baseline?.maxGrowth;
  if (options.updateBaseline) {
    await writeBaseline(file, buildBaseline(results, previous), label);
    return { file: label, maxGrowth: null, compared: false, updated: true, new: [], removed: [], grown: [], shrunk: [] };
  }
  if (previous) return compareWithBaseline(results, previous, { file: label, maxGrowth });
  if (unreadable) return null;
  const explicit = options.baseline !== undefined;
  problems.push({
    level: explicit ? "error" : "warning",
    code: explicit ? "FILE_NOT_FOUND" : "NO_BASELINE",
    subject: "baseline",
    message: `baseline ${label}: no such file; create it with tokcost check --update-baseline`,
    ...(explicit ? {} : { path: configLabel }),
  });
  return { file: label, maxGrowth: null, compared: false, updated: false, new: [], removed: [], grown: [], shrunk: [] };
}

/** Statuses of files and rules, rule totals and the totalCostUsd limit. */
function judgeRules(run: CheckRun, results: FileResult[]): RuleResult[] {
  for (const r of results) r.status = r.error ? "error" : r.violations.length ? "fail" : "pass";
  return run.contexts.map((ctx) => {
    const rr = ctx.result;
    const own = results.filter((r) => r.rule === ctx.index);
    rr.fileCount = own.length;
    rr.promptTokens = own.reduce((sum, r) => sum + (r.promptTokens ?? 0), 0);
    rr.costUsd = own.some((r) => r.costUsd === null && !r.error) ? null : sumUsd(own.map((r) => r.costUsd ?? 0));
    rr.warnings = [...ctx.modelWarnings];
    const limit = ctx.rule.limits.totalCostUsd;
    if (limit !== undefined && !ctx.failed) {
      if (rr.costUsd === null) rr.warnings.push("totalCostUsd not checked: the cost of some files is unknown");
      else if (rr.costUsd > limit + 1e-12) {
        const over = tidyUsd(rr.costUsd - limit);
        rr.violations.push({
          limit: "totalCostUsd",
          unit: "usd",
          actual: rr.costUsd,
          allowed: limit,
          over,
          message: `worst-case cost of ${fmtInt(own.length)} files ${fmtUsd(rr.costUsd)} > totalCostUsd ${fmtUsd(limit)} (+${fmtUsd(over)}${pct(over, limit)})`,
        });
      }
    }
    rr.status = ctx.failed || own.some((r) => r.status === "error") ? "error" : rr.violations.length || own.some((r) => r.status === "fail") ? "fail" : "pass";
    return rr;
  });
}

/** Report: the cache saved, the prices used (dates, sources, maxPriceAgeDays), the exit code and summary. */
async function reportCheck(run: CheckRun, results: FileResult[], rules: RuleResult[], baseline: CheckReport["baseline"], options: CheckOptions): Promise<CheckReport> {
  const { problems, cache, table, configLabel } = run;
  if (cache)
    await cache
      .save()
      .catch((error: Error) =>
        problems.push({ level: "warning", code: "CACHE", message: isTokcostError(error) ? `${error.message}; the counts were not cached` : `cache ${cache.file}: not written (${error.message})` }),
      );

  const provenance = pricingProvenance(results.map((r) => table.match(r.model)?.entry));
  const maxAgeDays = options.maxPriceAgeDays ?? run.config.maxPriceAgeDays ?? null;
  const today = options.today ?? new Date();
  const ageDays = provenance.asOf === null ? null : daysSince(provenance.asOf, today);
  const pricing: CheckPricing = { asOf: provenance.asOf, ageDays, maxAgeDays, sources: provenance.sources };
  if (maxAgeDays !== null && ageDays !== null && ageDays > maxAgeDays) {
    const old = provenance.sources.filter((s) => daysSince(s.asOf, today) > maxAgeDays).map((s) => s.model);
    problems.push({
      level: "error",
      code: "MAX_PRICE_AGE",
      path: configLabel,
      message: `prices of ${old.slice(0, 3).join(", ")}${old.length > 3 ? `, … (${old.length} models)` : ""} are from ${provenance.asOf} (${ageDays} days ago) > maxPriceAgeDays ${maxAgeDays}; refresh them with "tokcost pricing update -o prices.json" and set "pricing": "prices.json" in the config, or update tokcost`,
    });
  }

  const errors = results.filter((r) => r.status === "error").length + problems.filter((p) => p.level === "error" && !isLimitProblem(p)).length;
  const failed = results.filter((r) => r.status === "fail").length;
  const ruleFailed = rules.some((r) => r.violations.length > 0);
  const exitCode: 0 | 1 | 2 = errors > 0 ? 2 : failed > 0 || ruleFailed || problems.some(isLimitProblem) ? 1 : 0;
  return {
    version: 1,
    exitCode,
    ok: exitCode === 0,
    config: run.loaded ? configLabel : null,
    summary: {
      files: new Set(results.map((r) => r.path)).size,
      checks: results.length,
      passed: results.filter((r) => r.status === "pass").length,
      failed,
      errors: results.filter((r) => r.status === "error").length,
      warnings: problems.filter((p) => p.level === "warning").length + results.reduce((n, r) => n + r.warnings.length, 0) + rules.reduce((n, r) => n + r.warnings.length, 0),
      promptTokens: results.reduce((sum, r) => sum + (r.promptTokens ?? 0), 0),
      costUsd: results.some((r) => r.costUsd === null && !r.error) ? null : sumUsd(results.map((r) => r.costUsd ?? 0)),
      cached: results.filter((r) => r.cached).length,
    },
    rules,
    results,
    baseline,
    problems,
    pricing,
  };
}
