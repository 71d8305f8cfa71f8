/** Estimate: request → tokens, limits, fit, cost. No I/O. */
export { estimate, estimateFromTokens, validateMaxTokens, reasoningTokensOf, reasoningWarnings, type BillingOptions, type Estimate, type EstimateOptions } from "./estimate.js";
export { resolveModel, type ResolvedModel, type ResolveOptions } from "./model.js";
export { DEFAULT_COMPARISON_MODELS } from "./defaults.js";
export { checkLimits, limitsOf, roomAdvice, type LimitCheck, type LimitProblem, type ModelLimits, type PromptKind } from "./limits.js";
export { estimateJson } from "./json.js";
