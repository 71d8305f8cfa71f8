/**
 * Character classes the split patterns use, as bit flags per code point, for the hand-written
 * pre-tokenizer in `scanner.ts`.
 *
 * Each code point is classified on first use with this JavaScript engine's own `\p{…}` regex
 * classes (the same ones the regex form of the patterns in `patterns.ts` uses), so per code point
 * the scanner and the regexes classify alike; the scanner's hand-written splitting is what the
 * tests check against the regexes and tiktoken.
 * BMP code points are cached in a 64 KiB table, astral ones in a map.
 */
import { WHITE_SPACE } from "./patterns.js";
import { TIKTOKEN_UNICODE_OVERRIDES } from "./unicode-overrides.js";

/** `\p{L}` */
export const F_L = 1;
/** `\p{N}` */
export const F_N = 2;
/** Unicode White_Space (Rust's `\s`) */
export const F_WS = 4;
/** o200k's "upper" class `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` */
export const F_U = 8;
/** o200k's "lower" class `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` */
export const F_W = 16;
/** `\r` or `\n` */
export const F_CRLF = 32;
/** set on flags of a surrogate pair (the character is two UTF-16 code units wide) */
export const F_WIDE = 128;

const CLASSES: ReadonlyArray<readonly [number, string]> = [
  [F_L, "\\p{L}"],
  [F_N, "\\p{N}"],
  [F_WS, `[${WHITE_SPACE}]`],
  [F_U, "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]"],
  [F_W, "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]"],
];

/** Table value of a BMP code point not classified yet. */
export const UNKNOWN = 0xff;

let tests: Array<readonly [number, RegExp]> | undefined;

/** tiktoken's flags for `cp` when they differ from this engine's tables, else -1. */
function overrideOf(cp: number): number {
  const o = TIKTOKEN_UNICODE_OVERRIDES;
  let lo = 0;
  let hi = o.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < o[mid * 3]) hi = mid - 1;
    else if (cp > o[mid * 3 + 1]) lo = mid + 1;
    else return o[mid * 3 + 2];
  }
  return -1;
}

function classify(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x80) {
    const o = overrideOf(cp);
    if (o >= 0) return o;
  }
  tests ??= CLASSES.map(([flag, cls]) => [flag, new RegExp(`^${cls}$`, "u")] as const);
  let f = 0;
  for (const [flag, re] of tests) if (re.test(ch)) f |= flag;
  return f;
}

let bmp: Uint8Array | undefined;

/**
 * Flags of BMP code points, filled lazily: ASCII up front, every other code point the first
 * time it is looked up with {@link bmpFlagsOf} (so start-up costs nothing and a text pays only
 * for the characters it uses). Surrogates: 0, i.e. "other", as a lone surrogate is.
 */
export function bmpFlags(): Uint8Array {
  if (!bmp) {
    bmp = new Uint8Array(0x10000).fill(UNKNOWN);
    for (let c = 0; c < 0x80; c++) bmp[c] = classify(String.fromCharCode(c));
    bmp[0x0a] |= F_CRLF;
    bmp[0x0d] |= F_CRLF;
    bmp.fill(0, 0xd800, 0xe000);
  }
  return bmp;
}

/** Flags of a BMP code point (classifying it on first use). */
export function bmpFlagsOf(c: number): number {
  const table = bmpFlags();
  const f = table[c];
  if (f !== UNKNOWN) return f;
  return (table[c] = classify(String.fromCharCode(c)));
}

const astralCache = new Map<number, number>();

/** Flags of an astral code point (without {@link F_WIDE}). */
export function astralFlags(cp: number): number {
  let f = astralCache.get(cp);
  if (f === undefined) {
    f = classify(String.fromCodePoint(cp));
    astralCache.set(cp, f);
  }
  return f;
}

/** Sets the flags of one code point (used by the generator of `unicode-overrides.ts`). */
export function setFlagsForTesting(cp: number, flags: number): void {
  if (cp < 0x10000) bmpFlags()[cp] = flags;
  else astralCache.set(cp, flags);
}

/** This engine's own flags for a code point, ignoring the overrides. */
export function engineFlags(cp: number): number {
  tests ??= CLASSES.map(([flag, cls]) => [flag, new RegExp(`^${cls}$`, "u")] as const);
  const ch = String.fromCodePoint(cp);
  let f = 0;
  for (const [flag, re] of tests) if (re.test(ch)) f |= flag;
  return f;
}
