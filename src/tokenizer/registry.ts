import { Encoding, type EncodingSpec } from "./encoding.js";
import type { RankTable } from "./rank-table.js";
import type { PatternFamily } from "./patterns.js";
import { UnknownEncodingError } from "../errors.js";

/** Names of the encodings tokcost ships (all of OpenAI's public tiktoken encodings). */
export const ENCODING_NAMES = ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base", "o200k_harmony"] as const;
/** The encodings tokcost implements (tiktoken's names). */
export type EncodingName = (typeof ENCODING_NAMES)[number];

/** Is `name` one of {@link ENCODING_NAMES}? */
export function isEncodingName(name: string): name is EncodingName {
  return (ENCODING_NAMES as readonly string[]).includes(name);
}

/**
 * o200k_harmony (gpt-oss) = o200k_base ranks and split pattern + harmony's special tokens,
 * as defined in tiktoken_ext/openai_public.py.
 */
function harmonySpecialTokens(): Record<string, number> {
  const tokens: Record<string, number> = {
    "<|endoftext|>": 199999,
    "<|endofprompt|>": 200018,
    "<|startoftext|>": 199998,
    "<|reserved_200000|>": 200000,
    "<|reserved_200001|>": 200001,
    "<|return|>": 200002,
    "<|constrain|>": 200003,
    "<|reserved_200004|>": 200004,
    "<|channel|>": 200005,
    "<|start|>": 200006,
    "<|end|>": 200007,
    "<|message|>": 200008,
    "<|reserved_200009|>": 200009,
    "<|reserved_200010|>": 200010,
    "<|reserved_200011|>": 200011,
    "<|call|>": 200012,
  };
  for (let i = 200013; i < 201088; i++) tokens[`<|reserved_${i}|>`] = i;
  return tokens;
}

const P50K_EDIT_SPECIALS = { "<|endoftext|>": 50256, "<|fim_prefix|>": 50281, "<|fim_middle|>": 50282, "<|fim_suffix|>": 50283 };

/** The rank data sets (js-tiktoken's files; p50k_edit and o200k_harmony share p50k_base's and o200k_base's). */
export const RANK_SOURCES = ["gpt2", "r50k_base", "p50k_base", "cl100k_base", "o200k_base"] as const;
/** Which rank table an encoding is built from (several encodings share one). */
export type RankSource = (typeof RANK_SOURCES)[number];

/**
 * Where rank tables come from. The library entry (`ranks.ts`) installs js-tiktoken's ES modules,
 * which run anywhere; the Node entry installs a provider that reads the precomputed binary tables
 * and `require`s js-tiktoken's data only as a fallback, so the CLI never evaluates megabytes of
 * rank modules it does not use.
 */
export type RankProvider = (source: RankSource) => RankTable;

let rankProvider: RankProvider | undefined;

/**
 * Installs the source of rank tables. With `ifUnset`, only when none is installed yet (the
 * portable default yields to the Node entry's faster one, whichever is imported first).
 */
export function setRankProvider(provider: RankProvider, options: { ifUnset?: boolean } = {}): void {
  if (options.ifUnset && rankProvider) return;
  rankProvider = provider;
}

const rankTables = new Map<RankSource, RankTable>();
function loadRanks(source: RankSource): () => RankTable {
  return () => {
    let table = rankTables.get(source);
    if (!table) {
      // A wiring bug, not a user error: both package entries install a provider.
      if (!rankProvider) throw new Error(`no rank data installed for ${source}: import tokcost from its package entry ("tokcost" or "tokcost/node")`);
      table = rankProvider(source);
      rankTables.set(source, table);
    }
    return table;
  };
}

/** cl100k_base's and o200k_base's special tokens (tiktoken_ext/openai_public.py; a test compares them with js-tiktoken's). */
export const CL100K_SPECIAL_TOKENS: Readonly<Record<string, number>> = {
  "<|endoftext|>": 100257,
  "<|fim_prefix|>": 100258,
  "<|fim_middle|>": 100259,
  "<|fim_suffix|>": 100260,
  "<|endofprompt|>": 100276,
};
/** o200k_base's special tokens (tested equal to js-tiktoken's), so they need no rank module to load. */
export const O200K_SPECIAL_TOKENS: Readonly<Record<string, number>> = { "<|endoftext|>": 199999, "<|endofprompt|>": 200018 };

function spec(name: EncodingName, family: PatternFamily, source: RankSource, specialTokens: Record<string, number>): EncodingSpec {
  return { name, family, specialTokens, loadRanks: loadRanks(source) };
}

/** The rank data each encoding is built from. */
/**
 * Rank sources whose data is byte-for-byte another's (gpt2 is r50k_base): the build writes one
 * binary file for both when the installed data is identical (scripts/build-ranks.mjs), and
 * loaders fall back to the alias's file.
 */
export const RANK_FILE_ALIASES: Readonly<Partial<Record<RankSource, RankSource>>> = { gpt2: "r50k_base" };

export const ENCODING_RANK_SOURCE: Readonly<Record<EncodingName, RankSource>> = {
  gpt2: "gpt2",
  r50k_base: "r50k_base",
  p50k_base: "p50k_base",
  p50k_edit: "p50k_base",
  cl100k_base: "cl100k_base",
  o200k_base: "o200k_base",
  o200k_harmony: "o200k_base",
};

const SPECS: Record<EncodingName, () => EncodingSpec> = {
  gpt2: () => spec("gpt2", "r50k", "gpt2", { "<|endoftext|>": 50256 }),
  r50k_base: () => spec("r50k_base", "r50k", "r50k_base", { "<|endoftext|>": 50256 }),
  p50k_base: () => spec("p50k_base", "r50k", "p50k_base", { "<|endoftext|>": 50256 }),
  p50k_edit: () => spec("p50k_edit", "r50k", "p50k_base", P50K_EDIT_SPECIALS),
  cl100k_base: () => spec("cl100k_base", "cl100k", "cl100k_base", { ...CL100K_SPECIAL_TOKENS }),
  o200k_base: () => spec("o200k_base", "o200k", "o200k_base", { ...O200K_SPECIAL_TOKENS }),
  o200k_harmony: () => spec("o200k_harmony", "o200k", "o200k_base", harmonySpecialTokens()),
};

const encodings = new Map<EncodingName, Encoding>();

/**
 * The encoding called `name` (e.g. `"o200k_base"`). Cheap to call repeatedly: instances are
 * cached, and rank data is parsed on first use.
 * @throws UnknownEncodingError for a name tokcost does not ship.
 */
export function getEncoding(name: string): Encoding {
  if (!isEncodingName(name)) throw new UnknownEncodingError(name, ENCODING_NAMES);
  let encoding = encodings.get(name);
  if (!encoding) {
    encoding = new Encoding(SPECS[name]());
    encodings.set(name, encoding);
  }
  return encoding;
}

/**
 * A new encoding that extends a shipped one with extra special tokens (as tiktoken's
 * `Encoding(..., special_tokens={**base._special_tokens, ...})` does), e.g. ChatML's
 * `<|im_start|>`/`<|im_end|>`. Ranks are shared with the base encoding.
 */
export function extendEncoding(base: EncodingName, options: { name: string; specialTokens: Readonly<Record<string, number>> }): Encoding {
  const baseSpec = SPECS[base]();
  return new Encoding({ ...baseSpec, name: options.name, specialTokens: { ...baseSpec.specialTokens, ...options.specialTokens } });
}
