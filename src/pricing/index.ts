/** Pricing: the model table (data + schema), lookups and cost math. No I/O. */
export * from "./schema.js";
export { PricingTable, parsePricingFile, bundledPricingTable, getModel, listModels, formatIssuePath, type ModelMatch } from "./table.js";
export { costOf, priceTokens, type Cost, type TokenUsage } from "./cost.js";
export { convertLiteLLM, canonicalJson, sortModels, BUNDLED_PROVIDERS, FIRST_PARTY_PROVIDERS, type ConvertLiteLLMOptions, type LiteLLMEntry } from "./litellm.js";
