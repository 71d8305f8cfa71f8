/**
 * Cutting text to a token budget on a token boundary (`tokcost truncate`): the result re-encodes
 * to at most the budget, and never ends (or starts) with half of a multi-byte character.
 */
import { InputError } from "../errors.js";
import { resolveEncoding } from "../tokenizer/index.js";
import { optionsArg } from "../util/args.js";

/** Options for {@link truncateText}. */
export interface TruncateOptions {
  /** Token budget. */
  tokens: number;
  /** Which end to cut: "end" (default) keeps the beginning, "start" keeps the end. */
  from?: "start" | "end";
  model?: string;
  encoding?: string;
}

/** Result of {@link truncateText}. */
export interface TruncateResult {
  text: string;
  /** Tokens of `text`. */
  tokens: number;
  /** Tokens of the input. */
  originalTokens: number;
  truncated: boolean;
  encoding: string;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of `bytes` without a trailing incomplete UTF-8 sequence. */
function completePrefix(bytes: Uint8Array): number {
  let end = bytes.length;
  let i = end - 1;
  let continuation = 0;
  while (i >= 0 && (bytes[i] & 0xc0) === 0x80 && continuation < 3) {
    i--;
    continuation++;
  }
  if (i < 0) return 0;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (need > continuation) end = i;
  return end;
}

/** Offset past leading UTF-8 continuation bytes. */
function completeSuffixStart(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] & 0xc0) === 0x80) i++;
  return i;
}

/**
 * Cuts `text` to at most `tokens` tokens of the model's (or given) encoding.
 *
 * @example
 * truncateText("one two three four", { tokens: 2, encoding: "o200k_base" }).text; // "one two"
 */
export function truncateText(text: string, options: TruncateOptions): TruncateResult {
  options = optionsArg(options, "truncateText");
  if (!Number.isSafeInteger(options.tokens) || options.tokens < 0) throw new InputError(`the token budget must be a non-negative whole number, got ${options.tokens}`);
  const enc = resolveEncoding({ model: options.model, encoding: options.encoding });
  const ids = enc.encode(text);
  if (ids.length <= options.tokens) return { text, tokens: ids.length, originalTokens: ids.length, truncated: false, encoding: enc.name };
  const fromStart = options.from === "start";
  // Re-encoding a cut text can merge differently at the edge; shrink until it fits the budget.
  for (let n = options.tokens; n >= 0; n--) {
    const slice = fromStart ? ids.slice(ids.length - n) : ids.slice(0, n);
    const bytes = enc.decodeBytes(slice);
    const cut = fromStart ? decoder.decode(bytes.subarray(completeSuffixStart(bytes))) : decoder.decode(bytes.subarray(0, completePrefix(bytes)));
    const count = enc.count(cut);
    if (count <= options.tokens) return { text: cut, tokens: count, originalTokens: ids.length, truncated: true, encoding: enc.name };
  }
  return { text: "", tokens: 0, originalTokens: ids.length, truncated: true, encoding: enc.name };
}

/**
 * Is this text a JSON document (an object or array) or JSON Lines? Cutting either on a token
 * boundary leaves invalid JSON, so `tokcost truncate` refuses them (`tokcost fit` shortens a
 * conversation by whole turns instead). Checks the whole text for a document, the first lines for JSONL.
 */
export function jsonKindOf(text: string): "json" | "jsonl" | undefined {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    JSON.parse(trimmed);
    return "json";
  } catch {
    // maybe one value per line
  }
  const lines = trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(0, 3);
  if (lines.length < 2) return undefined;
  try {
    for (const line of lines) if (typeof JSON.parse(line) !== "object") return undefined;
    return "jsonl";
  } catch {
    return undefined;
  }
}
