/**
 * Problems and warnings are data: every notice an estimate produces carries a code from the closed
 * list (NOTICE_CODES), its level matches the list, and `problems` / `warnings` are exactly the texts
 * of the error- and warning-level notices, in order — so nothing needs to read the wording.
 */
import { describe, expect, it } from "vitest";
import { estimate, estimateRequest, preflight, NOTICE_CODES, isNoticeCode, levelOf, type Estimate } from "../src/index.js";

const chat = (extra: Record<string, unknown> = {}, content: string = "Hello") => ({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra });

/** Estimates that between them produce every kind of notice tokcost knows how to produce. */
function corpus(): Array<[string, Estimate]> {
  const wav = new Uint8Array(44 + 16000);
  new DataView(wav.buffer).setUint32(0, 0x52494646); // "RIFF" (a header too short to read: the duration is unknown)
  return [
    ["plain text, worst case", estimate({ model: "gpt-4o", prompt: "Hello" })],
    ["text with a budget", estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 100 })],
    ["retired model", estimate({ model: "text-davinci-003", prompt: "word ".repeat(5000), maxTokens: 1000 })],
    ["deprecated or snapshot", estimate({ model: "gpt-4o-2031-01-01", prompt: "Hello", maxTokens: 10 })],
    ["another vendor's tokenizer", estimate({ model: "claude-sonnet-4-5", prompt: "Hello", maxTokens: 10 })],
    ["unpriced, allowed", estimate({ model: "gpt-4o-mni", prompt: "Hello", allowUnpriced: true })],
    ["reasoning tokens", estimate({ model: "o3", prompt: "Hello", maxTokens: 100, billing: { reasoningTokens: 500 } })],
    ["reasoning effort", estimate({ model: "o3", prompt: "Hello", maxTokens: 100, billing: { reasoningEffort: "none" } })],
    ["batch derived rate", estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 10, billing: { tier: "batch", cachedInputTokens: 1 } })],
    ["deprecated model", estimate({ model: "gpt-3.5-turbo-1106", prompt: "Hello", maxTokens: 10 })],
    ["over the input cap", estimate({ model: "gpt-5", prompt: "word ".repeat(275_000), maxTokens: 10 })],
    ["completions on a chat model", estimateRequest({ model: "gpt-4o", prompt: "hi", max_tokens: 5 }, { kind: "completions" })],
    ["output too large", estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 50_000 })],
    [
      "chat, n choices, json_schema, prediction",
      estimateRequest(chat({ n: 3, response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } }, prediction: { type: "content", content: "x" } })),
    ],
    ["chat, undocumented field", estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "hi", foo: 1 }], max_tokens: 5 })],
    ["completions on a chat model, best_of, echo", estimateRequest({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi", best_of: 3, echo: true }, { kind: "completions" })],
    ["responses with a built-in tool, context overflow", estimateRequest({ model: "gpt-4o", input: "word ".repeat(130_000), tools: [{ type: "web_search" }] })],
    ["embeddings", estimateRequest({ model: "text-embedding-3-small", input: ["a", "b"] })],
    ["image, auto quality", estimateRequest({ model: "gpt-image-1", prompt: "a cat" })],
    ["image, dall-e-2 with style", estimateRequest({ model: "dall-e-2", prompt: "a cat", style: "vivid" })],
    ["speech", estimateRequest({ model: "gpt-4o-mini-tts", input: "Hello there", voice: "alloy" })],
    ["transcription without a duration", estimateRequest({ model: "whisper-1", file: "talk.ogg" }, { kind: "transcriptions" })],
    [
      "moderation with an image",
      estimateRequest(
        {
          model: "omni-moderation-latest",
          input: [
            { type: "text", text: "hi" },
            { type: "image_url", image_url: { url: "https://x/y.png" } },
          ],
        },
        { kind: "moderations" },
      ),
    ],
    ["moderation, default model", estimateRequest({ input: "hi" }, { kind: "moderations" })],
    ["preflight", preflight(chat({ max_tokens: 10 }))],
  ];
}

describe("notices: a closed list of codes", () => {
  const estimates = corpus();

  it("every notice carries a code from NOTICE_CODES, and problems/warnings are its error/warning texts in order", () => {
    for (const [name, e] of estimates) {
      for (const n of e.notices) {
        expect(isNoticeCode(n.code), `${name}: ${n.code}`).toBe(true);
        expect(typeof n.text, name).toBe("string");
      }
      expect(e.problems, name).toEqual(e.notices.filter((n) => levelOf(n.code) === "error").map((n) => n.text));
      expect(e.warnings, name).toEqual(e.notices.filter((n) => levelOf(n.code) === "warning").map((n) => n.text));
      // the structured limit problems are the error notices' source, one for one
      expect(
        e.limitProblems.map((p) => p.code),
        name,
      ).toEqual(e.notices.filter((n) => levelOf(n.code) === "error").map((n) => n.code));
    }
  });

  it("the corpus exercises most of the list (a code nobody produces should be removed)", () => {
    const seen = new Set(estimates.flatMap(([, e]) => e.notices.map((n) => n.code)));
    // produced elsewhere: UNKNOWN_MODEL (multi-model rows), INPUT_NOTE (file reading), VENDOR_COUNT (remote counts),
    // COMPLETION_UNBOUNDED (a priced model without published limits)
    const elsewhere = new Set(["UNKNOWN_MODEL", "INPUT_NOTE", "VENDOR_COUNT", "COMPLETION_UNBOUNDED"]);
    const missing = Object.keys(NOTICE_CODES).filter((code) => !seen.has(code as keyof typeof NOTICE_CODES) && !elsewhere.has(code));
    expect(missing).toEqual([]);
  });

  it("a limit problem's kind, numbers and code are data", () => {
    const e = estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 50_000 });
    expect(e.fits).toBe(false);
    expect(e.limitProblems).toEqual([expect.objectContaining({ kind: "output", code: "MAX_TOKENS_TOO_LARGE", actual: 50_000, allowed: 16_384 })]);
    expect(e.notices[0]).toMatchObject({ code: "MAX_TOKENS_TOO_LARGE", subject: "gpt-4o", data: { kind: "output", actual: 50_000, allowed: 16_384 } });
  });
});
