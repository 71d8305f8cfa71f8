/**
 * Estimates a whole API request as the API will bill it: prompt tokens by the endpoint's
 * counting rules, the completion budget multiplied by the choices generated, context-window fit
 * in the API's wording, and the worst-case cost.
 *
 * Worst-case cost = prompt cost + max_tokens × max(n, best_of) × prompts × output price.
 */
import { InputError } from "../errors.js";
import type { ModelEntry } from "../pricing/schema.js";
import { cachedTokensForRatio, costOf, unpricedWarning, webSearchCost, withToolFees, type Cost, type SearchContextSize, type ServiceTier } from "../pricing/cost.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { checkLimits, limitsOf, type PromptKind } from "../estimate/limits.js";
import { resolveModel, type ResolvedModel } from "../estimate/model.js";
import { reasoningTokensOf, reasoningWarnings, type Estimate } from "../estimate/estimate.js";
import { getEncoding } from "../tokenizer/index.js";
import { isReasoningModel, MEDIA_KINDS, type RequestKind } from "./capabilities.js";
import { estimateMedia, type MediaBreakdown, type MediaOptions } from "./estimate-media.js";
import { DEFAULT_MODELS } from "./media-rules.js";
import { UnknownModelError } from "../errors.js";
import { CountState, chatFormatFor, countChatTokens, type ImageSizeOptions } from "./chat.js";
import { COMPLETIONS_DEFAULT_MAX_TOKENS, type CompletionsRequest } from "./schemas/completions.js";
import type { EmbeddingsRequest } from "./schemas/embeddings.js";
import type { ResponsesRequest } from "./schemas/responses.js";
import type { ChatRequest } from "./schemas/chat.js";
import { countFunctionDefinitions, type FunctionLike } from "./tools.js";
import { validateRequest, type ValidatedRequest } from "./validate.js";
import type { Calibration } from "./calibration.js";
import type { ImageDetail } from "./images.js";
import { optionsArg } from "../util/args.js";

const RESPONSES_CONTEXT_MESSAGE = "Your input exceeds the context window of this model. Please adjust your input and try again.";

/** Where the prompt tokens of a request come from. */
export interface RequestBreakdown {
  /** Message / prompt / input text, including per-message framing and reply priming (images excluded). */
  messages: number;
  /** Tool and function definitions, with their framing. */
  tools: number;
  /** What tool_choice / function_call add (chat). */
  toolChoice: number;
  /** Of `messages`: assistant tool calls and function calls replayed in the conversation. */
  toolCalls: number;
  /** Of `messages`: tool and function result messages. */
  toolResults: number;
  /** Image inputs. */
  images: number;
  /** Separately generated prompts (completions: one per prompt of a prompt array; embeddings: inputs). */
  prompts: number;
  /** Choices generated per prompt: max(n, best_of) — every one is billed. */
  choices: number;
  /** Output tokens billed in the worst case: max_tokens × choices × prompts. */
  completionTokens: number;
  /** Tokens of the largest single prompt (what must fit in the context window with max_tokens). */
  largestPrompt: number;
  /** Images, speech, transcription, moderation: what the call is billed in (absent for text endpoints). */
  media?: MediaBreakdown;
}

/** The estimate of a request: the foundation's {@link Estimate} plus the endpoint and a breakdown. */
export interface RequestEstimate extends Estimate {
  kind: RequestKind;
  /** The request parameter holding the completion budget (max_tokens, max_completion_tokens, max_output_tokens). */
  maxTokensParam: string | null;
  breakdown: RequestBreakdown;
}

/** Options for {@link estimateRequest}. */
export interface EstimateRequestOptions extends ImageSizeOptions, MediaOptions {
  /** Pricing table (default: bundled). */
  table?: PricingTable;
  /** Model to use when the body has none (or to override it). */
  model?: string;
  /** Count with this encoding instead of the model's. */
  encoding?: string;
  /** Endpoint, when known (e.g. from a batch line's url). */
  kind?: RequestKind;
  /** Price at Batch API rates (the table's batch prices, or the Batch API's 50% rule). Same as tier "batch". */
  batch?: boolean;
  /** Service tier to bill; default: the body's `service_tier` (flex, priority), else standard. */
  tier?: ServiceTier;
  /** Prompt tokens served from the prompt cache (billed at the cached-input rate). */
  cachedInputTokens?: number;
  /** Share of the prompt served from the cache, 0–1 (used when cachedInputTokens is not given). */
  cacheHitRatio?: number;
  /** Prompt tokens written to the prompt cache (5-minute) and to a 1-hour cache, at their cache-write rates. */
  cacheWriteInputTokens?: number;
  cacheWrite1hInputTokens?: number;
  /**
   * Hidden reasoning tokens per completion: billed as output (once per choice and prompt) and
   * counted against the completion budget in the limit check.
   */
  reasoningTokens?: number;
  /**
   * A reasoning effort level standing for `reasoningTokens` where its number is published
   * (default: the body's own `reasoning_effort` / `reasoning.effort`, when published).
   */
  reasoningEffort?: string;
  /** An already validated request (skips validation). */
  validated?: ValidatedRequest;
  /** Refuse nested fields the API does not document instead of accepting them with a warning. */
  strict?: boolean;
  /** Framing constants measured for a model by `tokcost calibrate` (applied when its model matches the request's). */
  calibration?: Calibration;
}

interface Counted {
  /** Billed prompt tokens, all prompts together. */
  promptTokens: number;
  largestPrompt: number;
  prompts: number;
  messages: number;
  tools: number;
  toolChoice?: number;
  toolCalls?: number;
  toolResults?: number;
  images: number;
  exact: boolean;
  warnings: string[];
  /** Completion budget per choice (null: none given). */
  maxTokens: number | null;
  maxTokensParam: string | null;
  choices: number;
  promptKind: PromptKind;
}

function countChatRequest(body: ChatRequest, options: EstimateRequestOptions): Counted {
  const counted = countChatTokens(body.messages, { model: body.model, tools: body.tools ?? undefined, functions: body.functions, toolChoice: body.tool_choice, functionCall: body.function_call, encoding: options.encoding, table: options.table, imageSize: options.imageSize, imageSizes: options.imageSizes, calibration: options.calibration });
  const warnings = [...counted.warnings];
  let exact = counted.exact;
  if (body.response_format?.type === "json_schema") {
    exact = false;
    warnings.push("a json_schema response_format adds the schema to the prompt in a form OpenAI has not published: its tokens are not counted");
  }
  if (body.prediction) warnings.push("predicted output: rejected prediction tokens are billed as completion tokens (not included)");
  const maxTokensParam = body.max_completion_tokens != null ? "max_completion_tokens" : body.max_tokens != null ? "max_tokens" : null;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;
  return { promptTokens: counted.total, largestPrompt: counted.total, prompts: 1, messages: counted.messages, tools: counted.tools, toolChoice: counted.toolChoice, toolCalls: counted.toolCalls, toolResults: counted.toolResults, images: counted.images, exact, warnings, maxTokens, maxTokensParam, choices: body.n ?? 1, promptKind: "messages" };
}

function countCompletionsRequest(body: CompletionsRequest, resolved: ResolvedModel): Counted {
  const enc = getEncoding(resolved.encoding);
  const warnings: string[] = [];
  const prompt = body.prompt ?? "<|endoftext|>";
  // Each prompt of a prompt array is its own completion.
  let counts: number[];
  if (typeof prompt === "string") counts = [body.prompt == null ? enc.count(prompt, { allowedSpecial: ["<|endoftext|>"] }) : enc.count(prompt)];
  else if (prompt.length > 0 && typeof prompt[0] === "number") counts = [prompt.length];
  else counts = (prompt as Array<string | number[]>).map((p) => (typeof p === "string" ? enc.count(p) : p.length));
  const suffix = body.suffix ? enc.count(body.suffix) : 0;
  counts = counts.map((c) => c + suffix);
  const promptTokens = counts.reduce((a, b) => a + b, 0);
  const choices = Math.max(body.n ?? 1, body.best_of ?? 1);
  if (body.best_of != null && body.best_of > (body.n ?? 1)) warnings.push(`best_of ${body.best_of}: all ${body.best_of} completions are generated and billed, though only ${body.n ?? 1} ${(body.n ?? 1) === 1 ? "is" : "are"} returned`);
  if (body.echo) warnings.push("echo: the prompt is returned with the completion; it is billed once, as prompt tokens");
  if (resolved.entry && resolved.entry.mode === "chat") warnings.push(`${resolved.entry.id} is a chat model; the /v1/completions endpoint serves completion models (gpt-3.5-turbo-instruct, davinci-002, babbage-002)`);
  return {
    promptTokens,
    largestPrompt: Math.max(...counts),
    prompts: counts.length,
    messages: promptTokens,
    tools: 0,
    images: 0,
    exact: true,
    warnings,
    maxTokens: body.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS,
    maxTokensParam: "max_tokens",
    choices,
    promptKind: "prompt",
  };
}

function countEmbeddingsRequest(body: EmbeddingsRequest, resolved: ResolvedModel): Counted {
  const enc = getEncoding(resolved.encoding);
  const input = body.input;
  let counts: number[];
  // An empty string is billed as 1 token (recorded: text-embedding-ada-002-v2, dd-trace-py, test/conformance).
  const countText = (text: string) => Math.max(1, enc.count(text));
  if (typeof input === "string") counts = [countText(input)];
  else if (input.length > 0 && typeof input[0] === "number") counts = [input.length];
  else counts = (input as Array<string | number[]>).map((p) => (typeof p === "string" ? countText(p) : p.length));
  const promptTokens = counts.reduce((a, b) => a + b, 0);
  return { promptTokens, largestPrompt: Math.max(...counts), prompts: counts.length, messages: promptTokens, tools: 0, images: 0, exact: true, warnings: [], maxTokens: null, maxTokensParam: null, choices: 0, promptKind: "input" };
}

function countResponsesRequest(body: ResponsesRequest & { model: string }, resolved: ResolvedModel, options: EstimateRequestOptions): Counted {
  const enc = getEncoding(resolved.encoding);
  const format = chatFormatFor(body.model);
  const state = new CountState(body.model, enc, options);
  state.inexact("the Responses API's message framing is unpublished: input is counted by the Chat Completions rule and may differ by a few tokens");
  let text = 0;
  let images = 0;
  let messages = 0;
  const message = (role: string, parts: Array<{ text?: number; images?: number }>) => {
    messages++;
    text += format.tokensPerMessage + enc.count(role);
    for (const p of parts) {
      text += p.text ?? 0;
      images += p.images ?? 0;
    }
  };
  if (body.instructions) message("developer", [{ text: enc.count(body.instructions) }]);
  const input = body.input;
  if (typeof input === "string") message("user", [{ text: enc.count(input) }]);
  else if (Array.isArray(input)) {
    input.forEach((item, i) => {
      const it = item as Record<string, unknown>;
      if (it.type === undefined || it.type === "message") {
        const content = it.content;
        if (typeof content === "string") return message(String(it.role), [{ text: enc.count(content) }]);
        const parts = (content as Array<Record<string, unknown>>).map((part, j) => {
          switch (part.type) {
            case "input_text":
            case "output_text":
              return { text: enc.count(String(part.text)) };
            case "refusal":
              return { text: enc.count(String(part.refusal)) };
            case "input_image":
              if (typeof part.image_url === "string") return { images: state.image(part.image_url, part.detail as ImageDetail | undefined, `input[${i}].content[${j}].image_url`) };
              return { images: state.image(undefined, part.detail as ImageDetail | undefined, `input[${i}].content[${j}]`) };
            case "input_file":
              state.inexact("file inputs (PDFs) are billed by their extracted text and page images, which tokcost does not count yet");
              return {};
            default:
              state.inexact(`content part type "${String(part.type)}" is not counted`);
              return {};
          }
        });
        return message(String(it.role), parts);
      }
      if (it.type === "function_call") {
        state.inexact("function calls replayed as input: their framing is unpublished");
        text += enc.count(String(it.name)) + enc.count(String(it.arguments));
        return;
      }
      if (it.type === "function_call_output") {
        state.inexact("function call outputs: their framing is unpublished");
        text += typeof it.output === "string" ? enc.count(it.output) : 0;
        return;
      }
      state.inexact(`input items of type "${String(it.type)}" are not counted`);
    });
  }
  if (messages > 0) text += format.replyPriming;
  const functions: FunctionLike[] = [];
  for (const tool of body.tools ?? []) {
    const t = tool as Record<string, unknown>;
    if (t.type === "function") functions.push({ name: String(t.name), description: (t.description as string | null | undefined) ?? undefined, parameters: (t.parameters as Record<string, unknown> | null | undefined) ?? undefined });
    else state.inexact(`built-in tool "${String(t.type)}": its definition and any results it adds are billed but not counted`);
  }
  const toolCount = countFunctionDefinitions(functions, { model: body.model, encoding: enc });
  for (const w of toolCount.warnings) state.warnings.add(w);
  if (body.previous_response_id || body.conversation) state.inexact("previous_response_id / conversation: the earlier turns are billed as input too and are not counted here");
  if (body.prompt) state.inexact("a stored prompt template is billed as input and is not counted here");
  if (body.text?.format?.type === "json_schema") state.inexact("a json_schema text format adds the schema to the prompt in a form OpenAI has not published: not counted");
  const promptTokens = text + images + toolCount.tokens;
  return {
    promptTokens,
    largestPrompt: promptTokens,
    prompts: 1,
    messages: text,
    tools: toolCount.tokens,
    images,
    exact: state.exact && toolCount.exact,
    warnings: [...state.warnings],
    maxTokens: body.max_output_tokens ?? null,
    maxTokensParam: body.max_output_tokens != null ? "max_output_tokens" : null,
    choices: 1,
    promptKind: "input",
  };
}

/** The reasoning effort a body asks for (chat `reasoning_effort`, Responses `reasoning.effort`). */
/**
 * Web-search calls a request makes: a *-search-* chat model searches on every request
 * (`web_search_options` sets the context size); a Responses request searches at least once per
 * `web_search` tool (the model decides how many more). Priced at the model's per-call fee.
 */
function webSearchCallsOf(validated: ValidatedRequest, entry: ModelEntry | undefined): { calls: number; size: SearchContextSize; atLeast: boolean } | undefined {
  const sizeOf = (v: unknown): SearchContextSize => (v === "low" || v === "high" ? v : "medium");
  if (validated.kind === "chat") {
    const options = (validated.body as { web_search_options?: Record<string, unknown> | null }).web_search_options;
    const model = String(validated.body.model ?? "");
    if (options || (entry?.pricing.webSearch && /search/i.test(entry.id)) || /-search-/i.test(model)) return { calls: 1, size: sizeOf(options?.search_context_size), atLeast: false };
  }
  if (validated.kind === "responses") {
    const tools = ((validated.body as { tools?: { type?: string; search_context_size?: unknown }[] }).tools ?? []).filter((t) => typeof t?.type === "string" && /^web_search/.test(t.type));
    if (tools.length) return { calls: tools.length, size: sizeOf(tools[0].search_context_size), atLeast: true };
  }
  return undefined;
}

/** `cost` with the request's web-search fee added, and a warning that says how it was priced. */
function withWebSearch(cost: Cost, validated: ValidatedRequest, entry: ModelEntry | undefined, warnings: string[]): Cost {
  const search = webSearchCallsOf(validated, entry);
  if (!search) return cost;
  if (!entry) {
    warnings.push("web search is billed per call on top of the tokens; the model is not in the table, so that fee is not included");
    return withToolFees(cost, null);
  }
  const fee = webSearchCost(entry, search.calls, search.size);
  warnings.push(search.atLeast ? `${fee.note} (at least one call per web_search tool: the model decides how many searches it makes)` : fee.note);
  return withToolFees(cost, fee.usd);
}

function effortOfBody(validated: ValidatedRequest): string | undefined {
  if (validated.kind === "chat") return validated.body.reasoning_effort ?? undefined;
  if (validated.kind === "responses") return validated.body.reasoning?.effort ?? undefined;
  return undefined;
}

/** The tier a body asks for: service_tier "flex" or "priority" bill at those rates. */
function tierOfBody(validated: ValidatedRequest): ServiceTier {
  const requested = validated.kind === "chat" || validated.kind === "responses" ? validated.body.service_tier : undefined;
  return requested === "flex" || requested === "priority" ? requested : "standard";
}

function defaultParam(kind: RequestKind, model: string): string {
  if (kind === "responses") return "max_output_tokens";
  if (kind === "chat") return isReasoningModel(model) ? "max_completion_tokens" : "max_tokens";
  return "max_tokens";
}

/**
 * Estimates an API request body before it is sent: validates it as the API would (throws
 * {@link InvalidRequestError} in the API's words), counts its prompt tokens by the endpoint's
 * rules, checks the context window and prices the worst case.
 *
 * @example
 * const e = estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_tokens: 100 });
 * e.kind;               // "chat"
 * e.promptTokens;       // 8
 * e.breakdown.messages; // 8
 */
export function estimateRequest(body: unknown, options: EstimateRequestOptions = {}): RequestEstimate {
  options = optionsArg(options, "estimateRequest");
  const validated = options.validated ?? validateRequest(body, { model: options.model, kind: options.kind, strict: options.strict });
  if (MEDIA_KINDS.has(validated.kind)) return estimateMediaRequest(validated, options);
  const model = validated.body.model as string | undefined;
  // A Responses request may take its model from a stored prompt, which is not available offline.
  if (model === undefined) throw new InputError("the request names no model (its stored prompt supplies one): give the model to estimate it with (--model, or the model option)");
  const resolved = resolveModel(model, { table: options.table, encoding: options.encoding });
  let counted: Counted;
  switch (validated.kind) {
    case "chat":
      counted = countChatRequest(validated.body, options);
      break;
    case "completions":
      counted = countCompletionsRequest(validated.body, resolved);
      break;
    case "embeddings":
      counted = countEmbeddingsRequest(validated.body, resolved);
      break;
    case "responses":
      counted = countResponsesRequest({ ...validated.body, model }, resolved, options);
      break;
    default:
      throw new InputError(`not a text request: ${validated.kind}`);
  }
  const warnings = [...resolved.warnings, ...validated.notices.map((n) => n.text), ...counted.warnings];
  // Undocumented fields are not counted; whether the API counts them is not known.
  if (validated.notices.some((n) => n.code === "UNKNOWN_FIELD")) counted.exact = false;
  const limits = limitsOf(resolved.entry);
  const param = counted.maxTokensParam ?? defaultParam(validated.kind, model);
  const reasoning = validated.kind === "embeddings" ? { notes: [] } : reasoningTokensOf(resolved.entry?.id ?? model, options, effortOfBody(validated));
  const reasoningTokens = reasoning.tokens;
  warnings.push(...reasoning.notes);
  // Reasoning tokens count against the completion budget (max_completion_tokens / max_output_tokens).
  const completionBudget = reasoningTokens ? (counted.maxTokens ?? 0) + reasoningTokens : counted.maxTokens;
  const check = checkLimits(limits, counted.largestPrompt, completionBudget, counted.promptKind, param);
  const completions = counted.choices * counted.prompts;
  const completionTokens = (counted.maxTokens ?? 0) * completions;
  const tier = options.batch ? "batch" : options.tier ?? tierOfBody(validated);
  const cachedInputTokens = options.cachedInputTokens ?? (options.cacheHitRatio === undefined ? undefined : cachedTokensForRatio(counted.promptTokens, options.cacheHitRatio));
  let cost: Cost;
  if (!resolved.entry) cost = { currency: "USD", prompt: null, completion: null, total: null };
  else cost = costOf(resolved.entry, { inputTokens: counted.promptTokens, cachedInputTokens, cacheWriteInputTokens: options.cacheWriteInputTokens, cacheWrite1hInputTokens: options.cacheWrite1hInputTokens, outputTokens: completionTokens, reasoningTokens: reasoningTokens === undefined ? undefined : reasoningTokens * completions }, { tier });
  warnings.push(...(cost.notes ?? []));
  const unpriced = resolved.entry && unpricedWarning(resolved.entry, cost);
  if (unpriced) warnings.push(unpriced);
  cost = withWebSearch(cost, validated, resolved.entry, warnings);
  if (validated.kind !== "embeddings") {
    warnings.push(...reasoningWarnings(model, reasoningTokens, { isReasoning: isReasoningModel(model) || resolved.entry?.reasoning === true, known: resolved.entry !== undefined, param }));
  }
  if (counted.maxTokens === null && validated.kind !== "embeddings") {
    const bound = check.room !== null ? ` (up to ${check.room} tokens)` : "";
    warnings.push(`no ${param} set: the completion can run to the model's limit${bound}; its cost is not included — set ${param} to bound it`);
  }
  if (counted.choices > 1 && counted.maxTokens !== null) warnings.push(`${counted.choices} choices per prompt: the completion budget is billed ${counted.choices} times`);
  return {
    model,
    encoding: resolved.encoding,
    exact: resolved.exact && counted.exact,
    promptTokens: counted.promptTokens,
    maxTokens: counted.maxTokens,
    contextWindow: limits.contextWindow ?? null,
    maxInputTokens: limits.maxInputTokens ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    fits: check.fits,
    room: check.room,
    cost,
    // The Responses API words a context overflow its own way (openai-api-facts.json, context_length_exceeded (Responses API)).
    problems: check.problems.map((p) => (validated.kind === "responses" && p.kind === "context" ? RESPONSES_CONTEXT_MESSAGE : p.message)),
    warnings,
    kind: validated.kind,
    maxTokensParam: counted.maxTokensParam,
    breakdown: {
      messages: counted.messages,
      tools: counted.tools,
      toolChoice: counted.toolChoice ?? 0,
      toolCalls: counted.toolCalls ?? 0,
      toolResults: counted.toolResults ?? 0,
      images: counted.images,
      prompts: counted.prompts,
      choices: counted.choices,
      completionTokens,
      largestPrompt: counted.largestPrompt,
    },
  };
}

/** A media model's entry and encoding: image, speech and per-minute models have no tokenizer of their own. */
function resolveMediaModel(model: string, options: EstimateRequestOptions): ResolvedModel {
  try {
    return resolveModel(model, { table: options.table, encoding: options.encoding });
  } catch (error) {
    const entry = (options.table ?? bundledPricingTable()).match(model)?.entry;
    if (!(error instanceof UnknownModelError) || !entry) throw error;
    // Prompt text of these models (a whisper prompt, a dall-e prompt) is not billed per token.
    return { id: model, entry, encoding: "o200k_base", exact: true, warnings: [] };
  }
}

function estimateMediaRequest(validated: ValidatedRequest, options: EstimateRequestOptions): RequestEstimate {
  const model = (validated.body.model as string | null | undefined) ?? DEFAULT_MODELS[validated.kind];
  if (model === undefined) throw new InputError("the request names no model: give the model to estimate it with (--model, or the model option)");
  const resolved = resolveMediaModel(model, options);
  const counted = estimateMedia(validated, model, resolved, options);
  const warnings = [...resolved.warnings, ...validated.notices.map((n) => n.text), ...counted.warnings];
  if (!validated.body.model) warnings.push(`no model given: the API's default, ${model}`);
  if (counted.cost.total === null && !counted.warnings.some((w) => /unknown|no per-image price|cannot be read/.test(w))) warnings.push(`${model} has no published price for this request in the table`);
  const limits = limitsOf(resolved.entry);
  const check = checkLimits(limits, counted.promptTokens, null, "input");
  const exact = resolved.exact && counted.exact && !validated.notices.some((n) => n.code === "UNKNOWN_FIELD");
  return {
    model,
    encoding: resolved.encoding,
    exact,
    promptTokens: counted.promptTokens,
    maxTokens: null,
    contextWindow: limits.contextWindow ?? null,
    maxInputTokens: limits.maxInputTokens ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    fits: check.fits,
    room: null,
    cost: counted.cost,
    problems: check.problems.map((p) => p.message),
    warnings,
    kind: validated.kind,
    maxTokensParam: null,
    breakdown: { messages: counted.promptTokens - counted.media.imageInputTokens, tools: 0, toolChoice: 0, toolCalls: 0, toolResults: 0, images: counted.media.imageInputTokens, prompts: 1, choices: 0, completionTokens: counted.completionTokens, largestPrompt: counted.promptTokens, media: counted.media },
  };
}

// ---------------------------------------------------------------------------------------------
// Vendor counts (used by estimate-remote.ts; kept apart from the estimator above).

/**
 * `estimate` with its prompt tokens replaced by `promptTokens` (a vendor's count): fit, room,
 * problems and cost re-derived from that count the way {@link estimateRequest} derives them.
 * Only for single-prompt requests (chat, responses: the caller checks); `validated` and
 * `options` are the ones the estimate was made with. The breakdown stays the local count's.
 */
export function withPromptTokens(estimate: RequestEstimate, promptTokens: number, validated: ValidatedRequest, options: EstimateRequestOptions = {}): RequestEstimate {
  const resolved = resolveModel(estimate.model, { table: options.table, encoding: options.encoding });
  const param = estimate.maxTokensParam ?? defaultParam(estimate.kind, estimate.model);
  const reasoningTokens = reasoningTokensOf(resolved.entry?.id ?? estimate.model, options, effortOfBody(validated)).tokens;
  const completionBudget = reasoningTokens ? (estimate.maxTokens ?? 0) + reasoningTokens : estimate.maxTokens;
  const check = checkLimits(limitsOf(resolved.entry), promptTokens, completionBudget, estimate.kind === "chat" ? "messages" : "input", param);
  const completions = estimate.breakdown.choices * estimate.breakdown.prompts;
  const tier = options.batch ? "batch" : options.tier ?? tierOfBody(validated);
  const cachedInputTokens = options.cachedInputTokens ?? (options.cacheHitRatio === undefined ? undefined : cachedTokensForRatio(promptTokens, options.cacheHitRatio));
  const cost: Cost = resolved.entry ? costOf(resolved.entry, { inputTokens: promptTokens, cachedInputTokens, cacheWriteInputTokens: options.cacheWriteInputTokens, cacheWrite1hInputTokens: options.cacheWrite1hInputTokens, outputTokens: estimate.breakdown.completionTokens, reasoningTokens: reasoningTokens === undefined ? undefined : reasoningTokens * completions }, { tier }) : { currency: "USD", prompt: null, completion: null, total: null };
  // Warnings that depend on the prompt count are re-derived; the others stand.
  const stale = new Set([...(estimate.cost.notes ?? []), ...(resolved.entry ? [unpricedWarning(resolved.entry, estimate.cost)] : [])]);
  const warnings = estimate.warnings.filter((w) => !stale.has(w) && !w.startsWith(`no ${param} set:`));
  warnings.push(...(cost.notes ?? []));
  const unpriced = resolved.entry && unpricedWarning(resolved.entry, cost);
  if (unpriced) warnings.push(unpriced);
  if (estimate.maxTokens === null) warnings.push(`no ${param} set: the completion can run to the model's limit${check.room !== null ? ` (up to ${check.room} tokens)` : ""}; its cost is not included — set ${param} to bound it`);
  return {
    ...estimate,
    promptTokens,
    fits: check.fits,
    room: check.room,
    // The web-search fee does not depend on the prompt count: carried over.
    cost: estimate.cost.toolFees === undefined ? cost : withToolFees(cost, estimate.cost.toolFees),
    problems: check.problems.map((p) => (estimate.kind === "responses" && p.kind === "context" ? RESPONSES_CONTEXT_MESSAGE : p.message)),
    warnings,
    breakdown: { ...estimate.breakdown, largestPrompt: promptTokens },
  };
}
