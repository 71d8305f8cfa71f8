import type { EncodingName } from "./registry.js";
import { UnknownModelError } from "../errors.js";
import { closestMatches } from "../util/suggest.js";
import { modelIdArg } from "../util/args.js";

/**
 * Model → encoding, resolved the way OpenAI's tiktoken resolves it (tiktoken/model.py): exact
 * names first, then prefixes in order, so new dated snapshots (`gpt-4o-2030-01-01`) and new
 * family members (`gpt-5.7-mini`) resolve without a tokcost release.
 */
export const MODEL_TO_ENCODING: Readonly<Record<string, EncodingName>> = {
  // chat / reasoning
  o1: "o200k_base",
  o3: "o200k_base",
  "o4-mini": "o200k_base",
  "gpt-5": "o200k_base",
  "gpt-4.1": "o200k_base",
  "gpt-4o": "o200k_base",
  "gpt-4": "cl100k_base",
  "gpt-3.5-turbo": "cl100k_base",
  "gpt-3.5": "cl100k_base",
  "gpt-35-turbo": "cl100k_base",
  // base
  "davinci-002": "cl100k_base",
  "babbage-002": "cl100k_base",
  // embeddings
  "text-embedding-ada-002": "cl100k_base",
  "text-embedding-3-small": "cl100k_base",
  "text-embedding-3-large": "cl100k_base",
  // legacy completions
  "text-davinci-003": "p50k_base",
  "text-davinci-002": "p50k_base",
  "text-davinci-001": "r50k_base",
  "text-curie-001": "r50k_base",
  "text-babbage-001": "r50k_base",
  "text-ada-001": "r50k_base",
  davinci: "r50k_base",
  curie: "r50k_base",
  babbage: "r50k_base",
  ada: "r50k_base",
  // code
  "code-davinci-002": "p50k_base",
  "code-davinci-001": "p50k_base",
  "code-cushman-002": "p50k_base",
  "code-cushman-001": "p50k_base",
  "davinci-codex": "p50k_base",
  "cushman-codex": "p50k_base",
  // edit
  "text-davinci-edit-001": "p50k_edit",
  "code-davinci-edit-001": "p50k_edit",
  // open source
  gpt2: "gpt2",
  "gpt-2": "gpt2",
};

/** Prefix rules, checked in this order after exact names. */
export const MODEL_PREFIX_TO_ENCODING: ReadonlyArray<readonly [string, EncodingName]> = [
  ["o1-", "o200k_base"],
  ["o3-", "o200k_base"],
  ["o4-mini-", "o200k_base"],
  ["gpt-5", "o200k_base"],
  ["gpt-4.5-", "o200k_base"],
  ["gpt-4.1-", "o200k_base"],
  ["chatgpt-4o-", "o200k_base"],
  ["gpt-4o-", "o200k_base"],
  ["gpt-4-", "cl100k_base"],
  ["gpt-3.5-turbo-", "cl100k_base"],
  ["gpt-35-turbo-", "cl100k_base"],
  ["gpt-oss-", "o200k_harmony"],
  // Beyond tiktoken's table: families tiktoken names exactly, extended to their later members.
  ["gpt-oss", "o200k_harmony"],
  ["text-embedding-3-", "cl100k_base"],
  ["text-embedding-ada-", "cl100k_base"],
  ["code-davinci-", "p50k_base"],
  ["code-cushman-", "p50k_base"],
  ["code-search-", "r50k_base"],
  ["text-similarity-", "r50k_base"],
  ["text-search-", "r50k_base"],
  // Fine-tunes (tiktoken lists these on the raw id; other ft: ids resolve through their base model).
  ["ft:gpt-4o", "o200k_base"],
  ["ft:gpt-4", "cl100k_base"],
  ["ft:gpt-3.5-turbo", "cl100k_base"],
  ["ft:davinci-002", "cl100k_base"],
  ["ft:babbage-002", "cl100k_base"],
];

/**
 * A fine-tuned model id resolves to its base model: `ft:gpt-4o-mini-2024-07-18:org::abc123` →
 * `gpt-4o-mini-2024-07-18`; legacy `curie:ft-org-2023-01-01` → `curie`.
 */
export function baseModelOf(model: string): string {
  if (model.startsWith("ft:")) return model.slice(3).split(":")[0];
  const legacy = /^([a-z0-9.-]+):ft-/.exec(model);
  if (legacy) return legacy[1];
  return model;
}

/** The encoding of `model`, or undefined when tiktoken's rules do not know it. */
export function tryEncodingForModel(model: string): EncodingName | undefined {
  const raw = modelIdArg(model).trim();
  // A fine-tune resolves through its base model first: tiktoken's raw "ft:gpt-4" prefix would
  // also catch "ft:gpt-4.1-…" (an o200k_base model). The raw id is the fallback.
  for (const id of raw.startsWith("ft:") || raw.includes(":ft-") ? [baseModelOf(raw), raw] : [raw]) {
    // own keys only: "constructor" or "hasOwnProperty" is not a model
    const exact = Object.hasOwn(MODEL_TO_ENCODING, id) ? MODEL_TO_ENCODING[id] : undefined;
    if (exact) return exact;
    for (const [prefix, encoding] of MODEL_PREFIX_TO_ENCODING) if (id.startsWith(prefix)) return encoding;
  }
  return undefined;
}

/**
 * The encoding OpenAI uses for `model` (`"gpt-4o"` → `"o200k_base"`).
 * @throws UnknownModelError naming the closest known models.
 */
export function encodingForModel(model: string): EncodingName {
  const encoding = tryEncodingForModel(model);
  if (encoding) return encoding;
  throw new UnknownModelError(model, closestMatches(model, Object.keys(MODEL_TO_ENCODING)));
}
