/**
 * Hand-written pre-tokenizer: splits text into exactly the pieces the split regexes of
 * `patterns.ts` produce (and therefore tiktoken's), several times faster than running the
 * regex, without allocating match objects.
 *
 * Each `next*` function takes the start of a piece and returns its end, following the regex
 * alternatives in order, with the backtracking outcomes worked out by hand:
 *
 * - `X? U* W+` (o200k, greedy with backtracking): take the maximal U-run; if a W-run follows,
 *   the match ends after it; otherwise it ends after the last W character inside the U-run
 *   (U and W overlap in Lm, Lo and M); otherwise the alternative fails. The optional prefix
 *   `X` is tried first (taken), then not taken.
 * - `\s*[\r\n]+` ends after the last CR/LF in the whitespace run.
 * - `\s+(?!\S)` ends at the end of the text, or one character before the end of a run of ≥ 2.
 *
 * The scanner is differential-tested against the regexes on random strings
 * (`test/tokenizer-scanner.test.ts`).
 */
import { astralFlags, bmpFlags, bmpFlagsOf, F_CRLF, F_L, F_N, F_U, F_W, F_WIDE, F_WS, UNKNOWN } from "./unicode.js";
import type { PatternFamily } from "./patterns.js";

let B: Uint8Array = new Uint8Array(0);
let ready = false;

/** Builds the class tables (once). Call before using the `next*` functions directly. */
export function initScanner(): void {
  if (!ready) {
    B = bmpFlags();
    ready = true;
  }
}

/** Flags of the character at i (with {@link F_WIDE} for surrogate pairs; lone surrogates: 0). */
function fl(t: string, i: number, end: number): number {
  const c = t.charCodeAt(i);
  if (c < 0xd800 || c >= 0xe000) {
    const f = B[c];
    return f !== UNKNOWN ? f : bmpFlagsOf(c);
  }
  if (c < 0xdc00 && i + 1 < end) {
    const d = t.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) return astralFlags(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) | F_WIDE;
  }
  return 0;
}

const NOT_PREFIX = F_L | F_N | F_CRLF; // [^\r\n\p{L}\p{N}]
const NOT_P = F_L | F_N | F_WS; // [^\s\p{L}\p{N}]

/** o200k contraction suffix `(?i:'s|'t|'re|'ve|'m|'ll|'d)?` after a word ending at e. */
function contractionEnd(t: string, e: number, end: number): number {
  if (e + 1 < end && t.charCodeAt(e) === 39) {
    const a = t.charCodeAt(e + 1) | 0x20;
    if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return e + 2; // s t m d
    if (e + 2 < end) {
      const b = t.charCodeAt(e + 2) | 0x20;
      if ((b === 0x65 && (a === 0x72 || a === 0x76)) || (a === 0x6c && b === 0x6c)) return e + 3; // re ve ll
    }
  }
  return e;
}

/** `U* W+` at p: end, or -1. */
function upperLower(t: string, p: number, end: number): number {
  let q = p;
  let lastW = -1;
  while (q < end) {
    const g = fl(t, q, end);
    if ((g & F_U) === 0) {
      if ((g & F_W) !== 0) {
        q += (g >> 7) + 1;
        while (q < end) {
          const h = fl(t, q, end);
          if ((h & F_W) === 0) break;
          q += (h >> 7) + 1;
        }
        return q;
      }
      break;
    }
    q += (g >> 7) + 1;
    if ((g & F_W) !== 0) lastW = q;
  }
  return lastW;
}

/** `U+ W*` at p: end, or -1. */
function upperThenLower(t: string, p: number, end: number): number {
  let q = p;
  while (q < end) {
    const g = fl(t, q, end);
    if ((g & F_U) === 0) break;
    q += (g >> 7) + 1;
  }
  if (q === p) return -1;
  while (q < end) {
    const g = fl(t, q, end);
    if ((g & F_W) === 0) break;
    q += (g >> 7) + 1;
  }
  return q;
}

/** Whitespace alternatives of cl100k/o200k: `\s*[\r\n]+|\s+(?!\S)|\s+`. */
function whitespace(t: string, i: number, end: number): number {
  let q = i;
  let lastCr = -1;
  while (q < end) {
    const c = t.charCodeAt(q);
    if (c === 0x20) {
      q++;
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) break;
    let g = B[c];
    if (g === UNKNOWN) g = bmpFlagsOf(c);
    if ((g & F_WS) === 0) break;
    q++;
    if ((g & F_CRLF) !== 0) lastCr = q;
  }
  if (lastCr >= 0) return lastCr;
  if (q >= end || q - i < 2) return q;
  return q - 1;
}

/** End of the o200k piece starting at i (i < end). */
export function nextO200k(t: string, i: number, end: number): number {
  const f = fl(t, i, end);
  const j = i + (f >> 7) + 1;
  const prefix = (f & NOT_PREFIX) === 0 && j < end;
  let e: number;
  if (prefix && (e = upperLower(t, j, end)) >= 0) return contractionEnd(t, e, end);
  if ((f & (F_U | F_W)) !== 0 && (e = upperLower(t, i, end)) >= 0) return contractionEnd(t, e, end);
  if (prefix && (e = upperThenLower(t, j, end)) >= 0) return contractionEnd(t, e, end);
  if ((f & F_U) !== 0 && (e = upperThenLower(t, i, end)) >= 0) return contractionEnd(t, e, end);
  if ((f & F_N) !== 0) return digits3(t, j, end);
  // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
  let q = -1;
  if ((f & NOT_P) === 0) q = j;
  else if (t.charCodeAt(i) === 0x20 && j < end) {
    const g = fl(t, j, end);
    if ((g & NOT_P) === 0) q = j + (g >> 7) + 1;
  }
  if (q >= 0) {
    while (q < end) {
      const g = fl(t, q, end);
      if ((g & NOT_P) !== 0) break;
      q += (g >> 7) + 1;
    }
    while (q < end) {
      const c = t.charCodeAt(q);
      if (c !== 0x0a && c !== 0x0d && c !== 0x2f) break;
      q++;
    }
    return q;
  }
  if ((f & F_WS) !== 0) return whitespace(t, i, end);
  return j; // not reached: every character is a letter, number, space or "other"
}

/** `\p{N}{1,3}` continuing after the first digit, which ends at j. */
function digits3(t: string, j: number, end: number): number {
  let q = j;
  for (let k = 0; k < 2 && q < end; k++) {
    const g = fl(t, q, end);
    if ((g & F_N) === 0) break;
    q += (g >> 7) + 1;
  }
  return q;
}

/** End of the cl100k piece starting at i (i < end). */
export function nextCl100k(t: string, i: number, end: number): number {
  const c = t.charCodeAt(i);
  if (c === 39 && i + 1 < end) {
    // '(?i:[sdmt]|ll|ve|re)
    const a = t.charCodeAt(i + 1) | 0x20;
    if (a === 0x73 || a === 0x64 || a === 0x6d || a === 0x74) return i + 2;
    if (i + 2 < end) {
      const b = t.charCodeAt(i + 2) | 0x20;
      if ((a === 0x6c && b === 0x6c) || (b === 0x65 && (a === 0x76 || a === 0x72))) return i + 3;
    }
  }
  const f = fl(t, i, end);
  const j = i + (f >> 7) + 1;
  // [^\r\n\p{L}\p{N}]?\p{L}+
  let q = -1;
  if ((f & F_L) !== 0) q = j;
  else if ((f & NOT_PREFIX) === 0 && j < end) {
    const g = fl(t, j, end);
    if ((g & F_L) !== 0) q = j + (g >> 7) + 1;
  }
  if (q >= 0) {
    while (q < end) {
      const g = fl(t, q, end);
      if ((g & F_L) === 0) break;
      q += (g >> 7) + 1;
    }
    return q;
  }
  if ((f & F_N) !== 0) return digits3(t, j, end);
  // ` ?[^\s\p{L}\p{N}]+[\r\n]*` — o200k's rule with `/` left out of the tail; written out in both
  // scanners (not shared with a flag) so each stays one straight-line function on the hot path.
  if ((f & NOT_P) === 0) q = j;
  else if (c === 0x20 && j < end) {
    const g = fl(t, j, end);
    if ((g & NOT_P) === 0) q = j + (g >> 7) + 1;
  }
  if (q >= 0) {
    while (q < end) {
      const g = fl(t, q, end);
      if ((g & NOT_P) !== 0) break;
      q += (g >> 7) + 1;
    }
    while (q < end) {
      const d = t.charCodeAt(q);
      if (d !== 0x0a && d !== 0x0d) break;
      q++;
    }
    return q;
  }
  if ((f & F_WS) !== 0) return whitespace(t, i, end);
  return j;
}

/** End of the r50k/p50k/gpt2 piece starting at i (i < end). */
export function nextR50k(t: string, i: number, end: number): number {
  const c = t.charCodeAt(i);
  if (c === 39 && i + 1 < end) {
    // '(?:[sdmt]|ll|ve|re)  (case-sensitive)
    const a = t.charCodeAt(i + 1);
    if (a === 0x73 || a === 0x64 || a === 0x6d || a === 0x74) return i + 2;
    if (i + 2 < end) {
      const b = t.charCodeAt(i + 2);
      if ((a === 0x6c && b === 0x6c) || (b === 0x65 && (a === 0x76 || a === 0x72))) return i + 3;
    }
  }
  let f = fl(t, i, end);
  let q = i;
  if (c === 0x20 && i + 1 < end) {
    // ` ?` then a letter, number or other run: the space joins it
    const g = fl(t, i + 1, end);
    if ((g & F_WS) === 0) {
      f = g;
      q = i + 1;
    }
  }
  if ((f & F_WS) === 0) {
    const cls = (f & F_L) !== 0 ? F_L : (f & F_N) !== 0 ? F_N : 0;
    q += (f >> 7) + 1;
    if (cls !== 0) {
      while (q < end) {
        const g = fl(t, q, end);
        if ((g & cls) === 0) break;
        q += (g >> 7) + 1;
      }
    } else {
      while (q < end) {
        const g = fl(t, q, end);
        if ((g & NOT_P) !== 0) break;
        q += (g >> 7) + 1;
      }
    }
    return q;
  }
  // \s+(?!\S)|\s+
  q = i;
  while (q < end) {
    const d = t.charCodeAt(q);
    if (d >= 0xd800 && d < 0xe000) break;
    let g = B[d];
    if (g === UNKNOWN) g = bmpFlagsOf(d);
    if ((g & F_WS) === 0) break;
    q++;
  }
  if (q >= end || q - i < 2) return q;
  return q - 1;
}

/** The scanner function of a pattern family. */
export function scannerFor(family: PatternFamily): (t: string, i: number, end: number) => number {
  initScanner();
  return family === "o200k" ? nextO200k : family === "cl100k" ? nextCl100k : nextR50k;
}
