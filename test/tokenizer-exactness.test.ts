/**
 * Property-based exactness: tokcost vs the `tiktoken` package (WASM build of OpenAI's Rust core)
 * on random strings with long runs of letters, digits, spaces and newlines and mixed scripts.
 */
import fc from "fast-check";
import { get_encoding, type Tiktoken, type TiktokenEncoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { getEncoding } from "../src/tokenizer/index.js";

const ATOMS = [
  "a",
  "b",
  "Z",
  "Q",
  "s",
  "t",
  "re",
  "ll",
  "ve",
  "D",
  "M",
  "'",
  "’",
  "1",
  "7",
  "0",
  "٣",
  "²",
  "Ⅳ",
  " ",
  "  ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "\u000b",
  "\f",
  "\u0085",
  "\u00a0",
  "\u1680",
  "\u2003",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\u200b",
  "!",
  ".",
  ",",
  "/",
  "//",
  "-",
  "_",
  "{",
  "}",
  '"',
  ":",
  "<",
  ">",
  "|",
  "<|endoftext|>",
  "=",
  "+",
  "é",
  "É",
  "ß",
  "ǅ",
  "ʰ",
  "\u0301",
  "\u0300",
  "ſ",
  "K",
  "ω",
  "Ω",
  "я",
  "Я",
  "ա",
  "א",
  "ع",
  "ह",
  "ก",
  "中",
  "文",
  "日本",
  "ー",
  "한",
  "〇",
  "😀",
  "👍🏽",
  "𝐀",
  "𝑎",
  "𐐀",
  "𐐨",
  "\ud800",
  "\udfff",
  "\u{10ffff}",
  "\u{e0041}",
];
const atom = fc.constantFrom(...ATOMS);
const run = fc.tuple(fc.constantFrom("a", "A", "z", "1", "0", " ", "\n", "\t", "中", "é", "!", "=", "/", "\u0301", "Ab", "aB", "9a"), fc.integer({ min: 2, max: 300 })).map(([c, n]) => c.repeat(n));
const anyChar = fc.string({ unit: "binary", minLength: 1, maxLength: 3 });
const text = fc.array(fc.oneof({ weight: 6, arbitrary: atom }, { weight: 1, arbitrary: run }, { weight: 2, arbitrary: anyChar }), { maxLength: 40 }).map((parts) => parts.join(""));

const NAMES: TiktokenEncoding[] = ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"];
const refs = new Map<string, Tiktoken>();
const ref = (name: TiktokenEncoding): Tiktoken => {
  let r = refs.get(name);
  if (!r) refs.set(name, (r = get_encoding(name)));
  return r;
};
afterAll(() => {
  for (const r of refs.values()) r.free();
});

describe.each(NAMES)("%s matches tiktoken", (name) => {
  const enc = getEncoding(name);
  it("on random text (encode and count)", () => {
    fc.assert(
      fc.property(text, (s) => {
        const expected = Array.from(ref(name).encode(s, [], []));
        expect(enc.encode(s)).toEqual(expected);
        expect(enc.count(s)).toBe(expected.length);
      }),
      { numRuns: 400, seed: 20260101 },
    );
  });

  it("on random text with special tokens allowed", () => {
    fc.assert(
      fc.property(text, (s) => {
        const expected = Array.from(ref(name).encode(s, "all", []));
        expect(enc.encode(s, { allowedSpecial: "all" })).toEqual(expected);
        expect(enc.count(s, { allowedSpecial: "all" })).toBe(expected.length);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it("on fully random unicode strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        expect(enc.encode(s)).toEqual(Array.from(ref(name).encode(s, [], [])));
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it("decodes as tiktoken does (its bytes as UTF-8, a leading byte-order mark kept)", () => {
    const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
    fc.assert(
      fc.property(text, (s) => {
        const ids = Array.from(ref(name).encode(s, "all", []));
        expect(enc.decode(ids)).toBe(utf8.decode(ref(name).decode(Uint32Array.from(ids))));
      }),
      { numRuns: 200, seed: 11 },
    );
    expect(enc.decode(enc.encode("\ufeffHello"))).toBe("\ufeffHello");
  });
});

describe("o200k_harmony", () => {
  it("encodes ordinary text as o200k_base does", () => {
    const enc = getEncoding("o200k_harmony");
    fc.assert(
      fc.property(text, (s) => {
        expect(enc.encode(s)).toEqual(Array.from(ref("o200k_base").encode(s, [], [])));
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe("long pieces (heap merge) match tiktoken", () => {
  const cases: Array<[string, string]> = [
    ["one letter", "a".repeat(3000)],
    ["random letters", Array.from({ length: 3000 }, (_, i) => String.fromCharCode(97 + ((i * 7919 + (i >> 3) * 104729) % 26))).join("")],
    ["base64", Array.from({ length: 2000 }, (_, i) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[((i * 2654435761) % 64) >>> 0]).join("")],
    ["digits and punctuation", "=-+".repeat(700) + "1".repeat(500)],
    ["spaces", " ".repeat(2000) + "x" + "\n".repeat(500)],
    ["CJK run", "中文字符".repeat(400)],
  ];
  for (const name of ["cl100k_base", "o200k_base", "r50k_base"] as const) {
    it.each(cases)(`${name}: %s`, (_label, s) => {
      const expected = Array.from(ref(name).encode(s, [], []));
      expect(getEncoding(name).encode(s)).toEqual(expected);
      expect(getEncoding(name).count(s)).toBe(expected.length);
    });
  }
});

describe("code points where V8's Unicode tables are newer than tiktoken's", () => {
  it("split as tiktoken does (one probe per override range)", async () => {
    const { TIKTOKEN_UNICODE_OVERRIDES: o } = await import("../src/tokenizer/unicode-overrides.js");
    const probe = (ch: string): string => `a${ch}1 ${ch}${ch}!${ch}\nA${ch}b ${ch}'s\u0301${ch}9${ch} x${ch}\u0301 Ab${ch}Cd`;
    for (const name of ["r50k_base", "cl100k_base", "o200k_base"] as const) {
      for (let i = 0; i < o.length; i += 3) {
        for (const cp of [o[i], o[i + 1]]) {
          const t = probe(String.fromCodePoint(cp));
          expect(getEncoding(name).encode(t)).toEqual(Array.from(ref(name).encode(t, [], [])));
        }
      }
    }
  });
});
