/**
 * Every price dimension, with the expected cost computed by hand from the table's published rates.
 */
import { describe, expect, it } from "vitest";
import {
  costOf,
  getModel,
  imageCost,
  speechCost,
  transcriptionCost,
  trainingCost,
  countCharacters,
  cachedTokensForRatio,
  stalePricingNotice,
  pricingUnitOf,
  estimate,
  UsageError,
} from "../src/index.js";

const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(actual!).toBeCloseTo(expected, 12);
};

describe("text tokens", () => {
  it("standard: input × rate + output × rate (gpt-4o: $2.50 / $10 per 1M)", () => {
    const c = costOf(getModel("gpt-4o"), { inputTokens: 10_000, outputTokens: 1_000 });
    close(c.prompt, 0.025);
    close(c.completion, 0.01);
    close(c.total, 0.035);
    expect(c.notes).toBeUndefined();
  });

  it("cached input at the cached rate (gpt-4o: 8,000 of 10,000 cached at $1.25)", () => {
    const c = costOf(getModel("gpt-4o"), { inputTokens: 10_000, cachedInputTokens: 8_000, outputTokens: 0 });
    close(c.prompt, (2_000 * 2.5 + 8_000 * 1.25) / 1e6);
  });

  it("more cached tokens than the prompt has: the whole prompt billed as cached, with a note", () => {
    const c = costOf(getModel("gpt-4o"), { inputTokens: 320, cachedInputTokens: 400, outputTokens: 0 });
    close(c.prompt, (320 * 1.25) / 1e6);
    expect(c.notes).toEqual(["400 cached tokens is more than the prompt's 320: the whole prompt is billed as cached"]);
  });

  it("a cache-hit ratio becomes whole cached tokens", () => {
    expect(cachedTokensForRatio(1001, 0.5)).toBe(500);
    expect(() => cachedTokensForRatio(10, 1.5)).toThrow(UsageError);
  });

  it("cached tokens without a published cached rate are billed at the input rate, with a note", () => {
    const c = costOf(getModel("gpt-4"), { inputTokens: 1000, cachedInputTokens: 1000, outputTokens: 0 });
    close(c.prompt, (1000 * 30) / 1e6);
    expect(c.notes?.[0]).toContain("no cached-input rate");
  });

  it("batch tier at the listed batch rates (gpt-4o: $1.25 / $5)", () => {
    const m = getModel("gpt-4o");
    expect(m.pricing.batchInput).toBe(1.25);
    const c = costOf(m, { inputTokens: 1_000_000, outputTokens: 1_000_000 }, { tier: "batch" });
    close(c.total, 1.25 + 5);
    expect(c.tier).toBe("batch");
  });

  it("batch tier without a listed batch price: 50% of standard for Batch API models (gpt-5: $0.625 / $5)", () => {
    const m = getModel("gpt-5");
    expect(m.pricing.batchInput).toBeUndefined();
    expect(m.batch).toBe(true);
    const c = costOf(m, { inputTokens: 1_000_000, outputTokens: 1_000_000 }, { tier: "batch" });
    close(c.prompt, 1.25 / 2);
    close(c.completion, 10 / 2);
    expect(c.notes?.join(" ")).toContain("50% of the standard rate");
  });

  it("flex and priority tiers at their rates (o3: flex $1 / $4, priority $3.50 / $14)", () => {
    const m = getModel("o3");
    const flex = costOf(m, { inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 1_000_000 }, { tier: "flex" });
    close(flex.prompt, 0.5 * 1 + 0.5 * 0.25);
    close(flex.completion, 4);
    const priority = costOf(m, { inputTokens: 1_000_000, outputTokens: 1_000_000 }, { tier: "priority" });
    close(priority.total, 3.5 + 14);
  });

  it("a tier the model does not publish is unknown, not standard", () => {
    const c = costOf(getModel("gpt-4"), { inputTokens: 10, outputTokens: 10 }, { tier: "flex" });
    expect(c.total).toBeNull();
    expect(c.notes?.join(" ")).toContain("no flex price in the table");
  });

  it("embeddings bill input only; batch at the batch rate (text-embedding-3-small: $0.02, batch $0.01)", () => {
    const m = getModel("text-embedding-3-small");
    close(costOf(m, { inputTokens: 1_000_000, outputTokens: 0 }).total, 0.02);
    close(costOf(m, { inputTokens: 1_000_000, outputTokens: 0 }, { tier: "batch" }).total, 0.01);
  });

  it("moderation is free", () => {
    expect(costOf(getModel("omni-moderation-latest"), { inputTokens: 5000, outputTokens: 0 }).total).toBe(0);
  });
});

describe("long context", () => {
  const m = getModel("gpt-5.4");
  it("at or below the threshold: standard rates", () => {
    const c = costOf(m, { inputTokens: 272_000, outputTokens: 1000 });
    close(c.total, (272_000 * 2.5 + 1000 * 15) / 1e6);
    expect(c.longContextAbove).toBeUndefined();
  });

  it("above 272k input tokens: the whole request at the long-context rates ($5 / $22.50, cached $0.50)", () => {
    const lc = m.pricing.longContext![0];
    expect(lc).toMatchObject({ aboveInputTokens: 272_000, input: 5, output: 22.5, cachedInput: 0.5 });
    const c = costOf(m, { inputTokens: 300_000, cachedInputTokens: 100_000, outputTokens: 2_000 });
    close(c.prompt, (200_000 * 5 + 100_000 * 0.5) / 1e6);
    close(c.completion, (2_000 * 22.5) / 1e6);
    expect(c.longContextAbove).toBe(272_000);
  });

  it("Claude above 200k (claude-sonnet-4-5: $6 / $22.50)", () => {
    const c = costOf(getModel("claude-sonnet-4-5"), { inputTokens: 200_001, outputTokens: 1_000 });
    close(c.total, (200_001 * 6 + 1_000 * 22.5) / 1e6);
  });

  it("long context can be forced off", () => {
    const c = costOf(m, { inputTokens: 300_000, outputTokens: 0 }, { longContext: false });
    close(c.total, (300_000 * 2.5) / 1e6);
  });
});

describe("reasoning tokens", () => {
  it("are billed as output on top of the visible answer (o4-mini: $4.40 per 1M output)", () => {
    const c = costOf(getModel("o4-mini"), { inputTokens: 1_000, outputTokens: 500, reasoningTokens: 4_000 });
    close(c.completion, (4_500 * 4.4) / 1e6);
    close(c.reasoning ?? null, (4_000 * 4.4) / 1e6);
  });

  it("estimate() counts them against the completion budget and says the answer may be shorter", () => {
    const e = estimate({ model: "o4-mini", prompt: "hi", maxTokens: 90_000, billing: { reasoningTokens: 20_000 } });
    expect(e.fits).toBe(false); // 110,000 > 100,000 max output
    expect(e.warnings.join(" ")).toContain("the visible answer may be much shorter than what is billed");
    close(e.cost.completion, (110_000 * 4.4) / 1e6);
  });
});

describe("non-text units", () => {
  it("dall-e-3 per image by size and quality: 4 × 1024x1792 hd = 4 × $0.12", () => {
    const c = imageCost(getModel("dall-e-3"), { images: 4, size: "1024x1792", quality: "hd" });
    close(c.total, 0.48);
    expect(c.rate).toBe(0.12);
  });

  it("dall-e-3 defaults to 1024x1024 standard ($0.04), dall-e-2 by size ($0.016 at 256x256)", () => {
    close(imageCost(getModel("dall-e-3"), { images: 1 }).total, 0.04);
    close(imageCost(getModel("dall-e-2"), { images: 10, size: "256x256" }).total, 0.16);
  });

  it("gpt-image-1 per image at its quality ($0.167 high 1024x1024) and asks for a quality otherwise", () => {
    close(imageCost(getModel("gpt-image-1"), { images: 2, quality: "high" }).total, 0.334);
    expect(() => imageCost(getModel("gpt-image-1"), { images: 1 })).toThrow(/pass a quality/);
    expect(() => imageCost(getModel("dall-e-3"), { images: 1, size: "640x480" })).toThrow(/sizes: 1024x1024/);
  });

  it("gpt-image-1 image tokens at $10 / $40 per 1M", () => {
    const c = costOf(getModel("gpt-image-1"), { inputTokens: 0, outputTokens: 0, imageInputTokens: 1_000, imageOutputTokens: 4_160 });
    close(c.total, (1_000 * 10 + 4_160 * 40) / 1e6);
  });

  it("tts-1 per character ($15 per 1M), counting code points", () => {
    expect(countCharacters("héllo 👋")).toBe(7);
    close(speechCost(getModel("tts-1"), 1_000).total, 0.015);
    close(speechCost(getModel("tts-1-hd"), 1_000).total, 0.03);
    expect(pricingUnitOf(getModel("tts-1"))).toBe("character");
  });

  it("whisper-1 per minute ($0.006), not per second in and out", () => {
    close(transcriptionCost(getModel("whisper-1"), 10).total, 0.06);
    expect(pricingUnitOf(getModel("whisper-1"))).toBe("minute");
  });

  it("gpt-4o-transcribe per audio token ($2.50 per 1M)", () => {
    close(costOf(getModel("gpt-4o-transcribe"), { inputTokens: 0, outputTokens: 0, audioInputTokens: 10_000 }).total, 0.025);
  });

  it("fine-tuning training price is unknown when not published; fine-tuned inference has its own price", () => {
    expect(trainingCost(getModel("gpt-4o-mini"), 1_000_000, 3).total).toBeNull();
    close(trainingCost({ id: "x", pricing: { training: 3 } } as never, 1_000_000, 3).total, 9);
    const ft = getModel("ft:gpt-4o-mini-2024-07-18:acme::abc");
    expect(ft.id).toBe("ft:gpt-4o-mini-2024-07-18");
    close(costOf(ft, { inputTokens: 1_000_000, outputTokens: 0 }).total, 0.3);
  });
});

describe("stale prices", () => {
  it("say so after 90 days, not before", () => {
    expect(stalePricingNotice("2026-08-01", new Date("2026-10-30T12:00:00Z"))).toBeUndefined();
    expect(stalePricingNotice("2026-08-01", new Date("2026-10-31T00:00:00Z"))).toContain("91 days ago");
  });
});
