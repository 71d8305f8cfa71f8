/**
 * Tokenizer: OpenAI's encodings, model → encoding, exact counting.
 * Runs anywhere ES modules run (no Node APIs).
 */
import { getEncoding, type EncodingName } from "./registry.js";
import { encodingForModel } from "./models.js";
import type { AllowedSpecial, Encoding } from "./encoding.js";
import { optionsArg } from "../util/args.js";

export { Encoding, type AllowedSpecial, type EncodeOptions } from "./encoding.js";
export { getEncoding, extendEncoding, ENCODING_NAMES, isEncodingName, type EncodingName } from "./registry.js";
export { StreamingCounter } from "./stream.js";
export { encodingForModel, tryEncodingForModel, baseModelOf, MODEL_TO_ENCODING, MODEL_PREFIX_TO_ENCODING } from "./models.js";

/** Which encoding to use: a model id (resolved as tiktoken does) or an encoding name. */
export interface TokenizerOptions {
  /** Model id, e.g. `"gpt-4o"`; resolved with {@link encodingForModel}. */
  model?: string;
  /** Encoding name; takes precedence over `model`. Default when neither is given: `o200k_base`. */
  encoding?: EncodingName | string;
  /** Special-token strings to encode as special tokens (default: none, i.e. ordinary text). */
  allowedSpecial?: AllowedSpecial;
}

/** The {@link Encoding} for options (encoding beats model; default o200k_base). */
export function resolveEncoding(options: TokenizerOptions = {}): Encoding {
  options = optionsArg(options, "tokenizer");
  if (options.encoding) return getEncoding(options.encoding);
  if (options.model) return getEncoding(encodingForModel(options.model));
  return getEncoding("o200k_base");
}

/** Token ids of `text`, identical to OpenAI's tiktoken. */
export function encode(text: string, options: TokenizerOptions = {}): number[] {
  options = optionsArg(options, "encode");
  return resolveEncoding(options).encode(text, { allowedSpecial: options.allowedSpecial });
}

/** Text of token ids. */
export function decode(ids: readonly number[], options: TokenizerOptions = {}): string {
  options = optionsArg(options, "decode");
  return resolveEncoding(options).decode(ids);
}

/** Number of tokens in `text`, identical to `encode(text).length`, without building the array. */
export function countTokens(text: string, options: TokenizerOptions = {}): number {
  options = optionsArg(options, "countTokens");
  return resolveEncoding(options).count(text, { allowedSpecial: options.allowedSpecial });
}
