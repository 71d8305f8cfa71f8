/**
 * Reasoning effort levels (`reasoning_effort: "high"`) → reasoning tokens, only where a provider
 * publishes the number (`data/reasoning-effort.json`, each rule with its source). Effort `none`
 * means no reasoning for every provider. Anything else is unknown and said to be: tokcost never
 * guesses how long a model thinks.
 */
import data from "../../data/reasoning-effort.json" with { type: "json" };
import { UsageError } from "../errors.js";

/** One published mapping from effort levels to reasoning tokens. */
export interface ReasoningEffortRule {
  provider: string;
  /** Model ids this rule covers (an id matches a prefix when it is the prefix or starts with it plus "-"). */
  modelPrefixes: string[];
  levels: Record<string, number>;
  /** What the number is (e.g. a thinking budget: an upper bound). */
  meaning: string;
  source: string;
  asOf: string;
}

/** The bundled rules (checked against their schema by the test suite). */
export const REASONING_EFFORT_RULES: readonly ReasoningEffortRule[] = data.rules as ReasoningEffortRule[];

/** Reasoning tokens for an effort level, and where the number comes from. */
export interface EffortTokens {
  tokens: number;
  source: string;
  meaning: string;
}

const matches = (model: string, prefix: string): boolean => model === prefix || model.startsWith(`${prefix}-`);

/**
 * Reasoning tokens that `effort` stands for on `model`, or undefined when nobody publishes it.
 * @example reasoningTokensForEffort("gemini-2.5-flash", "high")?.tokens // 24576
 */
export function reasoningTokensForEffort(model: string, effort: string, rules: readonly ReasoningEffortRule[] = REASONING_EFFORT_RULES): EffortTokens | undefined {
  if (effort === "none") return { tokens: 0, source: 'reasoning_effort "none" turns reasoning off', meaning: "no reasoning" };
  for (const rule of rules) {
    if (!rule.modelPrefixes.some((prefix) => matches(model, prefix))) continue;
    const tokens = rule.levels[effort];
    if (tokens !== undefined) return { tokens, source: rule.source, meaning: rule.meaning };
  }
  return undefined;
}

/**
 * Like {@link reasoningTokensForEffort}, for an effort the user asked for explicitly: an unknown
 * mapping is a usage error that says what to do instead.
 * @throws UsageError when no published number exists for this model and level.
 */
export function requireReasoningTokensForEffort(model: string, effort: string): EffortTokens {
  const found = reasoningTokensForEffort(model, effort);
  if (found) return found;
  throw new UsageError(
    `no published number of reasoning tokens for ${model} at effort "${effort}": pass --reasoning-tokens <n> (reasoningTokens) instead, e.g. from usage.completion_tokens_details.reasoning_tokens of similar calls`,
  );
}
