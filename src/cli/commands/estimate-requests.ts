/**
 * `tokcost estimate` for the files a user already has: request bodies (JSON), Batch API input
 * files and fine-tuning files (JSONL), recognised by shape; and `--chat` for plain text as one
 * user message. Thin: it picks the library call, then renders; estimate.ts merges the output.
 */
import { readText } from "../../node/io.js";
import {
  detectRequestFile,
  estimateRequestBody,
  parseRequestText,
  estimateBatchFile,
  estimateFineTuningFile,
  estimateRequestFile,
  type BatchEstimate,
  type FineTuningEstimate,
} from "../../node/request-files.js";
import { readAll } from "../../node/inputs.js";
import type { InputSource } from "../../node/measure.js";
import { resolveModels } from "../../node/estimate-files.js";
import { readsStdin } from "../shared.js";
import { paramOf, withParam } from "../render-error.js";
import { estimateRequest, isReasoningModel, type RequestEstimate } from "../../request/index.js";
import type { Calibration } from "../../request/calibration.js";
import type { RemoteCountOptions } from "../../request/remote-count.js";
import { estimateRequestRemote, signedDifference, type CountedRequestEstimate } from "../../request/estimate-remote.js";
import { withCountSource } from "../../node/request-files.js";
import { estimateJson, resolveModel, roomAdvice } from "../../estimate/index.js";
import type { PricingTable } from "../../pricing/table.js";
import type { BillingOptions } from "../../estimate/estimate.js";
import { TokcostError, UsageError } from "../../errors.js";
import { formatInt, formatUsd, painter, renderCsv, renderMarkdown, renderTable } from "../format.js";

/** The flags of `tokcost estimate` this module reads. */
export interface RequestFlags {
  model?: string[];
  maxTokens?: number;
  chat?: boolean;
  imageSize?: { width: number; height: number };
  epochs?: number;
  encoding?: string;
  /** --strict: refuse nested fields the API does not document. */
  strict?: boolean;
  /** --tier, --cached-tokens, --cache-hit, --reasoning-tokens, --reasoning-effort: for request bodies and --chat text. */
  billing?: BillingOptions;
  /** --calibration / TOKCOST_CALIBRATION: measured framing constants (chat requests of its model). */
  calibration?: Calibration;
  /** --remote-count: how to reach the vendors' count endpoints (request bodies and --chat text). */
  remote?: RemoteCountOptions;
  /** --minutes: audio length for transcription requests whose file cannot be read. */
  minutes?: number;
}

type Format = "table" | "json" | "markdown" | "csv";

/** One file handled here: its JSON entries (the `estimates` contract) and its human rendering. */
export interface RequestFileResult {
  json: Record<string, unknown>[];
  render(format: Exclude<Format, "json">, color: boolean): string;
  /** Lines for stderr (bad lines of a batch file). */
  errors: string[];
  warnings: string[];
  /** 1 when something does not fit or a line is invalid; 2 when the file itself cannot be used. */
  exitCode: 0 | 1 | 2;
  /** Set when the whole file could not be estimated (reported like an unreadable input). */
  failure?: { path: string; code: string; message: string };
}

/** A file that could not be estimated: one line on stderr, an `errors` entry in JSON, exit 2. */
function failureResult(path: string, error: TokcostError): RequestFileResult {
  const text = withParam(error.message, paramOf(error));
  const message = text.startsWith(path) ? text : `${path}: ${text}`;
  return { json: [], render: () => "", errors: [message], warnings: [], exitCode: 2, failure: { path, code: error.code, message } };
}


/** Is `path` a file this module handles (request JSON, batch or fine-tuning JSONL; any text with --chat)? */
async function kindOf(path: string, chat: boolean): Promise<"request" | "requests" | "batch" | "fine-tune" | "chat" | undefined> {
  if (path === "-") return undefined;
  const kind = await detectRequestFile(path).catch(() => undefined);
  if (kind && kind !== "text") return kind;
  return chat && kind === "text" ? "chat" : undefined;
}

/** The JSON entry of a request estimate: the contract's fields, then the additions. */
function requestJson(path: string, e: RequestEstimate | CountedRequestEstimate): Record<string, unknown> {
  const counted = e as Partial<CountedRequestEstimate>;
  return {
    ...estimateJson(path, e),
    kind: e.kind,
    maxTokensParam: e.maxTokensParam,
    breakdown: e.breakdown,
    countSource: counted.countSource ?? "local",
    ...(counted.localPromptTokens !== undefined ? { localPromptTokens: counted.localPromptTokens } : {}),
    ...(counted.vendorCount ? { vendorCount: counted.vendorCount } : {}),
  };
}

/** "prompt 1,234 tokens (vendor count; local estimate 1,230, −4)" for each estimate the vendor counted. */
function vendorCountLines(path: string, estimates: readonly RequestEstimate[]): string[] {
  return estimates.flatMap((e) => {
    const c = e as Partial<CountedRequestEstimate>;
    if (c.countSource !== "remote" || c.localPromptTokens === undefined) return [];
    const local = c.localPromptTokens;
    const diff = local === e.promptTokens ? "same" : signedDifference(local - e.promptTokens);
    return [`${path} · ${e.model}: prompt ${formatInt(e.promptTokens)} tokens (vendor count, ${c.vendorCount?.provider ?? "remote"}; local estimate ${formatInt(local)}, ${diff})`];
  });
}

function renderRequests(path: string, estimates: RequestEstimate[], format: Exclude<Format, "json">, color: boolean): string {
  const paint = painter(color);
  if (format === "csv") {
    return renderCsv(
      ["path", "kind", "model", "encoding", "exact", "prompt_tokens", "messages_tokens", "tools_tokens", "image_tokens", "max_tokens", "choices", "context_window", "fits", "room", "cost_prompt_usd", "cost_completion_usd", "cost_total_usd"],
      estimates.map((e) => [path, e.kind, e.model, e.encoding, e.exact, e.promptTokens, e.breakdown.messages, e.breakdown.tools, e.breakdown.images, e.maxTokens, e.breakdown.choices, e.contextWindow, e.fits, e.room, e.cost.prompt, e.cost.completion, e.cost.total]),
    );
  }
  const head = ["Request", "Model", "Tokens", "Messages", "Tools", "Images", "Max tokens", "Context", "Fits", "Room", "Total"];
  const numeric = [false, false, true, true, true, true, true, true, false, true, true];
  const rows = estimates.map((e) => [
    `${path} (${e.kind})`,
    e.model,
    `${e.exact ? "" : "≈"}${formatInt(e.promptTokens)}`,
    formatInt(e.breakdown.messages),
    formatInt(e.breakdown.tools),
    formatInt(e.breakdown.images),
    e.maxTokens === null ? "—" : `${formatInt(e.maxTokens)}${e.breakdown.choices * e.breakdown.prompts > 1 ? ` ×${e.breakdown.choices * e.breakdown.prompts}` : ""}`,
    formatInt(e.contextWindow),
    e.fits === null ? "?" : e.fits ? paint.green("yes") : paint.red("no"),
    formatInt(e.room),
    formatUsd(e.cost.total),
  ]);
  let out = format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color);
  for (const line of vendorCountLines(path, estimates)) out += `\n${line}`;
  if (format === "table") {
    for (const e of estimates) {
      if (e.fits !== false) continue;
      const advice = roomAdvice(e.room, e.maxTokensParam ?? "max_tokens");
      for (const problem of e.problems) out += `\n${paint.red("✗")} ${path} · ${e.model}: ${problem}${advice ? ` (${advice})` : ""}`;
    }
  }
  return out;
}

function requestResult(path: string, estimates: RequestEstimate[]): RequestFileResult {
  return {
    json: estimates.map((e) => requestJson(path, e)),
    render: (format, color) => renderRequests(path, estimates, format, color),
    errors: [],
    warnings: estimates.flatMap((e) => e.warnings),
    exitCode: estimates.some((e) => e.fits === false) ? 1 : 0,
  };
}

function batchResult(b: BatchEstimate, encoding: string | null): RequestFileResult {
  const t = b.totals;
  const json = {
    path: b.path,
    model: b.models.join(","),
    encoding,
    exact: t.exact,
    promptTokens: t.promptTokens,
    maxTokens: t.completionTokens,
    contextWindow: null,
    maxInputTokens: null,
    maxOutputTokens: null,
    fits: t.notFitting === 0,
    room: null,
    cost: t.cost,
    problems: b.lines.flatMap((l) => l.problems.map((p) => `line ${l.line}${l.customId === null ? "" : ` (${l.customId})`}: ${p}`)),
    warnings: b.warnings,
    kind: b.format,
    [b.format]: { requests: t.requests, invalid: t.invalid, notFitting: t.notFitting, completionTokens: t.completionTokens, lines: b.lines, linesOmitted: b.linesOmitted, errors: b.errors },
  };
  const isBatch = b.format === "batch";
  const render = (format: Exclude<Format, "json">, color: boolean): string => {
    const paint = painter(color);
    if (format === "csv") {
      return renderCsv(
        ["path", "line", "custom_id", "kind", "model", "exact", "prompt_tokens", "max_tokens", "completion_tokens", "fits", "cost_total_usd"],
        b.lines.map((l) => [b.path, l.line, l.customId, l.kind, l.model, l.exact, l.promptTokens, l.maxTokens, l.completionTokens, l.fits, l.cost.total]),
      );
    }
    const head = ["Line", isBatch ? "custom_id" : "Kind", "Model", "Tokens", "Max output", "Fits", isBatch ? "Batch cost" : "Cost"];
    const numeric = [true, false, false, true, true, false, true];
    const rows = b.lines.map((l) => [String(l.line), l.customId ?? l.kind, l.model, `${l.exact ? "" : "≈"}${formatInt(l.promptTokens)}`, formatInt(l.completionTokens), l.fits === null ? "?" : l.fits ? paint.green("yes") : paint.red("no"), formatUsd(l.cost.total)]);
    rows.push(["", paint.bold(`total (${t.requests} requests${t.invalid ? `, ${t.invalid} invalid` : ""})`), b.models.join(", "), `${t.exact ? "" : "≈"}${formatInt(t.promptTokens)}`, formatInt(t.completionTokens), t.notFitting ? paint.red(`${t.notFitting} no`) : paint.green("yes"), formatUsd(t.cost.total)]);
    const table = format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color);
    const omitted = b.linesOmitted ? `\n(${b.linesOmitted} more lines counted in the total, not listed)` : "";
    const problems = format === "table" ? json.problems.map((p) => `\n${paint.red("✗")} ${b.path} ${p}`).join("") : "";
    return `${b.path}: ${isBatch ? "Batch API input file" : "request bodies, one per line"}\n${table}${omitted}${problems}`;
  };
  return {
    json: [json],
    render,
    errors: b.errors.map((e) => `${b.path}:${e.line}: ${e.customId ? `(${e.customId}) ` : ""}${withParam(e.message, e.param)}`),
    warnings: b.warnings,
    exitCode: t.invalid > 0 || t.notFitting > 0 ? 1 : 0,
  };
}

/** "≈12 / 40 / 95" — min, median and max of the listed examples. */
function spread(values: number[]): string {
  if (values.length === 0) return "—";
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return `≈${formatInt(sorted[0])} / ${formatInt(median)} / ${formatInt(sorted[sorted.length - 1])}`;
}

function fineTuneResult(f: FineTuningEstimate, encoding: string): RequestFileResult {
  const t = f.totals;
  const json = {
    path: f.path,
    model: f.model,
    encoding,
    exact: false,
    promptTokens: t.trainingTokens,
    maxTokens: null,
    contextWindow: f.exampleLimit,
    maxInputTokens: null,
    maxOutputTokens: null,
    fits: t.overLimit === 0,
    room: null,
    cost: { currency: "USD", prompt: t.cost, completion: 0, total: t.cost },
    problems: f.examples.filter((e) => e.overLimit).map((e) => `line ${e.line}: ${e.tokens} tokens, over the ${f.exampleLimit}-token limit (it would be truncated)`),
    warnings: f.warnings,
    kind: "fine-tune",
    fineTuning: { ...t, exampleLimit: f.exampleLimit, examplesList: f.examples, examplesOmitted: f.examplesOmitted, errors: f.errors },
  };
  const render = (format: Exclude<Format, "json">, color: boolean): string => {
    const paint = painter(color);
    const rows = [
      ["examples", formatInt(t.examples) + (t.invalid ? ` (${t.invalid} invalid)` : "")],
      ["training tokens per epoch", `≈${formatInt(t.trainingTokens)}`],
      ["tokens per example (min / median / max)", spread(f.examples.map((e) => e.tokens))],
      ["examples over the limit", t.overLimit ? paint.red(`${t.overLimit} (limit ${formatInt(f.exampleLimit)})`) : `0 (limit ${formatInt(f.exampleLimit)})`],
      ["epochs", `${t.epochs}${t.epochsSource === "default" ? " (OpenAI's default)" : ""}`],
      ["billed training tokens", `≈${formatInt(t.billedTokens)}`],
      ["training cost", t.cost === null ? "— (no training price in the table)" : formatUsd(t.cost)],
    ];
    if (format === "csv") return renderCsv(["path", "model", "field", "value"], rows.map(([k, v]) => [f.path, f.model, k, v]));
    const head = [`${f.path} (fine-tuning ${f.model})`, ""];
    return format === "markdown" ? renderMarkdown(head, rows, [false, true]) : renderTable(head, rows, [false, true], color);
  };
  return {
    json: [json],
    render,
    errors: f.errors.map((e) => `${f.path}:${e.line}: ${withParam(e.message, e.param)}`),
    warnings: f.warnings,
    exitCode: t.invalid > 0 || t.overLimit > 0 ? 1 : 0,
  };
}

/** A JSON array of chat messages (a saved conversation), or undefined for plain text. */
function messagesOf(content: string): unknown[] | undefined {
  if (!/^\s*\[/.test(content)) return undefined;
  try {
    const value: unknown = JSON.parse(content);
    const isMessage = (m: unknown) => typeof m === "object" && m !== null && typeof (m as { role?: unknown }).role === "string";
    return Array.isArray(value) && value.length > 0 && value.every(isMessage) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** --chat: text as one user message (or a JSON array of messages as that conversation), on each model. */
async function chatResult(path: string, content: string, flags: RequestFlags, table: PricingTable): Promise<RequestFileResult> {
  const messages = messagesOf(content) ?? [{ role: "user", content }];
  const estimates = await Promise.all(
    resolveModels(flags.model, { table }).map((m) => {
      const body = { model: m.id, messages, ...(flags.maxTokens !== undefined ? { [isReasoningModel(m.id) ? "max_completion_tokens" : "max_tokens"]: flags.maxTokens } : {}) };
      const options = { ...flags.billing, table, imageSize: flags.imageSize, strict: flags.strict, encoding: flags.encoding, calibration: flags.calibration };
      return flags.remote ? estimateRequestRemote(body, { ...options, remote: flags.remote }) : withCountSource(estimateRequest(body, options), flags.calibration);
    }),
  );
  return requestResult(path, estimates);
}

/** Says that --remote-count does not apply to this file (each line is counted locally). */
function withRemoteNote(result: RequestFileResult, flags: RequestFlags): RequestFileResult {
  if (flags.remote) result.warnings.unshift("--remote-count applies to single request bodies and --chat text: the lines of JSONL files are counted locally");
  return result;
}

/** A request's own budget governs: say so when --max-tokens was given too. */
function withBudgetNote(result: RequestFileResult, flags: RequestFlags): RequestFileResult {
  if (flags.maxTokens !== undefined) result.warnings.unshift("--max-tokens does not apply to request and batch files: each body's own max_tokens / max_completion_tokens / max_output_tokens is used");
  return result;
}

/** Says that billing flags (--tier, --cached-tokens, --cache-hit, --reasoning-tokens) were not applied to this file, and why. */
function withBillingNote(result: RequestFileResult, flags: RequestFlags, why: string): RequestFileResult {
  if (flags.billing) result.warnings.unshift(`--tier, --cached-tokens, --cache-hit, --reasoning-tokens and --reasoning-effort do not apply here: ${why}`);
  return result;
}

/**
 * Estimates the request-shaped files among `paths` (and, with --chat, text files as one user
 * message). Returns their results and the paths left for the plain-text estimator.
 */
export async function estimateRequestFiles(
  paths: readonly string[],
  flags: RequestFlags,
  table: PricingTable,
): Promise<{ results: RequestFileResult[]; remaining: string[]; handledAll: boolean; inputs?: InputSource[] }> {
  const results: RequestFileResult[] = [];
  const remaining: string[] = [];
  // Piped stdin (no files, or "-") may be a request body too: read it once and reuse it for text.
  const wantsStdin = readsStdin(paths);
  let stdin: Uint8Array | undefined;
  let stdinHandled = false;
  if (wantsStdin) {
    stdin = await readAll(process.stdin, { label: "<stdin>" });
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(stdin);
    const body = parseRequestText(text);
    if (body || flags.chat) {
      stdinHandled = true;
      try {
        const models = flags.model ?? [];
        const options = { ...flags.billing, table, imageSize: flags.imageSize, strict: flags.strict, encoding: flags.encoding, calibration: flags.calibration, remote: flags.remote, audioMinutes: flags.minutes };
        if (body) results.push(withBudgetNote(requestResult("<stdin>", models.length ? await Promise.all(models.map((model) => estimateRequestBody(body, { ...options, model }))) : [await estimateRequestBody(body, options)]), flags));
        else results.push(await chatResult("<stdin>", text, flags, table));
      } catch (error) {
        if (error instanceof TokcostError && !(error instanceof UsageError)) results.push(failureResult("<stdin>", error));
        else throw error;
      }
    }
  }
  for (const path of paths) {
    if (path === "-") {
      if (!stdinHandled) remaining.push(path);
      continue;
    }
    const kind = await kindOf(path, flags.chat ?? false);
    if (!kind) {
      remaining.push(path);
      continue;
    }
    try {
      results.push(await estimateOne(path, kind, flags, table));
    } catch (error) {
      // Bad usage (no model for a fine-tuning file) stops the command; a bad file is reported and the rest go on.
      if (error instanceof TokcostError && !(error instanceof UsageError)) results.push(failureResult(path, error));
      else throw error;
    }
  }
  const handledAll = paths.length === 0 ? stdinHandled : remaining.length === 0;
  // Stdin was consumed here: hand its bytes to the text estimator instead of reading it again.
  const inputs = stdin && !stdinHandled ? (paths.length === 0 ? [{ name: "<stdin>", bytes: stdin }] : remaining.map((p): InputSource => (p === "-" ? { name: "<stdin>", bytes: stdin! } : { path: p }))) : undefined;
  return { results, remaining, handledAll, inputs };
}

async function estimateOne(path: string, kind: "request" | "requests" | "batch" | "fine-tune" | "chat", flags: RequestFlags, table: PricingTable): Promise<RequestFileResult> {
  const models = flags.model ?? [];
  if (kind === "request") {
    const options = { ...flags.billing, table, imageSize: flags.imageSize, strict: flags.strict, encoding: flags.encoding, calibration: flags.calibration, remote: flags.remote, audioMinutes: flags.minutes };
    const estimates = models.length ? await Promise.all(models.map((model) => estimateRequestFile(path, { ...options, model }))) : [await estimateRequestFile(path, options)];
    return withBudgetNote(requestResult(path, estimates), flags);
  } else if (kind === "chat") {
    const content = await readText(path);
    return await chatResult(path, content, flags, table);
  } else if (kind === "requests" || kind === "batch") {
    // Bare request bodies are billed like request files (billing flags apply); Batch API lines at batch rates.
    const common = { table, imageSize: flags.imageSize, strict: flags.strict, model: models[0], encoding: flags.encoding, calibration: flags.calibration };
    const file = await estimateBatchFile(path, kind === "requests" ? { ...flags.billing, ...common, lines: "requests" } : common);
    const encoding = file.models.length ? resolveModel(file.models[0], { table, encoding: flags.encoding }).encoding : null;
    const result = withRemoteNote(withBudgetNote(batchResult(file, encoding), flags), flags);
    return kind === "batch" ? withBillingNote(result, flags, "batch files are billed at Batch API rates, each line as written") : result;
  } else {
    if (models.length === 0) throw new UsageError(`${path} is a fine-tuning file: name the model to fine-tune with -m (e.g. -m gpt-4o-mini-2024-07-18)`);
    const estimate = await estimateFineTuningFile(path, { model: models[0], epochs: flags.epochs, table });
    return withBillingNote(fineTuneResult(estimate, resolveModel(models[0], { table }).encoding), flags, "fine-tuning files are billed as training tokens");
  }
}
