/**
 * Estimates a whole API request as the API will bill it: prompt tokens by the endpoint's
 * counting rules, the completion budget multiplied by the choices generated, context-window fit
 * in the API's wording, and the worst-case cost.
 *
 * Worst-case cost = prompt cost + max_tokens × max(n, best_of) × prompts × output price.
 */
import { InputError } from "../errors.js";
import type { ModelEntry } from "../pricing/schema.js";
import { webSearchCost, type SearchContextSize, type ServiceTier } from "../pricing/cost.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import type { PromptKind } from "../estimate/limits.js";
import { resolveModel, type ResolvedModel } from "../estimate/model.js";
import { assembleEstimate, type Estimate } from "../estimate/estimate.js";
import { notice, noticesOf, type Notice } from "../estimate/notice.js";
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
  /**
   * Output tokens billed in the worst case: the completion budget (with none set, the most the
   * model may generate) × choices × prompts, plus reasoning tokens — what `cost.completion` prices.
   */
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
  /** Estimate a model the pricing table does not list (tokens only) instead of throwing UnknownModelError. */
  allowUnpriced?: boolean;
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
  notices: Notice[];
  /** Completion budget per choice (null: none given). */
  maxTokens: number | null;
  maxTokensParam: string | null;
  choices: number;
  promptKind: PromptKind;
}

function countChatRequest(body: ChatRequest, options: EstimateRequestOptions): Counted {
  const counted = countChatTokens(body.messages, {
    model: body.model,
    tools: body.tools ?? undefined,
    functions: body.functions,
    toolChoice: body.tool_choice,
    functionCall: body.function_call,
    encoding: options.encoding,
    table: options.table,
    imageSize: options.imageSize,
    imageSizes: options.imageSizes,
    calibration: options.calibration,
  });
  const notices = noticesOf("INEXACT_COUNT", counted.warnings);
  let exact = counted.exact;
  if (body.response_format?.type === "json_schema") {
    exact = false;
    notices.push(notice("INEXACT_COUNT", "a json_schema response_format adds the schema to the prompt in a form OpenAI has not published: its tokens are not counted", "response_format"));
  }
  if (body.prediction) notices.push(notice("BILLING_NOTE", "predicted output: rejected prediction tokens are billed as completion tokens (not included)", "prediction"));
  const maxTokensParam = body.max_completion_tokens != null ? "max_completion_tokens" : body.max_tokens != null ? "max_tokens" : null;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;
  return {
    promptTokens: counted.total,
    largestPrompt: counted.total,
    prompts: 1,
    messages: counted.messages,
    tools: counted.tools,
    toolChoice: counted.toolChoice,
    toolCalls: counted.toolCalls,
    toolResults: counted.toolResults,
    images: counted.images,
    exact,
    notices,
    maxTokens,
    maxTokensParam,
    choices: body.n ?? 1,
    promptKind: "messages",
  };
}

function countCompletionsRequest(body: CompletionsRequest, resolved: ResolvedModel): Counted {
  const enc = getEncoding(resolved.encoding);
  const notices: Notice[] = [];
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
  if (body.best_of != null && body.best_of > (body.n ?? 1))
    notices.push(
      notice(
        "BILLING_NOTE",
        `best_of ${body.best_of}: all ${body.best_of} completions are generated and billed, though only ${body.n ?? 1} ${(body.n ?? 1) === 1 ? "is" : "are"} returned`,
        "best_of",
        { bestOf: body.best_of },
      ),
    );
  if (body.echo) notices.push(notice("BILLING_NOTE", "echo: the prompt is returned with the completion; it is billed once, as prompt tokens", "echo"));
  if (resolved.entry && resolved.entry.mode === "chat")
    notices.push(
      notice("WRONG_ENDPOINT", `${resolved.entry.id} is a chat model; the /v1/completions endpoint serves completion models (gpt-3.5-turbo-instruct, davinci-002, babbage-002)`, resolved.entry.id),
    );
  return {
    promptTokens,
    largestPrompt: Math.max(...counts),
    prompts: counts.length,
    messages: promptTokens,
    tools: 0,
    images: 0,
    exact: true,
    notices,
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
  return {
    promptTokens,
    largestPrompt: Math.max(...counts),
    prompts: counts.length,
    messages: promptTokens,
    tools: 0,
    images: 0,
    exact: true,
    notices: [],
    maxTokens: null,
    maxTokensParam: null,
    choices: 0,
    promptKind: "input",
  };
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
    if (t.type === "function")
      functions.push({
        name: String(t.name),
        description: (t.description as string | null | undefined) ?? undefined,
        parameters: (t.parameters as Record<string, unknown> | null | undefined) ?? undefined,
      });
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
    notices: noticesOf("INEXACT_COUNT", state.warnings),
    maxTokens: body.max_output_tokens ?? null,
    maxTokensParam: body.max_output_tokens != null ? "max_output_tokens" : null,
    choices: 1,
    promptKind: "input",
  };
}

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

/** The request's web-search fee, and a notice that says how it was priced (none when it does not search). */
function webSearchFees(validated: ValidatedRequest, entry: ModelEntry | undefined): { usd: number | null; notice: Notice } | undefined {
  const search = webSearchCallsOf(validated, entry);
  if (!search) return undefined;
  const subject = entry?.id ?? String(validated.body.model ?? "");
  if (!entry)
    return {
      usd: null,
      notice: notice("TOOL_FEE", "web search is billed per call on top of the tokens; the model is not in the table, so that fee is not included", subject, { calls: search.calls }),
    };
  const fee = webSearchCost(entry, search.calls, search.size);
  const text = search.atLeast ? `${fee.note} (at least one call per web_search tool: the model decides how many searches it makes)` : fee.note;
  return { usd: fee.usd, notice: notice("TOOL_FEE", text, subject, { calls: search.calls, size: search.size, usd: fee.usd }) };
}

/** The reasoning effort a body asks for (chat `reasoning_effort`, Responses `reasoning.effort`). */
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
  return estimateValidated(validated, options);
}

/** The notices of validation (undocumented fields). */
function validationNotices(validated: ValidatedRequest): Notice[] {
  return validated.notices.map((n) => notice(n.code, n.text, n.param));
}

/** {@link estimateRequest} of a validated body; `promptTokens` replaces the local count (a vendor's count). */
function estimateValidated(validated: ValidatedRequest, options: EstimateRequestOptions, promptTokens?: number): RequestEstimate {
  if (MEDIA_KINDS.has(validated.kind)) return estimateMediaRequest(validated, options);
  const model = validated.body.model as string | undefined;
  // A Responses request may take its model from a stored prompt, which is not available offline.
  if (model === undefined) throw new InputError("the request names no model (its stored prompt supplies one): give the model to estimate it with (--model, or the model option)");
  const resolved = resolveModel(model, { table: options.table, encoding: options.encoding, allowUnpriced: options.allowUnpriced });
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
  // Undocumented fields are not counted; whether the API counts them is not known.
  const exact = counted.exact && !validated.notices.some((n) => n.code === "UNKNOWN_FIELD");
  const estimate = assembleEstimate({
    resolved,
    model,
    promptTokens: promptTokens ?? counted.promptTokens,
    largestPrompt: promptTokens ?? counted.largestPrompt,
    exact,
    promptKind: counted.promptKind,
    maxTokens: counted.maxTokens,
    maxTokensBasis: validated.kind === "completions" && validated.body.max_tokens == null ? "api_default" : "max_tokens",
    param: counted.maxTokensParam ?? defaultParam(validated.kind, model),
    choices: counted.choices,
    prompts: counted.prompts,
    output: validated.kind !== "embeddings",
    billing: {
      tier: options.batch ? "batch" : (options.tier ?? tierOfBody(validated)),
      cachedInputTokens: options.cachedInputTokens,
      cacheHitRatio: options.cacheHitRatio,
      cacheWriteInputTokens: options.cacheWriteInputTokens,
      cacheWrite1hInputTokens: options.cacheWrite1hInputTokens,
      reasoningTokens: options.reasoningTokens,
      reasoningEffort: options.reasoningEffort,
    },
    toolFees: webSearchFees(validated, resolved.entry),
    implicitEffort: effortOfBody(validated),
    isReasoning: isReasoningModel(model) || resolved.entry?.reasoning === true,
    notices: [...resolved.notices, ...validationNotices(validated), ...counted.notices],
    // The Responses API words a context overflow its own way (openai-api-facts.json, context_length_exceeded (Responses API)).
    contextMessage: validated.kind === "responses" ? RESPONSES_CONTEXT_MESSAGE : undefined,
  });
  return {
    ...estimate,
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
      // Unbounded (no limit published, none set): 0 here; the estimate's completionTokens is null.
      completionTokens: estimate.completionTokens ?? 0,
      largestPrompt: promptTokens ?? counted.largestPrompt,
    },
  };
}

/** A media model's entry and encoding: image, speech and per-minute models have no tokenizer of their own. */
function resolveMediaModel(model: string, options: EstimateRequestOptions): ResolvedModel {
  try {
    return resolveModel(model, { table: options.table, encoding: options.encoding, allowUnpriced: options.allowUnpriced });
  } catch (error) {
    const entry = (options.table ?? bundledPricingTable()).match(model)?.entry;
    if (!(error instanceof UnknownModelError) || !entry) throw error;
    // Prompt text of these models (a whisper prompt, a dall-e prompt) is not billed per token.
    return { id: model, entry, encoding: "o200k_base", exact: true, warnings: [], notices: [] };
  }
}

function estimateMediaRequest(validated: ValidatedRequest, options: EstimateRequestOptions): RequestEstimate {
  const model = (validated.body.model as string | null | undefined) ?? DEFAULT_MODELS[validated.kind];
  if (model === undefined) throw new InputError("the request names no model: give the model to estimate it with (--model, or the model option)");
  const resolved = resolveMediaModel(model, options);
  const counted = estimateMedia(validated, model, resolved, options);
  const notices = [...resolved.notices, ...validationNotices(validated), ...counted.notices];
  if (!validated.body.model) notices.push(notice("DEFAULT_MODEL", `no model given: the API's default, ${model}`, model));
  if (counted.cost.total === null && !counted.notices.some((n) => n.code === "NO_PRICE")) notices.push(notice("NO_PRICE", `${model} has no published price for this request in the table`, model));
  const estimate = assembleEstimate({
    resolved,
    model,
    promptTokens: counted.promptTokens,
    exact: counted.exact && !validated.notices.some((n) => n.code === "UNKNOWN_FIELD"),
    promptKind: "input",
    maxTokens: null,
    // Moderations generate nothing; images and audio are priced by the endpoint's own rule.
    output: validated.kind !== "moderations",
    notices,
    media: { cost: counted.cost, completionTokens: counted.completionTokens },
  });
  return {
    ...estimate,
    kind: validated.kind,
    maxTokensParam: null,
    breakdown: {
      messages: counted.promptTokens - counted.media.imageInputTokens,
      tools: 0,
      toolChoice: 0,
      toolCalls: 0,
      toolResults: 0,
      images: counted.media.imageInputTokens,
      prompts: 1,
      choices: 0,
      completionTokens: counted.completionTokens,
      largestPrompt: counted.promptTokens,
      media: counted.media,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Vendor counts (used by estimate-remote.ts).

/**
 * `estimate` with its prompt tokens replaced by `promptTokens` (a vendor's count): fit, room,
 * problems, notices and cost derived from that count by the same assembly {@link estimateRequest}
 * uses. Only for single-prompt requests (chat, responses: the caller checks); `validated` and
 * `options` are the ones the estimate was made with. The breakdown stays the local count's.
 */
export function withPromptTokens(estimate: RequestEstimate, promptTokens: number, validated: ValidatedRequest, options: EstimateRequestOptions = {}): RequestEstimate {
  const derived = estimateValidated(validated, options, promptTokens);
  return { ...derived, breakdown: { ...estimate.breakdown, largestPrompt: promptTokens } };
}
