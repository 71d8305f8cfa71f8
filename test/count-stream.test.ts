/**
 * Streaming counts equal whole-text counts: text fed in arbitrary pieces, bytes cut anywhere
 * (inside multi-byte characters, inside whitespace runs), every family.
 */
import fc from "fast-check";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { getEncoding } from "../src/tokenizer/index.js";
import { isInLineCut, isSafeCut, StreamingCounter } from "../src/tokenizer/stream.js";
import { countStream } from "../src/node/count-files.js";

const ATOMS = [
  "a",
  "Z",
  "word",
  "Hello",
  "'s",
  "'LL",
  "1",
  "42",
  "2024",
  " ",
  "  ",
  "   ",
  "\t",
  "\n",
  "\n",
  "\n",
  "\n\n",
  "\r\n",
  " \n",
  "\n ",
  "\n  ",
  "\u00a0",
  "\u0085",
  "\u2028",
  "\u3000",
  "x\ny",
  "end.\nNext",
  "}\n}",
  "a\n b",
  "1\n/",
  ";\n中",
  "!\n ",
  "/",
  "//",
  "!",
  ".",
  "=",
  "{",
  "}",
  "<|endoftext|>",
  "é",
  "É",
  "\u0301",
  "中文",
  "日本語",
  "한국어",
  "😀",
  "👍🏽",
  "𝐀",
  "\ud800",
  "\ufeff",
];
const lineText = fc.array(fc.constantFrom(...ATOMS), { maxLength: 120 }).map((a) => a.join(""));
const encodings = ["r50k_base", "p50k_base", "cl100k_base", "o200k_base"] as const;
const te = new TextEncoder();

/** Splits `s` at the sorted fractional positions. */
function splitAt<T extends { length: number; slice(a: number, b?: number): T }>(s: T, fractions: number[]): T[] {
  const cuts = fractions.map((f) => Math.floor(f * s.length)).sort((a, b) => a - b);
  const out: T[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(s.slice(prev, c));
    prev = c;
  }
  out.push(s.slice(prev));
  return out;
}

describe.each(encodings)("%s streaming", (name) => {
  const enc = getEncoding(name);

  it("text pushed in arbitrary pieces counts the same as the whole text", () => {
    let cuts = 0;
    fc.assert(
      fc.property(lineText, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), fc.integer({ min: 2, max: 40 }), (text, fractions, flushAt) => {
        const counter = new StreamingCounter(enc, { flushAt });
        for (const part of splitAt(text, fractions)) counter.push(part);
        expect(counter.total()).toBe(enc.count(text));
        cuts += counter.cuts;
      }),
      { numRuns: 600, seed: 5 },
    );
    expect(cuts).toBeGreaterThan(100); // the property really exercised cuts
  });

  it("bytes cut anywhere, including inside multi-byte characters, count the same", async () => {
    await fc.assert(
      fc.asyncProperty(lineText, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), async (text, fractions) => {
        const bytes = te.encode(text);
        const chunks = splitAt(bytes, fractions);
        expect(await countStream(Readable.from(chunks), { encoding: name, bufferChars: 8 })).toBe(enc.count(text));
      }),
      { numRuns: 200, seed: 6 },
    );
  });

  it("cuts inside every multi-byte character of a text", async () => {
    const text = "héllo 中文\n字符 😀👍🏽 𝐀\nok\u2028x\u00a0y\n" + "日本語のテキスト\nline two\n".repeat(20);
    const bytes = te.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await countStream(Readable.from(chunks), { encoding: name, bufferChars: 4 })).toBe(enc.count(text));
    }
  });

  it("cuts inside whitespace runs", () => {
    const runs = ["\n", "\n\n", " \n", "\n ", "\n  ", "\n\t", " ", "   ", "\r\n", "\n\u00a0", "\u3000\n"];
    for (const a of runs)
      for (const b of runs) {
        const text = `x${a}y${b}/z${a}${b}w\n\nv${b}`;
        for (let cut = 0; cut <= text.length; cut++) {
          const counter = new StreamingCounter(enc, { flushAt: 1 });
          counter.push(text.slice(0, cut));
          counter.push(text.slice(cut));
          expect(counter.total()).toBe(enc.count(text));
        }
      }
  });

  it("keeps special tokens whole when they are allowed", () => {
    const text = "hi<|endoftext|>\nthere <|endoftext|>x\n<|endoftext|>\nok".repeat(10);
    for (let cut = 0; cut <= text.length; cut += 3) {
      const counter = new StreamingCounter(enc, { flushAt: 1, allowedSpecial: "all" });
      counter.push(text.slice(0, cut));
      counter.push(text.slice(cut));
      expect(counter.total()).toBe(enc.count(text, { allowedSpecial: "all" }));
    }
  });

  it("cuts inside a line: every position of one-line text with letters, digits, marks, contractions and punctuation", () => {
    // atoms next to letters that could continue a piece: ' (contractions), combining marks, non-ASCII letters
    const oneLine = fc
      .array(
        fc.constantFrom(
          "a",
          "Z",
          "word",
          "it's",
          "I'LL",
          "'",
          "''s",
          "1",
          "123456",
          " ",
          "  ",
          "\t",
          "e\u0301",
          "É",
          "中",
          "ß",
          ".",
          "/",
          "//",
          "-",
          "_",
          "=",
          "(",
          ")",
          "{",
          "}",
          '"',
          "`",
          "^",
          "~",
          "|",
          "<",
          ">",
          "<|",
          "|>",
          "\u00a0",
          "😀",
        ),
        { maxLength: 60 },
      )
      .map((a) => a.join(""));
    let cuts = 0;
    fc.assert(
      fc.property(oneLine, fc.integer({ min: 1, max: 8 }), (text, flushAt) => {
        for (let at = 0; at <= text.length; at++) {
          const counter = new StreamingCounter(enc, { flushAt });
          counter.push(text.slice(0, at));
          counter.push(text.slice(at));
          expect(counter.total()).toBe(enc.count(text));
          cuts += counter.cuts;
        }
      }),
      { numRuns: 150, seed: 7 },
    );
    expect(cuts).toBeGreaterThan(300); // no line feeds: every one of these is a cut inside a line
  });

  it("holds a bounded amount of text for one long line (minified code, one-line JSON)", () => {
    const piece = 'var a=function(b){return b.x+"y"},c=[1,2,3];if(a(c))d.push({k:"v",n:12});';
    const counter = new StreamingCounter(enc, { flushAt: 4096 });
    for (let i = 0; i < 2000; i++) counter.push(piece.repeat(3));
    expect(counter.total()).toBe(enc.count(piece.repeat(6000)));
    expect(counter.maxBuffered).toBeLessThan(4096 + 3 * piece.length + 1);
  });

  it("holds a bounded amount of text for a long stream", () => {
    const line = "The quick brown fox jumps over the lazy dog, 1234 times: 中文 ok.\n  indented {\n}\n";
    const counter = new StreamingCounter(enc, { flushAt: 4096 });
    let whole = 0;
    for (let i = 0; i < 2000; i++) counter.push(line.repeat(3));
    whole = enc.count(line.repeat(6000));
    expect(counter.total()).toBe(whole);
    expect(counter.maxBuffered).toBeLessThan(4096 + 3 * line.length + 1);
  });
});

describe("isInLineCut", () => {
  it("accepts an ASCII letter followed by an ASCII character that is not a letter or '", () => {
    expect(isInLineCut("ab c", 2)).toBe(true);
    expect(isInLineCut("a.b", 1)).toBe(true);
    expect(isInLineCut("a1", 1)).toBe(true);
    expect(isInLineCut("ab", 1)).toBe(false);
    expect(isInLineCut("a's", 1)).toBe(false);
    expect(isInLineCut("e\u0301", 1)).toBe(false);
    expect(isInLineCut("1 a", 1)).toBe(false);
    expect(isInLineCut(". a", 1)).toBe(false);
  });
});

describe("isSafeCut", () => {
  it("accepts a cut after a line feed between non-space characters only", () => {
    expect(isSafeCut("a\nb", 2, false)).toBe(true);
    expect(isSafeCut("a\n b", 2, false)).toBe(true);
    expect(isSafeCut("a\n  b", 2, false)).toBe(false);
    expect(isSafeCut(" \nb", 2, false)).toBe(false);
    expect(isSafeCut("a\n/x", 2, true)).toBe(false);
    expect(isSafeCut("a\n/x", 2, false)).toBe(true);
    expect(isSafeCut("ab", 1, false)).toBe(false);
  });
});
