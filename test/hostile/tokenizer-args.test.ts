/** Issue 14 (low): token ids and allowedSpecial from JavaScript callers are checked. */
import { describe, expect, it } from "vitest";
import { countTokens, decode, encode } from "../../src/tokenizer/index.js";
import { StreamingCounter } from "../../src/tokenizer/stream.js";
import { getEncoding } from "../../src/tokenizer/index.js";
import { isTokcostError } from "../../src/errors.js";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTokcostError(error) ? error.code : `not a tokcost error: ${String(error)}`;
  }
  return undefined;
}

describe("decode", () => {
  it.each([[[1.5]], [[Number.NaN]], [[-1]], [[Number.POSITIVE_INFINITY]], [["1"]], [[null]]])("decode(%j) is an InputError", (ids) => {
    expect(code(() => decode(ids as number[], { encoding: "o200k_base" }))).toBe("INVALID_INPUT");
  });
  it("whole ids still decode", () => {
    expect(decode(encode("hello world", { encoding: "o200k_base" }), { encoding: "o200k_base" })).toBe("hello world");
  });
});

describe("allowedSpecial", () => {
  it('"ALL" in any case means all', () => {
    for (const all of ["ALL", "All", "all"]) {
      expect(countTokens("a<|endoftext|>b", { encoding: "cl100k_base", allowedSpecial: all as "all" })).toBe(3);
      expect(encode("<|endoftext|>", { encoding: "cl100k_base", allowedSpecial: all as "all" })).toEqual([100257]);
      const c = new StreamingCounter(getEncoding("cl100k_base"), { allowedSpecial: all as "all" });
      c.push("<|endoftext|>");
      expect(c.total()).toBe(1);
    }
  });
  it("another string, or an array of non-strings, is an InputError (not split into characters)", () => {
    expect(code(() => countTokens("x<|endoftext|>", { encoding: "cl100k_base", allowedSpecial: "<|endoftext|>" as unknown as "all" }))).toBe("INVALID_INPUT");
    expect(code(() => countTokens("x<|endoftext|>", { encoding: "cl100k_base", allowedSpecial: [1] as unknown as string[] }))).toBe("INVALID_INPUT");
    expect(code(() => countTokens("x", { encoding: "cl100k_base", allowedSpecial: 5 as unknown as "all" }))).toBe("INVALID_INPUT");
  });
});
