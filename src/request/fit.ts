/**
 * Fitting a conversation into the context window. A chat application resends the whole history
 * every turn; when it no longer fits, {@link fitMessages} drops the oldest turns — never the
 * system/developer messages, never the last user message (and what follows it), and never an
 * assistant tool call without its tool results (a turn is dropped whole) — until the prompt plus
 * the completion budget fits.
 */
import { InputError, UnknownModelError } from "../errors.js";
import { resolveModel } from "../estimate/model.js";
import { limitsOf } from "../estimate/limits.js";
import type { PricingTable } from "../pricing/table.js";
import { countChatTokens, type ChatMessageLike, type ImageSizeOptions } from "./chat.js";
import type { FunctionLike } from "./tools.js";
import { optionsArg } from "../util/args.js";
import { isMessageArray, isPlainObject } from "./shape.js";

/** Options for {@link fitMessages}. */
export interface FitOptions extends ImageSizeOptions {
  model: string;
  /** Completion budget to leave room for. */
  maxTokens: number;
  tools?: ReadonlyArray<{ type: string; function?: FunctionLike; [key: string]: unknown }>;
  functions?: readonly FunctionLike[];
  /** Override the model's context window (e.g. to keep a safety margin). */
  contextWindow?: number;
  table?: PricingTable;
  encoding?: string;
}

/** Result of {@link fitMessages}. */
export interface FitResult<M extends ChatMessageLike = ChatMessageLike> {
  /** Messages to send, in their original order. */
  kept: M[];
  /** Messages dropped, in their original order. */
  dropped: M[];
  /** Original indexes of the dropped messages. */
  droppedIndexes: number[];
  /** Prompt tokens of `kept` (with tools). */
  promptTokens: number;
  maxTokens: number;
  /** The limit prompt + maxTokens must stay within. */
  limit: number;
  /** false when even the protected messages do not fit. */
  fits: boolean;
  exact: boolean;
  warnings: string[];
}

const isSystem = (m: ChatMessageLike) => m.role === "system" || m.role === "developer";

const WINDOW_HINT = "--context-window <n>; library: contextWindow";

/**
 * Drops the oldest turns until `prompt + maxTokens` fits the model's context window (and its
 * input cap). A turn is a user message and everything up to the next user message, so tool
 * calls always leave together with their results.
 *
 * @example
 * const { kept, dropped } = fitMessages(history, { model: "gpt-4o", maxTokens: 1000 });
 */
export function fitMessages<M extends ChatMessageLike>(messages: readonly M[], options: FitOptions): FitResult<M> {
  options = optionsArg(options, "fitMessages");
  if (!Number.isSafeInteger(options.maxTokens) || options.maxTokens < 0) throw new InputError(`maxTokens must be a non-negative whole number, got ${options.maxTokens}`);
  // A model the table does not list has no known window: accepted only with an explicit contextWindow.
  let resolved;
  try {
    resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding, allowUnpriced: options.contextWindow !== undefined });
  } catch (error) {
    // What fitting needs of a model is its window: say how to give it (allowUnpriced does not apply here).
    if (error instanceof UnknownModelError)
      throw new UnknownModelError(
        error.model,
        error.suggestions,
        `it is not in the pricing table, so its context window is unknown: fix the id, add it with --pricing <file>, or give the window (${WINDOW_HINT})`,
      );
    throw error;
  }
  const limits = limitsOf(resolved.entry);
  const window = options.contextWindow ?? limits.contextWindow;
  if (window === undefined) throw new InputError(`no context window known for "${options.model}": give it (${WINDOW_HINT})`);
  // The prompt must fit the window together with maxTokens, and the input cap on its own.
  const limit = window;
  const inputCap = options.contextWindow === undefined ? limits.maxInputTokens : undefined;

  const counted = countChatTokens(messages, {
    model: options.model,
    tools: options.tools,
    functions: options.functions,
    encoding: options.encoding,
    table: options.table,
    imageSize: options.imageSize,
    imageSizes: options.imageSizes,
  });

  // Turns that may be dropped: everything before the last user message, minus system/developer.
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m.role === "user") lastUser = i;
  });
  const turns: number[][] = [];
  for (let i = 0; i < (lastUser < 0 ? 0 : lastUser); i++) {
    if (isSystem(messages[i])) continue;
    if (messages[i].role === "user" || turns.length === 0) turns.push([]);
    turns[turns.length - 1].push(i);
  }

  const droppedSet = new Set<number>();
  let prompt = counted.total;
  const fitsNow = () => prompt + options.maxTokens <= limit && (inputCap === undefined || prompt <= inputCap);
  for (const turn of turns) {
    if (fitsNow()) break;
    for (const i of turn) {
      droppedSet.add(i);
      prompt -= counted.perMessage[i];
    }
  }
  const kept = messages.filter((_, i) => !droppedSet.has(i));
  const dropped = messages.filter((_, i) => droppedSet.has(i));
  const warnings = [...counted.warnings];
  const fits = fitsNow();
  if (!fits) warnings.push(`the system/developer messages and the last user turn alone take ${prompt} tokens: they do not fit ${limit} with ${options.maxTokens} for the completion`);
  return { kept, dropped, droppedIndexes: [...droppedSet].sort((a, b) => a - b), promptTokens: prompt, maxTokens: options.maxTokens, limit, fits, exact: counted.exact, warnings };
}

/** A conversation as a file holds it: a bare array of messages, or a chat request body with `messages`. */
export type Conversation = ChatMessageLike[] | { messages: ChatMessageLike[]; [key: string]: unknown };

/** Options for {@link fitConversation}: {@link FitOptions} with the model and budget optional when the body has them. */
export interface FitConversationOptions extends Omit<FitOptions, "model" | "maxTokens" | "tools" | "functions"> {
  /** Model (default: the body's `model`). */
  model?: string;
  /** Completion budget (default: the body's `max_completion_tokens` or `max_tokens`). */
  maxTokens?: number;
}

/** Result of {@link fitConversation}: the fitted conversation in the shape it came in, and the fit. */
export interface FitConversationResult extends FitResult {
  /** A bare array of the kept messages, or the body with its `messages` replaced by them. */
  conversation: Conversation;
  shape: "messages" | "request";
  model: string;
}

/**
 * {@link fitMessages} for a conversation as saved: a bare array of chat messages or a chat
 * request body (its `tools`/`functions` count, its `model` and completion budget are the
 * defaults). The result keeps the input's shape and every other field of the body.
 * @throws InputError when the value is not a conversation; UsageError-like InputError when no
 * model or completion budget is known.
 */
export function fitConversation(value: unknown, options: FitConversationOptions = {}): FitConversationResult {
  const body = isMessageArray(value) ? undefined : isPlainObject(value) && Array.isArray(value.messages) ? value : null;
  if (body === null) throw new InputError('expected a conversation: a JSON array of chat messages, or a chat request body with "messages"');
  const messages = (body ? body.messages : value) as ChatMessageLike[];
  if (!isMessageArray(messages)) throw new InputError('"messages" must be a non-empty array of messages, each with a "role"');
  const model = options.model ?? (typeof body?.model === "string" ? body.model : undefined);
  if (model === undefined) throw new InputError('no model: name one with -m (e.g. -m gpt-4o), or set "model" in the request body');
  const own = body?.max_completion_tokens ?? body?.max_tokens;
  const maxTokens = options.maxTokens ?? (typeof own === "number" ? own : undefined);
  if (maxTokens === undefined) throw new InputError("no completion budget: pass --max-tokens (e.g. --max-tokens 1000), or set max_tokens in the request body");
  const tools = Array.isArray(body?.tools) ? (body.tools as FitOptions["tools"]) : undefined;
  const functions = Array.isArray(body?.functions) ? (body.functions as FitOptions["functions"]) : undefined;
  const fit = fitMessages(messages, { ...options, model, maxTokens, tools, functions });
  return { ...fit, conversation: body ? { ...body, messages: fit.kept } : fit.kept, shape: body ? "request" : "messages", model };
}
