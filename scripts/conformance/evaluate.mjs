/**
 * Judges tokcost against the conformance corpus (test/conformance/cases.json: requests recorded
 * against the live API, with the status it answered and the usage it billed). One implementation,
 * used by the test (test/conformance.test.ts) and by `npm run conformance:report`, which prints the
 * accuracy table kept in docs/accuracy.md.
 *
 * Needs the built library (dist/): run `npm run build` first.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { estimateRequest, kindOfUrl, preflight, validateRequest, TokcostError } from "../../dist/src/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The corpus and the reviewed list of API refusals tokcost cannot see offline. */
export function loadCorpus() {
  const cases = JSON.parse(readFileSync(`${root}test/conformance/cases.json`, "utf8"));
  const gaps = JSON.parse(readFileSync(`${root}test/conformance/refusal-gaps.json`, "utf8"));
  const exclusions = JSON.parse(readFileSync(`${root}test/conformance/count-exclusions.json`, "utf8"));
  return { cases, gaps, exclusions };
}

/** The usage figure the API billed as prompt / input tokens, when the case has one. */
export function billedPromptTokens(usage) {
  if (!usage || typeof usage !== "object") return undefined;
  const n = usage.prompt_tokens ?? usage.input_tokens;
  return Number.isInteger(n) ? n : undefined;
}

/** Model family for the accuracy table: the id without its date snapshot. */
export function familyOf(model) {
  if (typeof model !== "string") return "(none)";
  return model
    .replace(/^ft:/, "")
    .replace(/:.*$/, "")
    .replace(/-(\d{4}-\d{2}-\d{2}|\d{4})$/, "")
    .replace(/-(preview|latest)$/, "");
}

/** The features a chat / responses request uses, for the accuracy table. */
export function featuresOf(kind, body) {
  const f = new Set();
  if (kind === "chat" && Array.isArray(body.messages)) {
    if (body.tools?.length) f.add("tools");
    if (body.functions?.length) f.add("functions");
    for (const m of body.messages) {
      if (m?.tool_calls?.length || m?.function_call) f.add("tool calls");
      if (m?.role === "tool" || m?.role === "function") f.add("tool results");
      if (Array.isArray(m?.content) && m.content.some((p) => p?.type === "image_url")) f.add("images");
    }
    if (body.response_format?.type === "json_schema") f.add("structured output");
  } else if (kind === "responses") {
    if (body.tools?.length) f.add("tools");
    if (Array.isArray(body.input) && body.input.some((i) => i?.type === "function_call" || i?.type === "function_call_output")) f.add("tool calls");
    if (body.text?.format?.type === "json_schema") f.add("structured output");
  }
  if (f.size === 0) f.add("text");
  return [...f];
}

/**
 * Runs every case. Returns per-case outcomes:
 * - `falseRejection`: the API answered 2xx, validateRequest refused it (must be none);
 * - `guardRefusals`: the API answered 2xx and preflight refused it because it cannot measure it
 *   (a model not in the table, a model only a stored prompt names) — listed, by code;
 * - `missedRefusal`: the API answered 4xx, the guard (validateRequest, then preflight: unknown
 *   model, context window) accepted it and no reviewed gap explains why (must be none);
 * - `paramMismatch`: both refused, but tokcost names another parameter;
 * - `counts`: for 2xx cases with usage, tokcost's prompt tokens vs the API's, with `exact`.
 */
export function evaluate({ cases, gaps, exclusions = [] }) {
  const gapById = new Map(gaps.map((g) => [g.id, g]));
  const excluded = new Set(exclusions.map((e) => e.id));
  const out = {
    total: cases.length,
    unmodelled: [],
    accepted: 0,
    falseRejections: [],
    guardRefusals: [],
    excludedCounts: [],
    refusals: 0,
    refusedAlike: [],
    paramMismatches: [],
    knownGaps: [],
    missedRefusals: [],
    counts: [],
    countErrors: [],
  };
  // The corpus judges validation and counting, not the pricing table: models the table does not
  // price (retired ones such as text-curie-001) are measured as they were recorded (allowUnpriced).
  const measure = { allowUnpriced: true };
  for (const c of cases) {
    const kind = kindOfUrl(c.path);
    if (!kind || c.request === null || typeof c.request !== "object") {
      out.unmodelled.push(c.id);
      continue;
    }
    let validated;
    let refusal;
    try {
      validated = validateRequest(c.request, { kind });
    } catch (error) {
      if (!(error instanceof TokcostError)) throw error;
      refusal = error;
    }
    if (c.status >= 200 && c.status < 300) {
      out.accepted += 1;
      if (refusal) {
        out.falseRejections.push({ id: c.id, message: refusal.message });
        continue;
      }
      try {
        preflight(c.request, { kind, validated, ...measure });
      } catch (error) {
        if (!(error instanceof TokcostError)) throw error;
        out.guardRefusals.push({ id: c.id, code: error.code, message: error.message });
      }
      const billed = billedPromptTokens(c.usage);
      if (billed === undefined) continue;
      if (excluded.has(c.id)) {
        out.excludedCounts.push(c.id);
        continue;
      }
      try {
        // Count for the snapshot the API answered with: an alias meant another model on the day of the recording.
        const e = estimateRequest(c.request, c.responseModel ? { kind, model: c.responseModel, ...measure } : { kind, validated, ...measure });
        out.counts.push({
          id: c.id,
          kind,
          model: c.request.model,
          family: familyOf(c.responseModel ?? c.request.model),
          features: featuresOf(kind, c.request),
          local: e.promptTokens,
          api: billed,
          exact: e.exact,
          warnings: e.warnings,
        });
      } catch (error) {
        out.countErrors.push({ id: c.id, message: error.message });
      }
    } else if (c.status >= 400 && c.status < 500) {
      out.refusals += 1;
      if (!refusal) {
        try {
          preflight(c.request, { kind, validated, ...measure });
        } catch (error) {
          if (!(error instanceof TokcostError)) throw error;
          refusal = error;
        }
      }
      const gap = gapById.get(c.id);
      if (refusal) {
        const apiParam = c.error?.param ?? null;
        const param = refusal.param ?? (refusal.code === "UNKNOWN_MODEL" ? "model" : undefined);
        if (apiParam !== null && param !== apiParam && !gap) out.paramMismatches.push({ id: c.id, api: apiParam, tokcost: refusal.param, message: refusal.message });
        else out.refusedAlike.push({ id: c.id, sameWords: sameWords(refusal.message, c.error?.message), api: c.error?.message ?? null, tokcost: refusal.message });
      } else if (gap) out.knownGaps.push({ id: c.id, why: gap.why });
      else out.missedRefusals.push({ id: c.id, status: c.status, message: c.error?.message ?? null, param: c.error?.param ?? null });
    }
  }
  return out;
}

/**
 * Does tokcost's message say what the API's says? Equal, or the API's words followed by a hint
 * ("(did you mean …?)"). A model the table does not know is the API's "does not exist".
 */
export function sameWords(tokcost, api) {
  if (typeof api !== "string") return false;
  if (tokcost === api || tokcost.startsWith(`${api} `)) return true;
  return /does not exist/.test(api) && /^unknown model/.test(tokcost);
}

/** Accuracy rows: per family × feature, how many counts are exact / within 1% / worse, and whether `exact: true` ever lied. */
export function accuracyTable(counts) {
  const rows = new Map();
  for (const c of counts) {
    for (const feature of c.features) {
      const key = `${c.family}\u0000${feature}`;
      const row = rows.get(key) ?? { family: c.family, feature, cases: 0, equal: 0, within1: 0, worse: 0, claimedExact: 0, claimedExactWrong: 0, maxError: 0 };
      const diff = c.local - c.api;
      row.cases += 1;
      if (diff === 0) row.equal += 1;
      else if (Math.abs(diff) <= Math.max(1, c.api * 0.01)) row.within1 += 1;
      else row.worse += 1;
      if (c.exact) row.claimedExact += 1;
      if (c.exact && diff !== 0) row.claimedExactWrong += 1;
      if (Math.abs(diff) > Math.abs(row.maxError)) row.maxError = diff;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.family.localeCompare(b.family) || a.feature.localeCompare(b.feature));
}

/** The accuracy table as Markdown (docs/accuracy.md). */
export function accuracyMarkdown(counts) {
  const lines = ["| model family | feature | cases | equal | within 1% | worse | largest error | claimed exact (wrong) |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const r of accuracyTable(counts))
    lines.push(`| ${r.family} | ${r.feature} | ${r.cases} | ${r.equal} | ${r.within1} | ${r.worse} | ${r.maxError > 0 ? "+" : ""}${r.maxError} | ${r.claimedExact} (${r.claimedExactWrong}) |`);
  return lines.join("\n");
}

/** The headline numbers, one line each (docs/accuracy.md and the report). */
export function conformanceSummary(result) {
  const equal = result.counts.filter((c) => c.local === c.api).length;
  const exact = result.counts.filter((c) => c.exact);
  return [
    `- cases: ${result.total} (${result.unmodelled.length} not judged: multipart uploads recorded without their fields — transcriptions, translations, image edits and variations — and endpoints tokcost does not model, such as /v1/responses/compact)`,
    `- accepted by the API: ${result.accepted}; refused by validateRequest: ${result.falseRejections.length}; refused by preflight as unmeasurable: ${result.guardRefusals.length} (${[...new Set(result.guardRefusals.map((g) => g.code))].join(", ")})`,
    `- refused by the API (4xx): ${result.refusals}; refused alike: ${result.refusedAlike.length} (in the API's words: ${result.refusedAlike.filter((r) => r.sameWords).length}); naming another parameter: ${result.paramMismatches.length}; reviewed gaps: ${result.knownGaps.length}; missed: ${result.missedRefusals.length}`,
    `- counts compared with the billed usage: ${result.counts.length} (${result.excludedCounts.length} reviewed exclusions); equal: ${equal}; marked exact: ${exact.length}, of which wrong: ${exact.filter((c) => c.local !== c.api).length}`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = evaluate(loadCorpus());
  process.stdout.write(`${conformanceSummary(result)}\n\n${accuracyMarkdown(result.counts)}\n`);
  if (process.argv.includes("--verbose"))
    process.stdout.write(
      JSON.stringify(
        {
          otherWords: result.refusedAlike.filter((r) => !r.sameWords),
          falseRejections: result.falseRejections,
          guardRefusals: result.guardRefusals,
          missedRefusals: result.missedRefusals,
          paramMismatches: result.paramMismatches,
          countErrors: result.countErrors,
          wrong: result.counts.filter((c) => c.local !== c.api),
        },
        null,
        1,
      ) + "\n",
    );
}
