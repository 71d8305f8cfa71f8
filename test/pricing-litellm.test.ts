import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { convertLiteLLM, canonicalJson, importLiteLLM } from "../src/pricing/litellm.js";
import { applyCorrections, bundledCorrections, parseCorrectionsFile } from "../src/pricing/corrections.js";
import { buildBundledPricing } from "../src/pricing/bundle.js";
import { PricingError } from "../src/errors.js";

const root = new URL("../", import.meta.url);
const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, root)), "utf8");
const snapshotPath = "test/reference/litellm-model-prices-2026-08-01.json";
const snapshot = JSON.parse(read(snapshotPath));

describe("data/models.json", () => {
  it("is exactly what the generator produces from the snapshot, data/manual-models.json and data/corrections.json", () => {
    const file = buildBundledPricing({ snapshot, snapshotAsOf: "2026-08-01", manual: JSON.parse(read("data/manual-models.json")), corrections: JSON.parse(read("data/corrections.json")) });
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
    const out = convertLiteLLM(
      {
        m: {
          litellm_provider: "openai",
          mode: "chat",
          input_cost_per_token: 1.25e-7,
          output_cost_per_token: 3e-7,
          cache_read_input_token_cost: 7.5e-8,
          max_input_tokens: 1000,
          max_output_tokens: 100,
        },
      },
      opts,
    );
    expect(out.models[0].pricing).toEqual({ input: 0.125, output: 0.3, cachedInput: 0.075 });
    expect(out.models[0].contextWindow).toBe(1000);
    expect(out.models[0].maxInputTokens).toBeUndefined();
  });

  it("reads tiers and long-context thresholds", () => {
    const out = convertLiteLLM(
      {
        "gpt-x": {
          litellm_provider: "openai",
          mode: "chat",
          input_cost_per_token: 2.5e-6,
          input_cost_per_token_flex: 1.25e-6,
          output_cost_per_token_priority: 3e-5,
          input_cost_per_token_batches: 1.25e-6,
          input_cost_per_token_above_272k_tokens: 5e-6,
          output_cost_per_token_above_272k_tokens_flex: 1e-5,
        },
      },
      opts,
    );
    expect(out.models[0].pricing).toEqual({ input: 2.5, flexInput: 1.25, priorityOutput: 30, batchInput: 1.25, longContext: [{ aboveInputTokens: 272_000, input: 5, flexOutput: 10 }] });
  });

  it("applies the 272k input-cap rule only to OpenAI", () => {
    const out = convertLiteLLM(
      {
        "gpt-5-x": { litellm_provider: "openai", mode: "chat", max_input_tokens: 272_000, max_output_tokens: 128_000 },
        "other/x": { litellm_provider: "other", mode: "chat", max_input_tokens: 272_000, max_output_tokens: 128_000 },
      },
      opts,
    );
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
    const out = convertLiteLLM(
      {
        a: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, deprecation_date: "2026-08-01" },
        b: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, deprecation_date: "2026-08-02" },
      },
      opts,
    );
    expect(out.models.map((m) => m.status.state)).toEqual(["retired", "deprecated"]);
  });

  it("folds sized image prices into the model, per-pixel rates rounded to the cent-tenth", () => {
    const out = convertLiteLLM(
      {
        "dall-e-3": { litellm_provider: "openai", mode: "image_generation", input_cost_per_image: 0.04 },
        "hd/1024-x-1792/dall-e-3": { litellm_provider: "openai", mode: "image_generation", input_cost_per_pixel: 6.539e-8 },
      },
      opts,
    );
    expect(out.models).toHaveLength(1);
    expect(out.models[0].pricing.images).toEqual([{ size: "1024x1792", quality: "hd", usd: 0.12 }]);
  });

  it("drops a first-party routing prefix but keeps it as an alias; hosts keep their keys (Azure's OpenAI models count exactly)", () => {
    const out = convertLiteLLM(
      { "xai/grok-4": { litellm_provider: "xai", mode: "chat", input_cost_per_token: 3e-6 }, "azure/gpt-4o": { litellm_provider: "azure", mode: "chat", input_cost_per_token: 2.5e-6 } },
      opts,
    );
    const ids = out.models.map((m) => [m.id, m.aliases, m.exactTokenizer]);
    expect(ids).toEqual([
      ["azure/gpt-4o", [], true],
      ["grok-4", ["xai/grok-4"], false],
    ]);
  });

  it("bills whisper by input minutes only and tts by characters", () => {
    const out = convertLiteLLM(
      {
        "whisper-1": { litellm_provider: "openai", mode: "audio_transcription", input_cost_per_second: 0.0001, output_cost_per_second: 0.0001 },
        "tts-1": { litellm_provider: "openai", mode: "audio_speech", input_cost_per_character: 0.000015 },
      },
      opts,
    );
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
    const out = convertLiteLLM(
      { a: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 }, b: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6 } },
      { ...opts, providers: ["anthropic"] },
    );
    expect(out.models.map((m) => m.id)).toEqual(["b"]);
  });

  it("rejects input that is not a LiteLLM object", () => {
    expect(() => convertLiteLLM([], opts)).toThrow(PricingError);
    expect(() => convertLiteLLM({}, { ...opts, asOf: "August" })).toThrow(/asOf/);
  });
});

describe("importLiteLLM: hosts never take a vendor's id, and every key is accounted for", () => {
  const opts = { asOf: "2026-08-01", source: "test" };

  it("the full snapshot: gemini-2.5-pro is Google's entry, Vertex's is vertex_ai/gemini-2.5-pro", () => {
    const { file, report } = importLiteLLM(snapshot, opts);
    const byName = new Map<string, (typeof file.models)[number]>();
    for (const m of file.models)
      for (const n of [m.id, ...m.aliases]) {
        expect(byName.has(n), n).toBe(false);
        byName.set(n, m);
      }
    expect(byName.get("gemini-2.5-pro")!.provider).toBe("google");
    expect(byName.get("gemini/gemini-2.5-pro")!.id).toBe("gemini-2.5-pro");
    expect(byName.get("vertex_ai/gemini-2.5-pro")!.provider).toBe("vertex_ai-language-models");
    // Every Google id of the bundled table stays Google's in a full import.
    const bundled = buildBundledPricing({ snapshot, snapshotAsOf: "2026-08-01", manual: JSON.parse(read("data/manual-models.json")) });
    for (const m of bundled.models.filter((x) => x.provider === "google")) expect(byName.get(m.id)?.provider, m.id).toBe("google");
    expect(report.renamed.some((r) => r.key === "gemini-2.5-pro" && r.id === "vertex_ai/gemini-2.5-pro")).toBe(true);
    expect(report.renamed.every((r) => r.provider.startsWith("vertex_ai"))).toBe(true);
    // Written + aliased + images + skipped + renamed-and-merged adds up to the keys read.
    const objects = Object.keys(snapshot).filter((k) => k !== "sample_spec" && typeof snapshot[k]?.litellm_provider === "string").length;
    expect(report.keys).toBe(objects);
    expect(report.models).toBe(file.models.length);
    expect(report.models + report.aliased + report.images + report.skipped.filter((s) => s.reason !== "not a model entry (no litellm_provider)").length).toBe(report.keys);
  });

  it("a Vertex-only import does not shadow the bundled Google entry; other hosts' bare keys are renamed only when they collide", () => {
    const { file, report } = importLiteLLM(
      {
        "gemini-2.5-pro": { litellm_provider: "vertex_ai-language-models", mode: "chat", input_cost_per_token: 1.25e-6 },
        "anthropic.claude-x-v1:0": { litellm_provider: "bedrock", mode: "chat", input_cost_per_token: 3e-6 },
        "gpt-4o": { litellm_provider: "somehost", mode: "chat", input_cost_per_token: 9e-6 },
      },
      { ...opts, reservedIds: ["gpt-4o"] },
    );
    expect(file.models.map((m) => [m.id, m.aliases])).toEqual([
      ["anthropic.claude-x-v1:0", []],
      ["somehost/gpt-4o", []],
      ["vertex_ai/gemini-2.5-pro", []],
    ]);
    expect(report.renamed.map((r) => r.id)).toEqual(["vertex_ai/gemini-2.5-pro", "somehost/gpt-4o"]);
  });

  it("reports skipped keys with the reason", () => {
    const { report } = importLiteLLM(
      { nothing: { litellm_provider: "openai", mode: "chat" }, junk: 3, a: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6 } },
      { ...opts, providers: ["openai"] },
    );
    expect(report.skipped).toEqual([
      { key: "junk", reason: "not a model entry (no litellm_provider)" },
      { key: "nothing", reason: "no price and no limit to estimate with" },
    ]);
    expect(report.filtered).toBe(1);
  });
});

describe("corrections (data/corrections.json)", () => {
  it("every correction names its source, date and the upstream value it corrects, and the bundled table carries it", () => {
    const file = bundledCorrections();
    expect(file.corrections.length).toBeGreaterThan(0);
    for (const c of file.corrections) {
      expect(c.from, c.id).not.toBeUndefined();
      expect(c.reason.length).toBeGreaterThan(20);
    }
    const models = JSON.parse(read("data/models.json")).models;
    const light = models.find((m: { id: string }) => m.id === "embed-multilingual-light-v3.0");
    expect(light.pricing.input).toBe(0.1);
    expect(light.corrections).toEqual([expect.objectContaining({ field: "pricing.input", from: 100, to: 0.1, asOf: "2026-07-04" })]);
  });

  it("every correction applies to the snapshot it was written against (none is outdated)", () => {
    const converted = convertLiteLLM(snapshot, { asOf: "2026-08-01", source: "test" });
    const result = applyCorrections(converted, bundledCorrections().corrections);
    expect(result.outdated).toEqual([]);
    expect(result.notInFile).toBe(0);
    expect(result.applied).toHaveLength(bundledCorrections().corrections.length);
  });

  it("applies only while upstream still has the corrected value; null removes a field (unknown)", () => {
    const file = convertLiteLLM({ m: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-4, output_cost_per_token: 2e-6 } }, { asOf: "2026-08-01", source: "t" });
    const base = { reason: "vendor says so, see source", source: "x", asOf: "2026-08-02" };
    const r = applyCorrections(file, [
      { id: "m", field: "pricing.input", from: 100, to: 0.1, ...base },
      { id: "m", field: "pricing.output", from: 9, to: 1, ...base },
      { id: "m", field: "contextWindow", to: 1000, ...base },
      { id: "m", field: "pricing.cachedInput", to: null, ...base },
      { id: "other", field: "pricing.input", to: 1, ...base },
    ]);
    expect(r.file.models[0].pricing).toEqual({ input: 0.1, output: 2 });
    expect(r.file.models[0].contextWindow).toBe(1000);
    expect(r.outdated).toEqual([{ id: "m", field: "pricing.output", expected: 9, found: 2 }]);
    expect(r.notInFile).toBe(1);
    expect(file.models[0].pricing.input).toBe(100); // the input is not changed
  });

  it("a malformed corrections file names the field", () => {
    expect(() => parseCorrectionsFile({ version: 1, corrections: [{ id: "m", field: "pricing input", to: 1, reason: "r", source: "s", asOf: "2026-01-01" }] })).toThrow(
      /corrections\[0\]\.field: expected a dotted field path/,
    );
  });
});
