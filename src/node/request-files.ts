/**
 * Node-only: the files a user already has — a request body (JSON), a Batch API input file
 * (JSONL of `{ custom_id, method, url, body }`) and a chat fine-tuning file (JSONL of
 * `{ messages }`) — recognised by shape and estimated with the library's request engine.
 * JSONL files are streamed line by line, so memory stays bounded however large the file.
 */
import { constants as bufferConstants } from "node:buffer";
import { createReadStream } from "node:fs";
import { dirname, isAbsolute, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, InvalidRequestError, TokcostError } from "../errors.js";
import { sumUsd, UsdSum, type Cost, type ServiceTier } from "../pricing/cost.js";
import type { BillingOptions } from "../estimate/estimate.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { resolveModel } from "../estimate/model.js";
import { limitsOf } from "../estimate/limits.js";
import type { RequestKind } from "../request/validate.js";
import { detectRequestKind, isPlainObject } from "../request/shape.js";
import { readBatchLine } from "../request/batch.js";
import { fileError, openRegular, readBytes, readText, statRegular } from "./io.js";
import { estimateRequest, type RequestEstimate } from "../request/estimate-request.js";
import { imageSizeFromBytes, isDataUrl, type ImageSize } from "../request/images.js";
import { countTrainingTokens, defaultEpochs, validateFineTuningExample } from "../request/fine-tuning.js";
import { parseJsonText } from "../util/json.js";
import type { Calibration } from "../request/calibration.js";
import type { RemoteCountOptions } from "../request/remote-count.js";
import { estimateRequestRemote, localCountSource, type CountedRequestEstimate } from "../request/estimate-remote.js";

/** A local estimate marked with where its count comes from (`local`, or `calibrated` when the calibration applied). */
export function withCountSource(estimate: RequestEstimate, calibration: Calibration | undefined): CountedRequestEstimate {
  return { ...estimate, countSource: localCountSource(estimate, calibration) };
}

export { detectRequestFile, parseRequestText, type RequestFileKind } from "./request-file-kind.js";
export { isBatchLine } from "../request/shape.js";

/** Reads a JSON file. @throws InputError naming the file when it is missing or not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return parseJsonText(text);
  } catch (cause) {
    if (isJsonLines(text)) {
      throw new InputError(
        `${path}: one JSON value per line (JSONL), not one request body; estimate it line by line (tokcost estimate does; in code, estimateBatchFile(path, { lines: "requests" }))`,
        { cause },
      );
    }
    throw new InputError(`${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
}

/** Does `text` hold several JSON values, one per line (JSONL)? */
function isJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 2) return false;
  try {
    for (const line of lines.slice(0, 2)) parseJsonText(line);
    return true;
  } catch {
    return false;
  }
}

/** One line of a JSONL file. */
export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/**
 * The longest JSONL line read (bytes): the longest string JavaScript can hold (V8: 2^29 − 24
 * UTF-16 units, ~512 MiB). A longer line is refused with its line number.
 */
export const MAX_JSONL_LINE_BYTES = bufferConstants.MAX_STRING_LENGTH;

/**
 * The non-blank lines of a file, one at a time (bounded memory: one line at a time). Lines end
 * at a line feed (a `\r` before it is dropped); a byte-order mark before the first is dropped.
 * @throws InputError when the file cannot be read, or naming the line that is longer than
 *   `maxLineBytes` (default {@link MAX_JSONL_LINE_BYTES}; lowered by tests).
 */
export async function* readJsonlLines(path: string, options: { label?: string; maxLineBytes?: number } = {}): AsyncGenerator<JsonlLine> {
  const label = options.label ?? path;
  const maxLineBytes = options.maxLineBytes ?? MAX_JSONL_LINE_BYTES;
  await statRegular(path, label);
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let parts: Uint8Array[] = [];
  let length = 0;
  let n = 0;
  const take = (): JsonlLine | undefined => {
    n++;
    let text = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts, length));
    parts = [];
    length = 0;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text.trim() === "" ? undefined : { line: n, text };
  };
  const add = (bytes: Uint8Array): void => {
    if (length + bytes.length > maxLineBytes)
      throw new InputError(
        `${label}: line ${n + 1} is longer than ${maxLineBytes.toLocaleString("en-US")} bytes, more than one string can hold; a JSONL line is one request (split the file, or shorten the line)`,
        { code: "INVALID_INPUT" },
      );
    if (bytes.length > 0) parts.push(bytes);
    length += bytes.length;
  };
  let stream;
  try {
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
        add(chunk.subarray(from, nl));
        from = nl + 1;
        const line = take();
        if (line) yield line;
      }
      add(chunk.subarray(from));
    }
  } catch (error) {
    throw fileError(label, error);
  } finally {
    stream?.destroy();
  }
  if (length > 0) {
    const line = take();
    if (line) yield line;
  }
}

// ---------------------------------------------------------------------------------------------
// Local images

/** Is this image URL a local file reference (a path or file:// URL, not http(s) or data:)? */
export function isLocalImageRef(url: string): boolean {
  if (isDataUrl(url)) return false;
  if (/^file:/i.test(url)) return true;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** Image URLs in a request body: chat image_url parts and Responses input_image parts. */
export function imageUrlsOf(body: unknown): string[] {
  const urls: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isPlainObject(value)) return;
    if (value.type === "image_url" && isPlainObject(value.image_url) && typeof value.image_url.url === "string") urls.push(value.image_url.url);
    if (value.type === "input_image" && typeof value.image_url === "string") urls.push(value.image_url);
    for (const child of Object.values(value)) if (typeof child === "object") visit(child);
  };
  visit(body);
  return urls;
}

/**
 * Width and height of a local PNG, JPEG, GIF or WebP file from its header (reads the first
 * 64 KiB, more only for a JPEG whose frame header lies further in).
 * @throws InputError when the file is missing or not one of those formats.
 */
export async function readImageSize(path: string): Promise<ImageSize> {
  const { handle, info } = await openRegular(path, `image ${path}`);
  try {
    let length = Math.min(info.size, 65536);
    for (;;) {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      const size = imageSizeFromBytes(buffer.subarray(0, bytesRead));
      if (size) return size;
      if (length >= info.size) break;
      length = Math.min(info.size, length * 16);
    }
  } finally {
    await handle.close();
  }
  throw new InputError(`image ${path}: not a PNG, JPEG, GIF or WebP file`);
}

/**
 * Sizes of the local images a request refers to, keyed by the URL as written (relative paths
 * resolve against `baseDir`). Remote URLs are left out: their size needs --image-size.
 */
export async function localImageSizes(body: unknown, baseDir = process.cwd()): Promise<Record<string, ImageSize>> {
  const sizes: Record<string, ImageSize> = {};
  for (const url of imageUrlsOf(body)) {
    if (!isLocalImageRef(url) || sizes[url]) continue;
    const path = /^file:/i.test(url) ? fileURLToPath(url) : isAbsolute(url) ? url : resolvePath(baseDir, url);
    sizes[url] = await readImageSize(path);
  }
  return sizes;
}

/**
 * A transcription's `file` or an edit's `image` / `mask` given as a local path in a request file:
 * read (relative to `baseDir`) so the estimate can take the audio's duration or the image's size
 * from its headers. An unreadable path is left as written (the estimate says what it needs).
 */
export async function withLocalMediaFiles(body: unknown, baseDir = process.cwd()): Promise<unknown> {
  if (!isPlainObject(body)) return body;
  const kind = detectRequestKind(body);
  const fields = kind === "transcriptions" || kind === "translations" ? ["file"] : kind === "image-edits" || kind === "image-variations" ? ["image", "mask"] : [];
  let out: Record<string, unknown> | undefined;
  const read = async (value: unknown): Promise<unknown> => {
    if (typeof value !== "string" || (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^file:/i.test(value))) return value;
    const path = /^file:/i.test(value) ? fileURLToPath(value) : isAbsolute(value) ? value : resolvePath(baseDir, value);
    try {
      return { name: value, bytes: await readBytes(path, value) };
    } catch {
      return value;
    }
  };
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) continue;
    out ??= { ...body };
    out[field] = Array.isArray(value) ? await Promise.all(value.map(read)) : await read(value);
  }
  return out ?? body;
}

// ---------------------------------------------------------------------------------------------
// Request files

/** Options shared by the request-file estimators (billing options apply to request bodies; batch files bill at Batch API rates). */
export interface RequestFileOptions extends BillingOptions {
  table?: PricingTable;
  /** Size to assume for remote images. */
  imageSize?: { width: number; height: number };
  /** Model to use when a body has none (or to override it). */
  model?: string;
  /** Count with this encoding instead of the model's. */
  encoding?: string;
  /** Refuse nested fields the API does not document (default: accepted with a warning). */
  strict?: boolean;
  /** Service tier for request files (batch files are always billed at Batch API rates). */
  tier?: ServiceTier;
  /** Framing constants measured by `tokcost calibrate` (applied to chat requests of its model). */
  calibration?: Calibration;
  /** Audio length in minutes for a transcription whose file cannot be read (`--minutes`). */
  audioMinutes?: number;
  /**
   * Ask the vendor's count endpoint for request bodies' prompt tokens (`--remote-count`; keys
   * from {@link remoteCountEnv}). A failed count leaves the local estimate, with a warning.
   */
  remote?: RemoteCountOptions;
}

/** Estimates a JSON request body file (local image paths are measured from the files). */
export async function estimateRequestFile(path: string, options: RequestFileOptions = {}): Promise<CountedRequestEstimate> {
  return estimateRequestBody(await readJsonFile(path), { ...options, baseDir: dirname(path) });
}

/**
 * Estimates a parsed request body, measuring the local image files it refers to (relative paths
 * resolve against `baseDir`, default the working directory).
 */
export async function estimateRequestBody(body: unknown, options: RequestFileOptions & { baseDir?: string } = {}): Promise<CountedRequestEstimate> {
  body = await withLocalMediaFiles(body, options.baseDir);
  const imageSizes = await localImageSizes(body, options.baseDir);
  const { baseDir: _baseDir, remote, ...requestOptions } = options;
  const estimate: CountedRequestEstimate = remote
    ? await estimateRequestRemote(body, { ...requestOptions, imageSizes, remote })
    : withCountSource(estimateRequest(body, { ...requestOptions, imageSizes }), options.calibration);
  if (Object.keys(imageSizes).length) estimate.warnings.push("local image paths were measured from the files; the API itself needs a data: or https: URL");
  return estimate;
}

// ---------------------------------------------------------------------------------------------
// Batch files

/** One estimated line of a batch file. */
export interface BatchLineEstimate {
  line: number;
  /** The Batch API line's `custom_id` (null for a file of bare request bodies). */
  customId: string | null;
  kind: RequestKind;
  model: string;
  promptTokens: number;
  maxTokens: number | null;
  /** Output tokens billed in the worst case (max_tokens × choices). */
  completionTokens: number;
  exact: boolean;
  fits: boolean | null;
  cost: Cost;
  problems: string[];
}

/** A line that could not be used, with its reason. */
export interface LineError {
  line: number;
  customId?: string;
  code: string;
  param?: string | null;
  message: string;
}

/** Totals of a batch or fine-tuning file. */
export interface BatchTotals {
  requests: number;
  invalid: number;
  promptTokens: number;
  completionTokens: number;
  /** Lines that do not fit their model's limits. */
  notFitting: number;
  exact: boolean;
  /** Sum of the lines' costs at Batch API rates; null parts when a price is unknown. */
  cost: Cost;
}

/** Result of {@link estimateBatchFile}. */
export interface BatchEstimate {
  path: string;
  /** `batch`: Batch API input lines, at Batch API rates; `requests`: bare request bodies, one per line, at standard rates. */
  format: "batch" | "requests";
  /** Estimated lines (the first `keepLines`; see `linesOmitted`). */
  lines: BatchLineEstimate[];
  linesOmitted: number;
  errors: LineError[];
  models: string[];
  totals: BatchTotals;
  warnings: string[];
}

function lineError(line: number, error: unknown, customId?: string): LineError {
  if (error instanceof TokcostError) return { line, customId, code: error.code, param: error instanceof InvalidRequestError ? error.param : undefined, message: error.message };
  return { line, customId, code: "INVALID_INPUT", message: (error as Error).message };
}

/**
 * Sums line costs as they stream past with the pricing module's compensated sum, so 200,000 lines
 * of $0.00006 add up to what one multiplication would give.
 */
class CostSum {
  private readonly prompt = new UsdSum();
  private readonly completion = new UsdSum();

  add(cost: Cost): void {
    this.prompt.add(cost.prompt);
    this.completion.add(cost.completion);
  }

  get total(): Cost {
    const prompt = this.prompt.value;
    const completion = this.completion.value;
    return { currency: "USD", prompt, completion, total: sumUsd([prompt, completion]) };
  }
}

/** Options for {@link estimateBatchFile}. */
export interface BatchFileOptions extends RequestFileOptions {
  /**
   * What each line is: a Batch API request (`batch`, the default: billed at Batch API rates, the
   * billing options do not apply) or a bare request body (`requests`: one call each, billed as
   * a request file is, billing options included).
   */
  lines?: "batch" | "requests";
  /** Keep at most this many per-line results (totals always cover every line). Default 10,000. */
  keepLines?: number;
  /** Called for each line as it is estimated (for streaming output). */
  onLine?: (line: BatchLineEstimate) => void;
}

/** "line 3", "lines 3, 5 and 8", "lines 3, 5, 8, 9, 12 and 40 more". */
function linesLabel(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = 5;
  if (lines.length <= shown) return `lines ${lines.slice(0, -1).join(", ")} and ${lines[lines.length - 1]}`;
  return `lines ${lines.slice(0, shown).join(", ")} and ${lines.length - shown} more`;
}

/**
 * Estimates an OpenAI Batch API input file: every line validated and estimated at Batch API
 * rates; a bad line is reported with its line number and reason and the rest are still counted.
 * With `lines: "requests"`, each line is a bare request body instead (a JSONL of calls to make).
 */
export async function estimateBatchFile(path: string, options: BatchFileOptions = {}): Promise<BatchEstimate> {
  const format = options.lines ?? "batch";
  const keep = options.keepLines ?? 10_000;
  const lines: BatchLineEstimate[] = [];
  const errors: LineError[] = [];
  const warnings = new Set<string>();
  const lineWarnings = new Map<string, number[]>(); // warning → lines it came from (kept once, not once per line)
  const models = new Set<string>();
  const seenIds = new Set<string>();
  const totals: BatchTotals = { requests: 0, invalid: 0, promptTokens: 0, completionTokens: 0, notFitting: 0, exact: true, cost: { currency: "USD", prompt: 0, completion: 0, total: 0 } };
  let omitted = 0;
  const costs = new CostSum();
  const urls = new Set<string>();
  for await (const { line, text } of readJsonlLines(path)) {
    let customId: string | undefined;
    try {
      let parsed: unknown;
      try {
        parsed = parseJsonText(text);
      } catch (cause) {
        throw new InputError(`not valid JSON (${(cause as Error).message})`);
      }
      let body: unknown;
      let kind: RequestKind | undefined;
      if (format === "requests") {
        body = parsed;
        kind = detectRequestKind(parsed);
        if (!kind) throw new InputError("not a request body: expected messages (chat), prompt (completions) or input (responses, embeddings)");
      } else {
        if (isPlainObject(parsed) && typeof parsed.custom_id === "string") customId = parsed.custom_id;
        const entry = readBatchLine(parsed, seenIds);
        kind = entry.kind;
        urls.add(entry.url);
        body = entry.body;
      }
      const imageSizes = await localImageSizes(body, dirname(path));
      const e =
        format === "requests"
          ? estimateRequest(body, { ...options, kind, imageSizes })
          : estimateRequest(body, {
              kind,
              batch: true,
              table: options.table,
              imageSize: options.imageSize,
              imageSizes,
              model: options.model,
              encoding: options.encoding,
              strict: options.strict,
              calibration: options.calibration,
            });
      const result: BatchLineEstimate = {
        line,
        customId: customId ?? null,
        kind,
        model: e.model,
        promptTokens: e.promptTokens,
        maxTokens: e.maxTokens,
        completionTokens: e.breakdown.completionTokens,
        exact: e.exact,
        fits: e.fits,
        cost: e.cost,
        problems: e.problems,
      };
      models.add(e.model);
      for (const w of e.warnings) {
        const at = lineWarnings.get(w);
        if (at) at.push(line);
        else lineWarnings.set(w, [line]);
      }
      totals.requests++;
      totals.promptTokens += e.promptTokens;
      totals.completionTokens += e.breakdown.completionTokens;
      if (e.fits === false) totals.notFitting++;
      if (!e.exact) totals.exact = false;
      costs.add(e.cost);
      if (lines.length < keep) lines.push(result);
      else omitted++;
      options.onLine?.(result);
    } catch (error) {
      totals.invalid++;
      if (errors.length < keep) errors.push(lineError(line, error, customId));
    }
  }
  for (const [warning, at] of lineWarnings) warnings.add(at.length === totals.requests ? warning : `${linesLabel(at)}: ${warning}`);
  if (format === "batch" && models.size > 1) warnings.add(`the batch mixes models (${[...models].join(", ")}); the Batch API runs one model per file`);
  if (urls.size > 1) warnings.add(`the batch mixes endpoints (${[...urls].join(", ")}); the Batch API runs one endpoint per file`);
  totals.cost = costs.total;
  return { path, format, lines, linesOmitted: omitted, errors, models: [...models], totals, warnings: [...warnings] };
}

// ---------------------------------------------------------------------------------------------
// Fine-tuning files

/** One example of a fine-tuning file. */
export interface TrainingExampleEstimate {
  line: number;
  tokens: number;
  /** Over the model's per-example limit (it would be truncated). */
  overLimit: boolean;
}

/** Result of {@link estimateFineTuningFile}. */
export interface FineTuningEstimate {
  path: string;
  model: string;
  examples: TrainingExampleEstimate[];
  examplesOmitted: number;
  errors: LineError[];
  /** Per-example token limit used (the model's context window unless given). */
  exampleLimit: number | null;
  totals: {
    examples: number;
    invalid: number;
    overLimit: number;
    /** Tokens of one pass over the data (examples over the limit count up to the limit). */
    trainingTokens: number;
    epochs: number;
    /** "given" (--epochs) or "default" (OpenAI's default for this many examples). */
    epochsSource: "given" | "default";
    /** epochs × trainingTokens. */
    billedTokens: number;
    /** USD per 1M training tokens from the table, or null when it has none. */
    trainingPrice: number | null;
    /** USD, or null when the table has no training price. */
    cost: number | null;
    exact: false;
  };
  warnings: string[];
}

/** Options for {@link estimateFineTuningFile}. */
export interface FineTuningFileOptions {
  /** Model to fine-tune (its encoding counts and its table entry prices). */
  model: string;
  /** Epochs; default: OpenAI's default for the number of examples. */
  epochs?: number;
  /** Per-example token limit; default: the model's context window. */
  exampleLimit?: number;
  table?: PricingTable;
  keepLines?: number;
}

/**
 * Estimates a chat fine-tuning file: training tokens per example and in total, the examples
 * over the model's limit, and the training cost for `epochs` at the table's training price.
 */
export async function estimateFineTuningFile(path: string, options: FineTuningFileOptions): Promise<FineTuningEstimate> {
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 1)) throw new InputError(`epochs must be a whole number of at least 1, got ${options.epochs}`);
  const keep = options.keepLines ?? 10_000;
  const resolved = resolveModel(options.model, { table: options.table });
  const limit = options.exampleLimit ?? limitsOf(resolved.entry).contextWindow ?? null;
  const warnings = new Set<string>(resolved.warnings);
  if (options.exampleLimit === undefined && limit !== null)
    warnings.add(`examples are checked against ${resolved.entry?.id ?? options.model}'s ${limit}-token context window; OpenAI's per-example training limit can be lower`);
  warnings.add("training tokens are counted with the chat rule, as OpenAI's data-preparation cookbook does; OpenAI publishes no exact training-token rule");
  const examples: TrainingExampleEstimate[] = [];
  const errors: LineError[] = [];
  let omitted = 0;
  let count = 0;
  let invalid = 0;
  let overLimit = 0;
  let trainingTokens = 0;
  for await (const { line, text } of readJsonlLines(path)) {
    try {
      let parsed: unknown;
      try {
        parsed = parseJsonText(text);
      } catch (cause) {
        throw new InputError(`not valid JSON (${(cause as Error).message})`);
      }
      const example = validateFineTuningExample(parsed);
      const { tokens } = countTrainingTokens(example, { model: options.model, table: options.table });
      const over = limit !== null && tokens > limit;
      count++;
      if (over) overLimit++;
      trainingTokens += limit !== null ? Math.min(tokens, limit) : tokens;
      if (examples.length < keep) examples.push({ line, tokens, overLimit: over });
      else omitted++;
    } catch (error) {
      invalid++;
      if (errors.length < keep) errors.push(lineError(line, error));
    }
  }
  if (overLimit > 0) warnings.add(`${overLimit} example${overLimit === 1 ? " is" : "s are"} over the ${limit}-token limit and would be truncated during training`);
  const epochs = options.epochs ?? defaultEpochs(count);
  // The training price may sit on the base model or on its fine-tuned entry (ft:<model>).
  const table = options.table ?? bundledPricingTable();
  const price = resolved.entry?.pricing.training ?? table.match(`ft:${options.model.replace(/^ft:/, "")}`)?.entry.pricing.training ?? null;
  if (price === null) warnings.add(`the pricing table has no training price for ${resolved.entry?.id ?? options.model}: training tokens only, no cost`);
  if (options.epochs === undefined) warnings.add(`epochs: OpenAI's default for ${count} example${count === 1 ? "" : "s"} is ${epochs} (pass --epochs to change)`);
  const billedTokens = epochs * trainingTokens;
  return {
    path,
    model: options.model,
    examples,
    examplesOmitted: omitted,
    errors,
    exampleLimit: limit,
    totals: {
      examples: count,
      invalid,
      overLimit,
      trainingTokens,
      epochs,
      epochsSource: options.epochs === undefined ? "default" : "given",
      billedTokens,
      trainingPrice: price,
      cost: price === null ? null : (billedTokens * price) / 1_000_000,
      exact: false,
    },
    warnings: [...warnings],
  };
}
