/**
 * How `tokcost estimate` shows what {@link estimateFiles} returned: tables and Markdown for people
 * (each request file its own table, runs of plain text files one table), and CSV/TSV as one table
 * of data with one header, a row per estimate (per line of a Batch file), in command-line order.
 */
import type { EstimatedFile, FileEstimate, ModelFailure } from "../../node/estimate-files.js";
import { batchProblems } from "../../node/estimate-json.js";
import type { BatchEstimate, FineTuningEstimate } from "../../node/request-files.js";
import type { RequestEstimate } from "../../request/estimate-request.js";
import type { MediaBreakdown } from "../../request/estimate-media.js";
import type { CountedRequestEstimate } from "../../request/estimate-remote.js";
import { signedDifference } from "../../util/format.js";
import { roomAdvice } from "../../estimate/limits.js";
import { withParam } from "../../errors.js";
import { escapeControl } from "../../util/text.js";
import { formatInt, formatUsd, painter, renderCsv, renderMarkdown, renderTable, type TableFit } from "../format.js";
import { renderTsv } from "../shared.js";

/** The human formats. */
export type HumanFormat = "table" | "markdown";

/** The CSV/TSV header of `tokcost estimate`: the same columns for every kind of input. */
export const ESTIMATE_CSV_HEAD = [
  "path",
  "kind",
  "line",
  "custom_id",
  "model",
  "encoding",
  "exact",
  "prompt_tokens",
  "messages_tokens",
  "tools_tokens",
  "image_tokens",
  "max_tokens",
  "choices",
  "completion_tokens",
  "context_window",
  "fits",
  "room",
  "billed_as",
  "cost_prompt_usd",
  "cost_completion_usd",
  "cost_total_usd",
];

type Cell = string | number | boolean | null;

/** "1 × 1024x1792 hd at $0.12", "2,000 characters", "3.2 min": what a media request is billed in. */
export function billedAs(media: MediaBreakdown | undefined): string {
  if (!media) return "";
  if (media.unit === "character") return `${formatInt(media.quantity ?? 0)} characters`;
  if (media.unit === "minute") return media.quantity === null ? media.detail : media.quantity < 0.1 ? `${(media.quantity * 60).toFixed(1)} s` : `${media.quantity.toFixed(1)} min`;
  return media.detail;
}

/** The CSV/TSV rows of one input ({@link ESTIMATE_CSV_HEAD}); none for a failure. */
function dataRows(result: EstimatedFile): Cell[][] {
  switch (result.kind) {
    case "text":
      return [
        ...result.estimates.map((e) => [
          e.path,
          "text",
          null,
          null,
          e.model,
          e.encoding,
          e.exact,
          e.promptTokens,
          null,
          null,
          null,
          e.maxTokens,
          null,
          e.completionTokens,
          e.contextWindow,
          e.fits,
          e.room,
          null,
          e.cost.prompt,
          e.cost.completion,
          e.cost.total,
        ]),
        ...result.modelFailures.map((f) => [f.path, "text", null, null, f.model, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]),
      ];
    case "request":
      return [
        ...result.estimates.map((e) => [
          result.path,
          e.kind,
          null,
          null,
          e.model,
          e.encoding,
          e.exact,
          e.promptTokens,
          e.breakdown.messages,
          e.breakdown.tools,
          e.breakdown.images,
          e.maxTokens,
          e.breakdown.choices,
          e.breakdown.completionTokens,
          e.contextWindow,
          e.fits,
          e.room,
          billedAs(e.breakdown.media) || null,
          e.cost.prompt,
          e.cost.completion,
          e.cost.total,
        ]),
        ...result.modelFailures.map((f) => [f.path, "request", null, null, f.model, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]),
      ];
    case "batch":
    case "requests":
      return result.batch.lines.map((l) => [
        result.path,
        l.kind,
        l.line,
        l.customId,
        l.model,
        result.encoding,
        l.exact,
        l.promptTokens,
        null,
        null,
        null,
        l.maxTokens,
        null,
        l.completionTokens,
        null,
        l.fits,
        null,
        null,
        l.cost.prompt,
        l.cost.completion,
        l.cost.total,
      ]);
    case "fine-tune": {
      const f = result.fineTuning;
      const t = f.totals;
      return [
        [
          result.path,
          "fine-tune",
          null,
          null,
          f.model,
          result.encoding,
          false,
          t.trainingTokens,
          null,
          null,
          null,
          null,
          null,
          null,
          f.exampleLimit,
          t.overLimit === 0,
          null,
          `${t.billedTokens} training tokens (${t.epochs} epochs)`,
          t.cost,
          0,
          t.cost,
        ],
      ];
    }
    case "failure":
      return [];
  }
}

/** All inputs as one CSV or TSV table (one header). */
export function renderEstimateData(results: readonly EstimatedFile[], format: "csv" | "tsv"): string {
  const rows = results.flatMap(dataRows);
  return format === "csv" ? renderCsv(ESTIMATE_CSV_HEAD, rows) : renderTsv(ESTIMATE_CSV_HEAD, rows);
}

/** The human rendering of all inputs: runs of plain text files share one table. */
export function renderEstimateTables(results: readonly EstimatedFile[], format: HumanFormat, color: boolean, fit: TableFit["width"]): string[] {
  const out: string[] = [];
  let texts: FileEstimate[] = [];
  let unknown: ModelFailure[] = [];
  const flushTexts = () => {
    if (texts.length || unknown.length) out.push(renderTextEstimates(texts, unknown, format, color, fit));
    texts = [];
    unknown = [];
  };
  for (const result of results) {
    if (result.kind === "text") {
      texts.push(...result.estimates);
      unknown.push(...result.modelFailures);
      continue;
    }
    flushTexts();
    if (result.kind === "request") out.push(renderRequests(result.path, result.estimates, result.modelFailures, format, color, fit));
    else if (result.kind === "batch" || result.kind === "requests") out.push(renderBatch(result.batch, format, color, fit));
    else if (result.kind === "fine-tune") out.push(renderFineTuning(result.fineTuning, format, color));
  }
  flushTexts();
  return out;
}

/** Lines for stderr about one input: bad lines of a JSONL file, or why it could not be used. */
export function errorLines(result: EstimatedFile): string[] {
  if (result.kind === "batch" || result.kind === "requests") return result.batch.errors.map((e) => `${result.path}:${e.line}: ${e.customId ? `(${e.customId}) ` : ""}${withParam(e.message, e.param)}`);
  if (result.kind === "fine-tune") return result.fineTuning.errors.map((e) => `${result.path}:${e.line}: ${withParam(e.message, e.param)}`);
  return [];
}

const fitsCell = (fits: boolean | null, paint: ReturnType<typeof painter>) => (fits === null ? "?" : fits ? paint.green("yes") : paint.red("no"));

/** The Max tokens cell: the budget set, or "≤N" for the worst case priced when none is set. */
function maxTokensCell(e: Pick<FileEstimate, "maxTokens" | "completionBasis" | "completionTokens">): string {
  if (e.maxTokens !== null || e.completionBasis !== "model_max_output" || e.completionTokens === null) return formatInt(e.maxTokens);
  return `≤${formatInt(e.completionTokens)}`;
}

function renderTextEstimates(estimates: FileEstimate[], unknown: ModelFailure[], format: HumanFormat, color: boolean, width: number | undefined): string {
  const paint = painter(color);
  const head = ["File", "Model", "Tokens", "Max tokens", "Context", "Fits", "Room", "Prompt", "Completion", "Total"];
  const numeric = [false, false, true, true, true, false, true, true, true, true];
  const rows = estimates.map((e) => [
    escapeControl(e.path),
    escapeControl(e.model),
    `${e.exact ? "" : "≈"}${formatInt(e.promptTokens)}`,
    maxTokensCell(e),
    formatInt(e.contextWindow),
    fitsCell(e.fits, paint),
    formatInt(e.room),
    formatUsd(e.cost.prompt),
    formatUsd(e.cost.completion),
    formatUsd(e.cost.total),
  ]);
  for (const f of unknown) rows.push([escapeControl(f.path), escapeControl(f.model), "—", "—", "—", paint.red("unknown model"), "—", "—", "—", "—"]);
  let out = format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color, { width, drop: [7, 8, 4, 6, 3], shrink: 0 });
  if (format === "table") {
    for (const e of estimates) {
      if (e.fits !== false) continue;
      const advice = roomAdvice(e.room);
      for (const problem of e.problems) out += `\n${paint.red("✗")} ${escapeControl(e.path)} · ${escapeControl(e.model)}: ${problem}${advice ? ` (${advice})` : ""}`;
    }
    for (const f of unknown) out += `\n${paint.red("✗")} ${escapeControl(f.path)} · ${escapeControl(f.model)}: ${f.message}`;
  }
  return out;
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

function renderRequests(path: string, estimates: RequestEstimate[], unknown: ModelFailure[], format: HumanFormat, color: boolean, width: number | undefined): string {
  const paint = painter(color);
  // Images, speech and transcription requests say what they are billed in; when every request
  // is one, the text columns (messages, tools, window) say nothing and are left out.
  const media = estimates.some((e) => e.breakdown.media);
  const onlyMedia = estimates.every((e) => e.breakdown.media);
  const head = onlyMedia
    ? ["Request", "Model", "Tokens", "Billed as", "Total"]
    : ["Request", "Model", "Tokens", "Messages", "Tools", "Images", "Max tokens", "Context", "Fits", "Room", ...(media ? ["Billed as"] : []), "Total"];
  const numeric = onlyMedia ? [false, false, true, false, true] : [false, false, true, true, true, true, true, true, false, true, ...(media ? [false] : []), true];
  const rows = estimates.map((e) =>
    onlyMedia
      ? [`${path} (${e.kind})`, e.model, `${e.exact ? "" : "≈"}${formatInt(e.promptTokens + e.breakdown.completionTokens)}`, billedAs(e.breakdown.media), formatUsd(e.cost.total)]
      : [
          `${path} (${e.kind})`,
          e.model,
          `${e.exact ? "" : "≈"}${formatInt(e.promptTokens)}`,
          formatInt(e.breakdown.messages),
          formatInt(e.breakdown.tools),
          formatInt(e.breakdown.images),
          e.maxTokens === null ? maxTokensCell(e) : `${formatInt(e.maxTokens)}${e.breakdown.choices * e.breakdown.prompts > 1 ? ` ×${e.breakdown.choices * e.breakdown.prompts}` : ""}`,
          formatInt(e.contextWindow),
          fitsCell(e.fits, paint),
          formatInt(e.room),
          ...(media ? [billedAs(e.breakdown.media) || "—"] : []),
          formatUsd(e.cost.total),
        ],
  );
  for (const f of unknown) rows.push([path, f.model, "—", ...head.slice(3, -1).map((h) => (h === "Fits" ? paint.red("unknown model") : "—")), "—"]);
  let out = format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color, { width, drop: onlyMedia ? [2] : [4, 5, 3, 7, 9], shrink: 0 });
  for (const line of vendorCountLines(path, estimates)) out += `\n${line}`;
  if (format === "table") {
    for (const e of estimates) {
      if (e.fits !== false) continue;
      const advice = roomAdvice(e.room, e.maxTokensParam ?? "max_tokens");
      for (const problem of e.problems) out += `\n${paint.red("✗")} ${path} · ${e.model}: ${problem}${advice ? ` (${advice})` : ""}`;
    }
    for (const f of unknown) out += `\n${paint.red("✗")} ${path} · ${escapeControl(f.model)}: ${f.message}`;
  }
  return out;
}

function renderBatch(b: BatchEstimate, format: HumanFormat, color: boolean, width: number | undefined): string {
  const paint = painter(color);
  const t = b.totals;
  const isBatch = b.format === "batch";
  const head = ["Line", isBatch ? "custom_id" : "Kind", "Model", "Tokens", "Max output", "Fits", isBatch ? "Batch cost" : "Cost"];
  const numeric = [true, false, false, true, true, false, true];
  const rows = b.lines.map((l) => [
    String(l.line),
    l.customId ?? l.kind,
    l.model,
    `${l.exact ? "" : "≈"}${formatInt(l.promptTokens)}`,
    formatInt(l.completionTokens),
    fitsCell(l.fits, paint),
    formatUsd(l.cost.total),
  ]);
  rows.push([
    "",
    paint.bold(`total (${t.requests} requests${t.invalid ? `, ${t.invalid} invalid` : ""})`),
    b.models.join(", "),
    `${t.exact ? "" : "≈"}${formatInt(t.promptTokens)}`,
    formatInt(t.completionTokens),
    t.notFitting ? paint.red(`${t.notFitting} no`) : paint.green("yes"),
    formatUsd(t.cost.total),
  ]);
  const table = format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color, { width, drop: [4], shrink: 1 });
  const omitted = b.linesOmitted ? `\n(${b.linesOmitted} more lines counted in the total, not listed)` : "";
  const problems =
    format === "table"
      ? batchProblems(b)
          .map((p) => `\n${paint.red("✗")} ${b.path} ${p}`)
          .join("")
      : "";
  return `${b.path}: ${isBatch ? "Batch API input file" : "request bodies, one per line"}\n${table}${omitted}${problems}`;
}

/** "≈12 / 40 / 95" — min, median and max of the listed examples. */
function spread(values: number[]): string {
  if (values.length === 0) return "—";
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return `≈${formatInt(sorted[0])} / ${formatInt(median)} / ${formatInt(sorted[sorted.length - 1])}`;
}

function renderFineTuning(f: FineTuningEstimate, format: HumanFormat, color: boolean): string {
  const paint = painter(color);
  const t = f.totals;
  const rows = [
    ["examples", formatInt(t.examples) + (t.invalid ? ` (${t.invalid} invalid)` : "")],
    ["training tokens per epoch", `≈${formatInt(t.trainingTokens)}`],
    ["tokens per example (min / median / max)", spread(f.examples.map((e) => e.tokens))],
    ["examples over the limit", t.overLimit ? paint.red(`${t.overLimit} (limit ${formatInt(f.exampleLimit)})`) : `0 (limit ${formatInt(f.exampleLimit)})`],
    ["epochs", `${t.epochs}${t.epochsSource === "default" ? " (OpenAI's default)" : ""}`],
    ["billed training tokens", `≈${formatInt(t.billedTokens)}`],
    ["training cost", t.cost === null ? "— (no training price in the table)" : formatUsd(t.cost)],
  ];
  const head = [`${f.path} (fine-tuning ${f.model})`, ""];
  return format === "markdown" ? renderMarkdown(head, rows, [false, true]) : renderTable(head, rows, [false, true], color);
}
