/** Heap merge (long pieces) and simple merge (short pieces) give identical tokens. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytePairCount, bytePairSplit } from "../src/tokenizer/bpe.js";
import { getEncoding } from "../src/tokenizer/index.js";

const te = new TextEncoder();

describe.each(["cl100k_base", "o200k_base", "r50k_base"])("%s merges", (name) => {
  const table = getEncoding(name).ranks;
  const bounds = (bytes: Uint8Array, heap: boolean): number[] => {
    const out = new Int32Array(bytes.length + 1);
    const k = bytePairSplit(bytes, bytes.length, table, out, heap);
    return Array.from(out.subarray(0, k + 1));
  };

  it("heap merge equals simple merge on random pieces", () => {
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "b", "e", "r", "t", "th", "in", "A", "0", "1", " ", "=", "中", "é", "😀"), minLength: 1, maxLength: 200 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
      fc.tuple(fc.constantFrom("a", "ab", "x9", "==", " "), fc.integer({ min: 1, max: 150 })).map(([c, n]) => c.repeat(n)),
    );
    fc.assert(
      fc.property(piece, (s) => {
        const bytes = te.encode(s);
        const simple = bounds(bytes, false);
        expect(bounds(bytes, true)).toEqual(simple);
        expect(bytePairCount(bytes, bytes.length, table, true)).toBe(simple.length - 1);
        expect(bytePairCount(bytes, bytes.length, table, false)).toBe(simple.length - 1);
      }),
      { numRuns: 1500, seed: 11 },
    );
  });

  it("long pieces near the heap threshold give the same tokens either way", () => {
    for (const n of [126, 127, 128, 129, 500]) {
      const bytes = te.encode("ab1=".repeat(n).slice(0, n));
      expect(bounds(bytes, true)).toEqual(bounds(bytes, false));
    }
  });
});
