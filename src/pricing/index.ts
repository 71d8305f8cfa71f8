/** Pricing: the model table (data + schema), lookups and cost math. No I/O. */
export * from "./schema.js";
export { PricingTable, bundledPricingTable, getModel, listModels, type ModelMatch } from "./table.js";
export { parsePricingFile } from "./parse.js";
export {
  costOf,
  priceTokens,
  cachedTokensForRatio,
  longContextRatesFor,
  imageCost,
  speechCost,
  transcriptionCost,
  trainingCost,
  countCharacters,
  pricingUnitOf,
  stalePricingNotice,
  pricingProvenance,
  pricingAge,
  staleNoticeFor,
  type PricingProvenance,
  effectiveStatus,
  STALE_AFTER_DAYS,
  SERVICE_TIERS,
  type Cost,
  type CostOptions,
  type TokenUsage,
  type ServiceTier,
  type UnitCost,
  type ImageRequest,
  type PricingUnit,
} from "./cost.js";
export { audioDuration, wavDuration, mp3Duration, type AudioDuration } from "../util/audio-duration.js";
export {
  convertLiteLLM,
  importLiteLLM,
  sortModels,
  BUNDLED_PROVIDERS,
  FIRST_PARTY_PROVIDERS,
  type ConvertLiteLLMOptions,
  type LiteLLMEntry,
  type LiteLLMImport,
  type LiteLLMImportReport,
} from "./litellm.js";
export {
  applyCorrections,
  bundledCorrections,
  parseCorrectionsFile,
  correctionSchema,
  correctionsFileSchema,
  type Correction,
  type CorrectionsFile,
  type CorrectionsResult,
  type AppliedCorrection,
} from "./corrections.js";
export { diffPricing, formatPricingDiff, type PricingDiff, type FieldChange } from "./diff.js";
export { reasoningTokensForEffort, requireReasoningTokensForEffort, REASONING_EFFORT_RULES, type ReasoningEffortRule, type EffortTokens } from "./reasoning-effort.js";
