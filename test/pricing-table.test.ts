import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import bundled from "../data/models.json" with { type: "json" };
import { bundledPricingTable, parsePricingFile, pricingFileSchema, PricingError } from "../src/index.js";

const file = parsePricingFile(bundled, "data/models.json");
const table = bundledPricingTable();

describe("bundled pricing table", () => {
  it("validates against the schema", () => {
    expect(pricingFileSchema.safeParse(bundled).success).toBe(true);
    expect(file.models.length).toBeGreaterThan(100);
  });

  it("gives every entry a source and an asOf date", () => {
    for (const m of file.models) {
      expect(m.source, m.id).toBeTruthy();
      expect(m.asOf, m.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("has unique ids and aliases", () => {
    const seen = new Set<string>();
    for (const m of file.models) {
      for (const name of [m.id, ...m.aliases]) {
        expect(seen.has(name), name).toBe(false);
        seen.add(name);
      }
    }
  });

  it("knows gpt-4o's price and window", () => {
    const m = table.get("gpt-4o");
    expect(m.contextWindow).toBe(128_000);
    expect(m.maxOutputTokens).toBe(16_384);
    expect(m.pricing.input).toBe(2.5);
    expect(m.pricing.cachedInput).toBe(1.25);
    expect(m.pricing.output).toBe(10);
    expect(m.encoding).toBe("o200k_base");
    expect(m.exactTokenizer).toBe(true);
  });

  it("gives gpt-5 a 400k window, a 272k input cap and 128k output", () => {
    const m = table.get("gpt-5");
    expect(m.contextWindow).toBe(400_000);
    expect(m.maxInputTokens).toBe(272_000);
    expect(m.maxOutputTokens).toBe(128_000);
    expect(table.get("gpt-5-2025-08-07").id).toBe("gpt-5");
  });

  it("keeps text-davinci-003 as retired, 4,097 tokens, $20 per 1M", () => {
    const m = table.get("text-davinci-003");
    expect(m.status).toEqual({ state: "retired", date: "2024-01-04", replacement: "gpt-3.5-turbo-instruct" });
    expect(m.contextWindow).toBe(4097);
    expect(m.pricing.input).toBe(20);
    expect(m.pricing.output).toBe(20);
    expect(m.encoding).toBe("p50k_base");
  });

  it("covers the OpenAI text models users meet", () => {
    const ids = [
      "gpt-3.5-turbo",
      "gpt-3.5-turbo-instruct",
      "gpt-3.5-turbo-16k",
      "gpt-3.5-turbo-0125",
      "gpt-4",
      "gpt-4-32k",
      "gpt-4-turbo",
      "gpt-4o",
      "gpt-4o-mini",
      "gpt-4.1",
      "gpt-4.1-mini",
      "gpt-4.1-nano",
      "o1",
      "o1-mini",
      "o3",
      "o3-mini",
      "o4-mini",
      "gpt-5",
      "gpt-5-mini",
      "gpt-5-nano",
      "gpt-5.1",
      "gpt-5.2",
      "gpt-5.4",
      "gpt-5.5",
      "gpt-5.6",
      "davinci-002",
      "babbage-002",
      "text-embedding-3-small",
      "text-embedding-3-large",
      "text-embedding-ada-002",
      "text-davinci-003",
      "text-davinci-002",
      "davinci",
      "curie",
      "babbage",
      "ada",
      "code-davinci-002",
    ];
    for (const id of ids) expect(table.match(id), id).toBeDefined();
  });

  it("takes OpenAI encodings from tiktoken's rules, marks other vendors approximate", () => {
    expect(table.get("gpt-4").encoding).toBe("cl100k_base");
    expect(table.get("davinci").encoding).toBe("r50k_base");
    expect(table.get("code-davinci-002").encoding).toBe("p50k_base");
    const claude = table.get("claude-sonnet-4-5");
    expect(claude.provider).toBe("anthropic");
    expect(claude.exactTokenizer).toBe(false);
  });

  it("records deprecation and retirement from the snapshot's shutdown dates", () => {
    expect(table.get("gpt-4-0314").status).toEqual({ state: "retired", date: "2026-03-26" });
    expect(table.get("gpt-3.5-turbo-1106").status).toEqual({ state: "deprecated", date: "2026-09-28" });
    expect(table.get("gpt-4o").status.state).toBe("active");
  });

  it("leaves unsourced numbers out instead of guessing", () => {
    const m = table.get("gpt-4-32k");
    expect(m.contextWindow).toBe(32_768);
    expect(m.pricing.input).toBeUndefined();
    expect(table.get("davinci").contextWindow).toBeUndefined();
  });
});

describe("PricingTable.match", () => {
  it("prices an unknown dated snapshot as its family, OpenAI and Anthropic styles", () => {
    expect(table.match("gpt-4o-2031-01-01")).toMatchObject({ via: "snapshot", entry: { id: "gpt-4o" } });
    expect(table.match("claude-sonnet-4-5-20310101")).toMatchObject({ via: "snapshot", entry: { id: "claude-sonnet-4-5" } });
    expect(table.match("claude-sonnet-4-5-20250929")).toMatchObject({ via: "alias", entry: { id: "claude-sonnet-4-5" } });
  });
});

describe("parsePricingFile", () => {
  const good = { version: 1, asOf: "2026-08-01", models: [{ id: "m", provider: "p", mode: "chat", pricing: { input: 1 }, source: "x", asOf: "2026-08-01" }] };

  it("accepts a minimal file and fills defaults", () => {
    const parsed = parsePricingFile(good);
    expect(parsed.models[0].aliases).toEqual([]);
    expect(parsed.models[0].status).toEqual({ state: "active" });
  });

  it("names the failing field path", () => {
    const bad = structuredClone(good) as any;
    bad.models[0].pricing.input = -1;
    expect(() => parsePricingFile(bad, "my.json")).toThrow(PricingError);
    expect(() => parsePricingFile(bad, "my.json")).toThrow(/^my\.json: models\[0\]\.pricing\.input: /);
  });

  it("rejects a bad long-context threshold with its path", () => {
    const bad = structuredClone(good) as any;
    bad.models[0].pricing.longContext = [{ aboveInputTokens: "272k", input: 5 }];
    expect(() => parsePricingFile(bad, "f")).toThrow(/models\[0\]\.pricing\.longContext\[0\]\.aboveInputTokens/);
  });

  it("rejects an entry without a source", () => {
    const bad = structuredClone(good) as any;
    delete bad.models[0].source;
    try {
      parsePricingFile(bad, "f");
      expect.unreachable();
    } catch (error) {
      expect((error as PricingError).code).toBe("INVALID_PRICING");
      expect((error as PricingError).message).toContain("models[0].source");
    }
  });

  it("reads the provisional version-1 format unchanged (batchInput/batchOutput)", () => {
    const v1 = structuredClone(good) as any;
    v1.models[0].pricing = { input: 2, output: 8, batchInput: 1, batchOutput: 4 };
    expect(parsePricingFile(v1).models[0].pricing.batchInput).toBe(1);
  });
});

describe("data files", () => {
  it("manual models each carry their own source", () => {
    const manual = JSON.parse(readFileSync(fileURLToPath(new URL("../data/manual-models.json", import.meta.url)), "utf8"));
    for (const m of parsePricingFile(manual).models) expect(JSON.stringify(m.source).length, m.id).toBeGreaterThan(10);
  });
});
