/** Heap merge (long pieces) and simple merge (short pieces) give identical tokens. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytePairCount, bytePairSplit, mergeWithSortedPairs, SORTED_THRESHOLD } from "../src/tokenizer/bpe.js";
import { getEncoding } from "../src/tokenizer/index.js";
import { RankTable } from "../src/tokenizer/rank-table.js";

const te = new TextEncoder();

describe.each(["cl100k_base", "o200k_base", "r50k_base"])("%s merges", (name) => {
  const table = getEncoding(name).ranks;
  const bounds = (bytes: Uint8Array, heap: boolean): number[] => {
    const out = new Int32Array(bytes.length + 1);
    const k = bytePairSplit(bytes, bytes.length, table, out, heap);
    return Array.from(out.subarray(0, k + 1));
  };
  const sortedBounds = (bytes: Uint8Array): number[] => {
    const out = new Int32Array(bytes.length + 1);
    const k = mergeWithSortedPairs(bytes, bytes.length, table, out);
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
        if (bytes.length >= 2) expect(sortedBounds(bytes)).toEqual(simple);
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
      expect(sortedBounds(bytes)).toEqual(bounds(bytes, false));
    }
  });

  it("pieces past the sorted-pairs threshold give the same tokens as the simple merge", () => {
    for (const n of [SORTED_THRESHOLD - 1, SORTED_THRESHOLD, SORTED_THRESHOLD + 1, 3000]) {
      for (const unit of ["ab1=", "a", "xyzzy", "---=", "中é😀"]) {
        const bytes = te.encode(unit.repeat(n)).subarray(0, n);
        expect(bounds(bytes, true)).toEqual(bounds(bytes, false));
      }
    }
  });
});

/**
 * A rank table over all single bytes (ranks 0–255) and the given tokens (ranks 256, 257, … in
 * order). Unlike OpenAI's ranks, these need not come from BPE training, so a merge can create a
 * candidate that ranks below the merge that made it.
 */
function tableOf(tokens: string[]): RankTable {
  const all = [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), ...tokens.map((t) => te.encode(t))];
  const bytes = new Uint8Array(all.reduce((a, t) => a + t.length, 0));
  const starts = new Uint32Array(all.length);
  const lengths = new Uint16Array(all.length);
  let at = 0;
  all.forEach((t, r) => {
    bytes.set(t, at);
    starts[r] = at;
    lengths[r] = t.length;
    at += t.length;
  });
  return new RankTable(bytes, starts, lengths);
}

describe("merges on arbitrary rank tables", () => {
  const split = (table: RankTable, s: string, how: "simple" | "heap" | "sorted"): number[] => {
    const bytes = te.encode(s);
    const out = new Int32Array(bytes.length + 1);
    const k = how === "sorted" ? mergeWithSortedPairs(bytes, bytes.length, table, out) : bytePairSplit(bytes, bytes.length, table, out, how === "heap");
    return Array.from(out.subarray(0, k + 1));
  };

  it("a candidate ranking below the merge that made it is taken first", () => {
    // "bc" (257) merges first and makes the candidate "abc" (256), which ranks below it; "abc"
    // must then win over "za" (258), an initial pair still waiting: z|abc, not za|bc
    const table = tableOf(["abc", "bc", "za"]);
    for (const how of ["simple", "heap", "sorted"] as const) expect(split(table, "zabc", how)).toEqual([0, 1, 4]);
  });

  it("sorted-pairs and heap merges equal the simple merge", () => {
    const letters = fc.constantFrom("a", "b", "c", "d");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: letters, minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 40 }),
        fc.string({ unit: letters, minLength: 2, maxLength: 400 }),
        (tokens, s) => {
          const table = tableOf(tokens);
          const simple = split(table, s, "simple");
          expect(split(table, s, "heap")).toEqual(simple);
          expect(split(table, s, "sorted")).toEqual(simple);
        },
      ),
      { numRuns: 1000, seed: 5 },
    );
  });
});
