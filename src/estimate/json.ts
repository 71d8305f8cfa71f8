import type { Estimate } from "./estimate.js";

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
    contextWindow: e.contextWindow,
    maxInputTokens: e.maxInputTokens,
    maxOutputTokens: e.maxOutputTokens,
    fits: e.fits,
    room: e.room,
    cost: e.cost,
    problems: e.problems,
    warnings: e.warnings,
    ...(e.pricedAs ? { pricedAs: e.pricedAs } : {}),
  };
}
