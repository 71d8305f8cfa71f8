/** Reasoning effort levels → reasoning tokens, only where a provider publishes the number. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { estimate, estimateRequest, getModel, reasoningTokensForEffort, REASONING_EFFORT_RULES, UsageError } from "../src/index.js";
import { runCli } from "./helpers/cli.js";

describe("data/reasoning-effort.json", () => {
  it("every rule carries its source and date, and maps levels to whole token counts", () => {
    const rule = z.strictObject({
      provider: z.string().min(1),
      modelPrefixes: z.array(z.string().min(1)).min(1),
      levels: z.record(z.string(), z.number().int().nonnegative()),
      meaning: z.string().min(1),
      source: z.string().url(),
      asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    });
    const file = JSON.parse(readFileSync("data/reasoning-effort.json", "utf8"));
    expect(() => z.array(rule).min(1).parse(file.rules)).not.toThrow();
    expect(REASONING_EFFORT_RULES).toEqual(file.rules);
  });
});

describe("reasoningTokensForEffort", () => {
  it("Gemini 2.5's published thinking budgets; none is no reasoning anywhere; the rest is unknown", () => {
    expect(reasoningTokensForEffort("gemini-2.5-flash", "low")?.tokens).toBe(1024);
    expect(reasoningTokensForEffort("gemini-2.5-pro", "medium")?.tokens).toBe(8192);
    expect(reasoningTokensForEffort("gemini-2.5-flash-lite", "high")?.tokens).toBe(24576);
    expect(reasoningTokensForEffort("o3", "none")?.tokens).toBe(0);
    expect(reasoningTokensForEffort("o3", "high")).toBeUndefined();
    expect(reasoningTokensForEffort("gemini-2.5-flashy", "high")).toBeUndefined(); // a prefix match needs a "-" boundary
  });
});

describe("estimates with an effort level", () => {
  it("text: the effort's tokens are billed as output and counted against the completion budget", () => {
    const model = getModel("gemini-2.5-flash");
    const e = estimate({ model: "gemini-2.5-flash", prompt: "Plan a trip.", maxTokens: 1000, billing: { reasoningEffort: "high" } });
    const byHand = (1000 * model.pricing.output! + 24576 * (model.pricing.reasoningOutput ?? model.pricing.output!)) / 1e6;
    expect(e.cost.completion).toBeCloseTo(byHand, 12);
    expect(e.warnings.join(" ")).toContain('reasoning effort "high" on gemini-2.5-flash counted as 24576 reasoning tokens');
    expect(() => estimate({ model: "o3", prompt: "x", billing: { reasoningEffort: "high" } })).toThrow(UsageError);
    expect(() => estimate({ model: "o3", prompt: "x", billing: { reasoningEffort: "low", reasoningTokens: 10 } })).toThrow(/not both/);
    const off = estimate({ model: "o3", prompt: "x", maxTokens: 100, billing: { reasoningEffort: "none" } });
    expect(off.cost.completion).toBeCloseTo((100 * getModel("o3").pricing.output!) / 1e6, 12);
    expect(off.warnings.join(" ")).not.toMatch(/hidden reasoning tokens/);
  });

  it("requests: a body's own reasoning_effort counts where its number is published, and is left out (with the usual note) where not", () => {
    const gemini = estimateRequest({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Plan a trip." }], max_completion_tokens: 1000, reasoning_effort: "low" });
    expect(gemini.cost.reasoning).toBeCloseTo((1024 * (getModel("gemini-2.5-flash").pricing.reasoningOutput ?? getModel("gemini-2.5-flash").pricing.output!)) / 1e6, 12);
    const o3 = estimateRequest({ model: "o3", messages: [{ role: "user", content: "Prove it." }], max_completion_tokens: 1000, reasoning_effort: "high" });
    expect(o3.cost.reasoning).toBeUndefined();
    expect(o3.warnings.join(" ")).toMatch(/o3: hidden reasoning tokens are billed as output/);
  });

  it("CLI: --reasoning-effort, and a one-line error where no number is published", () => {
    const ok = runCli(["estimate", "examples/support-agent.txt", "-m", "gemini-2.5-flash", "--reasoning-effort", "medium", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).estimates[0].cost.reasoning).toBeGreaterThan(0);
    const bad = runCli(["estimate", "examples/support-agent.txt", "-m", "o3", "--reasoning-effort", "high"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([
      'tokcost: no published number of reasoning tokens for o3 at effort "high": pass --reasoning-tokens <n> (reasoningTokens) instead, e.g. from usage.completion_tokens_details.reasoning_tokens of similar calls',
    ]);
  });
});
