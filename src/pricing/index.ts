/** Pricing: the model table (data + schema), lookups and cost math. No I/O. */
export * from "./schema.js";
export { PricingTable, bundledPricingTable, getModel, listModels, type ModelMatch } from "./table.js";
export { parsePricingFile, formatIssuePath } from "./parse.js";
export { costOf, priceTokens, cachedTokensForRatio, longContextRatesFor, imageCost, speechCost, transcriptionCost, trainingCost, countCharacters, pricingUnitOf, daysSince, stalePricingNotice, effectiveStatus, STALE_AFTER_DAYS, SERVICE_TIERS, type Cost, type CostOptions, type TokenUsage, type ServiceTier, type UnitCost, type ImageRequest, type PricingUnit } from "./cost.js";
export { audioDuration, wavDuration, mp3Duration, type AudioDuration } from "../util/audio-duration.js";
export { convertLiteLLM, canonicalJson, sortModels, BUNDLED_PROVIDERS, FIRST_PARTY_PROVIDERS, type ConvertLiteLLMOptions, type LiteLLMEntry } from "./litellm.js";
export { reasoningTokensForEffort, requireReasoningTokensForEffort, REASONING_EFFORT_RULES, type ReasoningEffortRule, type EffortTokens } from "./reasoning-effort.js";
