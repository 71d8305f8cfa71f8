/**
 * Chat requests as the API bills them: message framing (OpenAI's published rule: 3 tokens per
 * message, the role and every text value, 1 more per name, 3 to prime the reply), function and
 * tool definitions rendered as the model sees them (tools.ts), what `function_call` /
 * `tool_choice` add, call and result messages — each by its family's rule in framing.ts, which
 * also decides whether the count is exact.
 */
import { getEncoding, type Encoding } from "../tokenizer/index.js";
import { InputError, InvalidRequestError } from "../errors.js";
import { resolveModel } from "../estimate/model.js";
import type { PricingTable } from "../pricing/table.js";
import { FRAMING_RULES, framingFor, unmeasuredWarning, type FramingFeature, type FramingRule } from "./framing.js";
import { countImageTokens, imageRuleFor, imageSizeFromDataUrl, isDataUrl, maxImageTokens, type ImageDetail, type ImageSize } from "./images.js";
import { countFunctionDefinitions, type FunctionLike } from "./tools.js";
import { applyCalibration, calibrationApplies, type Calibration } from "./calibration.js";
import { optionsArg } from "../util/args.js";

/** @deprecated Use {@link FramingRule}: the framing of a model family. */
export type ChatFormat = FramingRule;
/** @deprecated Use {@link FRAMING_RULES}. */
export const CHAT_FORMATS = FRAMING_RULES;

/** The chat framing for `model` (see {@link framingFor}). */
export function chatFormatFor(model: string): FramingRule {
  return framingFor(model);
}

/** How image sizes are found for image parts. */
export interface ImageSizeOptions {
  /** Size to assume for images tokcost cannot measure (remote URLs, file ids). */
  imageSize?: { width: number; height: number };
  /** Known sizes by URL (e.g. local files read by `tokcost/node`). Checked before `imageSize`. */
  imageSizes?: Readonly<Record<string, { width: number; height: number }>>;
}

/** Options for {@link countChatTokens}. */
export interface ChatCountOptions extends ImageSizeOptions {
  model: string;
  /** Tool definitions (`tools` of the request). */
  tools?: ReadonlyArray<{ type: string; function?: FunctionLike; [key: string]: unknown }>;
  /** Legacy function definitions (`functions` of the request). */
  functions?: readonly FunctionLike[];
  /** `tool_choice` of the request. */
  toolChoice?: unknown;
  /** Legacy `function_call` of the request. */
  functionCall?: unknown;
  /** Count with this encoding instead of the model's. */
  encoding?: string;
  table?: PricingTable;
  /** Framing constants measured for this model by `tokcost calibrate` (used when its model matches). */
  calibration?: Calibration;
}

/** Result of {@link countChatTokens}. */
export interface ChatTokenCount {
  /** Prompt tokens the API will bill: messages + tools + tool choice + images. */
  total: number;
  /**
   * Message text and framing, including reply priming, excluding images. Includes the tokens of
   * tool calls and tool results (also reported apart in `toolCalls` / `toolResults`).
   */
  messages: number;
  /** Tool and function definitions, with their framing (including the system-message adjustment). */
  tools: number;
  /** What `tool_choice` / `function_call` add. */
  toolChoice: number;
  /** Assistant tool calls and function calls (part of `messages`). */
  toolCalls: number;
  /** Tool and function result messages (part of `messages`). */
  toolResults: number;
  /** Image parts. */
  images: number;
  /** Tokens of each message (framing + text + images), in order; reply priming not included. */
  perMessage: number[];
  replyPriming: number;
  encoding: string;
  exact: boolean;
  warnings: string[];
}

/** A chat-like message (Chat Completions shape); validated bodies satisfy it. */
export interface ChatMessageLike {
  role: string;
  content?: unknown;
  name?: string;
  [key: string]: unknown;
}

/** Running totals while counting a conversation. */
export class CountState {
  text = 0;
  images = 0;
  exact = true;
  readonly warnings = new Set<string>();
  readonly rule: FramingRule;
  /** Function names of the tool calls seen so far, by call id (a result is billed with its function's name). */
  readonly callNames = new Map<string, string>();
  constructor(
    readonly model: string,
    readonly encoding: Encoding,
    readonly sizes: ImageSizeOptions & { calibration?: Calibration },
  ) {
    const calibration = sizes.calibration;
    this.rule = calibration && calibrationApplies(calibration, model) ? framingFor(model, (rule) => applyCalibration(rule, calibration)) : framingFor(model);
  }

  inexact(reason: string): void {
    this.exact = false;
    this.warnings.add(reason);
  }

  /** Records that the request uses `feature`: inexact, naming the part, unless the family's measurements cover it. */
  uses(feature: FramingFeature): void {
    if (this.rule.measured[feature] === undefined) this.inexact(unmeasuredWarning(feature, this.model));
  }

  /** Tokens of one image reference (URL or data URL) at `detail`. */
  image(url: string | undefined, detail: ImageDetail | undefined, param: string): number {
    if (!imageRuleFor(this.model)) {
      this.inexact(`OpenAI's vision guide gives no image token rule for ${this.model}: images are not counted`);
      return 0;
    }
    let size: ImageSize | undefined = url !== undefined ? this.sizes.imageSizes?.[url] : undefined;
    if (!size && url !== undefined && isDataUrl(url)) {
      size = imageSizeFromDataUrl(url);
      // The API's words (recorded 400, openllmetry test_vision_base64, test/conformance), with the field named.
      if (!size)
        throw new InvalidRequestError(`You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp']. (${param})`, {
          param,
          details: { code: "invalid_image_format" },
        });
    }
    size ??= this.sizes.imageSize;
    if (!size) {
      const worst = maxImageTokens(this.model, detail ?? "auto");
      this.inexact(
        `image of unknown size (${url && !isDataUrl(url) ? url.slice(0, 80) : "file"}): counted as the most it can cost (${worst} tokens); give its size (--image-size WxH) for an exact count`,
      );
      return worst;
    }
    const count = countImageTokens({ model: this.model, width: size.width, height: size.height, detail });
    if (!count.exact) this.exact = false;
    for (const w of count.warnings) this.warnings.add(w);
    return count.tokens;
  }
}

/** The string field of a content part (counting `String(undefined)` would invent a token). */
function partText(part: Record<string, unknown>, field: string, where: string): string {
  const value = part[field];
  if (typeof value !== "string") throw new InputError(`${where}.${field} must be a string, got ${value === null ? "null" : typeof value}`);
  return value;
}

/** Tokens of one message's text content (a string, or text / refusal / image parts). */
function countContent(value: unknown, param: string, state: CountState): { text: number; images: number } {
  const enc = state.encoding;
  if (value === undefined || value === null) return { text: 0, images: 0 };
  if (typeof value === "string") return { text: enc.count(value), images: 0 };
  if (!Array.isArray(value)) throw new InputError(`${param} must be a string or an array of content parts, got ${typeof value}`);
  let text = 0;
  let images = 0;
  const textParts = value.filter((p) => (p as { type?: string }).type === "text").length;
  if (textParts > 1) state.inexact("a message with several text parts: OpenAI has not published how parts are joined, so their count may differ slightly");
  value.forEach((part: Record<string, unknown>, j: number) => {
    const where = `${param}[${j}]`;
    switch (part.type) {
      case "text":
        text += enc.count(partText(part, "text", where));
        break;
      case "refusal":
        text += enc.count(partText(part, "refusal", where));
        break;
      case "image_url": {
        const img = typeof part.image_url === "string" ? { url: part.image_url } : (part.image_url as { url: string; detail?: ImageDetail });
        images += state.image(img.url, img.detail, `${where}.image_url.url`);
        break;
      }
      case "input_audio":
        state.inexact("audio input is billed in audio tokens, which tokcost does not count yet");
        break;
      case "file":
        state.inexact("file inputs (PDFs) are billed by their extracted text and page images, which tokcost does not count yet");
        break;
      default:
        state.inexact(`content part type "${String(part.type)}" is not counted`);
    }
  });
  return { text, images };
}

/** The arguments text the API bills: re-serialized as compact JSON where the rule says so (and it parses). */
export function billedArguments(rule: FramingRule, args: string): string {
  if (!rule.compactArguments) return args;
  try {
    return JSON.stringify(JSON.parse(args));
  } catch {
    return args;
  }
}

/** The tokens a tool result adds by naming the function it answers (`functions.<name>`). */
export function toolResultRecipientTokens(encoding: Encoding, name: string): number {
  return encoding.count(`functions.${name}`);
}

/** One message's tokens (its framing included), split into the breakdown's parts. */
interface MessageCount {
  text: number;
  images: number;
  /** Of `text`: tool / function calls. */
  calls: number;
  /** Of `text`: the whole message when it is a tool / function result. */
  results: number;
}

/**
 * Counts one Chat Completions message with its framing: the per-message constant, role, content,
 * name (+ tokensPerName), a function result's constant, and assistant calls (name + arguments +
 * the call constant each). Fields the API ignores (`annotations`, `parsed`, a tool call's
 * `index`) cost nothing.
 */
function countMessage(message: ChatMessageLike, index: number, state: CountState): MessageCount {
  const enc = state.encoding;
  const rule = state.rule;
  const param = `messages[${index}]`;
  let text = rule.tokensPerMessage + enc.count(message.role);
  if (message.role === "assistant") {
    state.uses("assistant-messages");
    text += rule.assistantMessage;
  }
  let calls = 0;
  const content = countContent(message.content, `${param}.content`, state);
  text += content.text;
  if (typeof message.name === "string") {
    state.uses(message.role === "system" || message.role === "function" ? "name" : "name.other-roles");
    text += enc.count(message.name) + rule.tokensPerName;
  }
  if (typeof message.refusal === "string") {
    // The cookbook rule encodes every string value of a message; no measurement covers refusals.
    text += enc.count(message.refusal);
    state.inexact("an assistant refusal sent back as a message field is outside OpenAI's published counting rule");
  }
  if (message.role === "function") {
    state.uses("function-messages");
    text += rule.functionMessage;
  }
  if (message.role === "tool") {
    // Its tool_call_id is not text the model reads; the function it answers is (2024 rule).
    state.uses("tool-messages");
    text += rule.functionMessage;
    if (rule.toolResultRecipient) {
      const name = typeof message.tool_call_id === "string" ? state.callNames.get(message.tool_call_id) : undefined;
      if (name !== undefined) text += toolResultRecipientTokens(enc, name);
      else state.inexact("a tool result whose call is not in the conversation: the function it answers is billed too and is not counted");
    }
  }
  const fc = message.function_call as { name?: unknown; arguments?: unknown } | null | undefined;
  if (fc && typeof fc === "object") {
    state.uses("assistant-function-call");
    calls += enc.count(String(fc.name ?? "")) + enc.count(billedArguments(rule, String(fc.arguments ?? ""))) + rule.functionCall;
  }
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
    state.uses(message.tool_calls.length > 1 ? "assistant-parallel-tool-calls" : "assistant-tool-calls");
    if (rule.toolResultRecipient && content.text > 0) {
      // The text and the calls are framed as two messages (recorded once on gpt-4o: one message's framing more).
      state.uses("assistant-text-and-tool-calls");
      calls += rule.tokensPerMessage + enc.count(message.role);
    }
    for (const call of message.tool_calls as Array<Record<string, unknown>>) {
      const fn = (call.function ?? call.custom) as { name?: unknown; arguments?: unknown; input?: unknown } | undefined;
      const name = String(fn?.name ?? "");
      if (typeof call.id === "string") state.callNames.set(call.id, name);
      calls += enc.count(name) + enc.count(billedArguments(rule, String(fn?.arguments ?? fn?.input ?? ""))) + rule.functionCall;
    }
  }
  if (message.audio !== undefined && message.audio !== null) state.inexact("a reference to earlier audio output is not counted");
  text += calls;
  const results = message.role === "tool" || message.role === "function" ? text : 0;
  return { text, images: content.images, calls, results };
}

/** The feature a `tool_choice` / `function_call` value uses, and what it adds (named: with the name's tokens). */
function countChoice(choice: unknown, api: "functions" | "tools", state: CountState): number {
  if (choice === undefined || choice === null) return 0;
  const constants = state.rule.choice[api];
  const prefix = api === "tools" ? "tool_choice" : "function_call";
  if (choice === "none" || choice === "auto" || (choice === "required" && api === "tools")) {
    state.uses(`${prefix}.${choice}` as FramingFeature);
    return constants[choice];
  }
  const named = choice as { name?: unknown; function?: { name?: unknown }; custom?: { name?: unknown }; type?: unknown };
  const name = named.function?.name ?? named.custom?.name ?? named.name;
  if (typeof name === "string") {
    state.uses(`${prefix}.named` as FramingFeature);
    return constants.named + state.encoding.count(name);
  }
  state.inexact(`${prefix} ${JSON.stringify(choice).slice(0, 60)} is not measured: it adds a few tokens that are not counted`);
  return 0;
}

/**
 * Counts chat messages (and the tool/function definitions sent with them) as the API bills
 * them. Exact for the models and shapes OpenAI measured; anything else is counted by the same
 * rule and marked `exact: false` with a warning saying why.
 *
 * @example
 * countChatTokens([{ role: "user", content: "Hello!" }], { model: "gpt-4o" }).total; // 9
 */
export function countChatTokens(messages: readonly ChatMessageLike[], options: ChatCountOptions): ChatTokenCount {
  if (!Array.isArray(messages)) throw new InputError("messages must be an array of chat messages");
  options = optionsArg(options, "countChatTokens");
  // Counting needs only the encoding: a model the table does not price is counted (pricing callers resolve it first).
  const resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding, allowUnpriced: true });
  const encoding = getEncoding(resolved.encoding);
  const state = new CountState(options.model, encoding, options);
  const rule = state.rule;
  state.uses("messages");
  const perMessage: number[] = [];
  let messageText = 0;
  let images = 0;
  let toolCalls = 0;
  let toolResults = 0;
  messages.forEach((message, i) => {
    if (typeof message !== "object" || message === null || typeof message.role !== "string")
      throw new InvalidRequestError(`Missing required parameter: 'messages[${i}].role'.`, { param: `messages[${i}].role` });
    const counted = countMessage(message, i, state);
    messageText += counted.text;
    images += counted.images;
    toolCalls += counted.calls;
    toolResults += counted.results;
    perMessage.push(counted.text + counted.images);
  });
  messageText += rule.replyPriming;

  const functions = definitionsOf(options, state);
  let tools = 0;
  if (functions.length > 0) {
    const definitions = countFunctionDefinitions(functions, { model: options.model, encoding, rule });
    for (const feature of definitions.features) state.uses(feature);
    if (options.functions?.length) state.uses("definitions.functions-api");
    tools += definitions.tokens;
    const systemIndex = messages.findIndex((m) => m.role === "system" || m.role === "developer");
    if (systemIndex >= 0) {
      tools += rule.systemWithDefinitions;
      // The definitions are merged after the first system message, which gains a newline.
      const first = messages[systemIndex];
      if (rule.padFirstSystem && typeof first.content === "string") tools += encoding.count(`${first.content}\n`) - encoding.count(first.content);
    }
  }
  const toolChoice = countChoice(options.toolChoice, "tools", state) + countChoice(options.functionCall, "functions", state);

  return {
    total: messageText + tools + toolChoice + images,
    messages: messageText,
    tools,
    toolChoice,
    toolCalls,
    toolResults,
    images,
    perMessage,
    replyPriming: rule.replyPriming,
    encoding: encoding.name,
    exact: state.exact && resolved.exact,
    warnings: [...state.warnings],
  };
}

/** The function definitions of `tools` and `functions`, checked to be definitions. */
function definitionsOf(options: ChatCountOptions, state: CountState): FunctionLike[] {
  const functions: FunctionLike[] = [];
  const definition = (value: unknown, where: string): FunctionLike => {
    if (typeof value !== "object" || value === null || typeof (value as FunctionLike).name !== "string") {
      throw new InputError(`${where} must be a function definition with a name ({ name, description?, parameters? })`);
    }
    return value as FunctionLike;
  };
  if (options.tools !== undefined && !Array.isArray(options.tools)) throw new InputError("tools must be an array of tool definitions");
  (options.tools ?? []).forEach((tool, i) => {
    if (typeof tool !== "object" || tool === null) throw new InputError(`tools[${i}] must be a tool definition object`);
    if (tool.type === "function") {
      const fn = definition(tool.function, `tools[${i}].function`);
      if (fn && (fn as { strict?: unknown }).strict === true) state.inexact("strict function definitions are not measured: their framing may differ");
      functions.push(fn);
    } else state.inexact(`tools of type "${String(tool.type)}" are not counted: OpenAI publishes no rule for them`);
  });
  if (options.functions !== undefined && !Array.isArray(options.functions)) throw new InputError("functions must be an array of function definitions");
  if (options.functions?.length && options.tools?.length) state.inexact("tools and functions in one request: how the API merges them is not measured");
  (options.functions ?? []).forEach((fn, i) => functions.push(definition(fn, `functions[${i}]`)));
  return functions;
}
