/**
 * How data/models.json is built: the LiteLLM snapshot converted with {@link convertLiteLLM}, plus
 * hand-added models from data/manual-models.json (each with its own source) for what the snapshot
 * lacks. Shared by scripts/generate-pricing.mjs and the test that checks the bundled table is
 * exactly what the generator produces. Pure (no I/O).
 */
import { PricingError } from "../errors.js";
import { BUNDLED_PROVIDERS, convertLiteLLM, sortModels } from "./litellm.js";
import { parsePricingFile } from "./parse.js";
import type { PricingFile } from "./schema.js";
import { applyCorrections, parseCorrectionsFile, type CorrectionsResult } from "./corrections.js";

/** Inputs of {@link buildBundledPricing}. */
export interface BundleInputs {
  /** Parsed LiteLLM snapshot. */
  snapshot: unknown;
  /** Date of the snapshot (YYYY-MM-DD). */
  snapshotAsOf: string;
  /** Parsed data/manual-models.json (a tokcost pricing file). */
  manual: unknown;
  /** Parsed data/corrections.json; applied to the converted snapshot (not to manual entries). */
  corrections?: unknown;
}

/** Source recorded for the snapshot's entries. */
export function snapshotSource(asOf: string) {
  return { repo: "BerriAI/litellm", path: "model_prices_and_context_window.json", note: `snapshot ${asOf}` };
}

/**
 * The bundled pricing file. Manual entries only fill gaps: an id or alias that the snapshot
 * already has is an error (fix the data in one place, not two).
 * @throws PricingError naming the conflicting id.
 */
export function buildBundledPricing(inputs: BundleInputs): PricingFile {
  return buildBundledPricingWithReport(inputs).file;
}

/** {@link buildBundledPricing} with what the corrections did (the generator prints outdated ones). */
export function buildBundledPricingWithReport({ snapshot, snapshotAsOf, manual, corrections }: BundleInputs): { file: PricingFile; corrections: CorrectionsResult } {
  const raw = convertLiteLLM(snapshot, { asOf: snapshotAsOf, source: snapshotSource(snapshotAsOf), providers: BUNDLED_PROVIDERS });
  const fixes = applyCorrections(raw, corrections === undefined ? [] : parseCorrectionsFile(corrections, "data/corrections.json"));
  const converted = fixes.file;
  const extra = parsePricingFile(manual, "data/manual-models.json");
  const taken = new Set<string>();
  for (const m of converted.models) for (const name of [m.id, ...m.aliases]) taken.add(name);
  for (const m of extra.models) {
    for (const name of [m.id, ...m.aliases]) {
      if (taken.has(name)) throw new PricingError(`data/manual-models.json: "${name}" is already in the LiteLLM snapshot; remove the manual entry`, { id: name });
      taken.add(name);
    }
  }
  const file = { version: 1 as const, asOf: converted.asOf, source: converted.source, models: sortModels([...converted.models, ...extra.models]) };
  return { file: parsePricingFile(file, "bundled pricing table"), corrections: fixes };
}
