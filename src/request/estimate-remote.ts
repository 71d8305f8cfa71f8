/**
 * Estimates with the vendor's own count: `estimateRequest` first (validation, the local count,
 * limits, cost), then `countRemote`; on success the prompt tokens become the vendor's and fit
 * and cost are re-derived from them, the local count kept beside. On any failure (no key, an
 * API error, a timeout, an answer without a count) the local estimate stands with a one-line
 * warning saying why — a vendor count is a check, never a reason for a run to fail.
 */
import { TokcostError, redactSecrets } from "../errors.js";
import { calibrationApplies, type Calibration } from "./calibration.js";
import { estimateRequest, withPromptTokens, type EstimateRequestOptions, type RequestEstimate } from "./estimate-request.js";
import { countRemote, type CountProvider, type RemoteCountOptions } from "./remote-count.js";
import { validateRequest } from "./validate.js";

/** Where an estimate's `promptTokens` come from. */
export type CountSource = "local" | "calibrated" | "remote";

/** A request estimate that says where its prompt count comes from. */
export interface CountedRequestEstimate extends RequestEstimate {
  /** `remote`: the vendor's count endpoint; `calibrated`: tokcost's rule with a calibration's measured constants; `local`: tokcost's rule. */
  countSource: CountSource;
  /** The local count, when `promptTokens` is the vendor's. */
  localPromptTokens?: number;
  /** The endpoint that counted, when `promptTokens` is the vendor's. */
  vendorCount?: { provider: CountProvider; endpoint: string; note?: string };
}

/** Options of {@link estimateRequestRemote}: the estimate's, plus how to reach the count endpoint. */
export interface RemoteEstimateOptions extends EstimateRequestOptions {
  remote?: RemoteCountOptions;
}

/** `calibrated` when `calibration` is applied to this estimate's count (chat requests of its model), else `local`. */
export function localCountSource(estimate: Pick<RequestEstimate, "kind" | "model">, calibration: Calibration | undefined): "local" | "calibrated" {
  return calibration && estimate.kind === "chat" && calibrationApplies(calibration, estimate.model) ? "calibrated" : "local";
}

// Lives with the other number formats (the CLI renders it without loading the request engine).
export { signedDifference } from "../util/format.js";

/**
 * Estimates `body` and asks the vendor for its prompt tokens (see the module comment). Throws
 * only what {@link estimateRequest} throws (an invalid body, an unknown model): a failed vendor
 * count is a warning.
 *
 * @example
 * const e = await estimateRequestRemote(body, { remote: { apiKey: process.env.OPENAI_API_KEY } });
 * e.countSource;        // "remote" (or "local" with a warning saying why)
 * e.promptTokens;       // the vendor's count
 * e.localPromptTokens;  // tokcost's
 */
export async function estimateRequestRemote(body: unknown, options: RemoteEstimateOptions = {}): Promise<CountedRequestEstimate> {
  const { remote, ...estimateOptions } = options;
  const validated = estimateOptions.validated ?? validateRequest(body, { model: estimateOptions.model, kind: estimateOptions.kind, strict: estimateOptions.strict });
  const local = estimateRequest(body, { ...estimateOptions, validated });
  const source = localCountSource(local, estimateOptions.calibration);
  if (local.kind !== "chat" && local.kind !== "responses") {
    return { ...local, countSource: source, warnings: [...local.warnings, `vendor count: only chat and Responses requests are counted remotely; this ${local.kind} request is counted locally`] };
  }
  try {
    const counted = await countRemote(validated.body, { table: estimateOptions.table, ...remote, model: local.model });
    const estimate = withPromptTokens(local, counted.promptTokens, validated, estimateOptions);
    const notes = counted.note ? [`vendor count: ${counted.note}`] : [];
    return {
      ...estimate,
      // The vendor counted the body as sent; a converted body is an equivalent, not the same request.
      exact: !counted.converted,
      warnings: [...estimate.warnings, ...notes],
      countSource: "remote",
      localPromptTokens: local.promptTokens,
      vendorCount: { provider: counted.provider, endpoint: counted.endpoint, ...(counted.note ? { note: counted.note } : {}) },
    };
  } catch (error) {
    if (!(error instanceof TokcostError)) throw error;
    const status = typeof error.details?.status === "number" ? `HTTP ${error.details.status}: ` : "";
    const keys = [remote?.apiKey, ...Object.values(remote?.apiKeys ?? {})].filter((k): k is string => typeof k === "string");
    const message = redactSecrets(`${status}${error.message}`, keys).replace(/\s*[\r\n]+\s*/g, " ");
    return { ...local, countSource: source, warnings: [...local.warnings, `vendor count failed (${message}); the local estimate stands`] };
  }
}
