import type { Estimate } from "./estimate.js";
import { notice } from "./notice.js";

/**
 * An estimate as its JSON contract entry (docs/json-output.md): the documented fields, in a
 * stable order. Surfaces that add fields (request files, …) spread this first and append.
 */
export function estimateJson(path: string | null, e: Estimate) {
  return {
    path,
    model: e.model,
    encoding: e.encoding,
    exact: e.exact,
    promptTokens: e.promptTokens,
    maxTokens: e.maxTokens,
    completionTokens: e.completionTokens,
    completionBasis: e.completionBasis,
    contextWindow: e.contextWindow,
    maxInputTokens: e.maxInputTokens,
    maxOutputTokens: e.maxOutputTokens,
    fits: e.fits,
    room: e.room,
    cost: e.cost,
    problems: e.problems,
    warnings: e.warnings,
    notices: e.notices,
    ...(e.pricedAs ? { pricedAs: e.pricedAs } : {}),
  };
}

/**
 * The JSON row of a model that could not be estimated (not in the pricing table): the fields of
 * {@link estimateJson}, unknown ones `null`, and the problem in `problems` and `notices`
 * (code `UNKNOWN_MODEL`, `data.suggestions`).
 */
export function unknownModelJson(path: string | null, failure: { model: string; message: string; suggestions: readonly string[] }, maxTokens: number | null = null) {
  return {
    path,
    model: failure.model,
    encoding: null,
    exact: null,
    promptTokens: null,
    maxTokens,
    completionTokens: null,
    completionBasis: null,
    contextWindow: null,
    maxInputTokens: null,
    maxOutputTokens: null,
    fits: null,
    room: null,
    cost: { currency: "USD" as const, prompt: null, completion: null, total: null },
    problems: [failure.message],
    warnings: [],
    notices: [notice("UNKNOWN_MODEL", failure.message, failure.model, { suggestions: [...failure.suggestions] })],
  };
}
