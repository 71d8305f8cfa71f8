/**
 * Cost math. Prices in the table are USD per 1M tokens; results are USD.
 * Kept in one place so every surface (estimate, request helper, CI gate) bills the same way.
 */
import type { ModelEntry } from "./schema.js";

/** Token usage to price. */
export interface TokenUsage {
  /** Input (prompt) tokens, including cached ones. */
  inputTokens: number;
  /** Of `inputTokens`, how many are served from the prompt cache. */
  cachedInputTokens?: number;
  /** Output tokens (visible answer + reasoning tokens). */
  outputTokens: number;
}

/** A cost in USD, split into prompt and completion. `null` parts mean the price is not published. */
export interface Cost {
  currency: "USD";
  prompt: number | null;
  completion: number | null;
  total: number | null;
}

const PER_MILLION = 1_000_000;

/** USD for `tokens` at `usdPerMillion`, or null when the price is unknown. */
export function priceTokens(tokens: number, usdPerMillion: number | undefined): number | null {
  if (tokens === 0) return 0;
  if (usdPerMillion === undefined) return null;
  return (tokens * usdPerMillion) / PER_MILLION;
}

/** Standard-tier cost of `usage` on `model`. */
export function costOf(model: Pick<ModelEntry, "pricing">, usage: TokenUsage): Cost {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncachedPrice = priceTokens(usage.inputTokens - cached, model.pricing.input);
  const cachedPrice = priceTokens(cached, model.pricing.cachedInput ?? model.pricing.input);
  const prompt = uncachedPrice === null || cachedPrice === null ? null : uncachedPrice + cachedPrice;
  const completion = priceTokens(usage.outputTokens, model.pricing.output);
  return { currency: "USD", prompt, completion, total: prompt === null || completion === null ? null : prompt + completion };
}
