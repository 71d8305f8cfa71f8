/**
 * Estimate: prompt tokens, completion budget, context-window fit and worst-case cost for one
 * model.
 */
import { cachedTokensForRatio, costOf, unpricedWarning, withToolFees, type Cost, type ServiceTier } from "../pricing/cost.js";
import { formatInt } from "../util/format.js";
import { notice, noticesOf, levelOf, type Notice } from "./notice.js";
import type { PricingTable } from "../pricing/table.js";
import { getEncoding, type AllowedSpecial } from "../tokenizer/index.js";
import { InputError, UsageError } from "../errors.js";
import { checkLimits, limitsOf, type LimitProblem, type PromptKind } from "./limits.js";
import { resolveModel, type ResolvedModel } from "./model.js";
import { reasoningTokensForEffort, requireReasoningTokensForEffort } from "../pricing/reasoning-effort.js";
import { describeValue } from "../util/args.js";

/**
 * Where the completion tokens of the worst case come from: `max_tokens` (the budget set),
 * `api_default` (the endpoint's own default budget: 16 on /v1/completions), `model_max_output`
 * (no budget set: as much as the model may generate here, its max output capped by the room left
 * in the context window), `unbounded` (no budget set and the model publishes no limit: the
 * completion's cost is unknown), `no_output` (embeddings, moderation: nothing is generated) or
 * `media` (image and audio output, priced by the endpoint's own rule).
 */
export type CompletionBasis = "max_tokens" | "api_default" | "model_max_output" | "unbounded" | "no_output" | "media";

/** The estimate of one request (or prompt) on one model. Field names are the JSON contract. */
export interface Estimate {
  model: string;
  encoding: string;
  /** true when `promptTokens` is exactly what the API will count. */
  exact: boolean;
  promptTokens: number;
  /** Completion budget as set (`max_tokens`), or null when none was given. */
  maxTokens: number | null;
  /**
   * Output tokens the worst case prices: the completion budget (or, with none set, the most the
   * model may generate) × choices × prompts, plus reasoning tokens; null when unbounded.
   */
  completionTokens: number | null;
  /** Where `completionTokens` comes from. */
  completionBasis: CompletionBasis;
  contextWindow: number | null;
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  /** Prompt within the input cap, maxTokens within the output cap, both within the window. null = limits unknown. */
  fits: boolean | null;
  /** Largest maxTokens that still fits (0 if the prompt alone does not); null = limits unknown. */
  room: number | null;
  /** Worst case: prompt + `completionTokens`. null parts = price not published (or the completion unbounded). */
  cost: Cost;
  /** Why it does not fit, in the API's own words (empty when it fits): the `text` of the error-level notices. */
  problems: string[];
  /** Which limits it breaks, by how much (what `problems` say, as data). */
  limitProblems: LimitProblem[];
  /** Things the user should know (retired model, approximate tokenizer, unknown price…): the `text` of the warning-level notices. */
  warnings: string[];
  /** Every problem and warning as data (`code`, `subject`, `data`, `text`): problems first, then warnings, each in the order of `problems` and `warnings`. */
  notices: Notice[];
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
export function reasoningTokensOf(model: string, billing: Pick<BillingOptions, "reasoningTokens" | "reasoningEffort">, implicitEffort?: string): { tokens?: number; notes: string[]; effort?: string } {
  if (billing.reasoningTokens !== undefined && billing.reasoningEffort !== undefined)
    throw new UsageError("pass either reasoning tokens (--reasoning-tokens) or an effort level (--reasoning-effort), not both");
  if (billing.reasoningTokens !== undefined) return { tokens: validateMaxTokens(billing.reasoningTokens, "reasoningTokens") ?? undefined, notes: [] };
  const effort = billing.reasoningEffort ?? implicitEffort;
  if (effort === undefined) return { notes: [] };
  const found = billing.reasoningEffort !== undefined ? requireReasoningTokensForEffort(model, effort) : reasoningTokensForEffort(model, effort);
  if (!found) return { notes: [] };
  return { tokens: found.tokens, effort, notes: [`reasoning effort "${effort}" on ${model} counted as ${found.tokens} reasoning tokens: ${found.meaning} (${found.source})`] };
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
  /** Count a model the pricing table does not list (tokens only) instead of throwing UnknownModelError. */
  allowUnpriced?: boolean;
}

/**
 * What to tell people about hidden reasoning tokens (text and request estimates alike): with
 * `reasoningTokens` given, that they are billed as output and count against the completion
 * budget; without, for a reasoning model, that the estimate leaves them out.
 */
export function reasoningWarnings(model: string, reasoningTokens: number | undefined, options: { isReasoning: boolean; known: boolean; param?: string }): string[] {
  return reasoningNotices(model, reasoningTokens, options).map((n) => n.text);
}

/** {@link reasoningWarnings} as notices (REASONING_TOKENS, REASONING_NOT_COUNTED). */
export function reasoningNotices(model: string, reasoningTokens: number | undefined, options: { isReasoning: boolean; known: boolean; param?: string }): Notice[] {
  const param = options.param ?? "max_completion_tokens";
  if (reasoningTokens === 0) return []; // reasoning explicitly off
  if (reasoningTokens) {
    const out = [
      notice("REASONING_TOKENS", `${model}: ${reasoningTokens} reasoning tokens are billed as output and count against ${param}; the visible answer may be much shorter than what is billed`, model, {
        reasoningTokens,
        param,
      }),
    ];
    if (options.known && !options.isReasoning) out.push(notice("REASONING_TOKENS", `${model} is not marked as a reasoning model in the pricing table: check that it produces reasoning tokens`, model));
    return out;
  }
  return options.isReasoning
    ? [
        notice(
          "REASONING_NOT_COUNTED",
          `${model}: hidden reasoning tokens are billed as output and count against ${param}, on top of the visible answer; add --reasoning-tokens <n> (or reasoningTokens) to include them`,
          model,
          { param },
        ),
      ]
    : [];
}

/** Checks a completion budget: a non-negative integer, or null. */
export function validateMaxTokens(maxTokens: number | null | undefined, name = "maxTokens"): number | null {
  if (maxTokens === undefined || maxTokens === null) return null;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 0) throw new UsageError(`${name} must be a non-negative whole number, got ${maxTokens}`);
  return maxTokens;
}

/** Table modes whose models generate no text: no completion budget applies. */
const NO_OUTPUT_MODES: ReadonlySet<string> = new Set(["embedding", "moderation", "rerank"]);

/** What {@link assembleEstimate} needs: the counted prompt and what bounds the completion. */
export interface EstimateParts {
  resolved: ResolvedModel;
  /** The id to report (default `resolved.id`). */
  model?: string;
  /** Billed prompt tokens, all prompts together. */
  promptTokens: number;
  /** Tokens of the largest single prompt: what must fit the context window (default `promptTokens`). */
  largestPrompt?: number;
  /** Is the prompt count exact (the model's tokenizer being exact is checked here too)? */
  exact: boolean;
  promptKind?: PromptKind;
  /** Completion budget per choice, as set (null: none). */
  maxTokens: number | null;
  /** Where a non-null `maxTokens` comes from (default `max_tokens`: set by the user). */
  maxTokensBasis?: "max_tokens" | "api_default";
  /** The name of the budget parameter, for messages (default `max_tokens`). */
  param?: string;
  /** Choices generated per prompt (default 1). */
  choices?: number;
  /** Prompts generated separately (default 1). */
  prompts?: number;
  /** false when the endpoint generates nothing (embeddings, moderation): no completion is priced. */
  output?: boolean;
  /** Billing options: tier, cached input, reasoning tokens or effort. */
  billing?: BillingOptions;
  /** An effort read from the request body, used when its number is published. */
  implicitEffort?: string;
  /** Is the model a reasoning model (default: the table says so)? */
  isReasoning?: boolean;
  /** Notices gathered before: the model's, the request's, the count's, the input's. */
  notices?: Notice[];
  /** Replaces the wording of a context-window problem (the Responses API words it its own way). */
  contextMessage?: string;
  /** Images, audio: the cost and output tokens priced by the endpoint's own rule. */
  media?: { cost: Cost; completionTokens: number };
  /** Per-call tool fees on top of the tokens (web search): USD (null: not in the table) and how they were priced. */
  toolFees?: { usd: number | null; notice: Notice };
}

const UNKNOWN_COST: Cost = { currency: "USD", prompt: null, completion: null, total: null };

/**
 * The one place an estimate is put together: limits and fit, the worst-case completion (the
 * budget set, else the most the model may generate here), its price, and every notice. Every
 * estimate — a text prompt, a request body, a media request, a vendor's count — is made here.
 */
export function assembleEstimate(parts: EstimateParts): Estimate {
  const { resolved } = parts;
  const entry = resolved.entry;
  const model = parts.model ?? resolved.id;
  const maxTokens = validateMaxTokens(parts.maxTokens);
  const param = parts.param ?? "max_tokens";
  const largestPrompt = parts.largestPrompt ?? parts.promptTokens;
  const billing = parts.billing ?? {};
  const output = parts.output ?? !(entry && NO_OUTPUT_MODES.has(entry.mode));
  const choices = Math.max(1, parts.choices ?? 1);
  const completions = choices * Math.max(1, parts.prompts ?? 1);
  const notices: Notice[] = [...(parts.notices ?? [])];
  const reasoning = output && !parts.media ? reasoningTokensOf(entry?.id ?? model, billing, parts.implicitEffort) : { notes: [] };
  const reasoningTokens = reasoning.tokens;
  notices.push(...noticesOf("REASONING_EFFORT", reasoning.notes, model));
  const limits = limitsOf(entry);
  // Reasoning tokens count against the completion budget (max_completion_tokens / max_output_tokens).
  const budget = reasoningTokens ? (maxTokens ?? 0) + reasoningTokens : maxTokens;
  const check = checkLimits(limits, largestPrompt, parts.media ? null : budget, parts.promptKind ?? "prompt", param);

  // The worst case: what one choice may generate, visible answer only (reasoning is added apart).
  let perChoice: number | null;
  let basis: CompletionBasis;
  if (parts.media) [perChoice, basis] = [0, output ? "media" : "no_output"];
  else if (!output) [perChoice, basis] = [0, "no_output"];
  else if (maxTokens !== null) [perChoice, basis] = [maxTokens, parts.maxTokensBasis ?? "max_tokens"];
  else if (check.room !== null) [perChoice, basis] = [Math.max(0, check.room - (reasoningTokens ?? 0)), "model_max_output"];
  else [perChoice, basis] = [null, "unbounded"];
  const completionTokens = parts.media ? parts.media.completionTokens : perChoice === null ? null : (perChoice + (reasoningTokens ?? 0)) * completions;

  let cost: Cost;
  if (parts.media) cost = parts.media.cost;
  else if (!entry) cost = UNKNOWN_COST;
  else {
    const cachedInputTokens = billing.cachedInputTokens ?? (billing.cacheHitRatio === undefined ? undefined : cachedTokensForRatio(parts.promptTokens, billing.cacheHitRatio));
    const usage = {
      inputTokens: parts.promptTokens,
      cachedInputTokens,
      cacheWriteInputTokens: billing.cacheWriteInputTokens,
      cacheWrite1hInputTokens: billing.cacheWrite1hInputTokens,
      outputTokens: (perChoice ?? 0) * completions,
      reasoningTokens: reasoningTokens === undefined ? undefined : reasoningTokens * completions,
    };
    cost = costOf(entry, usage, { tier: billing.tier });
    // An unbounded completion has no price: unknown, never the prompt alone.
    if (perChoice === null) cost = { ...cost, completion: null, total: null };
  }
  notices.push(...noticesOf("PRICE_DERIVED", cost.notes ?? [], entry?.id ?? model));
  if (entry && perChoice !== null && !parts.media) {
    const unpriced = unpricedWarning(entry, cost);
    if (unpriced) notices.push(notice("NO_PRICE", unpriced, entry.id));
  }
  if (parts.toolFees) {
    cost = withToolFees(cost, parts.toolFees.usd);
    notices.push(parts.toolFees.notice);
  }
  if (output && !parts.media) {
    // max_completion_tokens is OpenAI's name; other providers cap reasoning + answer under their own parameter.
    const reasoningParam = parts.param ?? (entry && entry.provider !== "openai" ? "the output token limit" : undefined);
    // With no budget set, the worst case already holds every output token, reasoning included.
    const reasoningNotes = reasoningNotices(model, reasoningTokens, { isReasoning: parts.isReasoning ?? entry?.reasoning === true, known: entry !== undefined, param: reasoningParam });
    notices.push(...reasoningNotes.filter((n) => !(n.code === "REASONING_NOT_COUNTED" && basis === "model_max_output")));
  }
  if (basis === "model_max_output" && perChoice !== null) {
    const byOutput = limits.maxOutputTokens !== undefined && perChoice + (reasoningTokens ?? 0) >= limits.maxOutputTokens;
    const what = byOutput ? `${model}'s max output` : "the room left in the context window";
    notices.push(
      notice(
        "COMPLETION_WORST_CASE",
        `no ${param} set: the completion may run to ${formatInt(perChoice)} tokens${completions > 1 ? " per choice" : ""} (${what}) and is priced at that worst case; set ${param} to tighten`,
        model,
        { tokens: perChoice, param, limit: byOutput ? "max_output" : "context_window" },
      ),
    );
  } else if (basis === "unbounded" && entry) {
    notices.push(
      notice("COMPLETION_UNBOUNDED", `no ${param} set and ${model} publishes no output limit: the completion is unbounded and its cost unknown; set ${param} to bound it`, model, { param }),
    );
  }
  if (choices > 1 && output && !parts.media) notices.push(notice("CHOICES_BILLED", `${choices} choices per prompt: the completion budget is billed ${choices} times`, model, { choices }));

  const limitProblems: LimitProblem[] = check.problems.map((p) => (p.kind === "context" && parts.contextMessage ? { ...p, message: parts.contextMessage } : p));
  const problemNotices = limitProblems.map((p) => notice(p.code, p.message, model, { kind: p.kind, actual: p.actual, allowed: p.allowed }));
  const all = [...problemNotices, ...notices];
  return {
    model,
    encoding: resolved.encoding,
    exact: resolved.exact && parts.exact,
    promptTokens: parts.promptTokens,
    maxTokens,
    completionTokens,
    completionBasis: basis,
    contextWindow: limits.contextWindow ?? null,
    maxInputTokens: limits.maxInputTokens ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    fits: check.fits,
    room: parts.media ? null : check.room,
    cost,
    problems: all.filter((n) => levelOf(n.code) === "error").map((n) => n.text),
    limitProblems,
    warnings: all.filter((n) => levelOf(n.code) === "warning").map((n) => n.text),
    notices: all,
    ...(resolved.pricedAs ? { pricedAs: resolved.pricedAs } : {}),
  };
}

/**
 * Estimate from a token count you already have (e.g. from a streamed file or a chat request).
 * With no `maxTokens`, the completion is priced at the most the model may generate.
 */
export function estimateFromTokens(
  resolved: ResolvedModel,
  promptTokens: number,
  options: { maxTokens?: number | null; exact?: boolean; promptKind?: PromptKind; warnings?: string[]; notices?: Notice[]; billing?: BillingOptions } = {},
): Estimate {
  return assembleEstimate({
    resolved,
    promptTokens,
    exact: options.exact ?? true,
    promptKind: options.promptKind,
    maxTokens: options.maxTokens ?? null,
    billing: options.billing,
    notices: [...resolved.notices, ...noticesOf("INPUT_NOTE", options.warnings ?? []), ...(options.notices ?? [])],
  });
}

/**
 * Estimates a prompt on a model: exact prompt tokens, fit, room and worst-case cost.
 *
 * @example
 * const e = estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 500 });
 * e.promptTokens; // 1
 * e.fits;         // true
 * e.cost.total;   // USD for 1 input + 500 output tokens
 * // Without maxTokens the completion is priced at the model's worst case (completionBasis "model_max_output").
 */
export function estimate(options: EstimateOptions & { prompt: string }): Estimate {
  if (typeof options !== "object" || options === null) throw new InputError(`estimate: options must be an object ({ model, prompt }), got ${describeValue(options)}`);
  const resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding, allowUnpriced: options.allowUnpriced });
  const promptTokens = getEncoding(resolved.encoding).count(options.prompt, { allowedSpecial: options.allowedSpecial });
  return estimateFromTokens(resolved, promptTokens, { maxTokens: options.maxTokens, promptKind: options.promptKind, billing: options.billing });
}
