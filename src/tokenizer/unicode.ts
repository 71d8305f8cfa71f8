/**
 * Character classes the split patterns use, as bit flags per code point, for the hand-written
 * pre-tokenizer in `scanner.ts`.
 *
 * The tables are generated at first use from this JavaScript engine's own `\p{…}` regex
 * classes (the same ones the regex form of the patterns in `patterns.ts` uses), so the scanner
 * and the regexes agree by construction; both are checked against tiktoken in the tests.
 * The BMP is a 64 KiB table built from regex *runs* (a few hundred matches, ~1–2 ms);
 * astral code points are classified on demand and cached.
 */
import { WHITE_SPACE } from "./patterns.js";

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

function buildBmp(): Uint8Array {
  const table = new Uint8Array(0x10000);
  // All BMP code points except surrogates, in order; index = code point for [0, 0xD800), and
  // code point - 0x800 for [0xE000, 0x10000).
  const codes: number[] = [];
  for (let c = 0; c < 0xd800; c++) codes.push(c);
  for (let c = 0xe000; c < 0x10000; c++) codes.push(c);
  let all = "";
  for (let i = 0; i < codes.length; i += 8192) all += String.fromCharCode.apply(null, codes.slice(i, i + 8192));
  const toCode = (index: number): number => (index < 0xd800 ? index : index + 0x800);
  for (const [flag, cls] of CLASSES) {
    const runs = new RegExp(`${cls}+`, "gu");
    let m: RegExpExecArray | null;
    while ((m = runs.exec(all)) !== null) {
      const end = m.index + m[0].length;
      for (let i = m.index; i < end; i++) table[toCode(i)] |= flag;
    }
  }
  table[0x0a] |= F_CRLF;
  table[0x0d] |= F_CRLF;
  return table;
}

let bmp: Uint8Array | undefined;

/** Flags of every BMP code point (surrogates: 0, i.e. "other", as a lone surrogate is). */
export function bmpFlags(): Uint8Array {
  return (bmp ??= buildBmp());
}

const astralCache = new Map<number, number>();
let astralTests: Array<readonly [number, RegExp]> | undefined;

/** Flags of an astral code point (without {@link F_WIDE}). */
export function astralFlags(cp: number): number {
  let f = astralCache.get(cp);
  if (f === undefined) {
    astralTests ??= CLASSES.map(([flag, cls]) => [flag, new RegExp(`^${cls}$`, "u")] as const);
    const ch = String.fromCodePoint(cp);
    f = 0;
    for (const [flag, re] of astralTests) if (re.test(ch)) f |= flag;
    astralCache.set(cp, f);
  }
  return f;
}
