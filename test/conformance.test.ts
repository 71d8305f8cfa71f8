/**
 * The conformance corpus (test/conformance/cases.json): requests public repositories recorded
 * against the live API, with the status it answered and the usage it billed. tokcost must never
 * refuse what the API accepted, must refuse what it refused (same parameter, the API's words) or
 * say in a reviewed list why it cannot, and must never call a count exact that differs from the
 * API's. The evaluation is scripts/conformance/evaluate.mjs, shared with `npm run conformance:report`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";
// @ts-expect-error -- a plain ES module shared with the report script (no type declarations)
import { accuracyMarkdown, evaluate, loadCorpus } from "../scripts/conformance/evaluate.mjs";

interface Case {
  id: string;
  path: string;
  status: number;
  request: Record<string, unknown> | null;
  source: { repo: string; path: string; commit: string; interaction: number };
  why: string;
}
interface Outcome {
  total: number;
  accepted: number;
  falseRejections: Array<{ id: string; message: string }>;
  guardRefusals: Array<{ id: string; code: string; message: string }>;
  refusals: number;
  refusedAlike: Array<{ id: string; sameWords: boolean; api: string; tokcost: string }>;
  paramMismatches: unknown[];
  knownGaps: unknown[];
  missedRefusals: unknown[];
  counts: Array<{ id: string; local: number; api: number; exact: boolean }>;
  countErrors: Array<{ id: string; message: string }>;
}

const corpus = loadCorpus() as { cases: Case[]; gaps: Array<{ id: string; why: string }>; exclusions: Array<{ id: string; why: string }> };
const result = evaluate(corpus) as Outcome;

describe("conformance corpus: recorded real API traffic", () => {
  it("is large and every case names its source and why it was accepted", () => {
    expect(corpus.cases.length).toBeGreaterThan(2500);
    for (const c of corpus.cases) {
      expect(c.source.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(c.source.path.length).toBeGreaterThan(0);
      expect(c.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(c.why).toContain("api.openai.com");
    }
    const ids = new Set(corpus.cases.map((c) => c.id));
    for (const reviewed of [...corpus.gaps, ...corpus.exclusions]) {
      expect(ids.has(reviewed.id), reviewed.id).toBe(true);
      expect(reviewed.why.length).toBeGreaterThan(20);
    }
  });

  it("validateRequest refuses none of the requests the API accepted", () => {
    expect(result.accepted).toBeGreaterThan(2500);
    expect(result.falseRejections).toEqual([]);
  });

  it("preflight refuses an accepted request only when it cannot measure it (a model it does not know or cannot see)", () => {
    for (const g of result.guardRefusals) expect(["UNKNOWN_MODEL", "INVALID_INPUT"]).toContain(g.code);
    expect(result.guardRefusals.length).toBeLessThanOrEqual(7);
  });

  it("refuses what the API refused, naming the same parameter in the API's words — or a reviewed gap says why it cannot", () => {
    expect(result.missedRefusals).toEqual([]);
    expect(result.paramMismatches).toEqual([]);
    expect(result.refusedAlike.filter((r) => !r.sameWords)).toEqual([]);
    expect(result.refusedAlike.length).toBeGreaterThanOrEqual(44);
  });

  it("no count marked exact differs from the API's usage", () => {
    expect(result.countErrors.filter((e) => !/unknown model/.test(e.message))).toEqual([]);
    const wrong = result.counts.filter((c) => c.exact && c.local !== c.api).map((c) => `${c.id}: ${c.local} vs ${c.api}`);
    expect(wrong).toEqual([]);
    // Pinned so a regression shows: counts equal to the API's, and exact claims.
    expect(result.counts.filter((c) => c.local === c.api).length).toBeGreaterThanOrEqual(1611);
    expect(result.counts.filter((c) => c.exact).length).toBeGreaterThanOrEqual(1112);
  });

  it("docs/accuracy.md shows the current accuracy table", () => {
    const doc = readFileSync(`${repoRoot}docs/accuracy.md`, "utf8");
    expect(doc).toContain(accuracyMarkdown(result.counts));
  });
});
