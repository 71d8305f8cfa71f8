/**
 * Request and chat files for the gate: a JSON file is one request (or one conversation), a JSONL
 * file one per line (Batch API lines `{custom_id, method, url, body}` included). Each is estimated
 * with `estimateRequest`, so the gate bills exactly as the API would; problems name the line.
 */
import { InputError, isTokcostError } from "../errors.js";
import { estimateRequest, detectRequestKind, isReasoningModel, type RequestEstimate, type RequestKind } from "../request/index.js";
import { readBatchLine } from "../request/batch.js";
import { isBatchLine, isMessageArray } from "../request/shape.js";
import type { PricingTable } from "../pricing/table.js";
import type { FileKind } from "./config.js";
import { localImageSizes } from "../node/request-files.js";
import { parseJsonText } from "../util/json.js";
import type { Calibration } from "../request/calibration.js";

/** One request of a file, with the line it starts on. */
export interface RequestUnit {
  line: number;
  estimate: RequestEstimate;
}

/** Options for {@link estimateGateRequestFile}. */
export interface GateRequestFileOptions {
  kind: Exclude<FileKind, "text">;
  /** Model to use instead of the body's (a rule's own `model`). */
  model?: string;
  /** Model for bodies that name none (the config's default model). */
  defaultModel?: string;
  /** Completion budget for bodies that set none. */
  maxTokens?: number;
  encoding?: string;
  table?: PricingTable;
  /** Sizes of local images the requests refer to, by URL as written (see {@link localImageSizesOfFile}). */
  imageSizes?: Readonly<Record<string, { width: number; height: number }>>;
  /** Framing constants measured by `tokcost calibrate` (applied to chat requests of its model). */
  calibration?: Calibration;
  /** Estimate models the pricing table does not list (tokens only) instead of failing the file. */
  allowUnpriced?: boolean;
  /** Refuse request fields the API does not document (as `estimate --strict`). */
  strict?: boolean;
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse with the failing line in the error ("line 3: Expected ',' or '}' …"). */
export function parseJsonAt(text: string, label: string, firstLine = 1): unknown {
  try {
    return parseJsonText(text);
  } catch (cause) {
    const message = (cause as Error).message;
    const at = /at position (\d+)/.exec(message);
    const line = at ? firstLine - 1 + lineOf(text, Number(at[1])) : firstLine - 1 + lineOf(text, text.trimEnd().length);
    const reason = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/^Unexpected end of JSON input$/, "unexpected end of JSON");
    throw new InputError(`${label}:${line}: not valid JSON (${reason})`, { details: { line } });
  }
}

/** Sets a completion budget on a body that has none, in the parameter its endpoint expects. */
function withBudget(body: Record<string, unknown>, kind: RequestKind | undefined, maxTokens: number | undefined, model: string | undefined): Record<string, unknown> {
  if (maxTokens === undefined) return body;
  if ("max_tokens" in body || "max_completion_tokens" in body || "max_output_tokens" in body) return body;
  if (kind === "embeddings") return body;
  if (kind === "responses") return { ...body, max_output_tokens: maxTokens };
  if (kind === "chat" && model && isReasoningModel(model)) return { ...body, max_completion_tokens: maxTokens };
  return { ...body, max_tokens: maxTokens };
}

function estimateUnit(value: unknown, options: GateRequestFileOptions, seenIds: Set<string>): RequestEstimate {
  let body: unknown = value;
  let kind: RequestKind | undefined;
  let batch = false;
  if (options.kind === "chat" || isMessageArray(value)) {
    // a conversation: an array of messages (in any request file too, as estimate reads it), or an object with "messages"
    if (Array.isArray(value)) body = { messages: value };
    kind = "chat";
  } else if (isBatchLine(value)) {
    // a Batch API line, read by the same rule as estimate's (request/batch.ts)
    const line = readBatchLine(value, seenIds);
    kind = line.kind;
    body = line.body;
    batch = true; // a Batch API input file is billed at batch rates
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new InputError(options.kind === "chat" ? 'expected an array of messages or an object with "messages"' : "expected a request body (a JSON object)");
  }
  const record = body as Record<string, unknown>;
  const model = options.model ?? (typeof record.model === "string" ? record.model : options.defaultModel);
  const withModel = model !== undefined && record.model !== model ? { ...record, model } : record;
  const budgeted = withBudget(withModel, kind ?? detectRequestKind(withModel), options.maxTokens, model);
  return estimateRequest(budgeted, {
    table: options.table,
    encoding: options.encoding,
    kind,
    batch,
    imageSizes: options.imageSizes,
    calibration: options.calibration,
    allowUnpriced: options.allowUnpriced,
    strict: options.strict,
  });
}

/**
 * Estimates every request in a request or chat file. `.jsonl` files hold one per line (blank
 * lines skipped); anything else holds one JSON value.
 * @throws InputError / InvalidRequestError prefixed with `label:line:` for the first bad request.
 */
export function estimateGateRequestFile(text: string, label: string, jsonl: boolean, options: GateRequestFileOptions): RequestUnit[] {
  const units: RequestUnit[] = [];
  const seenIds = new Set<string>();
  const run = (value: unknown, line: number, prefix: string) => {
    try {
      units.push({ line, estimate: estimateUnit(value, options, seenIds) });
    } catch (error) {
      if (!isTokcostError(error)) throw error;
      // name the request field the API would name (messages[0].role) when the message does not
      const param = typeof error.details?.param === "string" && error.details.param && !error.message.includes(error.details.param) ? `${error.details.param}: ` : "";
      throw new InputError(`${prefix}: ${param}${error.message}`, { details: { line, code: error.code } });
    }
  };
  if (!jsonl) {
    const value = parseJsonAt(text, label);
    // for a single JSON document the request error applies to the file; point at its first line
    run(value, 1, label);
    return units;
  }
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).replace(/\r$/, "");
    start = end + 1;
    if (line.trim() === "") {
      if (end >= text.length) break;
      continue;
    }
    const value = parseJsonAt(line, label, lineNo);
    run(value, lineNo, `${label}:${lineNo}`);
    if (end >= text.length) break;
  }
  if (units.length === 0) throw new InputError(`${label}: no requests (the JSONL file is empty)`);
  return units;
}

/**
 * Sizes of the local image files the requests in a request file refer to (relative paths resolve
 * against the file's directory), measured as `tokcost estimate` measures them. Lines that are not
 * JSON are skipped here; {@link estimateGateRequestFile} reports them.
 * @throws InputError when a referenced local image is missing or not an image.
 */
export async function localImageSizesOfFile(text: string, jsonl: boolean, baseDir: string): Promise<Record<string, { width: number; height: number }>> {
  if (!/"(?:image_url|input_image)"/.test(text)) return {};
  const values: unknown[] = [];
  for (const chunk of jsonl ? text.split("\n") : [text]) {
    try {
      if (chunk.trim()) values.push(parseJsonText(chunk));
    } catch {
      // reported with its line number by estimateGateRequestFile
    }
  }
  const sizes: Record<string, { width: number; height: number }> = {};
  for (const value of values) Object.assign(sizes, await localImageSizes(value, baseDir));
  return sizes;
}
