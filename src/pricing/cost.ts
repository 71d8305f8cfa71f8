/**
 * Cost math. Token prices in the table are USD per 1M tokens; results are USD.
 * Kept in one place so every surface (estimate, request helper, CI gate, CLI) bills the same way.
 *
 * The rules, as the providers publish them (see docs/pricing.md):
 * - Cached input tokens are billed at the cached-input rate, the rest of the input at the input rate.
 * - A service tier (batch, flex, priority) replaces every rate by that tier's rate. Batch has a
 *   published rule for models without an explicit batch price: 50% of the standard rate.
 * - Long context: once the input exceeds a model's threshold, the whole request (input, cached
 *   input and output) is billed at the long-context rates.
 * - Reasoning tokens are billed as output tokens (at `reasoningOutput` where a provider prices them
 *   differently).
 * - A rate nobody published makes that part of the cost `null` (unknown), never zero.
 */
import { UsageError } from "../errors.js";
import type { ImagePrice, LongContextRates, ModelEntry } from "./schema.js";

/** The one USD formatter for people (tables, reports, budget errors): "$0.0058", "$0.00042", "$1,234.50"; null → "—". */
export { formatUsd } from "../util/format.js";

/** Service tiers. `standard` is the default API rate. */
export const SERVICE_TIERS = ["standard", "batch", "flex", "priority"] as const;
/** The API's service tiers, each with its own published rates. */
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** Token usage to price. */
export interface TokenUsage {
  /** Input (prompt) tokens, including cached ones. */
  inputTokens: number;
  /** Of `inputTokens`, how many are served from the prompt cache. */
  cachedInputTokens?: number;
  /** Of `inputTokens`, how many are written to the prompt cache (providers that bill cache writes; Anthropic's default 5-minute cache). */
  cacheWriteInputTokens?: number;
  /** Of `inputTokens`, how many are written to a 1-hour prompt cache (Anthropic `ttl: "1h"`), at `cacheWrite1hInput`. */
  cacheWrite1hInputTokens?: number;
  /** Output tokens: the visible answer (and reasoning tokens, unless given separately below). */
  outputTokens: number;
  /** Hidden reasoning tokens, billed as output on top of `outputTokens`. */
  reasoningTokens?: number;
  /** Image tokens in the input (gpt-image-1 edits) and generated (gpt-image-1 output). */
  imageInputTokens?: number;
  imageOutputTokens?: number;
  /** Audio tokens in the input (gpt-4o-transcribe, realtime and audio models) and output. */
  audioInputTokens?: number;
  audioOutputTokens?: number;
}

/** How to bill {@link TokenUsage}. */
export interface CostOptions {
  /** Service tier (default `standard`). */
  tier?: ServiceTier;
  /**
   * Long-context pricing: `"auto"` (default) applies it when `inputTokens` exceeds the model's
   * threshold; `false` never; `true` always (the highest published threshold).
   */
  longContext?: "auto" | boolean;
}

/** A cost in USD, split into prompt and completion. `null` parts mean a needed price is not published. */
export interface Cost {
  currency: "USD";
  prompt: number | null;
  completion: number | null;
  total: number | null;
  /** Service tier billed, when not `standard`. */
  tier?: ServiceTier;
  /** The long-context threshold the request crossed (its rates were applied), if any. */
  longContextAbove?: number;
  /** Of `completion`, the reasoning tokens' share, when reasoning tokens were given. */
  reasoning?: number | null;
  /** How the price was derived, when it is not a plain table lookup (derived batch rate, missing rate…). */
  notes?: string[];
  /** USD of per-call tool fees (web-search calls), included in `total`; null when a fee is not in the table. */
  toolFees?: number | null;
}

/** Web-search context size (`search_context_size`); the API's default is `medium`. */
export type SearchContextSize = "low" | "medium" | "high";

/**
 * Fee of `calls` web-search calls on `model` at `size` (default medium): the model's
 * `pricing.webSearch` per call. `usd` is null when the table has no fee for the model (the calls
 * are still billed by the vendor: the note says the cost is incomplete, never that it is free).
 */
export function webSearchCost(model: Pick<ModelEntry, "pricing"> & Partial<Pick<ModelEntry, "id">>, calls: number, size: SearchContextSize = "medium"): { usd: number | null; note: string } {
  const n = checkCount("web-search calls", calls);
  const perCall = model.pricing.webSearch?.[size];
  const name = model.id ?? "this model";
  if (perCall === undefined)
    return { usd: n === 0 ? 0 : null, note: `${n} web-search call${n === 1 ? "" : "s"}: ${name} has no web-search fee in the table (${size} context), so the cost leaves it out` };
  const usd = tidyUsd(n * perCall);
  return { usd, note: `${n} web-search call${n === 1 ? "" : "s"} at $${perCall} (${size} search context): $${usd} on top of the tokens` };
}

/** `cost` with per-call tool fees added to `total` (a null fee leaves the total as it was and `toolFees` null). */
export function withToolFees(cost: Cost, fees: number | null): Cost {
  const total = fees === null || cost.total === null ? cost.total : tidyUsd(cost.total + fees);
  return { ...cost, toolFees: fees, total };
}

const PER_MILLION = 1_000_000;

/** USD for `tokens` at `usdPerMillion`, or null when the price is unknown. */
export function priceTokens(tokens: number, usdPerMillion: number | undefined): number | null {
  if (tokens === 0) return 0;
  if (usdPerMillion === undefined) return null;
  return tidyUsd((tokens * usdPerMillion) / PER_MILLION);
}

/**
 * Adds USD amounts with compensated (Neumaier) summation, so thousands of small per-request
 * costs add up to what one addition of the exact values would give; any unknown (null) makes the
 * sum unknown. The one way tokcost adds money (costs of parts, lines, files, rules).
 */
export function sumUsd(parts: Iterable<number | null>): number | null {
  const sum = new UsdSum();
  for (const part of parts) sum.add(part);
  return sum.value;
}

/** {@link sumUsd} as a running sum, for amounts that arrive one at a time (the lines of a Batch file). */
export class UsdSum {
  private total = 0;
  private compensation = 0;
  private unknown = false;

  add(part: number | null): void {
    if (part === null) {
      this.unknown = true;
      return;
    }
    const next = this.total + part;
    this.compensation += Math.abs(this.total) >= Math.abs(part) ? this.total - next + part : part - next + this.total;
    this.total = next;
  }

  /** The sum so far (null once any part was unknown). */
  get value(): number | null {
    return this.unknown ? null : tidyUsd(this.total + this.compensation);
  }
}

function sum(...parts: (number | null)[]): number | null {
  return sumUsd(parts);
}

type Dimension = "input" | "cachedInput" | "cacheWriteInput" | "cacheWrite1hInput" | "output";
type Rates = Partial<Record<string, number>>;

function tierField(dimension: Dimension, tier: ServiceTier): string {
  return tier === "standard" ? dimension : tier + dimension[0].toUpperCase() + dimension.slice(1);
}

/** The long-context rates that apply to `inputTokens`, if any. */
export function longContextRatesFor(model: Pick<ModelEntry, "pricing">, inputTokens: number, mode: "auto" | boolean = "auto"): LongContextRates | undefined {
  const levels = [...(model.pricing.longContext ?? [])].sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
  if (mode === false || levels.length === 0) return undefined;
  if (mode === true) return levels[levels.length - 1];
  let applied: LongContextRates | undefined;
  for (const level of levels) if (inputTokens > level.aboveInputTokens) applied = level;
  return applied;
}

/** `; source: <url>` of the correction that marked a model as batch-capable, if one did. */
function batchRuleSource(model: Partial<Pick<ModelEntry, "corrections">>): string {
  const rule = model.corrections?.find((c) => c.field === "batch");
  const url = rule && (typeof rule.source === "string" ? rule.source : rule.source.url);
  return url ? `; ${url}` : "";
}

function checkCount(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0 || !Number.isSafeInteger(value)) throw new UsageError(`${name} must be a non-negative whole number of tokens, got ${value}`);
  return value;
}

/**
 * Cost of `usage` on `model` under `options` (tier, long context).
 *
 * @example
 * costOf(getModel("gpt-4o"), { inputTokens: 10_000, cachedInputTokens: 8_000, outputTokens: 500 });
 * // prompt = 2,000 × $2.50/1M + 8,000 × $1.25/1M = $0.015; completion = 500 × $10/1M = $0.005
 */
export function costOf(model: Pick<ModelEntry, "pricing"> & Partial<Pick<ModelEntry, "id" | "batch" | "corrections">>, usage: TokenUsage, options: CostOptions = {}): Cost {
  const tier = options.tier ?? "standard";
  if (!SERVICE_TIERS.includes(tier)) throw new UsageError(`unknown service tier "${tier}"; use one of ${SERVICE_TIERS.join(", ")}`);
  const inputTokens = checkCount("inputTokens", usage.inputTokens);
  const outputTokens = checkCount("outputTokens", usage.outputTokens);
  const reasoningTokens = checkCount("reasoningTokens", usage.reasoningTokens);
  const cached = Math.min(checkCount("cachedInputTokens", usage.cachedInputTokens), inputTokens);
  const written = Math.min(checkCount("cacheWriteInputTokens", usage.cacheWriteInputTokens), inputTokens - cached);
  const written1h = Math.min(checkCount("cacheWrite1hInputTokens", usage.cacheWrite1hInputTokens), inputTokens - cached - written);
  const name = model.id ?? "this model";
  const notes: string[] = [];
  if (usage.cachedInputTokens !== undefined && usage.cachedInputTokens > inputTokens) {
    notes.push(`${usage.cachedInputTokens.toLocaleString("en-US")} cached tokens is more than the prompt's ${inputTokens.toLocaleString("en-US")}: the whole prompt is billed as cached`);
  }
  const pricing = model.pricing as Rates & typeof model.pricing;
  const long = longContextRatesFor(model, inputTokens, options.longContext ?? "auto");
  const base: Rates = long ? (long as Rates) : pricing;
  const where = long ? ` above ${long.aboveInputTokens.toLocaleString("en-US")} input tokens` : "";

  /** The rate of one dimension in the chosen tier (and long-context level). */
  const rate = (dimension: Dimension): number | undefined => {
    const direct = base[tierField(dimension, tier)];
    if (direct !== undefined) return direct;
    if (tier === "batch" && model.batch && base[dimension] !== undefined && (dimension === "input" || dimension === "output" || base.batchInput === undefined)) {
      // Batch API: published as 50% of the standard rate for models that support it.
      notes.push(`batch rates not listed for ${name}${where}: billed at 50% of the standard rates (the vendor's published batch discount${batchRuleSource(model)})`);
      return base[dimension]! / 2;
    }
    return undefined;
  };

  let inputRate = rate("input");
  let cachedRate = cached > 0 ? rate("cachedInput") : undefined;
  if (cached > 0 && cachedRate === undefined && inputRate !== undefined) {
    notes.push(`no cached-input rate published for ${name}${tier === "standard" ? "" : ` (${tier})`}${where}: cached tokens billed at the full input rate`);
    cachedRate = inputRate;
  }
  let writeRate = written > 0 ? rate("cacheWriteInput") : undefined;
  if (written > 0 && writeRate === undefined && inputRate !== undefined) {
    notes.push(`no cache-write rate published for ${name}: cache writes billed at the input rate`);
    writeRate = inputRate;
  }
  // A 1-hour write has its own published rate; without it the cost is unknown (never the 5-minute rate).
  const write1hRate = written1h > 0 ? rate("cacheWrite1hInput") : undefined;
  if (written1h > 0 && write1hRate === undefined) notes.push(`${name} has no 1-hour cache-write price in the table${where}`);
  const outputRate = rate("output");
  if (tier !== "standard" && (inputRate === undefined || (outputTokens + reasoningTokens > 0 && outputRate === undefined))) {
    // "Not in the table", not "not published": the vendor may publish one the table lacks.
    notes.push(`${name} has no ${tier} price in the table${where}`);
  } else if (long && inputRate === undefined) {
    notes.push(`${name} has no published input price${where}`);
  }
  if (inputRate === undefined && inputTokens === 0) inputRate = 0;

  const reasoningRate = tier === "standard" && !long && pricing.reasoningOutput !== undefined ? pricing.reasoningOutput : outputRate;
  const extraIn = sum(priceTokens(checkCount("imageInputTokens", usage.imageInputTokens), pricing.imageInput), priceTokens(checkCount("audioInputTokens", usage.audioInputTokens), pricing.audioInput));
  const extraOut = sum(
    priceTokens(checkCount("imageOutputTokens", usage.imageOutputTokens), pricing.imageOutput),
    priceTokens(checkCount("audioOutputTokens", usage.audioOutputTokens), pricing.audioOutput),
  );

  const prompt = sum(
    priceTokens(inputTokens - cached - written - written1h, inputRate),
    priceTokens(cached, cachedRate),
    priceTokens(written, writeRate),
    priceTokens(written1h, write1hRate),
    extraIn,
  );
  const reasoning = priceTokens(reasoningTokens, reasoningRate);
  const completion = sum(priceTokens(outputTokens, outputRate), reasoning, extraOut);
  const cost: Cost = { currency: "USD", prompt, completion, total: sum(prompt, completion) };
  if (tier !== "standard") cost.tier = tier;
  if (long) cost.longContextAbove = long.aboveInputTokens;
  if (usage.reasoningTokens !== undefined) cost.reasoning = reasoning;
  if (notes.length) cost.notes = [...new Set(notes)];
  return cost;
}

/**
 * Input tokens served from the cache for a cache-hit ratio (0–1) of the prompt. Rounded down:
 * providers cache whole blocks, so a ratio never yields more cached tokens than asked for.
 */
export function cachedTokensForRatio(inputTokens: number, ratio: number): number {
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new UsageError(`cache-hit ratio must be between 0 and 1, got ${ratio}`);
  return Math.floor(inputTokens * ratio);
}

/** A cost in a unit other than text tokens (images, characters, minutes). */
export interface UnitCost {
  currency: "USD";
  unit: "image" | "character" | "minute" | "training token";
  quantity: number;
  /** USD per unit (per image, per character, per minute, per training token); null when not published. */
  rate: number | null;
  total: number | null;
  /** How the rate was chosen (e.g. the image size and quality). */
  detail?: string;
}

/** What to generate with an image model. */
export interface ImageRequest {
  /** Number of images (`n`). */
  images: number;
  /** `WIDTHxHEIGHT`; default 1024x1024 (every OpenAI image model's default size). */
  size?: string;
  /** `standard`/`hd` (dall-e-3), `low`/`medium`/`high` (gpt-image-1). */
  quality?: string;
}

/** Drops binary floating-point noise from a USD amount (1.5 × 0.006 = 0.009000000000000001 → 0.009). */
export function tidyUsd(usd: number): number {
  return Number(usd.toPrecision(12));
}

function checkQuantity(name: string, value: number, whole: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) throw new UsageError(`${name} must be a non-negative ${whole ? "whole " : ""}number, got ${value}`);
  return value;
}

/**
 * Cost of generating images at the model's per-image price for the size and quality.
 * @throws UsageError naming the sizes and qualities the model is priced for.
 */
export function imageCost(model: Pick<ModelEntry, "id" | "pricing">, request: ImageRequest): UnitCost {
  const images = checkQuantity("images", request.images, true);
  const prices: ImagePrice[] = model.pricing.images ?? [];
  if (prices.length === 0) throw new UsageError(`${model.id} has no per-image price in the table`);
  const sized = prices.filter((p) => p.size !== undefined);
  const size = request.size?.toLowerCase().replace(/\s+/g, "") ?? (sized.length ? "1024x1024" : undefined);
  const forSize = size === undefined ? prices.filter((p) => p.size === undefined) : prices.filter((p) => p.size === size || p.size === undefined);
  if (forSize.length === 0) {
    const sizes = [...new Set(sized.map((p) => p.size))].join(", ");
    throw new UsageError(`${model.id} is not priced for size ${size}; sizes: ${sizes}`);
  }
  const exactSize = forSize.some((p) => p.size === size) ? forSize.filter((p) => p.size === size) : forSize;
  let match: ImagePrice | undefined;
  if (request.quality !== undefined) {
    match = exactSize.find((p) => p.quality === request.quality);
    if (!match) {
      const qualities = [...new Set(exactSize.map((p) => p.quality).filter(Boolean))];
      throw new UsageError(
        `${model.id} is not priced for quality "${request.quality}"${size ? ` at ${size}` : ""}${qualities.length ? `; qualities: ${qualities.join(", ")}` : " (it has a single quality: leave --quality out)"}`,
      );
    }
  } else {
    // No quality given: the API default — the entry without a quality, else "standard";
    // models whose default ("auto") has no published price need an explicit quality.
    match = exactSize.find((p) => p.quality === undefined) ?? exactSize.find((p) => p.quality === "standard");
    if (!match) {
      const qualities = [...new Set(exactSize.map((p) => p.quality))];
      throw new UsageError(`${model.id}: pass a quality to price the images (${qualities.join(", ")})`);
    }
  }
  const detail = [match.size, match.quality].filter(Boolean).join(" ") || undefined;
  return { currency: "USD", unit: "image", quantity: images, rate: match.usd, total: tidyUsd(images * match.usd), ...(detail ? { detail } : {}) };
}

/** Characters billed for text-to-speech: Unicode code points (an emoji is one character, not two UTF-16 units). */
export function countCharacters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Cost of speaking `characters` characters with a per-character speech model (tts-1, tts-1-hd). */
export function speechCost(model: Pick<ModelEntry, "id" | "pricing">, characters: number): UnitCost {
  const quantity = checkQuantity("characters", characters, true);
  const perMillion = model.pricing.characterInput;
  const rate = perMillion === undefined ? null : perMillion / PER_MILLION;
  return { currency: "USD", unit: "character", quantity, rate, total: rate === null ? (quantity === 0 ? 0 : null) : tidyUsd(quantity * rate) };
}

/** Cost of transcribing `minutes` of audio with a per-minute model (whisper-1). */
export function transcriptionCost(model: Pick<ModelEntry, "id" | "pricing">, minutes: number): UnitCost {
  const quantity = checkQuantity("minutes", minutes, false);
  const rate = model.pricing.audioInputPerMinute ?? null;
  return { currency: "USD", unit: "minute", quantity, rate, total: rate === null ? (quantity === 0 ? 0 : null) : tidyUsd(quantity * rate) };
}

/** Cost of fine-tuning on `trainingTokens` tokens for `epochs` epochs (billed tokens = tokens × epochs). */
export function trainingCost(model: Pick<ModelEntry, "id" | "pricing">, trainingTokens: number, epochs = 1): UnitCost {
  const quantity = checkQuantity("trainingTokens", trainingTokens, true) * checkQuantity("epochs", epochs, true);
  const perMillion = model.pricing.training;
  const rate = perMillion === undefined ? null : perMillion / PER_MILLION;
  return { currency: "USD", unit: "training token", quantity, rate, total: rate === null ? (quantity === 0 ? 0 : null) : tidyUsd(quantity * rate) };
}

/** How a model is priced: per text token, per image / character / minute, or (`speech`) text tokens in and audio minutes out. */
export type PricingUnit = "token" | "image" | "character" | "minute" | "speech";

/** The unit an estimate of `model` should be made in. */
export function pricingUnitOf(model: Pick<ModelEntry, "mode" | "pricing">): PricingUnit {
  if (model.mode === "image_generation" && model.pricing.images?.length) return "image";
  if (model.mode === "audio_speech" && model.pricing.characterInput !== undefined && model.pricing.input === undefined) return "character";
  if (model.mode === "audio_transcription" && model.pricing.audioInputPerMinute !== undefined) return "minute";
  // gpt-4o-mini-tts: text tokens in, audio out; priced from the text by the request helper's speech rule.
  if (model.mode === "audio_speech" && model.pricing.audioOutputPerMinute !== undefined) return "speech";
  return "token";
}

/**
 * Why a cost is unknown, when its notes do not already say (a missing tier or long-context rate
 * is a note of {@link costOf}); undefined when the cost is known or explained.
 */
export function unpricedWarning(model: Pick<ModelEntry, "id" | "pricing">, cost: Cost): string | undefined {
  if (cost.total !== null || cost.tier !== undefined || cost.longContextAbove !== undefined) return undefined;
  // A priced model whose cost is unknown: a note already says which rate is missing (a 1-hour cache write).
  if (model.pricing.input !== undefined && cost.notes?.length) return undefined;
  if (model.pricing.perQuery !== undefined) return `${model.id} is billed per search ($${model.pricing.perQuery} per query), not per token: tokens and fit only`;
  return `${model.id} has no published per-token price in the table`;
}

/** Days between an ISO date and `today`. */
export function daysSince(asOf: string, today: Date = new Date()): number {
  const then = Date.parse(`${asOf}T00:00:00Z`);
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.floor((now - then) / 86_400_000);
}

/** Prices older than this many days get a notice in human output. */
export const STALE_AFTER_DAYS = 90;

/**
 * A one-line notice when prices are older than {@link STALE_AFTER_DAYS} (else undefined). `asOf`
 * is the date of the prices actually used (see {@link pricingProvenance}); `models` names them.
 * Human output only: advice, never an error, never part of --json.
 */
export function stalePricingNotice(asOf: string, today: Date = new Date(), models: readonly string[] = []): string | undefined {
  const age = daysSince(asOf, today);
  if (!(age > STALE_AFTER_DAYS)) return undefined;
  const which = models.length ? ` for ${models.slice(0, 3).join(", ")}${models.length > 3 ? `, … (${models.length} models)` : ""}` : "";
  return `prices${which} are from ${asOf} (${age} days ago) and may be out of date; refresh with "tokcost pricing update" and use the file with --pricing, or update tokcost (TOKCOST_NO_STALE_WARNING=1 or --no-stale-warning hides this)`;
}

/** Where the prices of one estimate come from (the `pricing` object of estimate and check JSON). */
export interface PricingProvenance {
  /** Date of the oldest prices used (what staleness is judged by); null when no model had an entry. */
  asOf: string | null;
  /** One per model entry used, in first-use order. */
  sources: { model: string; asOf: string; source: ModelEntry["source"]; corrected?: string[] }[];
}

/** The dates and sources of the entries an estimate or check actually used. */
export function pricingProvenance(entries: Iterable<ModelEntry | undefined>): PricingProvenance {
  const seen = new Set<ModelEntry>();
  const sources: PricingProvenance["sources"] = [];
  let asOf: string | null = null;
  for (const entry of entries) {
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    const corrected = entry.corrections?.map((c) => c.field);
    sources.push({ model: entry.id, asOf: entry.asOf, source: entry.source, ...(corrected?.length ? { corrected } : {}) });
    if (asOf === null || entry.asOf < asOf) asOf = entry.asOf;
  }
  return { asOf, sources };
}

/** Days since the oldest prices used, or null when none were used. */
export function pricingAge(provenance: PricingProvenance, today: Date = new Date()): number | null {
  return provenance.asOf === null ? null : daysSince(provenance.asOf, today);
}

/** {@link stalePricingNotice} for the entries in a {@link PricingProvenance}: names the stale ones. */
export function staleNoticeFor(provenance: PricingProvenance, today: Date = new Date()): string | undefined {
  if (provenance.asOf === null) return undefined;
  const stale = provenance.sources.filter((s) => daysSince(s.asOf, today) > STALE_AFTER_DAYS).map((s) => s.model);
  return stalePricingNotice(provenance.asOf, today, stale);
}

/**
 * A model's status on `today`: a deprecated model whose shutdown date has passed is retired,
 * even if the table (dated `asOf`) still calls it deprecated.
 */
export function effectiveStatus(status: ModelEntry["status"], today: Date = new Date()): ModelEntry["status"] {
  if (status.state === "deprecated" && status.date && daysSince(status.date, today) >= 0) return { ...status, state: "retired" };
  return status;
}
