/** Estimate: request → tokens, limits, fit, cost. No I/O. */
export {
  estimate,
  estimateFromTokens,
  assembleEstimate,
  validateMaxTokens,
  reasoningTokensOf,
  reasoningWarnings,
  reasoningNotices,
  type BillingOptions,
  type CompletionBasis,
  type Estimate,
  type EstimateOptions,
  type EstimateParts,
} from "./estimate.js";
export { resolveModel, unpricedModelError, type ResolvedModel, type ResolveOptions } from "./model.js";
export { NOTICE_CODES, isNoticeCode, levelOf, notice, type Notice, type NoticeCode } from "./notice.js";
export { DEFAULT_COMPARISON_MODELS } from "./defaults.js";
export { checkLimits, limitsOf, roomAdvice, LIMIT_PROBLEM_CODES, type LimitCheck, type LimitProblem, type ModelLimits, type PromptKind } from "./limits.js";
export { estimateJson, unknownModelJson } from "./json.js";
