/**
 * Issue 15's vendor-sourced corrections: typed fields beyond prices (context window, max output,
 * batch, long-context levels), vendor-wide rules, web-search fees per call, and what each changes
 * in an estimate.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyCorrections, bundledCorrections, parseCorrectionsFile } from "../src/pricing/corrections.js";
import { convertLiteLLM } from "../src/pricing/litellm.js";
import { costOf, webSearchCost, withToolFees } from "../src/pricing/cost.js";
import { estimateRequest, getModel } from "../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const snapshot = JSON.parse(readFileSync(path.join(root, "test/reference/litellm-model-prices-2026-08-01.json"), "utf8"));
const base = { reason: "the vendor's page says so (see source)", source: { url: "https://example.com/vendor" }, asOf: "2026-11-29" };

describe("bundled corrections from vendors' pages", () => {
  it("each carries a vendor URL and date, and the bundled entries have the vendor's numbers", () => {
    const file = bundledCorrections();
    for (const c of [...file.corrections, ...file.rules]) {
      const url = typeof c.source === "string" ? c.source : (c.source.url ?? c.source.note);
      expect(url, JSON.stringify(c)).toMatch(/https:\/\//);
      expect(c.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(getModel("gpt-3.5-turbo-instruct").contextWindow).toBe(4096);
    expect(getModel("gpt-4o-realtime-preview").contextWindow).toBe(32000);
    expect(getModel("gpt-4o-mini-realtime-preview").contextWindow).toBe(16000);
    expect(getModel("gpt-5-pro").maxOutputTokens).toBe(272000);
    expect(getModel("gpt-5-pro").contextWindow).toBe(400000);
    const tts = getModel("gpt-4o-mini-tts");
    expect(tts.pricing.input).toBe(0.6);
    expect(tts.pricing.output).toBeUndefined();
    expect(tts.pricing.audioOutput).toBe(12);
    expect(getModel("gemini-2.5-pro").batch).toBe(true);
  });

  it("a 4,097-token prompt no longer fits gpt-3.5-turbo-instruct (it did at LiteLLM's 8,192)", () => {
    const e = estimateRequest({ model: "gpt-3.5-turbo-instruct", prompt: "hello ".repeat(4100), max_tokens: 10 });
    expect(e.contextWindow).toBe(4096);
    expect(e.fits).toBe(false);
  });

  it("Anthropic's Message Batches rule: active Claude models bill --tier batch at 50%, the note names the source; retired ones are left alone", () => {
    const sonnet = getModel("claude-sonnet-4-5");
    expect(sonnet.batch).toBe(true);
    expect(sonnet.corrections).toEqual([expect.objectContaining({ field: "batch", to: true })]);
    const cost = costOf(sonnet, { inputTokens: 100_000, outputTokens: 1_000_000 }, { tier: "batch" });
    expect(cost.total).toBe(7.65); // (100k × $3 + 1M × $15) / 1M / 2
    expect(cost.notes?.join(" ")).toContain("50% of the standard rates (the vendor's published batch discount; https://platform.claude.com/docs/en/build-with-claude/batch-processing)");
    expect(getModel("claude-3-7-sonnet-20250219").status.state).toBe("retired");
    expect(getModel("claude-3-7-sonnet-20250219").batch).toBeUndefined();
  });

  it("a tier price the table lacks is 'not in the table', not 'not published'", () => {
    const cost = costOf(getModel("grok-4"), { inputTokens: 1000, outputTokens: 10 }, { tier: "batch" });
    expect(cost.total).toBeNull();
    expect(cost.notes).toEqual(["grok-4 has no batch price in the table"]);
  });
});

describe("the corrections schema: typed fields and vendor-wide rules", () => {
  const converted = () =>
    convertLiteLLM(
      {
        m: { litellm_provider: "xai", mode: "chat", input_cost_per_token: 3e-6, output_cost_per_token: 15e-6, max_input_tokens: 256000, max_output_tokens: 256000 },
        "m-latest": { litellm_provider: "xai", mode: "chat", input_cost_per_token: 3e-6, input_cost_per_token_above_128k_tokens: 6e-6, output_cost_per_token: 15e-6, max_input_tokens: 256000 },
      },
      { asOf: "2026-08-01", source: "t" },
    );

  it("refuses a field no correction may change, and a value of the wrong shape, naming the path", () => {
    const one = (c: object) => () => parseCorrectionsFile({ version: 1, corrections: [{ id: "m", ...base, ...c }] });
    expect(one({ field: "encoding", to: "o200k_base" })).toThrow(/corrections\[0\]\.field: "encoding" is not a field a correction can change/);
    expect(one({ field: "contextWindow", to: 1.5 })).toThrow(/corrections\[0\]\.to: contextWindow must be a whole number of tokens or null/);
    expect(one({ field: "pricing.input", to: -1 })).toThrow(/corrections\[0\]\.to: pricing\.input must be a price/);
    expect(one({ field: "batch", to: "yes" })).toThrow(/batch must be true, false or null/);
    expect(one({ field: "pricing.longContext", to: [{ input: 6 }] })).toThrow(/a list of levels, each with aboveInputTokens/);
    expect(() => parseCorrectionsFile({ version: 1, corrections: [], rules: [{ provider: "x", modes: [], field: "batch", to: true, ...base }] })).toThrow(/rules\[0\]\.modes/);
  });

  it("corrects limits and long-context levels; a list value must match upstream as a whole (key order aside)", () => {
    const levels = [{ aboveInputTokens: 128000, input: 6, output: 30 }];
    const r = applyCorrections(converted(), [
      { id: "m", field: "pricing.longContext", from: null, to: levels, ...base },
      { id: "m", field: "maxOutputTokens", from: 256000, to: 128000, ...base },
      { id: "m-latest", field: "pricing.longContext", from: [{ input: 6, aboveInputTokens: 128000 }], to: [{ aboveInputTokens: 128000, input: 6, output: 30 }], ...base },
    ]);
    const m = r.file.models.find((x) => x.id === "m")!;
    expect(m.pricing.longContext).toEqual(levels);
    expect(m.maxOutputTokens).toBe(128000);
    expect(m.corrections?.map((c) => c.field)).toEqual(["pricing.longContext", "maxOutputTokens"]);
    expect(costOf(m, { inputTokens: 150_000, outputTokens: 0 }).total).toBe(0.9); // 150k × $6/1M above 128k
    expect(r.file.models.find((x) => x.id === "m-latest")!.pricing.longContext).toEqual([{ aboveInputTokens: 128000, input: 6, output: 30 }]);
    expect(r.outdated).toEqual([]);
    // from: null means "upstream has none": once upstream adds a value the correction stops applying.
    const again = applyCorrections(r.file, [{ id: "m", field: "pricing.longContext", from: null, to: [], ...base }]);
    expect(again.outdated).toEqual([{ id: "m", field: "pricing.longContext", expected: null, found: levels }]);
  });

  it("a rule sets the field only where upstream has none, for its provider and modes", () => {
    const file = convertLiteLLM(
      {
        a: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6 },
        b: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6, input_cost_per_token_batches: 4e-7 },
        old: { litellm_provider: "anthropic", mode: "chat", input_cost_per_token: 1e-6, deprecation_date: "2025-01-01" },
        e: { litellm_provider: "anthropic", mode: "embedding", input_cost_per_token: 1e-6 },
        g: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 },
      },
      { asOf: "2026-08-01", source: "t" },
    );
    const r = applyCorrections(file, { corrections: [], rules: [{ provider: "anthropic", modes: ["chat"], field: "batch", to: true, ...base }] });
    expect(r.applied).toEqual([{ id: "a", field: "batch", to: true }]);
    expect(r.file.models.find((m) => m.id === "b")!.batch).toBe(true); // upstream's own batch price
    expect(r.file.models.find((m) => m.id === "b")!.corrections).toBeUndefined();
  });
});

describe("web-search fees per call", () => {
  it("LiteLLM's search_context_cost_per_query becomes pricing.webSearch; an all-zero placeholder is dropped; a snapshot without it stays an alias", () => {
    const file = convertLiteLLM(
      {
        s: {
          litellm_provider: "openai",
          mode: "chat",
          input_cost_per_token: 1e-6,
          search_context_cost_per_query: { search_context_size_low: 0.03, search_context_size_medium: 0.035, search_context_size_high: 0.05 },
        },
        "s-2025-03-11": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 },
        z: {
          litellm_provider: "openai",
          mode: "chat",
          input_cost_per_token: 1e-6,
          search_context_cost_per_query: { search_context_size_low: 0, search_context_size_medium: 0, search_context_size_high: 0 },
        },
      },
      { asOf: "2026-08-01", source: "t" },
    );
    expect(file.models.map((m) => [m.id, m.aliases, m.pricing.webSearch])).toEqual([
      ["s", ["s-2025-03-11"], { low: 0.03, medium: 0.035, high: 0.05 }],
      ["z", [], undefined],
    ]);
    expect(getModel("gpt-4o-search-preview").pricing.webSearch).toEqual({ low: 0.03, medium: 0.035, high: 0.05 });
    expect(getModel("gpt-4o-search-preview-2025-03-11").id).toBe("gpt-4o-search-preview");
  });

  it("webSearchCost prices calls by context size; a model without a fee is null with a note, never free", () => {
    expect(webSearchCost(getModel("gpt-4o-search-preview"), 2).usd).toBe(0.07);
    expect(webSearchCost(getModel("gpt-4o-mini-search-preview"), 1, "low").usd).toBe(0.025);
    const none = webSearchCost(getModel("gpt-4.1"), 1);
    expect(none.usd).toBeNull();
    expect(none.note).toContain("gpt-4.1 has no web-search fee in the table");
    expect(withToolFees({ currency: "USD", prompt: 0.01, completion: 0.02, total: 0.03 }, 0.035)).toEqual({ currency: "USD", prompt: 0.01, completion: 0.02, total: 0.065, toolFees: 0.035 });
  });

  it("a *-search-preview chat request pays a call (web_search_options picks the size); a Responses web_search tool at least one", () => {
    const chat = estimateRequest({ model: "gpt-4o-search-preview", messages: [{ role: "user", content: "news?" }], max_tokens: 100, web_search_options: { search_context_size: "high" } });
    expect(chat.cost.toolFees).toBe(0.05);
    expect(chat.cost.total).toBeCloseTo((chat.cost.prompt ?? 0) + (chat.cost.completion ?? 0) + 0.05, 10);
    expect(chat.warnings).toContain("1 web-search call at $0.05 (high search context): $0.05 on top of the tokens");
    const plain = estimateRequest({ model: "gpt-4o-mini-search-preview", messages: [{ role: "user", content: "news?" }], max_tokens: 100 });
    expect(plain.cost.toolFees).toBe(0.0275); // medium is the API's default
    const responses = estimateRequest({ model: "gpt-4o", input: "news?", tools: [{ type: "web_search" }], max_output_tokens: 100 });
    expect(responses.cost.toolFees).toBeNull();
    expect(responses.warnings.some((w) => w.includes("gpt-4o has no web-search fee in the table") && w.includes("at least one call per web_search tool"))).toBe(true);
    const noSearch = estimateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
    expect(noSearch.cost.toolFees).toBeUndefined();
  });
});

describe("gpt-4o-mini-tts after the correction", () => {
  it("a 2,000-character speech request: text at $0.60/1M, audio out estimated with its basis stated, exact: false", () => {
    const input = "Hello there, this is a test. ".repeat(69).slice(0, 2000);
    const e = estimateRequest({ model: "gpt-4o-mini-tts", voice: "alloy", input });
    expect(e.exact).toBe(false);
    expect(e.cost.prompt).toBe(Number(((e.promptTokens * 0.6) / 1e6).toPrecision(12)));
    // 2,000 characters ≈ 2.22 min at 900 characters a minute, at OpenAI's published $0.015 a minute.
    expect(e.cost.completion).toBeCloseTo((2000 / 900) * 0.015, 10);
    expect(e.cost.total).toBeGreaterThan(0.03);
    expect(e.warnings.some((w) => w.startsWith("audio output estimated from the input length: 2,000 characters ≈ 2.22 min"))).toBe(true);
  });
});

describe("tokcost estimate <file> -m gpt-4o-mini-tts", () => {
  it("prices the text tokens and the estimated audio, says how, and is marked inexact (was $0.000845, no warning)", async () => {
    const { runCli } = await import("./helpers/cli.js");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tokcost-tts-")), "speech.txt");
    writeFileSync(file, "a".repeat(2000));
    const r = runCli(["estimate", file, "-m", "gpt-4o-mini-tts", "--json"]);
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    expect(e).toMatchObject({ model: "gpt-4o-mini-tts", unit: "minute", rate: 0.015, exact: false });
    expect(e.quantity).toBeCloseTo(2000 / 900, 3);
    expect(e.cost.total).toBeGreaterThan(0.033); // 2.22 min × $0.015 + the text tokens at $0.60/1M
    expect(e.warnings[0]).toMatch(/^audio output estimated from the input length: 2,000 characters ≈ 2\.22 min at 900 characters a minute/);
    const human = runCli(["estimate", file, "-m", "gpt-4o-mini-tts", "--no-stale-warning"]);
    expect(human.stderr).toContain("warning: audio output estimated from the input length");
  });
});

describe("Anthropic cache writes: --cache-write (5-minute) and --cache-write-1h", () => {
  it("LiteLLM's cache_creation_input_token_cost_above_1hr becomes cacheWrite1hInput, long-context level included", () => {
    const sonnet = getModel("claude-sonnet-4-5");
    expect(sonnet.pricing).toMatchObject({ input: 3, cacheWriteInput: 3.75, cacheWrite1hInput: 6 });
    expect(sonnet.pricing.longContext?.[0]).toMatchObject({ aboveInputTokens: 200000, cacheWriteInput: 7.5, cacheWrite1hInput: 12 });
  });

  it("costOf bills each kind of write at its rate; a missing 1-hour rate makes the cost unknown with a note (never the 5-minute rate)", () => {
    const c = costOf(getModel("claude-sonnet-4-5"), { inputTokens: 10_000, cacheWriteInputTokens: 4000, cacheWrite1hInputTokens: 4000, outputTokens: 0 });
    expect(c.prompt).toBe(0.045); // 2,000 × $3 + 4,000 × $3.75 + 4,000 × $6 per 1M
    const none = costOf({ id: "m", pricing: { input: 3, cacheWriteInput: 3.75 } }, { inputTokens: 10, cacheWrite1hInputTokens: 5, outputTokens: 0 });
    expect(none.total).toBeNull();
    expect(none.notes).toEqual(["m has no 1-hour cache-write price in the table"]);
  });

  it("the CLI flags reach the estimate", async () => {
    const { runCli } = await import("./helpers/cli.js");
    const text = "word ".repeat(10000);
    const r = runCli(["estimate", "--text", text, "-m", "claude-sonnet-4-5", "--cache-write", "4000", "--cache-write-1h", "4000", "--max-tokens", "100", "--json"]);
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    expect(e.promptTokens).toBe(10001);
    expect(e.cost.prompt).toBe(0.045003); // 2,001 × $3 + 4,000 × $3.75 + 4,000 × $6 per 1M
    const bad = runCli(["estimate", "--text", "hi", "-m", "claude-sonnet-4-5", "--cache-write-1h", "-3"]);
    expect(bad.code).toBe(2);
  });
});

describe("tokcost check: azureDeployments in the config", () => {
  it("prices azure/<deployment> as the model it serves; an unknown or non-OpenAI model is a config error (exit 2); without the key the deployment name alone is not a model", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { runCheck, parseConfig } = await import("../src/gate/index.js");
    const root = mkdtempSync(path.join(tmpdir(), "tokcost-azure-"));
    writeFileSync(path.join(root, "p.txt"), "Summarise the quarterly report in three bullet points.");
    const rules = [{ files: "p.txt", model: "azure/prod-4o", maxTokens: 1000, limits: { maxCostUsd: 0.02 } }];
    const ok = await runCheck(parseConfig({ azureDeployments: { "prod-4o": "gpt-4o" }, rules }), { cwd: root, jobs: 1 });
    expect(ok.exitCode).toBe(0);
    expect(ok.results[0].costUsd).toBeCloseTo((getModel("gpt-4o").pricing.input! * ok.results[0].promptTokens) / 1e6 + 0.01, 10);
    const over = await runCheck(parseConfig({ azureDeployments: { "prod-4o": "gpt-4o" }, rules: [{ ...rules[0], limits: { maxCostUsd: 0.001 } }] }), { cwd: root, jobs: 1 });
    expect(over.exitCode).toBe(1);
    const bad = await runCheck(parseConfig({ azureDeployments: { "prod-4o": "claude-sonnet-4-5" }, rules }), { cwd: root, jobs: 1 });
    expect(bad.exitCode).toBe(2);
    expect(bad.problems.map((p) => p.message)).toContain('config: azureDeployments.prod-4o: expects an OpenAI model id the pricing table knows (e.g. "gpt-4o"), got "claude-sonnet-4-5"');
    const without = await runCheck(parseConfig({ rules }), { cwd: root, jobs: 1 });
    expect(without.exitCode).toBe(2);
    expect(() => parseConfig({ azureDeployments: { "prod-4o": "" }, rules })).toThrow(/azureDeployments\.prod-4o/);
  });
});

describe("docs/pricing.md", () => {
  it("lists every correction with its source (the generated table is current: npm run docs:tables)", async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { correctionsMarkdown } = await import("../scripts/corrections-table.mjs");
    const doc = readFileSync(path.join(root, "docs/pricing.md"), "utf8");
    const region = /<!-- generated: corrections-table[^>]*-->\n([\s\S]*?)\n<!-- end -->/.exec(doc)?.[1];
    expect(region).toBe(correctionsMarkdown());
    for (const c of bundledCorrections().corrections) expect(region).toContain(`\`${c.id}\``);
  });
});

describe("pricing update's diff", () => {
  it("names long-context, web-search and batch changes, not only flat rates", async () => {
    const { diffPricing, formatPricingDiff } = await import("../src/pricing/diff.js");
    const before = getModel("grok-4");
    const after = { ...before, batch: true, pricing: { ...before.pricing, longContext: [{ aboveInputTokens: 128000, input: 6, output: 30 }], webSearch: { medium: 0.005 } } };
    const diff = diffPricing([before], [after]);
    expect(diff.changed).toEqual([
      {
        id: "grok-4",
        changes: [
          { field: "batch", to: "yes" },
          { field: "pricing.longContext>128000.input", to: 6 },
          { field: "pricing.longContext>128000.output", to: 30 },
          { field: "pricing.webSearch.medium", to: 0.005 },
        ],
      },
    ]);
    expect(formatPricingDiff(diff)[1]).toBe("  ~ grok-4: batch — → yes, pricing.longContext>128000.input — → $6, pricing.longContext>128000.output — → $30, pricing.webSearch.medium — → $0.005");
  });
});
