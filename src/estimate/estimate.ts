/**
 * Estimate: prompt tokens, completion budget, context-window fit and worst-case cost for one
 * model.
 */
import { costOf, type Cost } from "../pricing/cost.js";
import type { PricingTable } from "../pricing/table.js";
import { getEncoding, type AllowedSpecial } from "../tokenizer/index.js";
import { UsageError } from "../errors.js";
import { checkLimits, limitsOf, type PromptKind } from "./limits.js";
import { resolveModel, type ResolvedModel } from "./model.js";

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
}

/** Options shared by every estimate. */
export interface EstimateOptions {
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

/** Checks a completion budget: a non-negative integer, or null. */
export function validateMaxTokens(maxTokens: number | null | undefined): number | null {
  if (maxTokens === undefined || maxTokens === null) return null;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new UsageError(`maxTokens must be a non-negative whole number, got ${maxTokens}`);
  return maxTokens;
}

/**
 * Estimate from a token count you already have (e.g. from a streamed file or a chat request).
 */
export function estimateFromTokens(resolved: ResolvedModel, promptTokens: number, options: { maxTokens?: number | null; exact?: boolean; promptKind?: PromptKind; warnings?: string[] } = {}): Estimate {
  const maxTokens = validateMaxTokens(options.maxTokens);
  const limits = limitsOf(resolved.entry);
  const check = checkLimits(limits, promptTokens, maxTokens, options.promptKind ?? "prompt");
  const cost: Cost = resolved.entry
    ? costOf(resolved.entry, { inputTokens: promptTokens, outputTokens: maxTokens ?? 0 })
    : { currency: "USD", prompt: null, completion: null, total: null };
  const warnings = [...resolved.warnings, ...(options.warnings ?? [])];
  if (resolved.entry && cost.total === null) warnings.push(`${resolved.entry.id} has no published per-token price in the table`);
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
  const resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding });
  const promptTokens = getEncoding(resolved.encoding).count(options.prompt, { allowedSpecial: options.allowedSpecial });
  return estimateFromTokens(resolved, promptTokens, { maxTokens: options.maxTokens, promptKind: options.promptKind });
}
