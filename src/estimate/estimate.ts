/**
 * Estimate: prompt tokens, completion budget, context-window fit and worst-case cost for one
 * model.
 */
import { cachedTokensForRatio, costOf, unpricedWarning, type Cost, type ServiceTier } from "../pricing/cost.js";
import type { PricingTable } from "../pricing/table.js";
import { getEncoding, type AllowedSpecial } from "../tokenizer/index.js";
import { InputError, UsageError } from "../errors.js";
import { checkLimits, limitsOf, type PromptKind } from "./limits.js";
import { resolveModel, type ResolvedModel } from "./model.js";
import { reasoningTokensForEffort, requireReasoningTokensForEffort } from "../pricing/reasoning-effort.js";
import { describeValue } from "../util/args.js";

/** The estimate of one request (or prompt) on one model. Field names are the JSON contract. */
export interface Estimate {
  model: string;
  encoding: string;
  /** true when `promptTokens` is exactly what the API will count. */
  exact: boolean;
  promptTokens: number;
  /** Completion budget (`max_tokens`), or null when none was given. */
  maxTokens: number | null;
  contextWindow: number | null;
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  /** Prompt within the input cap, maxTokens within the output cap, both within the window. null = limits unknown. */
  fits: boolean | null;
  /** Largest maxTokens that still fits (0 if the prompt alone does not); null = limits unknown. */
  room: number | null;
  /** Worst case: prompt + `maxTokens` completion tokens. null parts = price not published. */
  cost: Cost;
  /** Why it does not fit, in the API's own words (empty when it fits). */
  problems: string[];
  /** Things the user should know (retired model, approximate tokenizer, unknown price…). */
  warnings: string[];
  /** The table entry that priced a provider-prefixed or host id (`openai/gpt-4o` → `gpt-4o`). */
  pricedAs?: string;
}

/** How the request will be billed (issue 7): tier, prompt caching, reasoning tokens. */
export interface BillingOptions {
  /** Service tier: standard (default), batch, flex or priority. */
  tier?: ServiceTier;
  /** Prompt tokens served from the prompt cache (billed at the cached-input rate). */
  cachedInputTokens?: number;
  /** Share of the prompt served from the cache, 0–1 (used when cachedInputTokens is not given). */
  cacheHitRatio?: number;
  /** Prompt tokens written to the prompt cache (Anthropic's 5-minute cache: the cache-write rate). */
  cacheWriteInputTokens?: number;
  /** Prompt tokens written to a 1-hour prompt cache (Anthropic `ttl: "1h"`: the 1-hour cache-write rate). */
  cacheWrite1hInputTokens?: number;
  /**
   * Hidden reasoning tokens: billed as output on top of `maxTokens`, and counted against the
   * completion budget (`max_completion_tokens`) in the limit check.
   */
  reasoningTokens?: number;
  /**
   * A reasoning effort level (`none`, `low`, `medium`, `high`, …) standing for `reasoningTokens`
   * where the provider publishes the number (`data/reasoning-effort.json`); otherwise a
   * UsageError asks for `reasoningTokens`.
   */
  reasoningEffort?: string;
}

/**
 * The reasoning tokens to bill: `reasoningTokens`, or what `reasoningEffort` stands for (an
 * explicit effort without a published number is an error; `implicitEffort` — one read from a
 * request body — is used only when its number is published). Notes say where a number came from.
 * @throws UsageError for a bad count, both options at once, or an unknown explicit effort.
 */
export function reasoningTokensOf(model: string, billing: Pick<BillingOptions, "reasoningTokens" | "reasoningEffort">, implicitEffort?: string): { tokens?: number; notes: string[] } {
  if (billing.reasoningTokens !== undefined && billing.reasoningEffort !== undefined) throw new UsageError("pass either reasoning tokens (--reasoning-tokens) or an effort level (--reasoning-effort), not both");
  if (billing.reasoningTokens !== undefined) return { tokens: validateMaxTokens(billing.reasoningTokens, "reasoningTokens") ?? undefined, notes: [] };
  const effort = billing.reasoningEffort ?? implicitEffort;
  if (effort === undefined) return { notes: [] };
  const found = billing.reasoningEffort !== undefined ? requireReasoningTokensForEffort(model, effort) : reasoningTokensForEffort(model, effort);
  if (!found) return { notes: [] };
  return { tokens: found.tokens, notes: [`reasoning effort "${effort}" on ${model} counted as ${found.tokens} reasoning tokens: ${found.meaning} (${found.source})`] };
}

/** Options shared by every estimate. */
export interface EstimateOptions {
  /** Billing options (tier, cached input, reasoning tokens). */
  billing?: BillingOptions;
  /** Model id, e.g. "gpt-4o". */
  model: string;
  /** Completion budget in tokens (`max_tokens`). */
  maxTokens?: number | null;
  /** Count with this encoding (for a model the table does not know, or to override). */
  encoding?: string;
  /** Pricing table (default: bundled). */
  table?: PricingTable;
  /** Special-token strings in the prompt to treat as special tokens (default: none). */
  allowedSpecial?: AllowedSpecial;
  /** How the prompt is described in limit messages (default "prompt"). */
  promptKind?: PromptKind;
}

/**
 * What to tell people about hidden reasoning tokens (text and request estimates alike): with
 * `reasoningTokens` given, that they are billed as output and count against the completion
 * budget; without, for a reasoning model, that the estimate leaves them out.
 */
export function reasoningWarnings(model: string, reasoningTokens: number | undefined, options: { isReasoning: boolean; known: boolean; param?: string }): string[] {
  const param = options.param ?? "max_completion_tokens";
  if (reasoningTokens === 0) return []; // reasoning explicitly off
  if (reasoningTokens) {
    const out = [`${model}: ${reasoningTokens} reasoning tokens are billed as output and count against ${param}; the visible answer may be much shorter than what is billed`];
    if (options.known && !options.isReasoning) out.push(`${model} is not marked as a reasoning model in the pricing table: check that it produces reasoning tokens`);
    return out;
  }
  return options.isReasoning ? [`${model}: hidden reasoning tokens are billed as output and count against ${param}, on top of the visible answer; add --reasoning-tokens <n> (or reasoningTokens) to include them`] : [];
}

/** Checks a completion budget: a non-negative integer, or null. */
export function validateMaxTokens(maxTokens: number | null | undefined, name = "maxTokens"): number | null {
  if (maxTokens === undefined || maxTokens === null) return null;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 0) throw new UsageError(`${name} must be a non-negative whole number, got ${maxTokens}`);
  return maxTokens;
}

/**
 * Estimate from a token count you already have (e.g. from a streamed file or a chat request).
 */
export function estimateFromTokens(resolved: ResolvedModel, promptTokens: number, options: { maxTokens?: number | null; exact?: boolean; promptKind?: PromptKind; warnings?: string[]; billing?: BillingOptions } = {}): Estimate {
  const maxTokens = validateMaxTokens(options.maxTokens);
  const billing = options.billing ?? {};
  const reasoning = reasoningTokensOf(resolved.entry?.id ?? resolved.id, billing);
  const reasoningTokens = reasoning.tokens;
  const cachedInputTokens = billing.cachedInputTokens ?? (billing.cacheHitRatio === undefined ? undefined : cachedTokensForRatio(promptTokens, billing.cacheHitRatio));
  const limits = limitsOf(resolved.entry);
  // Reasoning tokens count against the completion budget (max_completion_tokens).
  const completionBudget = reasoningTokens ? (maxTokens ?? 0) + reasoningTokens : maxTokens;
  const check = checkLimits(limits, promptTokens, completionBudget, options.promptKind ?? "prompt");
  const cost: Cost = resolved.entry
    ? costOf(resolved.entry, { inputTokens: promptTokens, cachedInputTokens, cacheWriteInputTokens: billing.cacheWriteInputTokens, cacheWrite1hInputTokens: billing.cacheWrite1hInputTokens, outputTokens: maxTokens ?? 0, reasoningTokens }, { tier: billing.tier })
    : { currency: "USD", prompt: null, completion: null, total: null };
  const warnings = [...resolved.warnings, ...(options.warnings ?? []), ...reasoning.notes, ...(cost.notes ?? [])];
  // max_completion_tokens is OpenAI's name; other providers cap reasoning + answer under their own parameter.
  const param = resolved.entry && resolved.entry.provider !== "openai" ? "the output token limit" : undefined;
  warnings.push(...reasoningWarnings(resolved.id, reasoningTokens, { isReasoning: resolved.entry?.reasoning === true, known: resolved.entry !== undefined, param }));
  const unpriced = resolved.entry && unpricedWarning(resolved.entry, cost);
  if (unpriced) warnings.push(unpriced);
  return {
    model: resolved.id,
    encoding: resolved.encoding,
    exact: resolved.exact && (options.exact ?? true),
    promptTokens,
    maxTokens,
    contextWindow: limits.contextWindow ?? null,
    maxInputTokens: limits.maxInputTokens ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    fits: check.fits,
    room: check.room,
    cost,
    problems: check.problems.map((p) => p.message),
    warnings,
    ...(resolved.pricedAs ? { pricedAs: resolved.pricedAs } : {}),
  };
}

/**
 * Estimates a prompt on a model: exact prompt tokens, fit, room and worst-case cost.
 *
 * @example
 * const e = estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 500 });
 * e.promptTokens; // 1
 * e.fits;         // true
 * e.cost.total;   // USD for 1 input + 500 output tokens
 */
export function estimate(options: EstimateOptions & { prompt: string }): Estimate {
  if (typeof options !== "object" || options === null) throw new InputError(`estimate: options must be an object ({ model, prompt }), got ${describeValue(options)}`);
  const resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding });
  const promptTokens = getEncoding(resolved.encoding).count(options.prompt, { allowedSpecial: options.allowedSpecial });
  return estimateFromTokens(resolved, promptTokens, { maxTokens: options.maxTokens, promptKind: options.promptKind, billing: options.billing });
}
