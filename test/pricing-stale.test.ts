/** Staleness judged by the prices actually used; `pricing: { asOf, sources }` in estimate and check JSON; maxPriceAgeDays. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./helpers/cli.js";
import { runCheck, parseConfig } from "../src/gate/index.js";
import { bundledPricingTable, pricingProvenance, staleNoticeFor, stalePricingNotice } from "../src/pricing/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "tokcost-stale-"));
const today = new Date().toISOString().slice(0, 10);
/** A pricing file with a fresh gpt-4o (dated today): only the bundled models stay old. */
const fresh = path.join(dir, "fresh.json");
writeFileSync(
  fresh,
  JSON.stringify({
    version: 1,
    asOf: today,
    models: [
      {
        id: "gpt-4o",
        provider: "openai",
        mode: "chat",
        encoding: "o200k_base",
        contextWindow: 128000,
        pricing: { input: 2.5, output: 10 },
        source: { url: "https://openai.com/api/pricing", note: "test" },
        asOf: today,
      },
    ],
  }),
);

describe("pricingProvenance / staleNoticeFor (core)", () => {
  it("dates an estimate by the oldest entry it used and names only the stale ones", () => {
    const table = bundledPricingTable();
    const p = pricingProvenance([table.get("gpt-4o"), table.get("gpt-4o"), undefined, table.get("claude-opus-4-1")]);
    expect(p.asOf).toBe("2026-08-01");
    expect(p.sources.map((s) => s.model)).toEqual(["gpt-4o", "claude-opus-4-1"]);
    expect(pricingProvenance([table.get("embed-multilingual-light-v3.0")]).sources[0].corrected).toEqual(["pricing.input"]);
    const mixed = {
      asOf: "2026-08-01",
      sources: [
        { model: "a", asOf: "2026-08-01", source: "x" },
        { model: "b", asOf: "2026-11-20", source: "y" },
      ],
    };
    expect(staleNoticeFor(mixed, new Date("2026-11-29T00:00:00Z"))).toMatch(/^prices for a are from 2026-08-01 \(120 days ago\)/);
    expect(staleNoticeFor(mixed, new Date("2026-10-01T00:00:00Z"))).toBeUndefined();
    expect(staleNoticeFor({ asOf: null, sources: [] })).toBeUndefined();
    expect(stalePricingNotice("2026-08-01", new Date("2026-11-29T00:00:00Z"))).toMatch(/^prices are from 2026-08-01/);
  });
});

describe("tokcost estimate: prices used", () => {
  it("--json carries pricing: { asOf, sources } for the models estimated", () => {
    const r = runCli(["estimate", "-", "-m", "gpt-4o,claude-opus-4-1", "--json"], { input: "hi" });
    expect(r.code).toBe(0);
    const { pricing } = JSON.parse(r.stdout);
    expect(pricing.asOf).toBe("2026-08-01");
    expect(pricing.sources).toEqual([
      { model: "gpt-4o", asOf: "2026-08-01", source: expect.objectContaining({ repo: "BerriAI/litellm" }) },
      // Anthropic's Message Batches rule (data/corrections.json) marked it batch-capable: the provenance says so.
      { model: "claude-opus-4-1", asOf: "2026-08-01", source: expect.objectContaining({ repo: "BerriAI/litellm" }), corrected: ["batch"] },
    ]);
    const freshJson = JSON.parse(runCli(["estimate", "-", "-m", "gpt-4o", "--json", "--pricing", fresh], { input: "hi" }).stdout).pricing;
    expect(freshJson).toEqual({ asOf: today, sources: [{ model: "gpt-4o", asOf: today, source: { url: "https://openai.com/api/pricing", note: "test" } }] });
    // An encoding-only estimate uses no prices.
    expect(JSON.parse(runCli(["estimate", "-", "--encoding", "cl100k_base", "-m", "my-own-model", "--json"], { input: "hi" }).stdout).pricing).toEqual({ asOf: null, sources: [] });
  });

  it("the notice names the stale models actually used; fresh prices get none; --no-stale-warning and TOKCOST_NO_STALE_WARNING hide it", () => {
    const freshOnly = runCli(["estimate", "-", "-m", "gpt-4o", "--pricing", fresh], { input: "hi" });
    expect(freshOnly.code).toBe(0);
    expect(freshOnly.stderr).not.toContain("may be out of date");
    const mixed = runCli(["estimate", "-", "-m", "gpt-4o,claude-opus-4-1", "--pricing", fresh], { input: "hi" });
    expect(mixed.stderr).toMatch(/^warning: prices for claude-opus-4-1 are from 2026-08-01 \(\d+ days ago\) and may be out of date; refresh with "tokcost pricing update"/m);
    expect(runCli(["estimate", "-", "-m", "claude-opus-4-1", "--no-stale-warning"], { input: "hi" }).stderr).not.toContain("out of date");
    expect(runCli(["estimate", "-", "-m", "claude-opus-4-1"], { input: "hi", env: { TOKCOST_NO_STALE_WARNING: "1" } }).stderr).not.toContain("out of date");
    expect(runCli(["estimate", "-", "-m", "claude-opus-4-1"], { input: "hi", env: { TOKCOST_NO_STALE_WARNING: "0" } }).stderr).toContain("out of date");
    expect(runCli(["models", "gpt-4o", "--no-stale-warning"]).stderr).toBe("");
  });
});

describe("tokcost check: prices used and maxPriceAgeDays", () => {
  const repo = () => {
    const root = mkdtempSync(path.join(dir, "repo-"));
    mkdirSync(path.join(root, "p"));
    writeFileSync(path.join(root, "p", "a.txt"), "Summarise this.");
    return root;
  };

  it("the report carries pricing (asOf, ageDays, maxAgeDays, sources); maxPriceAgeDays fails with exit 1", async () => {
    const root = repo();
    const config = parseConfig({ model: "gpt-4o", maxTokens: 100, rules: [{ files: "p/*.txt", limits: { maxPromptTokens: 1000 } }] });
    const ok = await runCheck(config, { cwd: root, jobs: 1, today: new Date("2026-08-11T00:00:00Z") });
    expect(ok.exitCode).toBe(0);
    expect(ok.pricing).toEqual({ asOf: "2026-08-01", ageDays: 10, maxAgeDays: null, sources: [expect.objectContaining({ model: "gpt-4o", asOf: "2026-08-01" })] });
    const within = await runCheck({ ...config, maxPriceAgeDays: 10 }, { cwd: root, jobs: 1, today: new Date("2026-08-11T00:00:00Z") });
    expect(within.exitCode).toBe(0);
    const over = await runCheck({ ...config, maxPriceAgeDays: 10 }, { cwd: root, jobs: 1, today: new Date("2026-08-12T00:00:00Z") });
    expect(over.exitCode).toBe(1);
    expect(over.problems).toEqual([
      expect.objectContaining({
        level: "error",
        code: "MAX_PRICE_AGE",
        message: expect.stringMatching(/^prices of gpt-4o are from 2026-08-01 \(11 days ago\) > maxPriceAgeDays 10; refresh them with "tokcost pricing update -o prices.json"/),
      }),
    ]);
    // The option overrides the config.
    expect((await runCheck({ ...config, maxPriceAgeDays: 10 }, { cwd: root, jobs: 1, today: new Date("2026-08-12T00:00:00Z"), maxPriceAgeDays: 30 })).exitCode).toBe(0);
  });

  it("CLI: --max-price-age and the config key exit 1; the stale notice is one stderr line, hidden by --no-stale-warning", () => {
    const root = repo();
    writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify({ model: "gpt-4o", maxTokens: 100, rules: [{ files: "p/*.txt", limits: { maxPromptTokens: 1000 } }] }));
    const plain = runCli(["check"], { cwd: root });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^tokcost: warning: prices for gpt-4o are from 2026-08-01 \(\d+ days ago\) and may be out of date/);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(runCli(["check", "--no-stale-warning"], { cwd: root }).stderr).toBe("");
    const json = JSON.parse(runCli(["check", "--format", "json", "--no-stale-warning"], { cwd: root }).stdout);
    expect(json.pricing).toMatchObject({ asOf: "2026-08-01", maxAgeDays: null, sources: [expect.objectContaining({ model: "gpt-4o" })] });
    const flag = runCli(["check", "--max-price-age", "30"], { cwd: root });
    expect(flag.code).toBe(1);
    expect(flag.stdout).toContain("> maxPriceAgeDays 30");
    expect(flag.stdout).toContain("FAIL (a limit was exceeded)");
    expect(flag.stderr).toBe(""); // the failure already says it
    expect(runCli(["check", "--max-price-age", "100000"], { cwd: root, env: { TOKCOST_NO_STALE_WARNING: "1" } }).code).toBe(0);
    writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify({ model: "gpt-4o", maxTokens: 100, maxPriceAgeDays: 30, rules: [{ files: "p/*.txt", limits: { maxPromptTokens: 1000 } }] }));
    const configured = runCli(["check", "--format", "github"], { cwd: root });
    expect(configured.code).toBe(1);
    expect(configured.stdout).toMatch(/::error .*title=tokcost%3A maxPriceAgeDays exceeded::prices of gpt-4o are from 2026-08-01/);
    const fresh2 = runCli(["check", "--pricing", fresh], { cwd: root });
    expect(fresh2.code).toBe(0);
    expect(fresh2.stderr).toBe("");
    expect(runCli(["check", "--max-price-age", "-1"], { cwd: root }).code).toBe(2);
  });
});
