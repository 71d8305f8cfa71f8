/**
 * Vendor token counts, on request: the prompt tokens of a request as the vendor's own counting
 * endpoint reports them. Local counts stay the default and never touch the network; this is the
 * opt-in check (`tokcost estimate --remote-count`) and the instrument of `tokcost calibrate`.
 *
 * Endpoints (documented by each vendor; none of them generates anything or bills tokens):
 * - OpenAI    POST {base, default https://api.openai.com/v1}/responses/input_tokens
 *             (Authorization: Bearer) — a Responses body → `{ "object": "response.input_tokens", "input_tokens": N }`
 * - Anthropic POST {base, default https://api.anthropic.com}/v1/messages/count_tokens
 *             (x-api-key, anthropic-version: 2023-06-01) — `{ model, messages, system?, tools?, tool_choice? }` → `{ "input_tokens": N }`
 * - Google    POST {base, default https://generativelanguage.googleapis.com}/v1beta/models/{model}:countTokens
 *             (x-goog-api-key) — `{ contents }` or `{ generateContentRequest }` → `{ "totalTokens": N }`
 *
 * A Chat Completions body is converted to the endpoint's shape (the result says so in `note`).
 * Portable: ES modules and `fetch` only; keys come from the caller (the CLI reads the environment).
 * Bounded: a timeout (30 s), a response size cap (1 MiB), and a count that must be a
 * non-negative integer. The API key is never put in a message, and is redacted when a server
 * echoes it.
 */
import { InputError, TokcostError, UsageError, redactSecrets } from "../errors.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { readCapped } from "./body.js";
import { ApiError, InvalidResponseError, MissingApiKeyError, NetworkError, RequestAbortedError, RequestTimeoutError, describeFetchFailure, parseApiErrorBody } from "./http-errors.js";

/** Vendors whose token-counting endpoint tokcost can call. */
export const COUNT_PROVIDERS = ["openai", "anthropic", "google"] as const;
/** A vendor whose token-counting endpoint tokcost can call. */
export type CountProvider = (typeof COUNT_PROVIDERS)[number];

/** Options of {@link countRemote}. */
export interface RemoteCountOptions {
  /** The vendor (default: from the model — the pricing table's provider, else claude-* → anthropic, gemini-* → google, else openai). */
  provider?: CountProvider;
  /** The API key for the chosen provider. */
  apiKey?: string;
  /** Keys by provider, used when `apiKey` is not given (the CLI passes the environment's). */
  apiKeys?: Partial<Record<CountProvider, string | undefined>>;
  /** Base URL for the chosen provider (default: the vendor's). */
  baseURL?: string;
  /** Base URLs by provider, used when `baseURL` is not given. */
  baseURLs?: Partial<Record<CountProvider, string | undefined>>;
  /** fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Timeout in ms for the whole call, response body included (default 30000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Largest response body accepted, in bytes (default 1 MiB). */
  maxResponseBytes?: number;
  /** Model to count for, instead of the body's. */
  model?: string;
  /** Pricing table used to find a model's provider (default: bundled). */
  table?: PricingTable;
}

/** A vendor's count of a request's prompt tokens. */
export interface RemoteCount {
  promptTokens: number;
  provider: CountProvider;
  /** The URL that answered (no credentials). */
  endpoint: string;
  /** Set when the body was converted to the endpoint's shape (and what was lost, if anything). */
  note?: string;
  /** The body was converted from another shape (the vendor counted an equivalent, not the body as written). */
  converted: boolean;
}

type Json = Record<string, unknown>;

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 1 << 20;

interface ProviderSpec {
  defaultBaseURL: string;
  /** Where the key and base URL are usually set (named in messages; the core reads no environment). */
  keyEnv: string;
  path(model: string): string;
  headers(apiKey: string): Record<string, string>;
  /** The count in a 2xx response body. */
  field: string;
  label: string;
}

/** The three endpoints, as data. */
const PROVIDERS: Record<CountProvider, ProviderSpec> = {
  openai: {
    defaultBaseURL: "https://api.openai.com/v1",
    keyEnv: "OPENAI_API_KEY",
    path: () => "/responses/input_tokens",
    headers: (key) => ({ authorization: `Bearer ${key}` }),
    field: "input_tokens",
    label: "OpenAI",
  },
  anthropic: {
    defaultBaseURL: "https://api.anthropic.com",
    keyEnv: "ANTHROPIC_API_KEY",
    path: () => "/v1/messages/count_tokens",
    headers: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
    field: "input_tokens",
    label: "Anthropic",
  },
  google: {
    defaultBaseURL: "https://generativelanguage.googleapis.com",
    keyEnv: "GEMINI_API_KEY",
    path: (model) => `/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ""))}:countTokens`,
    headers: (key) => ({ "x-goog-api-key": key }),
    field: "totalTokens",
    label: "Gemini",
  },
};

/** The environment variable that usually holds `provider`'s key (for messages and the CLI). */
export function apiKeyEnvOf(provider: CountProvider): string {
  return PROVIDERS[provider].keyEnv;
}

/**
 * The vendor whose count endpoint serves `model`: the pricing table's provider when it is one of
 * {@link COUNT_PROVIDERS}; otherwise claude-* → anthropic, gemini-* → google, else openai.
 * @throws InputError for a model the table gives to a vendor without a count endpoint (mistral, xai…).
 */
export function countProviderFor(model: string, table: PricingTable = bundledPricingTable()): CountProvider {
  const provider = table.match(model)?.entry.provider;
  if (provider && (COUNT_PROVIDERS as readonly string[]).includes(provider)) return provider as CountProvider;
  if (provider && provider !== "openai") throw new InputError(`tokcost knows no token-counting endpoint for ${provider} models (${model}); pass provider "openai" for an OpenAI-compatible server`);
  const id = model.toLowerCase();
  if (id.startsWith("claude")) return "anthropic";
  if (id.startsWith("gemini") || id.startsWith("models/gemini")) return "google";
  return "openai";
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Text of a chat message's content (a string, or its text parts joined). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
  return "";
}

// ---------------------------------------------------------------------------------------------
// Chat Completions → Responses

/** Fields the Responses input_tokens endpoint accepts (anything else is a 400 there). */
const RESPONSES_COUNT_FIELDS = ["model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "previous_response_id", "conversation", "reasoning", "text", "truncation"] as const;

function responsesParts(content: unknown, assistant: boolean, where: string): unknown {
  if (content === undefined || content === null) return undefined;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new InputError(`${where}.content cannot be converted to the Responses shape`);
  return content.map((part: Json, j) => {
    switch (part.type) {
      case "text":
        return { type: assistant ? "output_text" : "input_text", text: part.text };
      case "refusal":
        return { type: "refusal", refusal: part.refusal };
      case "image_url": {
        const image = part.image_url as { url: string; detail?: string };
        return { type: "input_image", image_url: image.url, detail: image.detail ?? "auto" };
      }
      case "file":
        return { type: "input_file", ...(part.file as Json) };
      case "input_audio":
        return { type: "input_audio", input_audio: part.input_audio };
      default:
        throw new InputError(`${where}.content[${j}]: a content part of type "${String(part.type)}" has no Responses equivalent`);
    }
  });
}

function flatFunctionTool(fn: Json): Json {
  const tool: Json = { type: "function", name: fn.name };
  if (fn.description !== undefined) tool.description = fn.description;
  if (fn.parameters !== undefined) tool.parameters = fn.parameters;
  if (fn.strict !== undefined) tool.strict = fn.strict;
  return tool;
}

/**
 * A Chat Completions body as the equivalent Responses body: messages → input items (system and
 * developer messages keep their role and place; text parts → input_text / output_text, image_url
 * → input_image; assistant tool_calls → function_call items, tool results → function_call_output
 * items), tools[].function → flat function tools, tool_choice / function_call mapped, and
 * reasoning_effort / response_format / verbosity → reasoning / text. Message names are dropped:
 * the Responses API has no name field.
 */
export function chatToResponses(chat: Json): { body: Json; notes: string[] } {
  const notes: string[] = [];
  if (!Array.isArray(chat.messages)) throw new InputError("not a chat body: messages must be an array");
  const input: Json[] = [];
  let legacyCall: string | undefined;
  let legacyCalls = 0;
  let named = false;
  chat.messages.forEach((raw: unknown, i: number) => {
    if (!isObject(raw)) throw new InputError(`messages[${i}] must be a message object`);
    const m = raw;
    const where = `messages[${i}]`;
    if (typeof m.name === "string") named = true;
    switch (m.role) {
      case "system":
      case "developer":
      case "user":
        input.push({ type: "message", role: m.role, content: responsesParts(m.content, false, where) ?? "" });
        break;
      case "assistant": {
        const content = responsesParts(m.content, true, where);
        const hasContent = typeof content === "string" ? content !== "" : Array.isArray(content) && content.length > 0;
        if (hasContent) input.push({ type: "message", role: "assistant", content });
        if (typeof m.refusal === "string") input.push({ type: "message", role: "assistant", content: [{ type: "refusal", refusal: m.refusal }] });
        for (const [j, call] of ((m.tool_calls as Json[] | undefined) ?? []).entries()) {
          const fn = call.function as Json | undefined;
          if (call.type !== "function" || !fn) throw new InputError(`${where}.tool_calls[${j}]: only function tool calls can be converted to the Responses shape`);
          input.push({ type: "function_call", call_id: call.id, name: fn.name, arguments: fn.arguments });
        }
        if (isObject(m.function_call)) {
          legacyCall = `call_legacy_${legacyCalls++}`;
          input.push({ type: "function_call", call_id: legacyCall, name: m.function_call.name, arguments: m.function_call.arguments });
        }
        break;
      }
      case "tool":
        input.push({ type: "function_call_output", call_id: m.tool_call_id, output: textOf(m.content) });
        break;
      case "function":
        input.push({ type: "function_call_output", call_id: legacyCall ?? `call_legacy_${legacyCalls++}`, output: textOf(m.content) });
        break;
      default:
        throw new InputError(`${where}.role "${String(m.role)}" cannot be converted to the Responses shape`);
    }
  });
  const body: Json = { model: chat.model, input };
  const tools: Json[] = [];
  for (const [i, tool] of ((chat.tools as Json[] | undefined) ?? []).entries()) {
    if (tool.type !== "function" || !isObject(tool.function)) throw new InputError(`tools[${i}]: only function tools can be converted to the Responses shape`);
    tools.push(flatFunctionTool(tool.function));
  }
  for (const fn of (chat.functions as Json[] | undefined) ?? []) tools.push(flatFunctionTool(fn));
  if (tools.length) body.tools = tools;
  const choice = chat.tool_choice ?? chat.function_call;
  if (typeof choice === "string") body.tool_choice = choice;
  else if (isObject(choice)) {
    const name = (choice.function as Json | undefined)?.name ?? choice.name;
    if (typeof name !== "string") throw new InputError("tool_choice cannot be converted to the Responses shape");
    body.tool_choice = { type: "function", name };
  }
  if (chat.parallel_tool_calls !== undefined && chat.parallel_tool_calls !== null) body.parallel_tool_calls = chat.parallel_tool_calls;
  if (typeof chat.reasoning_effort === "string") body.reasoning = { effort: chat.reasoning_effort };
  const text: Json = {};
  const format = chat.response_format as Json | undefined;
  if (isObject(format)) {
    if (format.type === "json_schema" && isObject(format.json_schema)) text.format = { type: "json_schema", ...format.json_schema };
    else text.format = { type: format.type };
  }
  if (typeof chat.verbosity === "string") text.verbosity = chat.verbosity;
  if (Object.keys(text).length) body.text = text;
  notes.push("counted by OpenAI's Responses endpoint after converting the Chat Completions body to the Responses shape");
  if (named) notes.push("message names were left out (the Responses API has no name field)");
  return { body, notes };
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat → Anthropic Messages, → Gemini contents

/** `data:image/png;base64,…` → its media type and data. */
function dataUrlParts(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1], data: match[2] } : undefined;
}

function parseArguments(text: unknown, where: string): unknown {
  if (typeof text !== "string" || text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${where}: the call's arguments are not JSON, which the vendor's shape needs`);
  }
}

function anthropicBlocks(content: unknown, where: string): Json[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InputError(`${where}.content cannot be converted to Anthropic's shape`);
  return content.map((part: Json, j) => {
    if (part.type === "text") return { type: "text", text: part.text };
    if (part.type === "image_url") {
      const url = (part.image_url as { url: string }).url;
      const data = dataUrlParts(url);
      return data ? { type: "image", source: { type: "base64", media_type: data.mediaType, data: data.data } } : { type: "image", source: { type: "url", url } };
    }
    throw new InputError(`${where}.content[${j}]: a content part of type "${String(part.type)}" has no Anthropic equivalent`);
  });
}

/** Is this already an Anthropic Messages body (no OpenAI-only roles, parts or tool shapes)? */
function isAnthropicNative(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const openaiMessage = messages.some(
    (m) => !isObject(m) || (m.role !== "user" && m.role !== "assistant") || m.tool_calls !== undefined || (Array.isArray(m.content) && m.content.some((p) => isObject(p) && p.type === "image_url")),
  );
  const openaiTools = Array.isArray(body.tools) && body.tools.some((t) => !isObject(t) || t.input_schema === undefined);
  const openaiChoice = body.tool_choice !== undefined && !isObject(body.tool_choice);
  return !openaiMessage && !openaiTools && !openaiChoice && body.functions === undefined;
}

/**
 * How one vendor writes the pieces of an OpenAI chat: {@link vendorTurns} walks the messages once
 * (system text, user and assistant turns, tool calls and their results) and asks the target only
 * for its own shapes.
 */
interface VendorShape {
  /** The vendor's name in error messages ("Anthropic's shape"). */
  name: string;
  content(content: unknown, where: string): Json[];
  toolCall(call: { id: string; name: string; input: unknown }): Json;
  toolResult(toolCallId: string, text: string): Json;
}

/**
 * An OpenAI chat's messages as system text plus alternating vendor turns. Consecutive turns of one
 * role are merged into one turn (tool results follow one another as user content), as both
 * Anthropic and Gemini require.
 */
function vendorTurns(messages: unknown[], shape: VendorShape): { system: string[]; turns: Array<{ role: "user" | "assistant"; parts: Json[] }> } {
  const system: string[] = [];
  const turns: Array<{ role: "user" | "assistant"; parts: Json[] }> = [];
  const push = (role: "user" | "assistant", parts: Json[]) => {
    if (parts.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else turns.push({ role, parts });
  };
  messages.forEach((raw, i) => {
    const m = (isObject(raw) ? raw : {}) as Json;
    const where = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer":
        system.push(textOf(m.content));
        break;
      case "user":
        push("user", shape.content(m.content, where));
        break;
      case "assistant": {
        const parts = shape.content(m.content, where);
        for (const [j, call] of ((m.tool_calls as Json[] | undefined) ?? []).entries()) {
          const fn = call.function as Json;
          parts.push(shape.toolCall({ id: String(call.id), name: String(fn.name), input: parseArguments(fn.arguments, `${where}.tool_calls[${j}]`) }));
        }
        push("assistant", parts);
        break;
      }
      case "tool":
        push("user", [shape.toolResult(String(m.tool_call_id), textOf(m.content))]);
        break;
      default:
        throw new InputError(`${where}.role "${String(m.role)}" cannot be converted to ${shape.name}`);
    }
  });
  return { system, turns };
}

const ANTHROPIC_SHAPE: VendorShape = {
  name: "Anthropic's shape",
  content: anthropicBlocks,
  toolCall: ({ id, name, input }) => ({ type: "tool_use", id, name, input }),
  toolResult: (toolCallId, text) => ({ type: "tool_result", tool_use_id: toolCallId, content: text }),
};

/** An OpenAI chat body as an Anthropic Messages count body. */
export function chatToAnthropic(chat: Json): { body: Json; converted: boolean } {
  if (!Array.isArray(chat.messages)) throw new InputError("not a chat body: messages must be an array");
  if (isAnthropicNative(chat)) {
    const body: Json = { model: chat.model, messages: chat.messages };
    for (const key of ["system", "tools", "tool_choice"]) if (chat[key] !== undefined) body[key] = chat[key];
    return { body, converted: false };
  }
  const { system, turns } = vendorTurns(chat.messages, ANTHROPIC_SHAPE);
  if (typeof chat.system === "string") system.unshift(chat.system);
  const body: Json = { model: chat.model, messages: turns.map((t) => ({ role: t.role, content: t.parts })) };
  if (system.length) body.system = system.join("\n\n");
  const tools = ((chat.tools as Json[] | undefined) ?? []).map((tool, i) => {
    const fn = tool.function as Json | undefined;
    if (tool.type !== "function" || !fn) throw new InputError(`tools[${i}]: only function tools can be converted to Anthropic's shape`);
    return { name: fn.name, ...(fn.description ? { description: fn.description } : {}), input_schema: fn.parameters ?? { type: "object", properties: {} } };
  });
  if (tools.length) body.tools = tools;
  const choice = chat.tool_choice;
  if (choice === "auto" || choice === "none") body.tool_choice = { type: choice };
  else if (choice === "required") body.tool_choice = { type: "any" };
  else if (isObject(choice) && isObject(choice.function)) body.tool_choice = { type: "tool", name: choice.function.name };
  return { body, converted: true };
}

function geminiParts(content: unknown, where: string): Json[] {
  if (content === undefined || content === null || content === "") return [];
  if (typeof content === "string") return [{ text: content }];
  if (!Array.isArray(content)) throw new InputError(`${where}.content cannot be converted to Gemini's shape`);
  return content.map((part: Json, j) => {
    if (part.type === "text") return { text: part.text };
    if (part.type === "image_url") {
      const data = dataUrlParts((part.image_url as { url: string }).url);
      if (!data) throw new InputError(`${where}.content[${j}]: Gemini's countTokens needs images as data: URLs`);
      return { inlineData: { mimeType: data.mediaType, data: data.data } };
    }
    throw new InputError(`${where}.content[${j}]: a content part of type "${String(part.type)}" has no Gemini equivalent`);
  });
}

/** An OpenAI chat body as a Gemini countTokens body. */
export function chatToGemini(chat: Json, model: string): { body: Json; converted: boolean } {
  if (chat.contents !== undefined || chat.generateContentRequest !== undefined) {
    const { model: _model, ...rest } = chat;
    return { body: rest, converted: false };
  }
  if (!Array.isArray(chat.messages)) throw new InputError("not a chat body: messages must be an array");
  // Gemini answers a call by function name, not by call id.
  const callNames = new Map<string, string>();
  const { system, turns } = vendorTurns(chat.messages, {
    name: "Gemini's shape",
    content: geminiParts,
    toolCall: ({ id, name, input }) => {
      callNames.set(id, name);
      return { functionCall: { name, args: input } };
    },
    toolResult: (toolCallId, text) => ({ functionResponse: { name: callNames.get(toolCallId) ?? "function", response: { content: text } } }),
  });
  const contents = turns.map((t) => ({ role: t.role === "assistant" ? "model" : "user", parts: t.parts }));
  const request: Json = { contents };
  if (system.length) request.systemInstruction = { parts: [{ text: system.join("\n\n") }] };
  const declarations = ((chat.tools as Json[] | undefined) ?? []).map((tool, i) => {
    const fn = tool.function as Json | undefined;
    if (tool.type !== "function" || !fn) throw new InputError(`tools[${i}]: only function tools can be converted to Gemini's shape`);
    return { name: fn.name, ...(fn.description ? { description: fn.description } : {}), ...(fn.parameters ? { parameters: fn.parameters } : {}) };
  });
  if (declarations.length) request.tools = [{ functionDeclarations: declarations }];
  const choice = chat.tool_choice;
  if (choice !== undefined) {
    const named = isObject(choice) && isObject(choice.function) ? String(choice.function.name) : undefined;
    const mode = named || choice === "required" ? "ANY" : choice === "none" ? "NONE" : "AUTO";
    request.toolConfig = { functionCallingConfig: { mode, ...(named ? { allowedFunctionNames: [named] } : {}) } };
  }
  // System instructions and tools are only accepted inside generateContentRequest.
  const body = request.systemInstruction || request.tools ? { generateContentRequest: { model: `models/${model.replace(/^models\//, "")}`, ...request } } : request;
  return { body, converted: true };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** The URL as shown in results and messages: no credentials, no query. */
function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return url;
  }
}

/** The response's text, read up to `cap` bytes (body.ts's shared capped reader). */
async function readCappedText(response: Response, cap: number, what: string): Promise<string> {
  const { bytes, over } = await readCapped(response.body, cap);
  if (over) throw new InvalidResponseError(`${what}: the response is larger than ${cap} bytes; is the base URL a token-counting endpoint?`);
  return new TextDecoder().decode(bytes);
}

/** An excerpt of a response body for a message: one line, short, redacted. */
function excerpt(text: string, secrets: readonly string[]): string {
  const line = text.replace(/\s+/g, " ").trim();
  return redactSecrets(line.length > 80 ? `${line.slice(0, 80)}…` : line, secrets);
}

/**
 * Posts `payload` to a count endpoint and returns the parsed JSON of a 2xx answer.
 * @throws ApiError (non-2xx), RequestTimeoutError, RequestAbortedError, NetworkError, InvalidResponseError.
 */
async function postJson(url: string, headers: Record<string, string>, payload: Json, options: RemoteCountOptions, secrets: readonly string[], what: string): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new RequestTimeoutError(timeoutMs, what));
  }, timeoutMs);
  const onAbort = () => controller.abort(new RequestAbortedError(what));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const doFetch = options.fetch ?? globalThis.fetch;
  const failure = (error: unknown): TokcostError => {
    if (error instanceof TokcostError) return error;
    if (timedOut) return new RequestTimeoutError(timeoutMs, what);
    if (options.signal?.aborted) return new RequestAbortedError(what);
    return new NetworkError(`${what}: ${describeFetchFailure(error, secrets)}`, secrets);
  };
  try {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
      text = await readCappedText(response, cap, what);
    } catch (error) {
      throw failure(error);
    }
    if (!response.ok) throw new ApiError(response.status, parseApiErrorBody(response.status, text), { requestId: response.headers.get("x-request-id") ?? response.headers.get("request-id"), secrets });
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidResponseError(`${what}: the response is not JSON ("${excerpt(text, secrets)}")`, secrets);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Asks the vendor how many input tokens `body` is: OpenAI's Responses input_tokens endpoint,
 * Anthropic's count_tokens or Gemini's countTokens (see the module comment). A Chat Completions
 * body is converted to the endpoint's shape first, and the result's `note` says so.
 *
 * @example
 * const { promptTokens } = await countRemote({ model: "gpt-4o", input: "Hello" }, { apiKey });
 * @throws MissingApiKeyError (before any request), ApiError (the vendor's error, key redacted),
 *   RequestTimeoutError, RequestAbortedError, NetworkError, InvalidResponseError (no count in
 *   the answer, not JSON, over the size cap), InputError (a body that cannot be converted).
 */
export async function countRemote(body: unknown, options: RemoteCountOptions = {}): Promise<RemoteCount> {
  if (!isObject(body)) throw new InputError("a request body must be a JSON object");
  const model = options.model ?? (typeof body.model === "string" ? body.model : undefined);
  if (!model) throw new InputError("the request body names no model; the count endpoints count for a model");
  if (options.provider !== undefined && !(COUNT_PROVIDERS as readonly string[]).includes(options.provider))
    throw new UsageError(`unknown provider "${String(options.provider)}"; use one of: ${COUNT_PROVIDERS.join(", ")}`);
  const provider = options.provider ?? countProviderFor(model, options.table);
  const spec = PROVIDERS[provider];
  const apiKey = options.apiKey ?? options.apiKeys?.[provider];
  if (!apiKey) throw new MissingApiKeyError(`no API key for ${spec.label}'s token-counting endpoint: set ${spec.keyEnv} (or pass apiKey)`);
  const secrets = [apiKey];
  const baseURL = (options.baseURL ?? options.baseURLs?.[provider] ?? spec.defaultBaseURL).replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s/]+/i.test(baseURL)) throw new UsageError(`${provider} base URL: must be an absolute http(s) URL such as ${spec.defaultBaseURL}`);
  const withModel: Json = { ...body, model };

  let payload: Json;
  let notes: string[] = [];
  let converted = false;
  if (provider === "openai") {
    let responses = withModel;
    if (Array.isArray(withModel.messages)) {
      const result = chatToResponses(withModel);
      responses = result.body;
      notes = result.notes;
      converted = true;
    }
    payload = {};
    for (const key of RESPONSES_COUNT_FIELDS) if (responses[key] !== undefined && responses[key] !== null) payload[key] = responses[key];
  } else {
    if (withModel.input !== undefined && withModel.messages === undefined) throw new InputError(`a Responses body cannot be counted by ${spec.label}: write it as a chat body (messages)`);
    const result = provider === "anthropic" ? chatToAnthropic(withModel) : chatToGemini(withModel, model);
    payload = result.body;
    converted = result.converted;
    if (converted) notes.push(`counted by ${spec.label}'s endpoint after converting the OpenAI chat body to ${provider === "anthropic" ? "Anthropic's Messages" : "Gemini's contents"} shape`);
  }

  const url = `${baseURL}${spec.path(model)}`;
  const endpoint = publicUrl(url);
  const what = `${spec.label} token count (${endpoint})`;
  const json = await postJson(url, spec.headers(apiKey), payload, options, secrets, what);
  const count = isObject(json) ? json[spec.field] : undefined;
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
    throw new InvalidResponseError(`${what}: the response has no token count ("${spec.field}" must be a non-negative integer)`, secrets);
  }
  return { promptTokens: count, provider, endpoint, ...(notes.length ? { note: notes.join("; ") } : {}), converted };
}
