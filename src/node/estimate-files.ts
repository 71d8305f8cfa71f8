/**
 * `tokcost estimate` as a library call: estimate files (or stdin) on one or more models.
 */
import { measureInputs, type BufferedInputSource, type InputSource, type MeasuredInput, type MeasureOptions } from "./measure.js";
import { estimateFromTokens, resolveModel, type BillingOptions, type Estimate, type ResolvedModel } from "../estimate/index.js";
import { DEFAULT_COMPARISON_MODELS } from "../estimate/defaults.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { InputError, isTokcostError, paramOf, UnknownModelError, UsageError, withParam, type TokcostError } from "../errors.js";
import type { Notice } from "../estimate/notice.js";
import { detectRequestFile, parseMessagesText, parseRequestText } from "./request-file-kind.js";
import { readAll } from "./inputs.js";
import { readBytes, readText } from "./io.js";
import { dirname } from "node:path";
import type { CountedRequestEstimate } from "../request/estimate-remote.js";
import type { Calibration } from "../request/calibration.js";
import type { RemoteCountOptions } from "../request/remote-count.js";
import type { BatchEstimate, FineTuningEstimate } from "./request-files.js";

/** An estimate of one input on one model. */
export interface FileEstimate extends Estimate {
  path: string;
}

/** An input that could not be estimated. */
export interface InputFailure {
  path: string;
  code: string;
  message: string;
  error: TokcostError;
}

/** A model of a multi-model run that could not be estimated (not in the pricing table): one per input, in the input's rows. */
export interface ModelFailure {
  path: string;
  model: string;
  code: "UNKNOWN_MODEL";
  message: string;
  /** Close ids the table knows. */
  suggestions: string[];
  error: UnknownModelError;
}

/** Options for {@link estimateInputs}. */
export interface EstimateInputsOptions extends MeasureOptions {
  /** Models to estimate on (default: {@link DEFAULT_COMPARISON_MODELS} present in the table). */
  models?: readonly string[];
  maxTokens?: number | null;
  /** Billing options (tier, cached input, reasoning tokens). */
  billing?: BillingOptions;
  /** Count with this encoding (for models the table does not know). */
  encoding?: string;
  table?: PricingTable;
  /** Count models the pricing table does not list (tokens only) instead of reporting them as unknown. */
  allowUnpriced?: boolean;
}

/** Resolves the models to estimate on (validating them all before any counting starts). */
export function resolveModels(models: readonly string[] | undefined, options: { table?: PricingTable; encoding?: string; allowUnpriced?: boolean } = {}): ResolvedModel[] {
  return resolveEach(models, options).map((r) => {
    if (r instanceof UnknownModelError) throw r;
    return r;
  });
}

/** Each model resolved, or the UnknownModelError that says why it cannot be (other errors throw). */
function resolveEach(models: readonly string[] | undefined, options: { table?: PricingTable; encoding?: string; allowUnpriced?: boolean }): (ResolvedModel | UnknownModelError)[] {
  const table = options.table ?? bundledPricingTable();
  const ids = models && models.length > 0 ? models : DEFAULT_COMPARISON_MODELS.filter((id) => table.match(id));
  return ids.map((id) => {
    try {
      return resolveModel(id, { table, encoding: options.encoding, allowUnpriced: options.allowUnpriced });
    } catch (error) {
      if (error instanceof UnknownModelError) return error;
      throw error;
    }
  });
}

/**
 * Estimates every input on every model. Inputs that cannot be read are returned in `failures`
 * and do not stop the others; a model the pricing table does not list is returned in
 * `modelFailures` (once per input) and does not stop the other models — with only one model
 * asked for, it throws.
 * @throws UnknownModelError (a single unknown model) / UnknownEncodingError before counting anything.
 */
export async function estimateInputs(
  inputs: readonly InputSource[],
  options: EstimateInputsOptions = {},
): Promise<{ estimates: FileEstimate[]; failures: InputFailure[]; modelFailures: ModelFailure[] }> {
  const each = await estimateEachInput(inputs, options);
  return { estimates: each.flatMap((r) => r.estimates ?? []), failures: each.flatMap((r) => (r.failure ? [r.failure] : [])), modelFailures: each.flatMap((r) => r.modelFailures) };
}

/** {@link estimateInputs} per input, in the order given: its estimates (and unknown models), or why it failed. */
async function estimateEachInput(
  inputs: readonly InputSource[],
  options: EstimateInputsOptions,
): Promise<Array<{ path: string; estimates?: FileEstimate[]; modelFailures: ModelFailure[]; warnings: Notice[]; failure?: InputFailure }>> {
  const each = resolveEach(options.models, options);
  if (each.length === 1 && each[0] instanceof UnknownModelError) throw each[0];
  const resolved = each.filter((r): r is ResolvedModel => !(r instanceof UnknownModelError));
  const unknown = each.filter((r): r is UnknownModelError => r instanceof UnknownModelError);
  const encodings = [...new Set(resolved.map((r) => r.encoding))];
  const measured = await measureInputs(inputs, encodings, options);
  return measured.map((input) => {
    if (input.error) return { path: input.path, modelFailures: [], warnings: [], failure: { path: input.path, code: input.error.code, message: input.error.message, error: input.error } };
    const estimates = resolved.map((model) => ({
      path: input.path,
      ...estimateFromTokens(model, input.tokens[model.encoding], { maxTokens: options.maxTokens, warnings: input.warnings, billing: options.billing }),
    }));
    const modelFailures = unknown.map((error): ModelFailure => ({ path: input.path, model: error.model, code: "UNKNOWN_MODEL", message: error.message, suggestions: error.suggestions, error }));
    return { path: input.path, estimates, modelFailures, warnings: warningNotices(estimates) };
  });
}

/** The warnings of estimates as notices (problems are reported on their rows), so a renderer can group them by code. */
function warningNotices(estimates: readonly Estimate[]): Notice[] {
  return estimates.flatMap((e) => e.notices.filter((n) => !e.problems.includes(n.text)));
}

// ---------------------------------------------------------------------------------------------
// estimateFiles: every kind of file `tokcost estimate` takes, in command-line order

/** Options for {@link estimateFiles}: those of {@link estimateInputs} plus the request-file ones. */
export interface EstimateFilesOptions extends EstimateInputsOptions {
  /** Text to estimate instead of files (`--text`; reported as `<text>`). */
  text?: string;
  /** Read each plain text file as one user message of a chat request (`--chat`). */
  chat?: boolean;
  /** Size to assume for remote images in requests. */
  imageSize?: { width: number; height: number };
  /** Epochs for a fine-tuning file (default: OpenAI's default for its size). */
  epochs?: number;
  /** Refuse request fields the API does not document. */
  strict?: boolean;
  /** Framing constants measured by `tokcost calibrate`. */
  calibration?: Calibration;
  /** Ask the vendors' count endpoints for request bodies and chats (`--remote-count`). */
  remote?: RemoteCountOptions;
  /** Audio length in minutes for transcription requests whose file cannot be read. */
  minutes?: number;
  /** Where `-` (or no files) reads from (default: process.stdin, when it is not a terminal). */
  stdin?: { isTTY?: boolean } & AsyncIterable<Uint8Array | string>;
}

/** One input of {@link estimateFiles}, by what it turned out to be. */
export type EstimatedFile =
  /** Plain text: one estimate per model. */
  | { kind: "text"; path: string; estimates: FileEstimate[]; modelFailures: ModelFailure[]; warnings: Array<string | Notice> }
  /** A request body, a bare conversation or `--chat` text: one estimate per model. */
  | { kind: "request"; path: string; estimates: CountedRequestEstimate[]; modelFailures: ModelFailure[]; warnings: Array<string | Notice> }
  /** A Batch API input file, or bare request bodies one per line (`requests`). */
  | { kind: "batch" | "requests"; path: string; batch: BatchEstimate; encoding: string | null; warnings: string[] }
  /** A chat fine-tuning file. */
  | { kind: "fine-tune"; path: string; fineTuning: FineTuningEstimate; encoding: string; warnings: string[] }
  /**
   * An input that could not be estimated (the others still are). `request`: the file was
   * recognised as a request file and its request or a line of it was refused.
   */
  | { kind: "failure"; path: string; error: TokcostError; request: boolean; warnings: string[] };

/** What {@link estimateFiles} returns: one result per input, in the order given. */
export interface EstimateFilesResult {
  results: EstimatedFile[];
  /** Notes about the run as a whole (an option that did not apply to some inputs). */
  notes: string[];
}

/**
 * The process exit class of one result: 1 when a request does not fit or a line is invalid,
 * 2 when the input could not be used, else 0.
 */
export function exitCodeOfResult(result: EstimatedFile): 0 | 1 | 2 {
  switch (result.kind) {
    case "failure":
      return 2;
    case "text":
    case "request":
      return result.modelFailures.length ? 2 : result.estimates.some((e) => e.fits === false) ? 1 : 0;
    case "batch":
    case "requests":
      return result.batch.totals.invalid > 0 || result.batch.totals.notFitting > 0 ? 1 : 0;
    case "fine-tune":
      return result.fineTuning.totals.invalid > 0 || result.fineTuning.totals.overLimit > 0 ? 1 : 0;
  }
}

type RequestKindOfFile = "request" | "requests" | "batch" | "fine-tune" | "messages" | "chat";

/**
 * `tokcost estimate` as one library call: each path (and `-`, or stdin when no path is given) is
 * recognised by shape — a request body, a bare conversation, a Batch API or fine-tuning JSONL
 * file, or plain text (with `chat`, plain text is one user message) — and estimated on the
 * models. Results come back in the order given; an input that cannot be used is a `failure`
 * result and does not stop the others.
 * @throws UsageError for bad usage (no input, a fine-tuning file without a model), UnknownModelError.
 */
export async function estimateFiles(paths: readonly string[], options: EstimateFilesOptions = {}): Promise<EstimateFilesResult> {
  const table = options.table ?? bundledPricingTable();
  if (options.text !== undefined && paths.length) throw new UsageError("--text and files together: pass one or the other (or pipe the text on stdin)");
  const stdinStream = options.stdin ?? process.stdin;
  if (options.text === undefined && paths.length === 0 && stdinStream.isTTY)
    throw new UsageError("no input: pass one or more files, or pipe text on stdin (e.g. cat prompt.txt | tokcost estimate -m gpt-4o)");
  const inputs: Array<{ path: string; kind: RequestKindOfFile | "text"; bytes?: Uint8Array; body?: Record<string, unknown>; messages?: unknown[] }> = [];
  if (options.text !== undefined) inputs.push({ path: "<text>", kind: "text", bytes: new TextEncoder().encode(options.text) });
  else {
    // Piped stdin may be a request body or a conversation too: read it once and reuse it.
    let stdin: (typeof inputs)[number] | undefined;
    const readStdin = async () => {
      if (stdin) return stdin;
      const bytes = await readAll(stdinStream, { label: "<stdin>" });
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      const body = parseRequestText(text);
      const messages = body ? undefined : parseMessagesText(text);
      stdin = { path: "<stdin>", kind: body ? "request" : messages ? "messages" : options.chat ? "chat" : "text", bytes, body, messages };
      return stdin;
    };
    const kinds = await Promise.all(paths.map((path) => (path === "-" ? undefined : detectRequestFile(path).catch(() => "text" as const))));
    if (paths.length === 0) inputs.push(await readStdin());
    for (const [i, path] of paths.entries()) {
      if (path === "-") inputs.push(await readStdin());
      else inputs.push({ path, kind: kinds[i] === "text" && options.chat ? "chat" : kinds[i]! });
    }
  }

  const results: Array<EstimatedFile | undefined> = new Array(inputs.length);
  // Plain text is counted in one pass over all text inputs (worker threads), then put in place.
  const textAt = inputs.flatMap((input, i) => (input.kind === "text" ? [i] : []));
  if (textAt.length) {
    const sources: InputSource[] = textAt.map((i) => (inputs[i].bytes ? { name: inputs[i].path, bytes: inputs[i].bytes! } : { path: inputs[i].path }));
    const each = await estimateEachInput(sources, options);
    textAt.forEach((at, k) => {
      const r = each[k];
      results[at] = r.failure
        ? { kind: "failure", path: r.path, error: r.failure.error, request: false, warnings: [] }
        : { kind: "text", path: r.path, estimates: r.estimates!, modelFailures: r.modelFailures, warnings: r.warnings };
    });
  }
  const requestAt = inputs.flatMap((input, i) => (input.kind === "text" ? [] : [i]));
  if (requestAt.length) {
    // Loaded only when a request-shaped input is present: plain text never pays for the request schemas.
    const files = await import("./request-files.js");
    for (const i of requestAt) {
      const input = inputs[i];
      try {
        results[i] = await estimateRequestInput(files, input, options, table);
      } catch (error) {
        // Bad usage (no model for a fine-tuning file) stops the run; a bad file is reported and the rest go on.
        if (isTokcostError(error) && !(error instanceof UsageError)) results[i] = { kind: "failure", path: input.path, error, request: true, warnings: [] };
        else throw error;
      }
    }
  }
  const notes = options.remote && textAt.length ? ["--remote-count applies to request bodies and --chat text: plain text files are counted locally"] : [];
  return { results: results as EstimatedFile[], notes };
}

type RequestFilesModule = typeof import("./request-files.js");

async function estimateRequestInput(
  files: RequestFilesModule,
  input: { path: string; kind: RequestKindOfFile | "text"; bytes?: Uint8Array; body?: Record<string, unknown>; messages?: unknown[] },
  options: EstimateFilesOptions,
  table: PricingTable,
): Promise<EstimatedFile> {
  const models = options.models ?? [];
  const { path } = input;
  const requestOptions = {
    ...options.billing,
    table,
    allowUnpriced: options.allowUnpriced,
    imageSize: options.imageSize,
    strict: options.strict,
    encoding: options.encoding,
    calibration: options.calibration,
    remote: options.remote,
    audioMinutes: options.minutes,
  };
  const budgetNote =
    options.maxTokens !== undefined && options.maxTokens !== null
      ? ["--max-tokens does not apply to request and batch files: each body's own max_tokens / max_completion_tokens / max_output_tokens is used"]
      : [];
  const billingNote = (why: string) => (options.billing ? [`--tier, --cached-tokens, --cache-hit, --reasoning-tokens and --reasoning-effort do not apply here: ${why}`] : []);
  const remoteNote = options.remote ? ["--remote-count applies to single request bodies and --chat text: the lines of JSONL files are counted locally"] : [];
  const requestResult = (estimates: CountedRequestEstimate[], notes: string[], modelFailures: ModelFailure[] = []): EstimatedFile => ({
    kind: "request",
    path,
    estimates,
    modelFailures,
    warnings: [...notes, ...warningNotices(estimates)],
  });
  // With several models, one the table does not list is reported on its row; the others are still estimated.
  const eachModel = async (estimateOn: (model: string) => Promise<CountedRequestEstimate>): Promise<{ estimates: CountedRequestEstimate[]; failures: ModelFailure[] }> => {
    const settled = await Promise.all(
      models.map((model) =>
        estimateOn(model).then(
          (estimate) => ({ estimate }),
          (error: unknown) => ({ error, model }),
        ),
      ),
    );
    const failures: ModelFailure[] = [];
    const estimates: CountedRequestEstimate[] = [];
    for (const s of settled) {
      if ("estimate" in s) estimates.push(s.estimate);
      else if (s.error instanceof UnknownModelError && models.length > 1)
        failures.push({ path, model: s.model, code: "UNKNOWN_MODEL", message: s.error.message, suggestions: s.error.suggestions, error: s.error });
      else throw s.error;
    }
    return { estimates, failures };
  };

  if (input.kind === "request") {
    const estimate = (model: string | undefined) => (input.body ? files.estimateRequestBody(input.body, { ...requestOptions, model }) : files.estimateRequestFile(path, { ...requestOptions, model }));
    if (!models.length) return requestResult([await estimate(undefined)], budgetNote);
    const { estimates, failures } = await eachModel(estimate);
    return requestResult(estimates, budgetNote, failures);
  }
  if (input.kind === "messages" || input.kind === "chat") {
    // A conversation (a bare messages array), or text as one user message, on each model.
    const text = input.bytes ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(input.bytes) : await readText(path);
    const messages = input.messages ?? (input.kind === "messages" ? parseMessagesText(text) : undefined) ?? [{ role: "user", content: text }];
    const { isReasoningModel } = await import("../request/capabilities.js");
    const each = resolveEach(options.models, { table, allowUnpriced: options.allowUnpriced });
    if (each.length === 1 && each[0] instanceof UnknownModelError) throw each[0];
    const failures = each
      .filter((r): r is UnknownModelError => r instanceof UnknownModelError)
      .map((error): ModelFailure => ({ path, model: error.model, code: "UNKNOWN_MODEL", message: error.message, suggestions: error.suggestions, error }));
    const estimates = await Promise.all(
      each
        .filter((r): r is ResolvedModel => !(r instanceof UnknownModelError))
        .map((m) => {
          const budget = typeof options.maxTokens === "number" ? { [isReasoningModel(m.id) ? "max_completion_tokens" : "max_tokens"]: options.maxTokens } : {};
          const { audioMinutes: _minutes, ...chatOptions } = requestOptions;
          return files.estimateRequestBody({ model: m.id, messages, ...budget }, { ...chatOptions, baseDir: input.bytes ? undefined : dirname(path) });
        }),
    );
    return requestResult(estimates, [], failures);
  }
  if (input.kind === "requests" || input.kind === "batch") {
    // Bare request bodies are billed like request files (billing flags apply); Batch API lines at batch rates.
    const common = { table, imageSize: options.imageSize, strict: options.strict, model: models[0], encoding: options.encoding, calibration: options.calibration };
    const batch = await files.estimateBatchFile(path, input.kind === "requests" ? { ...options.billing, ...common, lines: "requests" } : common);
    const encoding = batch.models.length ? resolveModel(batch.models[0], { table, encoding: options.encoding }).encoding : null;
    // The notes are the file's warnings (and so part of its JSON entry), first.
    batch.warnings.unshift(...(input.kind === "batch" ? billingNote("batch files are billed at Batch API rates, each line as written") : []), ...remoteNote, ...budgetNote);
    return { kind: input.kind, path, batch, encoding, warnings: batch.warnings };
  }
  if (models.length === 0) throw new UsageError(`${path} is a fine-tuning file: name the model to fine-tune with -m (e.g. -m gpt-4o-mini-2024-07-18)`);
  const fineTuning = await files.estimateFineTuningFile(path, { model: models[0], epochs: options.epochs, table });
  fineTuning.warnings.unshift(...billingNote("fine-tuning files are billed as training tokens"));
  return { kind: "fine-tune", path, fineTuning, encoding: resolveModel(models[0], { table }).encoding, warnings: fineTuning.warnings };
}

// ---------------------------------------------------------------------------------------------
// countChatInputs: `tokcost count --chat`

/** Options for {@link countChatInputs}. */
export interface CountChatOptions {
  /** The model whose chat framing counts (default: a request body's own model, else gpt-4o). */
  model?: string;
  encoding?: string;
  table?: PricingTable;
}

/**
 * Counts each input as the prompt of a chat request: a bare JSON array of messages, an object
 * with `messages` (its `tools` count too), or plain text as one user message — framing, reply
 * priming and tool definitions included, exactly as `estimate` counts the same conversation.
 * Results are in the order given, under the encoding's name; an input that cannot be used
 * carries its `error` and does not stop the others.
 */
export async function countChatInputs(inputs: readonly BufferedInputSource[], options: CountChatOptions = {}): Promise<Array<MeasuredInput & { exact: boolean }>> {
  const { estimateRequestBody } = await import("./request-files.js");
  const out: Array<MeasuredInput & { exact: boolean }> = [];
  for (const input of inputs) {
    const path = "path" in input ? input.path : input.name;
    try {
      const bytes = "bytes" in input ? input.bytes : await readBytes(input.path);
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      const request = parseRequestText(text);
      const own = typeof request?.model === "string" ? request.model : undefined;
      const model = options.model ?? own ?? "gpt-4o";
      const body = request && "messages" in request ? { ...request, model } : { model, messages: parseMessagesText(text) ?? [{ role: "user", content: text }] };
      const estimate = await estimateRequestBody(body, { table: options.table, encoding: options.encoding, baseDir: "path" in input ? dirname(input.path) : undefined });
      out.push({ path, bytes: bytes.length, tokens: { [estimate.encoding]: estimate.promptTokens }, warnings: estimate.warnings, exact: estimate.exact });
    } catch (error) {
      if (!isTokcostError(error)) throw error;
      out.push({
        path,
        bytes: 0,
        tokens: {},
        warnings: [],
        exact: false,
        error:
          isTokcostError(error) && error.message.startsWith(path)
            ? error
            : new InputError(`${path}: ${withParam(error.message, paramOf(error))}`, {
                code: error.code === "FILE_NOT_FOUND" ? "FILE_NOT_FOUND" : error.code === "FILE_UNREADABLE" ? "FILE_UNREADABLE" : "INVALID_INPUT",
              }),
      });
    }
  }
  return out;
}
