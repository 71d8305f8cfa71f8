/**
 * Issue 14 item 9: globs in a config are untrusted input. The former RegExp translation took 40 s
 * to forever on "{*,*}" × 11 or "*a*a*a*a*a*a*a*a*a*a*b"; the matcher is now linear in the path.
 * These tests assert completion (with patterns long enough that the old code would run far past
 * vitest's timeout), never timings; and equality with the old translation where it is safe.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, compileGlobSet } from "../../src/gate/glob.js";
import { referenceGlob } from "./glob-reference.js";

describe("hostile globs complete", () => {
  const paths = ["a".repeat(60), `${"a".repeat(40)}c`, `${"a/".repeat(40)}c`, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "x".repeat(200)];
  const patterns = ["{*,*}".repeat(24) + "x", `${"*a".repeat(30)}*b`, `${"**/".repeat(30)}*b`, `${"{a,*}".repeat(30)}c`, `${"?*".repeat(40)}z`, `${"{a,{a,{a,*}}}".repeat(20)}q`];
  for (const pattern of patterns) {
    it(`${pattern.slice(0, 24)}… (${pattern.length} characters)`, () => {
      const matcher = compileGlob(pattern);
      for (const path of paths) expect(typeof matcher.test(path)).toBe("boolean");
      expect(compileGlobSet([pattern, `!${pattern}`]).test(paths[0])).toBe(false);
    });
  }

  it("still matches what these patterns describe", () => {
    expect(compileGlob(`${"*a".repeat(30)}*b`).test(`${"a".repeat(30)}b`)).toBe(true);
    expect(compileGlob(`${"*a".repeat(30)}*b`).test(`${"a".repeat(29)}b`)).toBe(false);
    expect(compileGlob("{*,*}".repeat(24) + "x").test("abcx")).toBe(true);
  });
});

describe("the linear matcher agrees with the former RegExp translation", () => {
  // small patterns over a small alphabet: the RegExp cannot blow up on them
  const piece = fc.constantFrom("a", "b", ".", "/", "*", "**", "**/", "?", "[ab]", "[!a]", "[a-c]", "{a,b}", "{a,*}", "{a/**,b}", "\\*", "{", "}", ",", "[", "é", "😀");
  const pattern = fc.array(piece, { maxLength: 7 }).map((p) => p.join(""));
  const path = fc.array(fc.constantFrom("a", "b", "c", ".", "/", "*", "é", "😀", "{", "["), { maxLength: 10 }).map((p) => p.join(""));

  it("on random patterns and paths", () => {
    fc.assert(
      fc.property(pattern, path, (p, f) => {
        let expected: boolean;
        try {
          expected = referenceGlob(p).test(f);
        } catch {
          return true; // the old translation could not even compile it
        }
        expect(compileGlob(p).test(f), `${JSON.stringify(p)} vs ${JSON.stringify(f)}`).toBe(expected);
        return true;
      }),
      { numRuns: 3000, seed: 14 },
    );
  });
});
