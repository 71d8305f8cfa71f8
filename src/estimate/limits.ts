/**
 * Context-window arithmetic: does prompt + completion budget fit, and what is the largest
 * completion budget that does? Messages use the API's own wording, so a user who has seen the
 * 400 recognises it.
 */
import type { ModelEntry } from "../pricing/schema.js";
import type { NoticeCode } from "./notice.js";

/** The limits that matter for a request. Undefined = not published. */
export interface ModelLimits {
  contextWindow?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

/** The notice code of each kind of limit problem. */
export const LIMIT_PROBLEM_CODES = { context: "CONTEXT_LENGTH_EXCEEDED", input: "INPUT_TOO_LONG", output: "MAX_TOKENS_TOO_LARGE" } as const satisfies Record<string, NoticeCode>;

/** Why a request does not fit: which limit (`kind`, and its notice `code`), by how much (`actual` > `allowed`), in the API's words. */
export interface LimitProblem {
  kind: "context" | "input" | "output";
  code: (typeof LIMIT_PROBLEM_CODES)[keyof typeof LIMIT_PROBLEM_CODES];
  /** Tokens asked for: prompt + completion (context), prompt (input), the completion budget (output). */
  actual: number;
  /** The limit: the context window, the input cap, the output cap. */
  allowed: number;
  message: string;
}

/** Result of {@link checkLimits}. */
export interface LimitCheck {
  /** null when the model publishes no limits at all. */
  fits: boolean | null;
  /** Largest completion budget that fits with this prompt (0 when the prompt alone does not fit); null when unknown. */
  room: number | null;
  problems: LimitProblem[];
}

/** How the prompt is described in messages: a plain prompt (completions) or chat messages. */
export type PromptKind = "prompt" | "messages" | "input";

/** Limits of a table entry. */
export function limitsOf(entry: ModelEntry | undefined): ModelLimits {
  if (!entry) return {};
  return { contextWindow: entry.contextWindow, maxInputTokens: entry.maxInputTokens, maxOutputTokens: entry.maxOutputTokens };
}

/**
 * Checks prompt tokens and a completion budget against a model's limits.
 * `maxTokens` null = no completion budget given (only the prompt is checked).
 */
export function checkLimits(limits: ModelLimits, promptTokens: number, maxTokens: number | null, kind: PromptKind = "prompt", param = "max_tokens"): LimitCheck {
  const { contextWindow, maxInputTokens, maxOutputTokens } = limits;
  const problems: LimitProblem[] = [];
  const completion = maxTokens ?? 0;
  if (maxInputTokens !== undefined && promptTokens > maxInputTokens) {
    problems.push({
      kind: "input",
      code: LIMIT_PROBLEM_CODES.input,
      actual: promptTokens,
      allowed: maxInputTokens,
      message: `Input tokens exceed the configured limit of ${maxInputTokens} tokens. Your ${kind === "messages" ? "messages" : kind} resulted in ${promptTokens} tokens. Please reduce the length of the ${kind === "messages" ? "messages" : kind}.`,
    });
  }
  if (maxOutputTokens !== undefined && maxTokens !== null && maxTokens > maxOutputTokens) {
    problems.push({
      kind: "output",
      code: LIMIT_PROBLEM_CODES.output,
      actual: maxTokens,
      allowed: maxOutputTokens,
      message: `${param} is too large: ${maxTokens}. This model supports at most ${maxOutputTokens} completion tokens, whereas you provided ${maxTokens}.`,
    });
  }
  if (contextWindow !== undefined && promptTokens + completion > contextWindow) {
    const total = promptTokens + completion;
    let message: string;
    if (kind === "prompt") {
      message = `This model's maximum context length is ${contextWindow} tokens, however you requested ${total} tokens (${promptTokens} in your prompt; ${completion} for the completion). Please reduce your prompt; or completion length.`;
    } else if (maxTokens === null) {
      message = `This model's maximum context length is ${contextWindow} tokens. However, your ${kind === "messages" ? "messages" : kind} resulted in ${promptTokens} tokens. Please reduce the length of the ${kind === "messages" ? "messages" : kind}.`;
    } else {
      message = `This model's maximum context length is ${contextWindow} tokens. However, you requested ${total} tokens (${promptTokens} in the ${kind === "messages" ? "messages" : kind}, ${completion} in the completion). Please reduce the length of the ${kind === "messages" ? "messages" : kind} or completion.`;
    }
    problems.push({ kind: "context", code: LIMIT_PROBLEM_CODES.context, actual: total, allowed: contextWindow, message });
  }
  let room: number | null = null;
  if (contextWindow !== undefined || maxOutputTokens !== undefined) {
    const inputOk = maxInputTokens === undefined || promptTokens <= maxInputTokens;
    const byWindow = contextWindow !== undefined ? contextWindow - promptTokens : Infinity;
    const byOutput = maxOutputTokens ?? Infinity;
    room = inputOk ? Math.max(0, Math.min(byWindow, byOutput)) : 0;
  }
  const known = contextWindow !== undefined || maxInputTokens !== undefined || maxOutputTokens !== undefined;
  return { fits: known ? problems.length === 0 : null, room, problems };
}

/** "The largest max_tokens that fits is N" — appended to limit problems in human output. */
export function roomAdvice(room: number | null, param = "max_tokens"): string | undefined {
  if (room === null) return undefined;
  return room > 0 ? `the largest ${param} that fits is ${room}` : "the prompt alone does not fit: shorten it";
}
