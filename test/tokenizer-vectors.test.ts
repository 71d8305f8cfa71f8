import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extendEncoding, getEncoding, type AllowedSpecial, type Encoding } from "../src/tokenizer/index.js";
import { countTokens, decode, encode, estimate, InputError } from "../src/index.js";

interface Vector {
  encoding: string;
  text: string;
  ids?: number[];
  count: number;
  allowed_special?: string;
  note?: string;
}

const file = new URL("./reference/encoding-vectors.json", import.meta.url);
const { vectors } = JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] };

/** The reference's free-text `allowed_special` descriptions → tokcost's option. */
function allowedOf(v: Vector): AllowedSpecial | undefined {
  const desc = (v.allowed_special ?? "none").trim();
  if (desc === "all" || desc.startsWith("all (") || desc.startsWith("allowed_special={")) return "all";
  return undefined; // "none…", "default", "allowed=[], disallowed=[]", "disallowed_special=() …": ordinary text
}

function encodingOf(v: Vector): Encoding {
  const custom = v.note?.match(/custom special tokens (\{[^}]*\})/);
  if (custom) return extendEncoding(v.encoding as "gpt2", { name: `${v.encoding}-custom`, specialTokens: JSON.parse(custom[1]) });
  return getEncoding(v.encoding);
}

describe("reference vectors (test/reference/encoding-vectors.json)", () => {
  it("has vectors for every shipped encoding", () => {
    expect(new Set(vectors.map((v) => v.encoding))).toEqual(new Set(["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base", "o200k_harmony"]));
  });

  it.each(vectors.map((v, i) => [i, v.encoding, JSON.stringify(v.text).slice(0, 60), v] as const))("#%i %s %s", (_i, _name, _label, v) => {
    const enc = encodingOf(v);
    const allowedSpecial = allowedOf(v);
    if (v.ids) {
      expect(enc.encode(v.text, { allowedSpecial })).toEqual(v.ids);
      expect(enc.decode(v.ids)).toBe(v.text);
    }
    expect(enc.count(v.text, { allowedSpecial })).toBe(v.count);
  });

  it("encodes surrogate pairs like the code point and lone surrogates like U+FFFD", () => {
    const enc = getEncoding("cl100k_base");
    expect(enc.encode("\ud83d\udc4d")).toEqual([9468, 239, 235]);
    expect(enc.encode("\ud83d")).toEqual(enc.encode("\ufffd"));
    expect(enc.count("a\udc00b")).toBe(enc.count("a\ufffdb"));
  });
});

describe("arguments from JavaScript callers", () => {
  it("text that is not a string and ids that are not an array are one clear InputError", () => {
    for (const bad of [5, null, undefined, ["a"], { text: "a" }]) {
      expect(() => countTokens(bad as unknown as string)).toThrow(InputError);
      expect(() => encode(bad as unknown as string)).toThrow(/text must be a string, got/);
      expect(() => estimate({ model: "gpt-4o", prompt: bad as unknown as string })).toThrow(InputError);
    }
    expect(() => countTokens(5 as unknown as string)).toThrow("text must be a string, got a number");
    expect(() => decode("abc" as unknown as number[], { encoding: "cl100k_base" })).toThrow("token ids must be an array of numbers, got a string");
    expect(decode(new Uint32Array([9906]) as unknown as number[], { encoding: "cl100k_base" })).toBe("Hello");
  });
});
