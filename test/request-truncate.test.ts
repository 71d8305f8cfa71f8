/** truncateText: cut on a token boundary, never half a character, within the budget. */
import { describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { truncateText } from "../src/index.js";

const o200k = get_encoding("o200k_base");

describe("truncateText", () => {
  it("keeps the first n tokens (cut from the end)", () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const ids = o200k.encode(text);
    const r = truncateText(text, { tokens: 4, encoding: "o200k_base" });
    expect(r.text).toBe(new TextDecoder().decode(o200k.decode(ids.slice(0, 4))));
    expect(r).toMatchObject({ tokens: 4, originalTokens: ids.length, truncated: true });
  });

  it("keeps the last n tokens (cut from the start)", () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const ids = o200k.encode(text);
    const r = truncateText(text, { tokens: 3, from: "start", encoding: "o200k_base" });
    expect(r.text).toBe(new TextDecoder().decode(o200k.decode(ids.slice(-3))));
    expect(text.endsWith(r.text)).toBe(true);
  });

  it("never cuts a multi-byte character in half, and stays within the budget", () => {
    const text = "日本語のテキストと絵文字 🎉🎉🎉 をたくさん含む文章です。".repeat(5);
    for (let n = 0; n < 40; n++) {
      const end = truncateText(text, { tokens: n, encoding: "cl100k_base" });
      expect(end.text).not.toContain("\uFFFD");
      expect(text.startsWith(end.text)).toBe(true);
      expect(end.tokens).toBeLessThanOrEqual(n);
      const start = truncateText(text, { tokens: n, from: "start", model: "gpt-4o" });
      expect(start.text).not.toContain("\uFFFD");
      expect(text.endsWith(start.text)).toBe(true);
      expect(start.tokens).toBeLessThanOrEqual(n);
    }
  });

  it("returns text that already fits unchanged", () => {
    expect(truncateText("short", { tokens: 10 })).toMatchObject({ text: "short", truncated: false, tokens: 1 });
  });
});
