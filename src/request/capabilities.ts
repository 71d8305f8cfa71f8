/**
 * Which models accept which request parameters — as data, one row per model family, with the
 * source of every rule. {@link validateRequest} reads these rows; nothing else in tokcost
 * hard-codes model names for parameter checks.
 *
 * Sources (also in test/reference/openai-api-facts.json → parameter_compatibility):
 * - OpenAI's max_tokens docstring: deprecated for max_completion_tokens, "not compatible with
 *   o-series models" (openai/openai-python completion_create_params.py).
 * - Reasoning models "will only work with the `max_completion_tokens` parameter"; unsupported:
 *   temperature, top_p, presence_penalty, frequency_penalty, logprobs, top_logprobs, logit_bias,
 *   max_tokens (Azure OpenAI reasoning guide, models gpt-5/-mini/-nano, codex-mini, o3-pro,
 *   o4-mini, o3, o3-mini, o1, o1-mini), confirmed by observed API rejections for o1, o1-mini,
 *   o3-mini, o4-mini, gpt-5, gpt-5.1, gpt-5.2, gpt-5.4.
 * - The API rejects a *non-default* temperature ("Only the default (1) value is supported"), so
 *   sending the default is accepted.
 * - GPT-5.1/5.2 (and the GPT-5.4 guide) accept temperature, top_p and logprobs only with
 *   reasoning effort "none" (platform.openai.com/docs/guides/latest-model).
 * - o1-preview/o1-mini (2024 beta) reject system messages.
 */
import { matchFamily } from "./family.js";

/** An endpoint whose request body tokcost validates (the table of their URLs is shape.ts ENDPOINT_URLS). */
export type RequestKind = "chat" | "completions" | "responses" | "embeddings" | "images" | "image-edits" | "image-variations" | "speech" | "transcriptions" | "translations" | "moderations";

/** Endpoints billed per image, character, minute or media token rather than by a completion budget. */
export const MEDIA_KINDS: ReadonlySet<RequestKind> = new Set(["images", "image-edits", "image-variations", "speech", "transcriptions", "translations", "moderations"]);

/** Endpoints whose body is multipart/form-data (a file upload) on the wire. */
export const MULTIPART_KINDS: ReadonlySet<RequestKind> = new Set(["image-edits", "image-variations", "transcriptions", "translations"]);

/** Endpoints that generate no text completion (no max_tokens, no output budget). */
export function hasCompletionBudget(kind: RequestKind): boolean {
  return kind === "chat" || kind === "completions" || kind === "responses";
}

/** Parameter rules for one model family. */
export interface ParameterRules {
  /** Family prefixes this row applies to (most specific match wins). */
  models: readonly string[];
  /** true for reasoning models: reasoning tokens are billed as output and count against the completion budget. */
  reasoning: boolean;
  /** Parameters the model rejects outright, per endpoint, with the parameter to use instead (if any). */
  unsupported: Partial<Record<RequestKind, Readonly<Record<string, string | null>>>>;
  /** Parameters the model accepts only at their default value (sending the default is fine). */
  defaultOnly: Readonly<Record<string, number>>;
  /** Of `unsupported`/`defaultOnly`, the ones allowed when `reasoning_effort` (chat) / `reasoning.effort` (responses) is "none". */
  allowedWithReasoningNone: readonly string[];
  /** The reasoning effort when the request sets none (GPT-5.1 and later default to "none"). */
  defaultReasoningEffort?: string;
  /** The reasoning efforts the model accepts, where a refusal of another one is recorded. */
  reasoningEfforts?: readonly string[];
  /** Message roles the model rejects (chat). */
  rejectedRoles: readonly string[];
  /** Where the rule comes from. */
  source: string;
}

const REASONING_SAMPLING_DEFAULTS = { temperature: 1, top_p: 1, presence_penalty: 0, frequency_penalty: 0 } as const;

/** Chat Completions parameters reasoning models reject outright (max_tokens has a replacement). */
const REASONING_UNSUPPORTED_CHAT = { max_tokens: "max_completion_tokens", logprobs: null, top_logprobs: null, logit_bias: null } as const;
const REASONING_UNSUPPORTED_RESPONSES = { top_logprobs: null } as const;

const OPENAI_FACTS = "openai-api-facts.json parameter_compatibility";

/** The parameter rules table. Families not listed accept every parameter of their endpoint. */
export const PARAMETER_RULES: readonly ParameterRules[] = [
  {
    models: ["o1", "o1-pro", "o3", "o3-mini", "o3-pro", "o4-mini", "codex-mini"],
    reasoning: true,
    unsupported: { chat: REASONING_UNSUPPORTED_CHAT, responses: REASONING_UNSUPPORTED_RESPONSES },
    defaultOnly: REASONING_SAMPLING_DEFAULTS,
    allowedWithReasoningNone: [],
    // "Unsupported value: 'minimal' is not supported with the 'o4-mini' model. Supported values
    // are: 'low', 'medium', and 'high'." (recorded 400, Mirascope, test/conformance)
    reasoningEfforts: ["low", "medium", "high"],
    rejectedRoles: [],
    source: `${OPENAI_FACTS}: Azure OpenAI reasoning guide (2025-08-15) and observed API rejections (o1, o3-mini, o4-mini)`,
  },
  {
    models: ["gpt-5", "gpt-5-mini", "gpt-5-nano"],
    reasoning: true,
    // stop: "Unsupported parameter: 'stop' is not supported with this model." (recorded 400 on gpt-5-mini, Mirascope, test/conformance)
    unsupported: { chat: { ...REASONING_UNSUPPORTED_CHAT, stop: null }, responses: REASONING_UNSUPPORTED_RESPONSES },
    defaultOnly: REASONING_SAMPLING_DEFAULTS,
    allowedWithReasoningNone: [],
    rejectedRoles: [],
    source: `${OPENAI_FACTS}: Azure OpenAI reasoning guide (2025-08-15) and observed API rejections (gpt-5, gpt-5-mini)`,
  },
  {
    models: ["o1-preview", "o1-mini"],
    reasoning: true,
    // stop and the developer role: recorded 400s on o1-mini (crewAI, pydantic-ai, test/conformance).
    unsupported: { chat: { ...REASONING_UNSUPPORTED_CHAT, stop: null }, responses: REASONING_UNSUPPORTED_RESPONSES },
    defaultOnly: REASONING_SAMPLING_DEFAULTS,
    allowedWithReasoningNone: [],
    rejectedRoles: ["system", "developer"],
    source: `${OPENAI_FACTS}: o1 beta limitations (OpenAI reasoning guide, 2024-09) and observed rejections`,
  },
  {
    // GPT-5.1 and later: sampling parameters only with reasoning effort "none". 5.5/5.6 are
    // assumed to follow the 5.4 guide (no published statement); rejecting a valid request is
    // worse than letting the API decide, so they get the more permissive rule.
    models: ["gpt-5.1", "gpt-5.2", "gpt-5.4", "gpt-5.5", "gpt-5.6"],
    reasoning: true,
    unsupported: { chat: REASONING_UNSUPPORTED_CHAT, responses: REASONING_UNSUPPORTED_RESPONSES },
    defaultOnly: REASONING_SAMPLING_DEFAULTS,
    allowedWithReasoningNone: ["temperature", "top_p", "logprobs"],
    // GPT-5.1 defaults to effort "none": temperature 0.7 without an effort returned 200
    // (newrelic/newrelic-python-agent tests/mlmodel_openai/cassette.yaml, test/conformance).
    defaultReasoningEffort: "none",
    rejectedRoles: [],
    source: `${OPENAI_FACTS}: platform.openai.com/docs/guides/latest-model (GPT-5.1/5.2/5.4) and observed rejections of max_tokens (gpt-5.1, gpt-5.2, gpt-5.4)`,
  },
];

/** The parameter rules for `model`, or undefined when tokcost knows no restrictions for it. */
export function parameterRulesFor(model: string): ParameterRules | undefined {
  return matchFamily(model, PARAMETER_RULES)?.row;
}

/** Is `model` a reasoning model (o-series, GPT-5 family)? Reasoning tokens are billed as output. */
export function isReasoningModel(model: string): boolean {
  return parameterRulesFor(model)?.reasoning ?? false;
}
