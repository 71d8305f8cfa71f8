/**
 * Chat message tokens by OpenAI's published rule (chat-counting.json → chat_counting_rules;
 * openai-cookbook How_to_count_tokens_with_tiktoken.ipynb, cell 14):
 *
 *   for each message: tokens_per_message; for each (key, value): len(encode(value)), and
 *   tokens_per_name more for `name`; after all messages: 3 to prime the reply.
 *
 * tokens_per_message is 3 and tokens_per_name 1, except gpt-3.5-turbo-0301 (4 and −1). This
 * reproduces every API-measured count in the reference file (129 on gpt-3.5-turbo and gpt-4,
 * 124 on gpt-4o and gpt-4o-mini, 127 on gpt-3.5-turbo-0301).
 */
import { getEncoding, type Encoding } from "../tokenizer/index.js";
import { InputError, InvalidRequestError } from "../errors.js";
import { resolveModel } from "../estimate/model.js";
import type { PricingTable } from "../pricing/table.js";
import { matchFamily } from "./family.js";
import { countImageTokens, imageRuleFor, imageSizeFromDataUrl, isDataUrl, maxImageTokens, type ImageDetail, type ImageSize } from "./images.js";
import { countFunctionDefinitions, type FunctionLike } from "./tools.js";

/** Message framing constants for one model family. */
export interface ChatFormat {
  models: readonly string[];
  tokensPerMessage: number;
  tokensPerName: number;
  replyPriming: number;
  /** true when the API has confirmed the rule for this family (chat-counting.json). */
  measured: boolean;
  source: string;
}

const COOKBOOK_NEW = "chat-counting.json chat_counting_rules cookbook-current (openai-cookbook c81359c)";
const COOKBOOK_OLD = "chat-counting.json chat_counting_rules cookbook-old (openai-cookbook 06d9feb)";

/** Chat framing per model family (most specific family wins). */
export const CHAT_FORMATS: readonly ChatFormat[] = [
  { models: ["gpt-3.5-turbo", "gpt-35-turbo", "gpt-4", "gpt-4o", "gpt-4o-mini"], tokensPerMessage: 3, tokensPerName: 1, replyPriming: 3, measured: true, source: COOKBOOK_NEW },
  { models: ["gpt-3.5-turbo-0301", "gpt-35-turbo-0301"], tokensPerMessage: 4, tokensPerName: -1, replyPriming: 3, measured: true, source: COOKBOOK_OLD },
  // The cookbook's fallbacks send any "gpt-4…" id to the gpt-4-0613 rule, but no count was
  // measured for these families: same constants, reported as inexact.
  { models: ["gpt-4.1", "gpt-4.5"], tokensPerMessage: 3, tokensPerName: 1, replyPriming: 3, measured: false, source: `${COOKBOOK_NEW} ('gpt-4' in model fallback)` },
];

/** The default for models the cookbook does not cover (o-series, GPT-5): same constants, inexact. */
const DEFAULT_FORMAT: ChatFormat = { models: [], tokensPerMessage: 3, tokensPerName: 1, replyPriming: 3, measured: false, source: COOKBOOK_NEW };

/** The chat framing for `model`. */
export function chatFormatFor(model: string): ChatFormat {
  return matchFamily(model, CHAT_FORMATS)?.row ?? DEFAULT_FORMAT;
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
  /** Count with this encoding instead of the model's. */
  encoding?: string;
  table?: PricingTable;
}

/** Result of {@link countChatTokens}. */
export interface ChatTokenCount {
  /** Prompt tokens the API will bill: messages + tools + images. */
  total: number;
  /** Message text and framing, including reply priming, excluding images. */
  messages: number;
  /** Tool and function definitions. */
  tools: number;
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
  constructor(readonly model: string, readonly encoding: Encoding, readonly sizes: ImageSizeOptions) {}

  inexact(reason: string): void {
    this.exact = false;
    this.warnings.add(reason);
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
      if (!size) throw new InvalidRequestError(`Invalid image in '${param}': the data URL is not a PNG, JPEG, GIF or WebP image.`, { param });
    }
    size ??= this.sizes.imageSize;
    if (!size) {
      const worst = maxImageTokens(this.model, detail ?? "auto");
      this.inexact(`image of unknown size (${url && !isDataUrl(url) ? url.slice(0, 80) : "file"}): counted as the most it can cost (${worst} tokens); give its size (--image-size WxH) for an exact count`);
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

/** Counts one Chat Completions message (framing excluded). Adds image tokens to `state.images`. */
function countMessageBody(message: ChatMessageLike, index: number, format: ChatFormat, state: CountState): { text: number; images: number } {
  const enc = state.encoding;
  let text = 0;
  let images = 0;
  for (const [key, value] of Object.entries(message)) {
    if (value === undefined || value === null) continue;
    const param = `messages[${index}].${key}`;
    if (key === "role" || key === "name") {
      text += enc.count(String(value));
      if (key === "name") text += format.tokensPerName;
    } else if (key === "content") {
      if (typeof value === "string") text += enc.count(value);
      else if (!Array.isArray(value)) throw new InputError(`${param} must be a string or an array of content parts, got ${typeof value}`);
      else {
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
              const img = part.image_url as { url: string; detail?: ImageDetail };
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
      }
    } else if (key === "tool_calls" && Array.isArray(value)) {
      state.inexact("assistant tool calls: OpenAI has not published how they are framed, so their count may differ slightly");
      for (const call of value as Array<Record<string, unknown>>) {
        const fn = (call.function ?? call.custom) as { name?: string; arguments?: string; input?: string } | undefined;
        if (fn?.name) text += enc.count(fn.name);
        if (fn?.arguments) text += enc.count(fn.arguments);
        if (fn?.input) text += enc.count(fn.input);
      }
    } else if (key === "function_call" && typeof value === "object") {
      state.inexact("assistant function calls: OpenAI has not published how they are framed, so their count may differ slightly");
      const fn = value as { name?: string; arguments?: string };
      if (fn.name) text += enc.count(fn.name);
      if (fn.arguments) text += enc.count(fn.arguments);
    } else if (key === "tool_call_id") {
      state.inexact("tool results: OpenAI has not published how they are framed, so their count may differ slightly");
    } else if (key === "annotations" || key === "parsed") {
      continue;
    } else if (typeof value === "string") {
      // The cookbook rule encodes every string value of a message (e.g. refusal).
      text += enc.count(value);
      state.inexact(`message field "${key}" is outside OpenAI's published counting rule`);
    } else if (key === "audio") {
      state.inexact("a reference to earlier audio output is not counted");
    }
    // `annotations` and `parsed` (echoed from a response) are accepted by the API and not counted.
  }
  return { text, images };
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
  const resolved = resolveModel(options.model, { table: options.table, encoding: options.encoding });
  const encoding = getEncoding(resolved.encoding);
  const format = chatFormatFor(options.model);
  const state = new CountState(options.model, encoding, options);
  if (!format.measured) state.inexact(`OpenAI has published message-framing counts only for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini: ${options.model} is counted with the same rule (3 tokens per message, 3 to prime the reply) and may differ`);
  const perMessage: number[] = [];
  let messageText = 0;
  let images = 0;
  messages.forEach((message, i) => {
    if (typeof message !== "object" || message === null || typeof message.role !== "string") throw new InvalidRequestError(`Missing required parameter: 'messages[${i}].role'.`, { param: `messages[${i}].role` });
    const body = countMessageBody(message, i, format, state);
    messageText += format.tokensPerMessage + body.text;
    images += body.images;
    perMessage.push(format.tokensPerMessage + body.text + body.images);
  });
  messageText += format.replyPriming;

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
    if (tool.type === "function") functions.push(definition(tool.function, `tools[${i}].function`));
    else state.inexact(`tools of type "${String(tool.type)}" are not counted: OpenAI publishes no rule for them`);
  });
  if (options.functions !== undefined && !Array.isArray(options.functions)) throw new InputError("functions must be an array of function definitions");
  if (options.functions?.length) {
    options.functions.forEach((fn, i) => functions.push(definition(fn, `functions[${i}]`)));
    state.inexact("legacy `functions` are counted by the `tools` rule; OpenAI measured only `tools`");
  }
  const toolCount = countFunctionDefinitions(functions, { model: options.model, encoding });
  if (!toolCount.exact) state.exact = false;
  for (const w of toolCount.warnings) state.warnings.add(w);

  return {
    total: messageText + toolCount.tokens + images,
    messages: messageText,
    tools: toolCount.tokens,
    images,
    perMessage,
    replyPriming: format.replyPriming,
    encoding: encoding.name,
    exact: state.exact && resolved.exact,
    warnings: [...state.warnings],
  };
}
