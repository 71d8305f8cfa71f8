import { bytePairCount, bytePairEncode } from "./bpe.js";
import { splitRegex, type PatternFamily } from "./patterns.js";
import type { RankTable } from "./ranks.js";
import { InputError } from "../errors.js";

/** Which special-token strings in the text are encoded as special tokens. */
export type AllowedSpecial = "all" | readonly string[];

/** Options shared by encode and count. */
export interface EncodeOptions {
  /**
   * Special-token strings (e.g. `<|endoftext|>`) that are encoded as their special token.
   * Default: none — prompt text is user text, so `<|endoftext|>` inside it is ordinary text,
   * which is how the API treats user content.
   */
  allowedSpecial?: AllowedSpecial;
}

/** What an {@link Encoding} is built from. */
export interface EncodingSpec {
  name: string;
  family: PatternFamily;
  specialTokens: Readonly<Record<string, number>>;
  /** Loads the rank table (called once, on first use). */
  loadRanks: () => RankTable;
}

/** Bounded piece → token-count cache size (entries). Cleared wholesale when full: cheap and O(1). */
const PIECE_CACHE_LIMIT = 200_000;

const textEncoder = /* @__PURE__ */ new TextEncoder();
const textDecoder = /* @__PURE__ */ new TextDecoder("utf-8");

/**
 * UTF-8 bytes of a JS string as a binary string (one char per byte). Lone surrogates become
 * U+FFFD, as `TextEncoder` (and therefore tiktoken's JS and WASM bindings) encode them.
 */
export function utf8BinaryString(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text;
  const bytes = textEncoder.encode(text);
  let out = "";
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

function binaryStringToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * One tiktoken encoding: exact `encode`, `decode` and `count`, token for token identical to
 * OpenAI's tiktoken. Rank data is loaded lazily on first use.
 */
export class Encoding {
  readonly name: string;
  readonly family: PatternFamily;
  readonly specialTokens: Readonly<Record<string, number>>;
  private readonly spec: EncodingSpec;
  private table: RankTable | undefined;
  private readonly pieceCounts = new Map<string, number>();
  private readonly specialByRank = new Map<number, string>();
  private specialRegexCache: { key: string; regex: RegExp } | undefined;

  constructor(spec: EncodingSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.family = spec.family;
    this.specialTokens = spec.specialTokens;
    for (const [text, rank] of Object.entries(spec.specialTokens)) this.specialByRank.set(rank, text);
  }

  /** The rank table, loading it on first use. */
  get ranks(): RankTable {
    return (this.table ??= this.spec.loadRanks());
  }

  /** Token ids of `text`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    this.forEachSegment(text, options.allowedSpecial, (segment) => this.encodeOrdinaryInto(segment, out), (rank) => out.push(rank));
    return out;
  }

  /** Number of tokens `encode(text)` would return, without building the token array. */
  count(text: string, options: EncodeOptions = {}): number {
    let total = 0;
    this.forEachSegment(text, options.allowedSpecial, (segment) => (total += this.countOrdinary(segment)), () => total++);
    return total;
  }

  /** Text of token ids (invalid UTF-8 sequences, e.g. a cut multi-byte character, become U+FFFD). */
  decode(ids: readonly number[]): string {
    return textDecoder.decode(this.decodeBytes(ids));
  }

  /** Raw bytes of token ids. */
  decodeBytes(ids: readonly number[]): Uint8Array {
    const { tokens } = this.ranks;
    let binary = "";
    for (const id of ids) {
      const bytes = tokens[id];
      if (bytes !== undefined) binary += bytes;
      else {
        const special = this.specialByRank.get(id);
        if (special === undefined) throw new InputError(`token id ${id} is not in the ${this.name} vocabulary`);
        binary += utf8BinaryString(special);
      }
    }
    return binaryStringToBytes(binary);
  }

  /** Count of text with no special tokens recognised (tiktoken's `encode_ordinary`). */
  countOrdinary(text: string): number {
    const ranks = this.ranks.ranks;
    const cache = this.pieceCounts;
    const regex = splitRegex(this.family);
    let total = 0;
    let match: RegExpExecArray | null;
    while ((match = regex.exec(text)) !== null) {
      const piece = match[0];
      const cached = cache.get(piece);
      if (cached !== undefined) {
        total += cached;
        continue;
      }
      const bytes = utf8BinaryString(piece);
      const n = ranks.has(bytes) ? 1 : bytePairCount(bytes, ranks);
      if (piece.length <= 256) {
        if (cache.size >= PIECE_CACHE_LIMIT) cache.clear();
        cache.set(piece, n);
      }
      total += n;
    }
    return total;
  }

  private encodeOrdinaryInto(text: string, out: number[]): void {
    const ranks = this.ranks.ranks;
    const regex = splitRegex(this.family);
    let match: RegExpExecArray | null;
    while ((match = regex.exec(text)) !== null) {
      const bytes = utf8BinaryString(match[0]);
      const rank = ranks.get(bytes);
      if (rank !== undefined) out.push(rank);
      else bytePairEncode(bytes, ranks, out);
    }
  }

  /** Splits text at allowed special tokens, calling back for ordinary segments and special ranks. */
  private forEachSegment(text: string, allowed: AllowedSpecial | undefined, ordinary: (segment: string) => void, special: (rank: number) => void): void {
    const regex = allowed === undefined || (Array.isArray(allowed) && allowed.length === 0) ? undefined : this.specialRegex(allowed);
    if (!regex) {
      ordinary(text);
      return;
    }
    regex.lastIndex = 0;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = regex.exec(text)) !== null) {
      if (match.index > start) ordinary(text.slice(start, match.index));
      special(this.specialTokens[match[0]]);
      start = match.index + match[0].length;
    }
    if (start < text.length) ordinary(text.slice(start));
  }

  private specialRegex(allowed: AllowedSpecial): RegExp {
    const names = allowed === "all" ? Object.keys(this.specialTokens) : [...allowed];
    for (const name of names) {
      if (!(name in this.specialTokens)) throw new InputError(`"${name}" is not a special token of ${this.name}; known: ${Object.keys(this.specialTokens).slice(0, 8).join(", ")}`);
    }
    const key = names.join("\u0000");
    if (this.specialRegexCache?.key === key) return this.specialRegexCache.regex;
    // Longest first so that overlapping names match greedily, as tiktoken's alternation does.
    const escaped = names.sort((a, b) => b.length - a.length).map((n) => n.replace(/[\\^$*+?.()|[\]{}]/g, "\\$&"));
    const regex = new RegExp(escaped.join("|"), "g");
    this.specialRegexCache = { key, regex };
    return regex;
  }
}
