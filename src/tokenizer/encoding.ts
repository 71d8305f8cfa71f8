import { bytePairCount, bytePairEncode } from "./bpe.js";
import { type PatternFamily } from "./patterns.js";
import type { RankTable } from "./rank-table.js";
import { scannerFor } from "./scanner.js";
import { PieceCache, PIECE_CACHE_MAX_LENGTH } from "./piece-cache.js";
import { InputError } from "../errors.js";
import { concatBytes } from "../util/bytes.js";

/** What a wrong argument is, for an error message ("a number", "null", "an array"). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "undefined" ? "undefined" : `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

/** Text from JavaScript callers (no compiler to check them) must be a string. */
function checkText(text: unknown): asserts text is string {
  if (typeof text !== "string") throw new InputError(`text must be a string, got ${describe(text)}`);
}

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

const textEncoder = /* @__PURE__ */ new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other (tiktoken keeps it); TextDecoder drops it by default.
const textDecoder = /* @__PURE__ */ new TextDecoder("utf-8", { ignoreBOM: true });

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

let scratch = new Uint8Array(1024);

/**
 * Writes the UTF-8 bytes of `t[start, end)` to the shared scratch buffer and returns their
 * number. Lone surrogates become U+FFFD (EF BF BD), as `TextEncoder` writes them.
 */
function utf8Into(t: string, start: number, end: number): number {
  if (scratch.length < (end - start) * 3) scratch = new Uint8Array((end - start) * 3 + 16);
  const b = scratch;
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = t.charCodeAt(i);
    if (c < 0x80) b[n++] = c;
    else if (c < 0x800) {
      b[n++] = 0xc0 | (c >> 6);
      b[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c >= 0xe000) {
      b[n++] = 0xe0 | (c >> 12);
      b[n++] = 0x80 | ((c >> 6) & 0x3f);
      b[n++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < end ? t.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        b[n++] = 0xf0 | (c >> 18);
        b[n++] = 0x80 | ((c >> 12) & 0x3f);
        b[n++] = 0x80 | ((c >> 6) & 0x3f);
        b[n++] = 0x80 | (c & 0x3f);
      } else {
        b[n++] = 0xef;
        b[n++] = 0xbf;
        b[n++] = 0xbd;
      }
    }
  }
  return n;
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
  private pieceCache: PieceCache | undefined;
  private readonly specialByRank = new Map<number, string>();
  private specialRegexCache: { key: string; regex: RegExp } | undefined;
  private readonly next: (t: string, i: number, end: number) => number;

  constructor(spec: EncodingSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.family = spec.family;
    this.specialTokens = spec.specialTokens;
    // first name wins when two share an id (o200k_harmony: <|endofprompt|> = <|reserved_200018|>)
    for (const [text, rank] of Object.entries(spec.specialTokens)) if (!this.specialByRank.has(rank)) this.specialByRank.set(rank, text);
    this.next = scannerFor(spec.family);
  }

  /** The rank table, loading it on first use. */
  get ranks(): RankTable {
    return (this.table ??= this.spec.loadRanks());
  }

  /** Number of tokens in the vocabulary including special tokens (highest id + 1). */
  get nVocab(): number {
    let max = this.ranks.size - 1;
    for (const r of this.specialByRank.keys()) if (r > max) max = r;
    return max + 1;
  }

  /** Token ids of `text`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    checkText(text);
    const out: number[] = [];
    this.forEachSegment(
      text,
      options.allowedSpecial,
      (segment) => this.encodeOrdinaryInto(segment, out),
      (rank) => out.push(rank),
    );
    return out;
  }

  /** Token ids of `text` with no special tokens recognised (tiktoken's `encode_ordinary`). */
  encodeOrdinary(text: string): number[] {
    checkText(text);
    const out: number[] = [];
    this.encodeOrdinaryInto(text, out);
    return out;
  }

  /** Number of tokens `encode(text)` would return, without building the token array. */
  count(text: string, options: EncodeOptions = {}): number {
    checkText(text);
    const allowed = options.allowedSpecial;
    if (allowed === undefined || (Array.isArray(allowed) && allowed.length === 0)) return this.countOrdinary(text);
    let total = 0;
    this.forEachSegment(
      text,
      allowed,
      (segment) => (total += this.countOrdinary(segment)),
      () => total++,
    );
    return total;
  }

  /** Text of token ids (invalid UTF-8 sequences, e.g. a cut multi-byte character, become U+FFFD). */
  decode(ids: readonly number[]): string {
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new InputError(`token ids must be an array of numbers, got ${describe(ids)}`);
    return textDecoder.decode(this.decodeBytes(ids));
  }

  /** Raw bytes of token ids. */
  decodeBytes(ids: readonly number[]): Uint8Array {
    const table = this.ranks;
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const id of ids) {
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) throw new InputError(`token ids must be non-negative whole numbers, got ${describe(id)}`);
      let bytes = table.tokenBytes(id);
      if (bytes === undefined) {
        const special = this.specialByRank.get(id);
        if (special === undefined) throw new InputError(`token id ${id} is not in the ${this.name} vocabulary`);
        bytes = textEncoder.encode(special);
      }
      parts.push(bytes);
      size += bytes.length;
    }
    return concatBytes(parts, size);
  }

  /** Count of text with no special tokens recognised (tiktoken's `encode_ordinary`). */
  countOrdinary(text: string): number {
    checkText(text);
    return this.countRange(text, 0, text.length);
  }

  /** Count of `text[start, end)` as ordinary text, where start and end are piece boundaries. */
  countRange(text: string, start: number, end: number): number {
    const table = this.ranks;
    const next = this.next;
    const cache = (this.pieceCache ??= new PieceCache());
    let total = 0;
    let i = start;
    while (i < end) {
      const e = next(text, i, end);
      const len = e - i;
      if (len === 1 && text.charCodeAt(i) < 0x80) {
        total++;
      } else if (len <= PIECE_CACHE_MAX_LENGTH) {
        let n = cache.get(text, i, e);
        if (n < 0) {
          n = countBytes(table, utf8Into(text, i, e));
          cache.set(text, i, e, n);
        }
        total += n;
      } else {
        total += countBytes(table, utf8Into(text, i, e));
      }
      i = e;
    }
    return total;
  }

  /** End offsets of the pre-tokenizer pieces of `text` (for tests and tools). */
  pieceEnds(text: string): number[] {
    const out: number[] = [];
    for (let i = 0; i < text.length;) out.push((i = this.next(text, i, text.length)));
    return out;
  }

  private encodeOrdinaryInto(text: string, out: number[]): void {
    const table = this.ranks;
    const next = this.next;
    const end = text.length;
    let i = 0;
    while (i < end) {
      const e = next(text, i, end);
      const n = utf8Into(text, i, e);
      const rank = n <= 2 ? (n === 1 ? table.singles[scratch[0]] : table.pairs[(scratch[0] << 8) | scratch[1]]) : table.get(scratch, 0, n);
      if (rank >= 0) out.push(rank);
      else bytePairEncode(scratch, n, table, out);
      i = e;
    }
  }

  /** Splits text at allowed special tokens, calling back for ordinary segments and special ranks. */
  private forEachSegment(text: string, allowedOption: AllowedSpecial | undefined, ordinary: (segment: string) => void, special: (rank: number) => void): void {
    const allowed = normaliseAllowed(allowedOption);
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

  /** Regex matching the allowed special tokens (exported for streaming counters). */
  specialRegex(allowedOption: AllowedSpecial): RegExp {
    const allowed = normaliseAllowed(allowedOption) ?? [];
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

/**
 * `allowedSpecial` as given by a caller (JavaScript callers too): "all" in any case, or an array
 * of strings. Any other string is an error — it used to be split into its characters.
 */
export function normaliseAllowed(allowed: unknown): AllowedSpecial | undefined {
  if (allowed === undefined || allowed === null) return undefined;
  if (typeof allowed === "string") {
    if (allowed.toLowerCase() === "all") return "all";
    throw new InputError(`allowedSpecial must be "all" or an array of special-token strings, got the string ${JSON.stringify(allowed.slice(0, 40))}`);
  }
  if (Array.isArray(allowed) && allowed.every((name) => typeof name === "string")) return allowed as readonly string[];
  throw new InputError(`allowedSpecial must be "all" or an array of special-token strings, got ${describe(allowed)}`);
}

/** Token count of the `n` bytes in the scratch buffer. */
function countBytes(table: RankTable, n: number): number {
  if (n <= 2) return n === 2 && table.pairs[(scratch[0] << 8) | scratch[1]] < 0 ? 2 : 1;
  if (table.get(scratch, 0, n) >= 0) return 1;
  return bytePairCount(scratch, n, table);
}
