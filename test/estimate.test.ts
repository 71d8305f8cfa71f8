import { describe, expect, it } from "vitest";
import { checkLimits, estimate, estimateFromTokens, resolveModel, PricingTable, parsePricingFile, UsageError, UnknownModelError, getModel } from "../src/index.js";

const customTable = new PricingTable([
  parsePricingFile({
    version: 1,
    asOf: "2026-01-01",
    models: [
      { id: "tiny-4k", provider: "openai", mode: "completion", encoding: "p50k_base", contextWindow: 4097, pricing: { input: 20, output: 20 }, source: "test", asOf: "2026-01-01" },
      {
        id: "split-cap",
        provider: "openai",
        mode: "chat",
        encoding: "o200k_base",
        contextWindow: 400000,
        maxInputTokens: 272000,
        maxOutputTokens: 128000,
        pricing: { input: 1.25, output: 10 },
        source: "test",
        asOf: "2026-01-01",
      },
      { id: "unpriced", provider: "openai", mode: "chat", encoding: "o200k_base", contextWindow: 1000, source: "test", asOf: "2026-01-01" },
    ],
  }),
]);

describe("checkLimits", () => {
  it("uses the API's wording for a prompt over the window and names the room", () => {
    const check = checkLimits({ contextWindow: 4097 }, 51, 4100);
    expect(check.fits).toBe(false);
    expect(check.room).toBe(4046);
    expect(check.problems[0].message).toBe(
      "This model's maximum context length is 4097 tokens, however you requested 4151 tokens (51 in your prompt; 4100 for the completion). Please reduce your prompt; or completion length.",
    );
  });

  it("uses the chat wording for messages", () => {
    const check = checkLimits({ contextWindow: 8192 }, 64, 8192, "messages");
    expect(check.problems[0].message).toBe(
      "This model's maximum context length is 8192 tokens. However, you requested 8256 tokens (64 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.",
    );
  });

  it("checks a separate input cap and the output cap", () => {
    const check = checkLimits({ contextWindow: 400000, maxInputTokens: 272000, maxOutputTokens: 128000 }, 289650, 200000, "messages");
    expect(check.fits).toBe(false);
    expect(check.room).toBe(0);
    expect(check.problems.map((p) => p.kind)).toEqual(["input", "output", "context"]);
    expect(check.problems[0].message).toBe("Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 289650 tokens. Please reduce the length of the messages.");
    expect(check.problems[1].message).toBe("max_tokens is too large: 200000. This model supports at most 128000 completion tokens, whereas you provided 200000.");
  });

  it("room is bounded by the output cap and the window", () => {
    expect(checkLimits({ contextWindow: 400000, maxInputTokens: 272000, maxOutputTokens: 128000 }, 1000, null).room).toBe(128000);
    expect(checkLimits({ contextWindow: 128000, maxOutputTokens: 16384 }, 120000, null).room).toBe(8000);
    expect(checkLimits({}, 10, 10)).toEqual({ fits: null, room: null, problems: [] });
  });

  it("is exact at the boundary", () => {
    expect(checkLimits({ contextWindow: 100 }, 60, 40).fits).toBe(true);
    expect(checkLimits({ contextWindow: 100 }, 60, 41).fits).toBe(false);
  });
});

describe("estimate", () => {
  it("counts, prices prompt + max_tokens and checks fit", () => {
    const e = estimate({ model: "tiny-4k", prompt: "hello world", maxTokens: 1000, table: customTable });
    expect(e.promptTokens).toBe(2);
    expect(e.encoding).toBe("p50k_base");
    expect(e.exact).toBe(true);
    expect(e.fits).toBe(true);
    expect(e.room).toBe(4095);
    expect(e.cost.prompt).toBeCloseTo((2 * 20) / 1e6, 12);
    expect(e.cost.completion).toBeCloseTo((1000 * 20) / 1e6, 12);
    expect(e.cost.total).toBeCloseTo((1002 * 20) / 1e6, 12);
  });

  it("reports a misfit with the largest max_tokens that fits", () => {
    const e = estimateFromTokens(resolveModel("tiny-4k", { table: customTable }), 51, { maxTokens: 4100 });
    expect(e.fits).toBe(false);
    expect(e.room).toBe(4046);
    expect(e.problems[0]).toContain("you requested 4151 tokens (51 in your prompt; 4100 for the completion)");
  });

  it("leaves unknown prices null instead of inventing zero", () => {
    const e = estimate({ model: "unpriced", prompt: "hi", maxTokens: 10, table: customTable });
    expect(e.cost.total).toBeNull();
    expect(e.warnings.join(" ")).toContain("no published per-token price");
  });

  it("a model billed per search is not priced as free tokens", () => {
    const e = estimate({ model: "rerank-v3.5", prompt: "which document answers the question?" });
    expect(e.cost.total).toBeNull();
    expect(e.exact).toBe(false);
    expect(e.warnings).toContain("rerank-v3.5 is billed per search ($0.002 per query), not per token: tokens and fit only");
  });

  it("a missing tier price is named once, not also as a missing per-token price", () => {
    const e = estimate({ model: "gpt-4o", prompt: "hi", maxTokens: 10, billing: { tier: "flex" } });
    expect(e.cost.total).toBeNull();
    expect(e.warnings).toContain("gpt-4o has no flex price in the table");
    expect(e.warnings.join(" ")).not.toContain("per-token price");
  });

  it("warns for retired models but still estimates", () => {
    const e = estimate({ model: "text-davinci-003", prompt: "Say this is a test", maxTokens: 16 });
    expect(e.contextWindow).toBe(4097);
    expect(e.warnings.join(" ")).toMatch(/retired on 2024-01-04/);
    expect(e.cost.total).toBeCloseTo(((e.promptTokens + 16) * 20) / 1e6, 12);
  });

  it("prices an unknown dated snapshot as its family, with a note", () => {
    const e = estimate({ model: "gpt-4o-2031-01-01", prompt: "hi" });
    expect(e.encoding).toBe("o200k_base");
    expect(e.contextWindow).toBe(getModel("gpt-4o").contextWindow);
    expect(e.warnings.join(" ")).toContain("priced as gpt-4o");
  });

  it("names the reasoning budget in each provider's terms", () => {
    const openai = estimate({ model: "o3", prompt: "hi", maxTokens: 1000 }).warnings.join(" ");
    expect(openai).toMatch(/count against max_completion_tokens/);
    const anthropic = estimate({ model: "claude-sonnet-4-5", prompt: "hi", maxTokens: 1000 }).warnings.join(" ");
    expect(anthropic).toMatch(/count against the output token limit/);
    expect(anthropic).not.toContain("max_completion_tokens");
  });

  it("counts an unknown model with an explicit encoding, marked inexact, no price", () => {
    const e = estimate({ model: "my-local-model", encoding: "cl100k_base", prompt: "hello world" });
    expect(e.promptTokens).toBe(2);
    expect(e.exact).toBe(false);
    expect(e.cost.total).toBeNull();
    expect(e.fits).toBeNull();
  });

  it("an id the table does not list is an error with suggestions, even when a prefix rule knows its encoding; allowUnpriced counts it", () => {
    expect(() => estimate({ model: "gpt-4o-mni", prompt: "hello" })).toThrow(UnknownModelError);
    try {
      estimate({ model: "gpt-4o-mni", prompt: "hello" });
    } catch (error) {
      expect((error as UnknownModelError).suggestions[0]).toBe("gpt-4o-mini");
    }
    const e = estimate({ model: "gpt-4o-mni", prompt: "hello world", allowUnpriced: true });
    expect(e).toMatchObject({ promptTokens: 2, encoding: "o200k_base", fits: null, completionTokens: null, completionBasis: "unbounded" });
    expect(e.cost.total).toBeNull();
    expect(e.notices.map((n) => n.code)).toEqual(["UNPRICED_MODEL"]);
    // counting alone needs only the encoding
    expect(resolveModel("gpt-4o-mni", { allowUnpriced: true }).encoding).toBe("o200k_base");
  });

  it("no maxTokens: the completion is priced at the model's max output, capped by the room left; embeddings have none", () => {
    const e = estimate({ model: "gpt-4o", prompt: "hello" });
    const gpt4o = getModel("gpt-4o");
    expect(e).toMatchObject({ maxTokens: null, completionTokens: gpt4o.maxOutputTokens, completionBasis: "model_max_output" });
    expect(e.cost.completion).toBeCloseTo((gpt4o.maxOutputTokens! * gpt4o.pricing.output!) / 1e6, 12);
    const near = estimateFromTokens(resolveModel("gpt-4o"), 120_000);
    expect(near.completionTokens).toBe(8_000);
    expect(near.notices.find((n) => n.code === "COMPLETION_WORST_CASE")?.data).toEqual({ tokens: 8_000, param: "max_tokens", limit: "context_window" });
    const embedding = estimate({ model: "text-embedding-3-small", prompt: "hello" });
    expect(embedding).toMatchObject({ completionTokens: 0, completionBasis: "no_output" });
    expect(embedding.cost.completion).toBe(0);
    // with reasoning tokens and no budget, the worst case holds them: total output = the room
    const o3 = estimate({ model: "o3", prompt: "hi", billing: { reasoningTokens: 30_000 } });
    expect(o3.completionTokens).toBe(getModel("o3").maxOutputTokens);
  });

  it("rejects bad input with typed errors", () => {
    expect(() => estimate({ model: "gpt-4o", prompt: "x", maxTokens: -1 })).toThrow(UsageError);
    expect(() => estimate({ model: "gpt-4o", prompt: "x", maxTokens: 1.5 })).toThrow(UsageError);
    expect(() => estimate({ model: "gpt-4o", prompt: "x", maxTokens: 1e20 })).toThrow(UsageError); // not a whole number of tokens any more
    expect(() => estimate({ model: "gtp-4o", prompt: "x" })).toThrow(UnknownModelError);
  });
});
