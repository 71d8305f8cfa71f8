/**
 * `tokcost estimate` for models that are not priced per text token (issue 7): image models per
 * image (`--images`, `--size`, `--quality`), speech models per character of the input text,
 * transcription models per minute (`--minutes`, or WAV/MP3 durations read from file headers).
 * Also the billing flags shared with token estimates (`--tier`, `--cached-tokens`,
 * `--cache-hit`, `--reasoning-tokens`).
 */
import { terminalSafe } from "../../util/text.js";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import type { PricingTable } from "../../pricing/table.js";
import { pricingUnitOf, SERVICE_TIERS, type PricingProvenance, type ServiceTier } from "../../pricing/cost.js";
import type { BillingOptions } from "../../estimate/index.js";
import { estimateUnits, type UnitEstimate } from "../../node/media.js";
import { UsageError } from "../../errors.js";
import { parseChoice, parseCount, parseHumanNumber } from "../options.js";
import { formatInt, formatPerMillion, formatUsd, renderCsv, renderMarkdown, renderTable, useColor } from "../format.js";
import { inputsFrom, printStalePricing, printWarnings, provenanceOf, renderTsv } from "../shared.js";

/** Flags this module adds to `tokcost estimate`. */
export interface UnitFlags {
  model?: string[];
  tier?: ServiceTier;
  cachedTokens?: number;
  cacheHit?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  reasoningTokens?: number;
  reasoningEffort?: string;
  images?: number;
  size?: string;
  quality?: string;
  minutes?: number;
  /** false with --no-stale-warning. */
  staleWarning?: boolean;
}

/** A share 0–1, or a percentage ("80%"). */
function parseRatio(value: string): number {
  const percent = /^\s*([0-9.]+)\s*%\s*$/.exec(value);
  const parsed = percent ? Number(percent[1]) / 100 : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1 || value.trim() === "") throw new UsageError(`--cache-hit expects a share between 0 and 1 (or a percentage like 80%), got "${value}"`);
  return parsed;
}

function parseMinutes(value: string): number {
  const parsed = parseHumanNumber(value);
  if (parsed === undefined || parsed < 0) throw new UsageError(`--minutes expects a non-negative number of minutes (e.g. --minutes 12.5), got "${value}"`);
  return parsed;
}

function parseSize(value: string): string {
  const size = value.toLowerCase().replace(/\s+/g, "");
  if (!/^\d+x\d+$/.test(size)) throw new UsageError(`--size expects WIDTHxHEIGHT (e.g. --size 1024x1792), got "${value}"`);
  return size;
}

/** Adds the billing and unit flags to the estimate command. */
export function addUnitOptions(command: Command): Command {
  return command
    .option("--tier <tier>", `service tier to price: ${SERVICE_TIERS.join(", ")} (default standard)`, parseChoice("--tier", SERVICE_TIERS))
    .option("--cached-tokens <n>", "prompt tokens served from the prompt cache (priced at the cached-input rate)", parseCount("--cached-tokens"))
    .option("--cache-hit <ratio>", "share of the prompt served from the cache, 0–1 or a percentage (e.g. 80%)", parseRatio)
    .option("--cache-write <n>", "prompt tokens written to the prompt cache (Anthropic's default 5-minute cache), priced at the cache-write rate", parseCount("--cache-write"))
    .option("--cache-write-1h <n>", "prompt tokens written to a 1-hour prompt cache (Anthropic ttl 1h), priced at the 1-hour cache-write rate", parseCount("--cache-write-1h"))
    .option("--reasoning-tokens <n>", "hidden reasoning tokens: billed as output and counted against the completion budget", parseCount("--reasoning-tokens"))
    .option("--reasoning-effort <level>", "reasoning effort (none, low, medium, high) as reasoning tokens, where the provider publishes the number (Gemini 2.5); otherwise use --reasoning-tokens")
    .option("--images <n>", "image models: number of images to generate", parseCount("--images"))
    .option("--size <WxH>", "image models: image size (default 1024x1024)", parseSize)
    .option("--quality <quality>", "image models: standard or hd (dall-e-3), low, medium or high (gpt-image-1)")
    .option("--minutes <n>", "transcription models priced per minute (whisper-1): audio length, instead of reading WAV/MP3 files", parseMinutes)
    .option("--no-stale-warning", "do not warn when the prices used are more than 90 days old (also TOKCOST_NO_STALE_WARNING=1)");
}

/** Billing options for token estimates from the flags. */
export function billingFrom(flags: UnitFlags): BillingOptions | undefined {
  if (flags.cachedTokens !== undefined && flags.cacheHit !== undefined) throw new UsageError("pass either --cached-tokens or --cache-hit, not both");
  const billing: BillingOptions = {
    tier: flags.tier,
    cachedInputTokens: flags.cachedTokens,
    cacheHitRatio: flags.cacheHit,
    cacheWriteInputTokens: flags.cacheWrite,
    cacheWrite1hInputTokens: flags.cacheWrite1h,
    reasoningTokens: flags.reasoningTokens,
    reasoningEffort: flags.reasoningEffort,
  };
  return Object.values(billing).some((v) => v !== undefined) ? billing : undefined;
}

/** The stale-prices notice for the models used, in human output (printed once; never in --json). */
export function printStaleNotice(table: PricingTable, models: Iterable<string | null | undefined>, flag: boolean | undefined): void {
  printStalePricing(provenanceOf(table, models), flag);
}

/**
 * Runs the estimate when every requested model is priced per image, character or minute.
 * Returns false (doing nothing) for token-priced models, so the normal estimate runs.
 * @throws UsageError when per-unit and per-token models are mixed.
 */
export async function runUnitEstimate(files: string[], flags: UnitFlags, table: PricingTable, format: "table" | "json" | "markdown" | "csv" | "tsv", _context: CommandContext): Promise<boolean> {
  const entries = (flags.model ?? []).map((id) => table.match(id)?.entry);
  const unitModels = entries.filter((e) => e && pricingUnitOf(e) !== "token");
  if (unitModels.length === 0) {
    const perAudioToken = entries.find((e) => e?.mode === "audio_transcription" && e.pricing.audioInput !== undefined);
    if (perAudioToken && (flags.minutes !== undefined || files.some((f) => /\.(wav|mp3)$/i.test(f)))) {
      // OpenAI bills these per audio token and publishes no tokens-per-minute rate: tokcost will not guess one.
      throw new UsageError(
        `${perAudioToken.id} is billed per audio token (${formatPerMillion(perAudioToken.pricing.audioInput)}/1M), and OpenAI publishes no audio tokens per minute, so minutes cannot be priced; price the usage.input_token_details.audio_tokens of a real call with costOf(model, { audioInputTokens })`,
      );
    }
    // --minutes without -m: the length of the audio a transcription request file refers to.
    if (entries.length === 0 && flags.minutes !== undefined && flags.images === undefined && flags.quality === undefined && flags.size === undefined) return false;
    if (flags.images !== undefined || flags.minutes !== undefined || flags.quality !== undefined || flags.size !== undefined) {
      throw new UsageError("--images, --size, --quality and --minutes apply to image and per-minute transcription models (e.g. -m dall-e-3, -m whisper-1)");
    }
    return false;
  }
  if (unitModels.length !== entries.length) throw new UsageError("estimate per-image, per-character and per-minute models (dall-e, tts, whisper) separately from per-token models");
  if (billingFrom(flags)) {
    throw new UsageError("--tier, --cached-tokens, --cache-hit, --cache-write, --cache-write-1h, --reasoning-tokens and --reasoning-effort apply to per-token models only");
  }
  const needsInputs = unitModels.some((m) => pricingUnitOf(m!) === "character" || pricingUnitOf(m!) === "speech" || (pricingUnitOf(m!) === "minute" && flags.minutes === undefined));
  const inputs = needsInputs ? await inputsFrom(files) : [];
  if (!needsInputs && files.length > 0) throw new UsageError(`${unitModels.map((m) => m!.id).join(", ")} ${unitModels.length > 1 ? "take" : "takes"} no input files here (remove ${files.join(" ")})`);
  const estimates = await estimateUnits(
    unitModels.map((m) => m!),
    inputs,
    { images: flags.images, size: flags.size, quality: flags.quality, minutes: flags.minutes },
  );
  render(
    estimates,
    format,
    provenanceOf(
      table,
      estimates.map((e) => e.model),
    ),
  );
  if (format !== "json")
    printStaleNotice(
      table,
      estimates.map((e) => e.model),
      flags.staleWarning,
    );
  return true;
}

function unitJson(e: UnitEstimate) {
  return {
    path: e.path,
    model: e.model,
    unit: e.cost.unit,
    quantity: e.cost.quantity,
    rate: e.cost.rate,
    detail: e.cost.detail ?? null,
    exact: e.exact ?? true,
    cost: { currency: e.cost.currency, total: e.cost.total },
    warnings: e.warnings,
  };
}

function render(estimates: UnitEstimate[], format: "table" | "json" | "markdown" | "csv" | "tsv", pricing: PricingProvenance): void {
  if (format === "json") {
    process.stdout.write(JSON.stringify({ estimates: estimates.map(unitJson), pricing }, null, 2) + "\n");
    return;
  }
  const head = ["File", "Model", "Unit", "Quantity", "Rate", "Priced as", "Total"];
  const numeric = [false, false, false, true, true, false, true];
  const quantity = (e: UnitEstimate) => (e.cost.unit === "minute" ? e.cost.quantity.toFixed(2) : formatInt(e.cost.quantity));
  const rate = (e: UnitEstimate) => (e.cost.rate === null ? "—" : e.cost.unit === "character" ? `${formatUsd(e.cost.rate * 1e6)}/1M chars` : `${formatUsd(e.cost.rate)}/${e.cost.unit}`);
  if (format === "csv" || format === "tsv") {
    const head = ["path", "model", "unit", "quantity", "rate_usd", "detail", "cost_total_usd"];
    const rows = estimates.map((e) => [e.path, e.model, e.cost.unit, e.cost.quantity, e.cost.rate, e.cost.detail ?? null, e.cost.total]);
    process.stdout.write((format === "csv" ? renderCsv(head, rows) : renderTsv(head, rows)) + "\n");
    return;
  }
  const rows = estimates.map((e) => [e.path ?? "—", e.model, e.cost.unit, quantity(e), rate(e), e.cost.detail ?? "", formatUsd(e.cost.total)]);
  process.stdout.write(terminalSafe(format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, useColor(process.stdout))) + "\n");
  printWarnings(estimates.flatMap((e) => e.warnings));
}
