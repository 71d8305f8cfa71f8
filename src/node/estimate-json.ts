/**
 * The JSON contract of `tokcost estimate --json` (docs/json-output.md) for every kind of input
 * {@link estimateFiles} returns: each entry is {@link estimateJson}'s documented fields, in their
 * stable order, then what the kind adds. Beside `estimate/json.ts` rather than in it because the
 * batch and fine-tuning results are Node-side types (files streamed line by line).
 */
import { estimateJson, unknownModelJson } from "../estimate/json.js";
import { notice, type Notice } from "../estimate/notice.js";
import { paramOf, withParam } from "../errors.js";
import type { RequestEstimate } from "../request/estimate-request.js";
import type { CountedRequestEstimate } from "../request/estimate-remote.js";
import type { BatchEstimate, FineTuningEstimate } from "./request-files.js";
import type { EstimatedFile } from "./estimate-files.js";

/** The JSON entry of a request estimate: the contract's fields, then the request's additions. */
export function requestEstimateJson(path: string, e: RequestEstimate | CountedRequestEstimate): Record<string, unknown> {
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

/** A file's own warnings as notices (its lines' problems stay on the lines). */
function fileNotices(warnings: readonly string[]): Notice[] {
  return warnings.map((text) => notice("INPUT_NOTE", text));
}

/** "line 3 (req-3): …" for each problem of a batch file's lines. */
export function batchProblems(b: BatchEstimate): string[] {
  return b.lines.flatMap((l) => l.problems.map((p) => `line ${l.line}${l.customId === null ? "" : ` (${l.customId})`}: ${p}`));
}

/** The JSON entry of a Batch API file (or of bare request bodies, one per line): totals and its lines. */
export function batchEstimateJson(b: BatchEstimate, encoding: string | null): Record<string, unknown> {
  const t = b.totals;
  return {
    path: b.path,
    model: b.models.join(","),
    encoding,
    exact: t.exact,
    promptTokens: t.promptTokens,
    maxTokens: t.completionTokens,
    completionTokens: t.completionTokens,
    // each line has its own budget (its basis is on the line)
    completionBasis: null,
    contextWindow: null,
    maxInputTokens: null,
    maxOutputTokens: null,
    fits: t.notFitting === 0,
    room: null,
    cost: t.cost,
    problems: batchProblems(b),
    warnings: b.warnings,
    notices: fileNotices(b.warnings),
    kind: b.format,
    [b.format]: { requests: t.requests, invalid: t.invalid, notFitting: t.notFitting, completionTokens: t.completionTokens, lines: b.lines, linesOmitted: b.linesOmitted, errors: b.errors },
  };
}

/** "line 4: 70,000 tokens, over the …-token limit" for each fine-tuning example over the limit. */
export function fineTuningProblems(f: FineTuningEstimate): string[] {
  return f.examples.filter((e) => e.overLimit).map((e) => `line ${e.line}: ${e.tokens} tokens, over the ${f.exampleLimit}-token limit (it would be truncated)`);
}

/** The JSON entry of a fine-tuning file: training tokens as the prompt, the training cost as the total. */
export function fineTuningEstimateJson(f: FineTuningEstimate, encoding: string): Record<string, unknown> {
  const t = f.totals;
  return {
    path: f.path,
    model: f.model,
    encoding,
    exact: false,
    promptTokens: t.trainingTokens,
    maxTokens: null,
    completionTokens: 0,
    completionBasis: "no_output",
    contextWindow: f.exampleLimit,
    maxInputTokens: null,
    maxOutputTokens: null,
    fits: t.overLimit === 0,
    room: null,
    cost: { currency: "USD", prompt: t.cost, completion: 0, total: t.cost },
    problems: fineTuningProblems(f),
    warnings: f.warnings,
    notices: fileNotices(f.warnings),
    kind: "fine-tune",
    fineTuning: { ...t, exampleLimit: f.exampleLimit, examplesList: f.examples, examplesOmitted: f.examplesOmitted, errors: f.errors },
  };
}

/**
 * The message of an input that could not be estimated: a request file's refusal names the file
 * and the request field (`x.json: … (at messages[0].role)`); a text input's error is its own line.
 */
export function failureMessage(result: Extract<EstimatedFile, { kind: "failure" }>): string {
  if (!result.request) return result.error.message;
  const text = withParam(result.error.message, paramOf(result.error));
  return text.startsWith(result.path) ? text : `${result.path}: ${text}`;
}

/** The `estimates` entries of one input (none for a failure: see {@link estimateFilesJson}'s `errors`). */
export function estimatedFileJson(result: EstimatedFile): Record<string, unknown>[] {
  switch (result.kind) {
    case "text": {
      // A model the table does not list keeps its row, with its problem (the others are estimated).
      const maxTokens = result.estimates[0]?.maxTokens ?? null;
      return [...result.estimates.map((e) => estimateJson(e.path, e)), ...result.modelFailures.map((f) => unknownModelJson(f.path, f, maxTokens))];
    }
    case "request":
      return [...result.estimates.map((e) => requestEstimateJson(result.path, e)), ...result.modelFailures.map((f) => unknownModelJson(f.path, f, null))];
    case "batch":
    case "requests":
      return [batchEstimateJson(result.batch, result.encoding)];
    case "fine-tune":
      return [fineTuningEstimateJson(result.fineTuning, result.encoding)];
    case "failure":
      return [];
  }
}

/** The `estimates` and `errors` of `tokcost estimate --json`, in the order of the inputs. */
export function estimateFilesJson(results: readonly EstimatedFile[]): { estimates: Record<string, unknown>[]; errors?: Array<{ path: string; code: string; message: string }> } {
  const failures = results.filter((r): r is Extract<EstimatedFile, { kind: "failure" }> => r.kind === "failure");
  return {
    estimates: results.flatMap(estimatedFileJson),
    ...(failures.length ? { errors: failures.map((r) => ({ path: r.path, code: r.error.code, message: failureMessage(r) })) } : {}),
  };
}
