/** The hand-written pre-tokenizer produces exactly the pieces of the split regexes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitRegex, type PatternFamily } from "../src/tokenizer/patterns.js";
import { scannerFor } from "../src/tokenizer/scanner.js";
import { TIKTOKEN_UNICODE_OVERRIDES } from "../src/tokenizer/unicode-overrides.js";

/**
 * Code points where tokcost deliberately follows tiktoken's (older) Unicode tables instead of
 * V8's — the regex, which uses V8's, differs there by design; tiktoken itself is the reference
 * for those (test/tokenizer-exactness.test.ts, bench/check-unicode.js).
 */
function isOverridden(cp: number): boolean {
  const o = TIKTOKEN_UNICODE_OVERRIDES;
  for (let i = 0; i < o.length; i += 3) if (cp >= o[i] && cp <= o[i + 1]) return true;
  return false;
}
const sanitize = (s: string): string => Array.from(s, (ch) => (isOverridden(ch.codePointAt(0)!) ? "?" : ch)).join("");

function regexPieces(family: PatternFamily, s: string): string[] {
  const re = splitRegex(family);
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out.push(m[0]);
  return out;
}

function scannerPieces(family: PatternFamily, s: string): string[] {
  const next = scannerFor(family);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    const e = next(s, i, s.length);
    out.push(s.slice(i, e));
    i = e;
  }
  return out;
}

const ATOMS = [
  "a",
  "B",
  "z",
  "Q",
  " ",
  "  ",
  "\n",
  "\r",
  "\t",
  "'",
  "s",
  "S",
  "t",
  "re",
  "RE",
  "ll",
  "D",
  "m",
  "1",
  "9",
  "٣",
  "!",
  ".",
  "/",
  "-",
  "é",
  "É",
  "ǅ",
  "ʰ",
  "中",
  "文",
  "\u0301",
  "\u0300",
  "\u0085",
  "\u00a0",
  "\ufeff",
  "\u2028",
  "\u3000",
  "😀",
  "𝐀",
  "𝑎",
  "\ud800",
  "\udc00",
  "𐐀",
  "𐐨",
  "ß",
  "Ω",
  "ω",
  "_",
  '"',
  "{",
  "0",
  "\u200b",
  "\u1680",
  "ſ",
  "K",
  "ǈ",
  "ʼ",
  "ー",
  "〇",
  "Ⅳ",
  "²",
];
const families: PatternFamily[] = ["r50k", "cl100k", "o200k"];

describe.each(families)("scanner %s", (family) => {
  it("splits random strings exactly as the regex", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ATOMS), { maxLength: 30 }).map((a) => a.join("")),
        (s) => {
          expect(scannerPieces(family, s)).toEqual(regexPieces(family, s));
        },
      ),
      { numRuns: 1500, seed: 1 },
    );
  });

  it("splits random unicode exactly as the regex", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }).map(sanitize), (s) => {
        expect(scannerPieces(family, s)).toEqual(regexPieces(family, s));
      }),
      { numRuns: 1000, seed: 2 },
    );
  });

  it("agrees with the regex on every BMP code point in letter, digit, mark and space contexts", () => {
    let probe = "";
    for (let c = 0; c < 0x10000; c++) {
      if ((c >= 0xd800 && c < 0xe000) || isOverridden(c)) continue;
      const ch = String.fromCharCode(c);
      probe += `a${ch}1 ${ch}${ch}!${ch}\nA${ch}b ${ch}'s\u0301${ch}`;
    }
    expect(scannerPieces(family, probe)).toEqual(regexPieces(family, probe));
  });
});

describe("tiktoken Unicode overrides", () => {
  it("are sorted, disjoint ranges of code points", () => {
    const o = TIKTOKEN_UNICODE_OVERRIDES;
    expect(o.length % 3).toBe(0);
    for (let i = 0; i < o.length; i += 3) {
      expect(o[i]).toBeLessThanOrEqual(o[i + 1]);
      if (i > 0) expect(o[i]).toBeGreaterThan(o[i - 2]);
    }
  });
});
