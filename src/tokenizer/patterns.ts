/**
 * Pre-tokenizer split patterns, translated from tiktoken's Rust regexes (fancy-regex) to
 * JavaScript regexes with the *same* semantics.
 *
 * Why not copy the pattern strings verbatim (as js-tiktoken and gpt-tokenizer do)? Because the
 * two regex engines disagree on what some classes mean:
 *
 * - `\s`: Rust's is Unicode `White_Space` (it includes U+0085 NEXT LINE); JavaScript's `\s` lacks
 *   U+0085 but includes U+FEFF (ZERO WIDTH NO-BREAK SPACE), which is not `White_Space`. So
 *   `" \u00850"` splits differently, and so does any text with a byte-order mark after
 *   punctuation. We spell the class out (see {@link WHITE_SPACE}).
 * - `(?i:'s|'t|…)` inline case-insensitivity does not exist in Node 20's regex syntax; we spell
 *   out the case variants. (tiktoken's Rust engine does not fold `ſ`/U+017F to `s` here; verified
 *   against the tiktoken package in `test/tokenizer-exactness.test.ts`.)
 * - Possessive quantifiers (`++`, `?+`) and `\s++$` do not exist in JavaScript. In these patterns
 *   they never change the split (no alternative can succeed by backtracking into them), so the
 *   greedy forms are used.
 *
 * `\p{L}`, `\p{N}`, `\p{M}` … are the same Unicode properties in both engines; differences of
 * Unicode version are checked code point by code point in the exactness tests.
 */

/** Unicode `White_Space` (what Rust's `\s` matches), written as a character-class body. */
export const WHITE_SPACE = "\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

const s = `[${WHITE_SPACE}]`;
const S = `[^${WHITE_SPACE}]`;
const notSpaceLetterNumber = `[^${WHITE_SPACE}\\p{L}\\p{N}]`;

/** Case variants of the English contractions (`(?i:'s|'t|'re|'ve|'m|'ll|'d)`). */
const CONTRACTIONS_ANY_CASE = "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/** The three pattern families tiktoken's encodings use. */
export type PatternFamily = "r50k" | "cl100k" | "o200k";

/** JavaScript source of each family's split pattern (use with the `gu` flags). */
export const PATTERN_SOURCES: Readonly<Record<PatternFamily, string>> = {
  // gpt2, r50k_base, p50k_base, p50k_edit: '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
  r50k: `'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?${notSpaceLetterNumber}+|${s}+(?!${S})|${s}+`,
  // cl100k_base
  cl100k: `${CONTRACTIONS_ANY_CASE}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?${notSpaceLetterNumber}+[\\r\\n]*|${s}*[\\r\\n]+|${s}+(?!${S})|${s}+`,
  // o200k_base, o200k_harmony
  o200k: [
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS_ANY_CASE})?`,
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS_ANY_CASE})?`,
    `\\p{N}{1,3}`,
    ` ?${notSpaceLetterNumber}+[\\r\\n/]*`,
    `${s}*[\\r\\n]+`,
    `${s}+(?!${S})`,
    `${s}+`,
  ].join("|"),
};

/** A fresh global regex for a family (regexes with `g` carry state, so callers get their own). */
export function splitRegex(family: PatternFamily): RegExp {
  return new RegExp(PATTERN_SOURCES[family], "gu");
}
