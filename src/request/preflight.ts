/**
 * preflight(): validate, count, fit-check and budget-check a request body before it is sent.
 * Throws the error the API (or the budget) would have produced, or returns the estimate plus the
 * worst case a budget must reserve. No I/O.
 */
import { BudgetExceededError, ContextLimitError, MaxOutputError } from "../errors.js";
import { formatUsd } from "../pricing/cost.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { roomAdvice } from "../estimate/limits.js";
import { estimateRequest, type EstimateRequestOptions, type RequestEstimate } from "./estimate-request.js";
import { MEDIA_KINDS } from "./capabilities.js";
import { parseBudgetLimits, type Budget, type BudgetLimits, type Spend } from "./budget.js";
import { optionsArg } from "../util/args.js";

/** The most a call can cost: what a budget reserves before sending it. */
export interface WorstCase {
  /** Completion tokens in the worst case (the completion budget × choices × prompts, or the room left when no budget is set). */
  completionTokens: number;
  /** Prompt + worst-case completion tokens. */
  tokens: number;
  /** USD, or null when the model has no published price. */
  usd: number | null;
  /** true when no completion budget was given and the model's room had to be assumed. */
  assumedRoom: boolean;
}

/** What {@link preflight} returns: the request's estimate and its worst case. */
export interface PreflightResult extends RequestEstimate {
  worstCase: WorstCase;
}

/** Options for {@link preflight}. */
export interface PreflightOptions extends Omit<EstimateRequestOptions, "table"> {
  /** Pricing table (default: bundled). `table` is accepted as an alias. */
  pricing?: PricingTable;
  table?: PricingTable;
  /**
   * A budget to check the worst case against: limits (checked against this call alone) or a
   * live {@link Budget} (checked against what is left of it; nothing is reserved).
   */
  budget?: BudgetLimits | Budget;
}

function isBudget(value: BudgetLimits | Budget): value is Budget {
  return typeof (value as Budget).reserve === "function";
}

/**
 * The worst case of an estimated request: the estimate's own worst case (the completion budget
 * as given, or — when the request sets none — the most the model may generate,
 * `min(context window − prompt, max output)`, per choice and prompt) and its price. `table` is
 * accepted for compatibility; the estimate was priced with its own table.
 */
export function worstCaseOf(estimate: RequestEstimate, _table?: PricingTable): WorstCase {
  const completionTokens = estimate.completionTokens ?? Number.POSITIVE_INFINITY;
  return {
    completionTokens,
    tokens: estimate.promptTokens + completionTokens,
    usd: Number.isFinite(completionTokens) ? estimate.cost.total : null,
    assumedRoom: estimate.completionBasis === "model_max_output",
  };
}

/** Throws ContextLimitError / MaxOutputError when an estimate does not fit its model. */
export function assertFits(estimate: RequestEstimate): void {
  if (estimate.fits !== false) return;
  const param = estimate.maxTokensParam ?? (estimate.kind === "responses" ? "max_output_tokens" : "max_tokens");
  const prompt = estimate.breakdown.largestPrompt;
  const maxTokens = estimate.maxTokens;
  const inputOver = estimate.maxInputTokens !== null && prompt > estimate.maxInputTokens;
  const promptAloneOver = estimate.contextWindow !== null && prompt > estimate.contextWindow;
  const outputOver = estimate.maxOutputTokens !== null && maxTokens !== null && maxTokens > estimate.maxOutputTokens;
  const advice = roomAdvice(estimate.room, param);
  const problems = estimate.problems.join(" ");
  const text = advice ? `${problems} (${advice})` : problems;
  if (outputOver && !inputOver && !promptAloneOver) {
    throw new MaxOutputError(text, { maxOutputTokens: estimate.maxOutputTokens as number, maxTokens: maxTokens as number, room: estimate.room, param, model: estimate.model });
  }
  throw new ContextLimitError(text, {
    contextWindow: estimate.contextWindow ?? estimate.maxInputTokens ?? 0,
    promptTokens: estimate.promptTokens,
    maxTokens: maxTokens ?? 0,
    room: estimate.room ?? 0,
    maxInputTokens: estimate.maxInputTokens,
    param,
    model: estimate.model,
  });
}

/**
 * Throws BudgetExceededError when the worst case cannot be bounded or priced under a budget
 * with that dimension (an unbounded completion, or a USD budget on a model without a price).
 */
export function assertBoundable(estimate: RequestEstimate, worst: WorstCase, limits: BudgetLimits): void {
  const param = estimate.maxTokensParam ?? (estimate.kind === "responses" ? "max_output_tokens" : "max_tokens");
  if ((limits.usd !== undefined || limits.tokens !== undefined) && !Number.isFinite(worst.completionTokens)) {
    throw new BudgetExceededError(`cannot bound the cost of this call under a budget: ${estimate.model} publishes no output limit and the request sets no ${param}; set ${param}`, {
      reason: "unbounded",
      model: estimate.model,
    });
  }
  if (limits.usd !== undefined && worst.usd === null && MEDIA_KINDS.has(estimate.kind)) {
    const why = estimate.notices.find((n) => n.code === "NO_PRICE")?.text;
    throw new BudgetExceededError(
      `cannot enforce a USD budget: the cost of this ${estimate.kind} call on ${estimate.model} is unknown${why ? ` (${why})` : ""}; give what it needs (audioMinutes for audio tokcost cannot read) or use a token budget`,
      { reason: "unpriced", model: estimate.model },
    );
  }
  if (limits.usd !== undefined && worst.usd === null) {
    throw new BudgetExceededError(`cannot enforce a USD budget: ${estimate.model} has no published price in the pricing table; add it with a pricing file or use a token budget`, {
      reason: "unpriced",
      model: estimate.model,
    });
  }
}

/** The amount a budget reserves for a worst case (USD 0 when there is no USD limit and no price). */
export function reservationOf(worst: WorstCase): Spend {
  return { usd: worst.usd ?? 0, tokens: Number.isFinite(worst.tokens) ? worst.tokens : 0 };
}

/**
 * Checks a request body before it is sent: validates it as the API would, counts its prompt
 * exactly, checks it against the model's context window and output cap, and (optionally)
 * against a budget. Returns the estimate with its worst case, or throws — nothing is sent.
 *
 * @example
 * const e = preflight({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 200 }, { budget: { usd: 0.01 } });
 * e.promptTokens;     // 8
 * e.worstCase.usd;    // prompt + 200 output tokens, in USD
 * @throws InvalidRequestError (with `param`, the field path, and `suggestion`), UnknownModelError,
 * ContextLimitError (with the numbers and the largest max_tokens that fits), MaxOutputError,
 * BudgetExceededError.
 */
export function preflight(body: unknown, options: PreflightOptions = {}): PreflightResult {
  options = optionsArg(options, "preflight");
  const { pricing, budget, ...rest } = options;
  const table = pricing ?? options.table ?? bundledPricingTable();
  const estimate = estimateRequest(body, { ...rest, table });
  assertFits(estimate);
  const worstCase = worstCaseOf(estimate);
  if (budget) {
    const limits = isBudget(budget) ? budget.limits : parseBudgetLimits(budget);
    assertBoundable(estimate, worstCase, limits);
    const amount = reservationOf(worstCase);
    const left = isBudget(budget) ? budget.status().remaining : { usd: limits.usd ?? null, tokens: limits.tokens ?? null };
    if (left.usd !== null && amount.usd > left.usd + 1e-11) {
      throw new BudgetExceededError(
        `budget exceeded: this call may cost up to ${formatUsd(amount.usd)} on ${estimate.model}, but the budget has ${formatUsd(left.usd)} left; lower ${estimate.maxTokensParam ?? (MEDIA_KINDS.has(estimate.kind) ? "n, size or quality" : "max_tokens")} or raise the budget`,
        { requestedUsd: amount.usd, remainingUsd: left.usd },
      );
    }
    if (left.tokens !== null && amount.tokens > left.tokens) {
      throw new BudgetExceededError(
        `budget exceeded: this call may use up to ${amount.tokens} tokens on ${estimate.model}, but the budget has ${left.tokens} tokens left; lower ${estimate.maxTokensParam ?? "max_tokens"} or raise the budget`,
        { requestedTokens: amount.tokens, remainingTokens: left.tokens },
      );
    }
  }
  return { ...estimate, worstCase };
}
