import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { convertLiteLLM, canonicalJson } from "../src/pricing/litellm.js";
import { buildBundledPricing } from "../src/pricing/bundle.js";
import { PricingError } from "../src/errors.js";

const root = new URL("../", import.meta.url);
const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, root)), "utf8");
const snapshotPath = "test/reference/litellm-model-prices-2026-08-01.json";
const snapshot = JSON.parse(read(snapshotPath));

describe("data/models.json", () => {
  it("is exactly what the generator produces from the snapshot and data/manual-models.json", () => {
    const file = buildBundledPricing({ snapshot, snapshotAsOf: "2026-08-01", manual: JSON.parse(read("data/manual-models.json")) });
    expect(read("data/models.json")).toBe(canonicalJson(file, 1) + "\n");
  });

  it("refuses a manual entry that duplicates a snapshot model", () => {
    const manual = { version: 1, asOf: "2026-08-01", models: [{ id: "gpt-4o", provider: "openai", mode: "chat", source: "x", asOf: "2026-08-01" }] };
    expect(() => buildBundledPricing({ snapshot, snapshotAsOf: "2026-08-01", manual })).toThrow(/"gpt-4o" is already in the LiteLLM snapshot/);
  });
});

describe("convertLiteLLM", () => {
  const opts = { asOf: "2026-08-01", source: "test" };

  it("converts per-token prices to per-1M without float noise", () => {
    const out = convertLiteLLM({ m: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1.25e-7, output_cost_per_token: 3e-7, cache_read_input_token_cost: 7.5e-8, max_input_tokens: 1000, max_output_tokens: 100 } }, opts);
    expect(out.models[0].pricing).toEqual({ input: 0.125, output: 0.3, cachedInput: 0.075 });
    expect(out.models[0].contextWindow).toBe(1000);
    expect(out.models[0].maxInputTokens).toBeUndefined();
  });

  it("reads tiers and long-context thresholds", () => {
    const out = convertLiteLLM({ "gpt-x": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 2.5e-6, input_cost_per_token_flex: 1.25e-6, output_cost_per_token_priority: 3e-5, input_cost_per_token_batches: 1.25e-6, input_cost_per_token_above_272k_tokens: 5e-6, output_cost_per_token_above_272k_tokens_flex: 1e-5 } }, opts);
    expect(out.models[0].pricing).toEqual({ input: 2.5, flexInput: 1.25, priorityOutput: 30, batchInput: 1.25, longContext: [{ aboveInputTokens: 272_000, input: 5, flexOutput: 10 }] });
  });

  it("applies the 272k input-cap rule only to OpenAI", () => {
    const out = convertLiteLLM({
      "gpt-5-x": { litellm_provider: "openai", mode: "chat", max_input_tokens: 272_000, max_output_tokens: 128_000 },
      "other/x": { litellm_provider: "other", mode: "chat", max_input_tokens: 272_000, max_output_tokens: 128_000 },
    }, opts);
    const byId = Object.fromEntries(out.models.map((m) => [m.id, m]));
    expect(byId["gpt-5-x"]).toMatchObject({ contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000 });
    expect(byId["other/x"].contextWindow).toBe(272_000);
    expect(byId["other/x"].maxInputTokens).toBeUndefined();
  });

  it("folds identical dated snapshots into aliases and keeps differing ones", () => {
    const base = { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 };
    const out = convertLiteLLM({ "gpt-4o": base, "gpt-4o-2024-08-06": base, "gpt-4o-2024-05-13": { ...base, input_cost_per_token: 5e-6 } }, opts);
    expect(out.models.map((m) => m.id)).toEqual(["gpt-4o", "gpt-4o-2024-05-13"]);
    expect(out.models[0].aliases).toEqual(["gpt-4o-2024-08-06"]);
  });

  it("retires models whose shutdown date is on or before asOf", () => {
    const out = convertLiteLLM({ a: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, deprecation_date: "2026-08-01" }, b: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, deprecation_date: "2026-08-02" } }, opts);
    expect(out.models.map((m) => m.status.state)).toEqual(["retired", "deprecated"]);
  });

  it("folds sized image prices into the model, per-pixel rates rounded to the cent-tenth", () => {
    const out = convertLiteLLM({ "dall-e-3": { litellm_provider: "openai", mode: "image_generation", input_cost_per_image: 0.04 }, "hd/1024-x-1792/dall-e-3": { litellm_provider: "openai", mode: "image_generation", input_cost_per_pixel: 6.539e-8 } }, opts);
    expect(out.models).toHaveLength(1);
    expect(out.models[0].pricing.images).toEqual([{ size: "1024x1792", quality: "hd", usd: 0.12 }]);
  });

  it("drops a first-party routing prefix but keeps it as an alias; hosts keep their keys (Azure's OpenAI models count exactly)", () => {
    const out = convertLiteLLM({ "xai/grok-4": { litellm_provider: "xai", mode: "chat", input_cost_per_token: 3e-6 }, "azure/gpt-4o": { litellm_provider: "azure", mode: "chat", input_cost_per_token: 2.5e-6 } }, opts);
    const ids = out.models.map((m) => [m.id, m.aliases, m.exactTokenizer]);
    expect(ids).toEqual([["azure/gpt-4o", [], true], ["grok-4", ["xai/grok-4"], false]]);
  });

  it("bills whisper by input minutes only and tts by characters", () => {
    const out = convertLiteLLM({ "whisper-1": { litellm_provider: "openai", mode: "audio_transcription", input_cost_per_second: 0.0001, output_cost_per_second: 0.0001 }, "tts-1": { litellm_provider: "openai", mode: "audio_speech", input_cost_per_character: 0.000015 } }, opts);
    expect(out.models.find((m) => m.id === "whisper-1")!.pricing).toEqual({ audioInputPerMinute: 0.006 });
    expect(out.models.find((m) => m.id === "tts-1")!.pricing).toEqual({ characterInput: 15 });
  });

  it("a zero token price is unknown, not free, when the model is billed in another unit or outputs no text", () => {
    const out = convertLiteLLM(
      {
        "rerank-v3.5": { litellm_provider: "cohere", mode: "rerank", input_cost_per_query: 0.002, input_cost_per_token: 0, output_cost_per_token: 0, max_input_tokens: 4096 },
        "gemini/lyria-x": { litellm_provider: "gemini", mode: "chat", input_cost_per_token: 0, output_cost_per_token: 0, supported_output_modalities: ["audio"], max_input_tokens: 1000 },
        "omni-moderation-latest": { litellm_provider: "openai", mode: "moderation", input_cost_per_token: 0, output_cost_per_token: 0 },
      },
      opts,
    );
    const byId = (id: string) => out.models.find((m) => m.id === id)!;
    expect(byId("rerank-v3.5").pricing).toEqual({ perQuery: 0.002 });
    expect(byId("rerank-v3.5").encoding).toBe("o200k_base"); // its input is still text, counted approximately
    expect(byId("lyria-x").pricing).toEqual({});
    expect(byId("omni-moderation-latest").pricing).toEqual({ input: 0, output: 0 }); // moderation is free
  });

  it("filters by provider", () => {
    const out = convertLiteLLM({ a: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 }, b: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6 } }, { ...opts, providers: ["anthropic"] });
    expect(out.models.map((m) => m.id)).toEqual(["b"]);
  });

  it("rejects input that is not a LiteLLM object", () => {
    expect(() => convertLiteLLM([], opts)).toThrow(PricingError);
    expect(() => convertLiteLLM({}, { ...opts, asOf: "August" })).toThrow(/asOf/);
  });
});
