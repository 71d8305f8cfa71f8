#!/usr/bin/env node
/**
 * Regenerates data/models.json from a LiteLLM pricing snapshot plus data/manual-models.json.
 *
 *   npm run build && node scripts/generate-pricing.mjs [snapshot.json] [--as-of YYYY-MM-DD]
 *
 * The snapshot path defaults to test/reference/litellm-model-prices-2026-08-01.json; its
 * date defaults to the YYYY-MM-DD in the file name. The conversion rules live in
 * src/pricing/litellm.ts (documented in docs/pricing.md); in short:
 * - prices USD/token → USD per 1M tokens; per-pixel image rates → per image (rounded to $0.001);
 *   per-second audio → per minute; per-character → per 1M characters;
 * - contextWindow = max_input_tokens, except OpenAI entries with max_input 272,000 (the gpt-5
 *   family's published input cap): contextWindow = max_input + max_output, maxInputTokens = 272,000;
 * - deprecation_date on/before the snapshot date → retired, later → deprecated;
 * - dated snapshots identical to their family become aliases;
 * - data/corrections.json replaces known upstream errors (each with its own source), while the
 *   upstream value is still the one corrected.
 * Output is sorted by provider then id, pretty-printed with sorted keys, so re-running on the
 * same inputs gives a byte-identical file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { buildBundledPricingWithReport } = await import(resolve(root, "dist/src/pricing/bundle.js"));
const { outdatedCorrectionNotice } = await import(resolve(root, "dist/src/pricing/corrections.js"));
const { canonicalJson } = await import(resolve(root, "dist/src/pricing/litellm.js"));

const args = process.argv.slice(2);
const asOfFlag = args.indexOf("--as-of");
const asOfArg = asOfFlag >= 0 ? args.splice(asOfFlag, 2)[1] : undefined;
const snapshotPath = resolve(root, args[0] ?? "test/reference/litellm-model-prices-2026-08-01.json");
const snapshotAsOf = asOfArg ?? /(\d{4}-\d{2}-\d{2})/.exec(basename(snapshotPath))?.[1];
if (!snapshotAsOf) {
  console.error("generate-pricing: cannot tell the snapshot's date from its file name; pass --as-of YYYY-MM-DD");
  process.exit(2);
}

try {
  const snapshot = JSON.parse(readFileSync(snapshotPath, "utf8"));
  const manual = JSON.parse(readFileSync(resolve(root, "data/manual-models.json"), "utf8"));
  const corrections = JSON.parse(readFileSync(resolve(root, "data/corrections.json"), "utf8"));
  const { file, corrections: fixes } = buildBundledPricingWithReport({ snapshot, snapshotAsOf, manual, corrections });
  for (const o of fixes.outdated) console.error(`generate-pricing: warning: ${outdatedCorrectionNotice(o)}`);
  writeFileSync(resolve(root, "data/models.json"), canonicalJson(file, 1) + "\n");
  const byProvider = {};
  for (const m of file.models) byProvider[m.provider] = (byProvider[m.provider] ?? 0) + 1;
  console.log(
    `data/models.json: ${file.models.length} models (${Object.entries(byProvider)
      .map(([p, n]) => `${p} ${n}`)
      .join(", ")}), asOf ${file.asOf}; ${fixes.applied.length} corrections applied (data/corrections.json)`,
  );
} catch (error) {
  console.error(`generate-pricing: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
