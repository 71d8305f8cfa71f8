/**
 * Converts a LiteLLM-format pricing database (`model_prices_and_context_window.json`, a format
 * many tools share) into a tokcost pricing file. Pure — no I/O — so the generator script, the
 * `tokcost pricing import` command and browser code can all use it.
 *
 * The conversion rules (each documented in docs/pricing.md):
 * - Prices: LiteLLM stores USD per token (or per image / character / second); tokcost stores USD
 *   per 1M tokens (per image / per 1M characters / per minute). Products are rounded to 10
 *   significant digits so binary floating-point noise (1.25e-7 × 1e6 = 0.12499999999999999)
 *   does not leak into the table.
 * - Context window: `max_input_tokens` is the context window, except where OpenAI publishes a
 *   separate input cap (the gpt-5 family: 272,000 input within a 400,000 context). LiteLLM
 *   stores that cap as `max_input_tokens`, so an OpenAI entry with max_input 272,000 gets
 *   contextWindow = max_input + max_output and maxInputTokens = max_input.
 * - Status: `deprecation_date` is the shutdown date; on or before the table's `asOf` the model
 *   is retired, after it deprecated. Comparing with `asOf` (not today) keeps regeneration
 *   reproducible.
 * - Dated snapshots (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) become aliases of their
 *   family entry when every converted field is identical; otherwise they keep their own entry.
 * - Sized image entries (`hd/1024-x-1792/dall-e-3`) fold into their model's `images` list.
 * - A per-token price of 0 is dropped (unknown, not free) when the entry is billed in another unit
 *   (`input_cost_per_query`, `output_cost_per_image`) or outputs no text; `input_cost_per_query`
 *   becomes `perQuery`.
 */
import { PricingError } from "../errors.js";
import { tryEncodingForModel } from "../tokenizer/models.js";
import { parsePricingFile } from "./parse.js";
import { modelModeSchema, type ImagePrice, type LongContextRates, type ModelEntryInput, type PricingFile } from "./schema.js";

/** One LiteLLM entry (only the fields tokcost reads are typed). */
export type LiteLLMEntry = Record<string, unknown>;

/** Options of {@link convertLiteLLM}. */
export interface ConvertLiteLLMOptions {
  /** Date the data was read (YYYY-MM-DD); recorded on the file and on every entry. */
  asOf: string;
  /** Where the data comes from; recorded on the file and (with the entry's key) on every entry. */
  source: string | { url?: string; repo?: string; path?: string; commit?: string; note?: string };
  /** LiteLLM `litellm_provider` values to keep (default: all). */
  providers?: readonly string[];
  /**
   * Providers whose `provider/` key prefix is only LiteLLM's routing (`gemini/gemini-2.5-pro` is
   * Google's `gemini-2.5-pro`): the prefix is dropped from the id and kept as an alias. Hosts that
   * resell other vendors' models (azure, bedrock, openrouter, ...) keep their full keys so they
   * never shadow the vendor's own entry. Default: {@link FIRST_PARTY_PROVIDERS}.
   */
  stripPrefixFor?: readonly string[];
  /**
   * Ids that hosts' bare keys must not take (the CLI passes the bundled table's ids and aliases):
   * a host entry keyed `gemini-2.5-pro` is imported as `vertex_ai/gemini-2.5-pro` instead.
   */
  reservedIds?: Iterable<string>;
}

/** What an import did with each key it did not turn into its own model entry. */
export interface LiteLLMImportReport {
  /** Keys read (entries that are objects with a `litellm_provider`, `sample_spec` excluded). */
  keys: number;
  /** Keys left out by `providers`. */
  filtered: number;
  /** Model entries written. */
  models: number;
  /** Keys that became another entry's alias (a routing prefix, or an identical dated snapshot). */
  aliased: number;
  /** Sized image keys folded into their model's `images` list. */
  images: number;
  /** Host keys given the host's prefix so they do not take a vendor's id. */
  renamed: { key: string; id: string; provider: string }[];
  /** Keys with nothing to estimate with (no price and no limit), or not an entry at all. */
  skipped: { key: string; reason: string }[];
}

/** The converted file and what the conversion did. */
export interface LiteLLMImport {
  file: PricingFile;
  report: LiteLLMImportReport;
}

/** LiteLLM providers that are the vendor's own API (their key prefix is dropped). */
export const FIRST_PARTY_PROVIDERS: readonly string[] = [
  "openai",
  "text-completion-openai",
  "anthropic",
  "gemini",
  "mistral",
  "deepseek",
  "xai",
  "cohere",
  "cohere_chat",
  "moonshot",
  "zai",
  "minimax",
  "dashscope",
  "ai21",
  "perplexity",
  "groq",
  "voyage",
];

/** Providers bundled in data/models.json: OpenAI plus the vendors' own APIs (issue 7), and since issue 15 the other vendors' own APIs in the snapshot (Moonshot, Z.ai, MiniMax, Alibaba DashScope, AI21, Perplexity, Voyage). Groq hosts other vendors' open models and stays an import. */
export const BUNDLED_PROVIDERS: readonly string[] = FIRST_PARTY_PROVIDERS.filter((provider) => provider !== "groq");

/** LiteLLM provider → tokcost provider name. */
const PROVIDER_NAMES: Record<string, string> = {
  "text-completion-openai": "openai",
  gemini: "google",
  cohere_chat: "cohere",
};

// LiteLLM's modes tokcost knows; anything else is imported as "other".
const MODES: ReadonlySet<string> = new Set(modelModeSchema.options.filter((mode) => mode !== "other"));

/** Round away binary floating-point noise (0.12499999999999999 → 0.125). */
function clean(value: number): number {
  return Number(value.toPrecision(10));
}

function num(entry: LiteLLMEntry, field: string): number | undefined {
  const value = entry[field];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function perMillion(entry: LiteLLMEntry, field: string): number | undefined {
  const value = num(entry, field);
  return value === undefined ? undefined : clean(value * 1_000_000);
}

/** Drops undefined values so JSON output and equality checks see only published facts. */
function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

const TIER_SUFFIX: Record<string, "batch" | "flex" | "priority"> = { batches: "batch", flex: "flex", priority: "priority" };
type RateBase = "input" | "output" | "cachedInput" | "cacheWriteInput" | "cacheWrite1hInput";
const RATE_FIELDS: Record<string, RateBase> = {
  input_cost_per_token: "input",
  output_cost_per_token: "output",
  cache_read_input_token_cost: "cachedInput",
  cache_creation_input_token_cost: "cacheWriteInput",
  // Anthropic's 1-hour cache writes (LiteLLM: "above_1hr").
  cache_creation_input_token_cost_above_1hr: "cacheWrite1hInput",
};

/** tokcost rate name for a base rate and a tier: ("input", "flex") → "flexInput". */
function rateName(base: RateBase, tier?: "batch" | "flex" | "priority"): string {
  return tier ? tier + base[0].toUpperCase() + base.slice(1) : base;
}

/** Standard and tier rates of an entry: `input_cost_per_token_flex` → `flexInput`. */
function tokenRates(entry: LiteLLMEntry): Record<string, number> {
  const rates: Record<string, number> = {};
  const pattern = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost(?:_above_1hr)?)(?:_(batches|flex|priority))?$/;
  for (const field of Object.keys(entry).sort()) {
    const m = pattern.exec(field);
    if (!m) continue;
    const tier = m[2] ? TIER_SUFFIX[m[2]] : undefined;
    if (tier === "batch" && m[1].startsWith("cache_creation")) continue; // not a published dimension
    const value = perMillion(entry, field);
    if (value !== undefined) rates[rateName(RATE_FIELDS[m[1]], tier)] = value;
  }
  // DeepSeek publishes the cache-hit price under its own name.
  if (rates.cachedInput === undefined) {
    const hit = perMillion(entry, "input_cost_per_token_cache_hit");
    if (hit !== undefined) rates.cachedInput = hit;
  }
  return rates;
}

/** `input_cost_per_token_above_272k_tokens_flex` → thresholds with their rates. */
function longContextRates(entry: LiteLLMEntry): LongContextRates[] | undefined {
  const byThreshold = new Map<number, Record<string, number>>();
  const pattern = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost(?:_above_1hr)?)_above_(\d+)k_tokens(?:_(batches|flex|priority))?$/;
  for (const field of Object.keys(entry).sort()) {
    const m = pattern.exec(field);
    if (!m) continue;
    const value = perMillion(entry, field);
    if (value === undefined) continue;
    // LiteLLM's "272k" is 272,000 tokens (gpt-5's published input cap is 272,000).
    const threshold = Number(m[2]) * 1000;
    const rates = byThreshold.get(threshold) ?? {};
    rates[rateName(RATE_FIELDS[m[1]], m[3] ? TIER_SUFFIX[m[3]] : undefined)] = value;
    byThreshold.set(threshold, rates);
  }
  if (byThreshold.size === 0) return undefined;
  return [...byThreshold.entries()].sort((a, b) => a[0] - b[0]).map(([aboveInputTokens, rates]) => ({ aboveInputTokens, ...rates }));
}

/** `search_context_cost_per_query` (USD per web-search call by context size) → `webSearch`; all-zero placeholders dropped. */
function webSearchPrices(entry: LiteLLMEntry): { low?: number; medium?: number; high?: number } | undefined {
  const raw = entry.search_context_cost_per_query;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const prices = compact({
    low: num(raw as LiteLLMEntry, "search_context_size_low"),
    medium: num(raw as LiteLLMEntry, "search_context_size_medium"),
    high: num(raw as LiteLLMEntry, "search_context_size_high"),
  });
  const values = Object.values(prices) as number[];
  if (values.length === 0 || values.every((v) => v === 0)) return undefined;
  return Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, clean(v as number)]));
}

/** A sized image key: `hd/1024-x-1792/dall-e-3` → quality "hd", size "1024x1792", model "dall-e-3". */
const SIZED_IMAGE_KEY = /^(?:([a-z]+)\/)?(\d+)-x-(\d+)\/(.+)$/;

/** USD per image of a sized entry: the listed per-image price, else per-pixel rate × pixels. */
function imagePrice(entry: LiteLLMEntry, width: number, height: number): number | undefined {
  const perImage = num(entry, "input_cost_per_image");
  if (perImage !== undefined) return clean(perImage);
  const perPixel = num(entry, "input_cost_per_pixel");
  // LiteLLM stores DALL·E prices as per-pixel rates truncated to ~4 significant digits
  // (1024×1792 hd: 6.539e-8 × 1,835,008 = 0.11999); rounding to $0.001 gives back the
  // published list price ($0.12).
  if (perPixel !== undefined) return Math.round(perPixel * width * height * 1000) / 1000;
  return undefined;
}

/** Dated snapshot suffixes: -2024-08-06, -0613 / -2411 (MMDD / YYMM), -20250929. */
const SNAPSHOT = /^(.*?)-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/;

const TEXT_MODES = new Set(["chat", "completion", "responses", "embedding", "moderation", "realtime", "rerank"]);

/** The tokcost entry for one LiteLLM entry, or undefined when it carries no price and no limit (nothing to estimate with). */
function convertEntry(key: string, id: string, entry: LiteLLMEntry, options: ConvertLiteLLMOptions): ModelEntryInput | undefined {
  const litellmProvider = String(entry.litellm_provider);
  const provider = PROVIDER_NAMES[litellmProvider] ?? litellmProvider;
  const rawMode = typeof entry.mode === "string" ? entry.mode : "";
  const mode = (MODES.has(rawMode) ? rawMode : "other") as ModelEntryInput["mode"];

  const rates = tokenRates(entry);
  if (mode === "embedding") {
    // Embeddings have no output tokens; LiteLLM's 0 is a placeholder, not a price.
    delete rates.output;
    delete rates.batchOutput;
  }
  // A zero per-token price is LiteLLM's placeholder, not "free", when the model is billed in another
  // unit (rerank: per search; Lyria: per generated clip) or produces no text at all.
  const perQuery = num(entry, "input_cost_per_query");
  const outputModalities = Array.isArray(entry.supported_output_modalities) ? entry.supported_output_modalities : undefined;
  const billedOtherwise = perQuery !== undefined || num(entry, "output_cost_per_image") !== undefined || (outputModalities !== undefined && !outputModalities.includes("text"));
  if (billedOtherwise) for (const [name, value] of Object.entries(rates)) if (value === 0) delete rates[name];
  const pricing: Record<string, unknown> = { ...rates };
  if (perQuery !== undefined) pricing.perQuery = clean(perQuery);
  const webSearch = webSearchPrices(entry);
  if (webSearch) pricing.webSearch = webSearch;
  const reasoningOutput = perMillion(entry, "output_cost_per_reasoning_token");
  if (reasoningOutput !== undefined) pricing.reasoningOutput = reasoningOutput;
  const longContext = longContextRates(entry);
  if (longContext) pricing.longContext = longContext;
  const imageInput = perMillion(entry, "input_cost_per_image_token");
  const imageOutput = perMillion(entry, "output_cost_per_image_token");
  const audioInput = perMillion(entry, "input_cost_per_audio_token");
  const audioOutput = perMillion(entry, "output_cost_per_audio_token");
  const characterInput = perMillion(entry, "input_cost_per_character");
  Object.assign(pricing, compact({ imageInput, imageOutput, audioInput, audioOutput, characterInput }));
  // Audio billed by duration. whisper-1 lists both an input and an output per-second price for
  // the same audio; OpenAI bills the input minutes once, so only input is kept for transcription.
  const inSecond = num(entry, "input_cost_per_second");
  const outSecond = num(entry, "output_cost_per_second");
  if (inSecond !== undefined && (mode === "audio_transcription" || mode === "realtime")) pricing.audioInputPerMinute = clean(inSecond * 60);
  if (outSecond !== undefined && mode === "audio_speech") pricing.audioOutputPerMinute = clean(outSecond * 60);
  if (mode === "image_generation" && !SIZED_IMAGE_KEY.test(key)) {
    // `output_cost_per_image` is the price of a generated image; LiteLLM's older DALL·E / Imagen
    // entries put that same price under `input_cost_per_image`.
    const perImage = num(entry, "output_cost_per_image") ?? num(entry, "input_cost_per_image");
    if (perImage !== undefined) pricing.images = [{ usd: clean(perImage) }];
  }

  const maxInput = num(entry, "max_input_tokens");
  const maxOutput = num(entry, "max_output_tokens");
  let contextWindow = maxInput && Number.isInteger(maxInput) && maxInput > 0 ? maxInput : undefined;
  let maxInputTokens: number | undefined;
  // gpt-5 family: OpenAI publishes 400,000 context = 272,000 input cap + 128,000 output; LiteLLM
  // records only the input cap.
  if (provider === "openai" && maxInput === 272_000 && maxOutput) {
    contextWindow = maxInput + maxOutput;
    maxInputTokens = maxInput;
  }
  const maxOutputTokens = maxOutput && Number.isInteger(maxOutput) && maxOutput > 0 ? maxOutput : undefined;

  let status: ModelEntryInput["status"] = { state: "active" };
  const deprecation = typeof entry.deprecation_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(entry.deprecation_date) ? entry.deprecation_date : undefined;
  if (deprecation) status = { state: deprecation <= options.asOf ? "retired" : "deprecated", date: deprecation };

  // Azure OpenAI serves OpenAI's own models, so tiktoken's rules count them exactly.
  const exactEncoding = provider === "openai" ? tryEncodingForModel(id) : provider === "azure" ? tryEncodingForModel(key.split("/").pop()!) : undefined;
  const hasTokenPrices = rates.input !== undefined || rates.output !== undefined;
  // Other vendors' tokenizers are not public in JavaScript: their counts use the closest public
  // encoding (o200k_base) and are estimates. Same for OpenAI models tiktoken does not map.
  const encoding = exactEncoding ?? (TEXT_MODES.has(mode) || hasTokenPrices ? "o200k_base" : undefined);

  const endpoints = Array.isArray(entry.supported_endpoints) ? entry.supported_endpoints : [];
  const batch = endpoints.includes("/v1/batch") || rates.batchInput !== undefined ? true : undefined;
  const reasoning = entry.supports_reasoning === true ? true : undefined;

  const base = typeof options.source === "string" ? { note: options.source } : options.source;
  const sourceUrl = typeof entry.source === "string" && /^https?:\/\//.test(entry.source) ? entry.source : undefined;
  const source = compact({ ...base, note: `${base.note ? `${base.note}, ` : ""}key "${key}"`, url: base.url ?? sourceUrl });

  if (Object.keys(pricing).length === 0 && contextWindow === undefined && maxOutputTokens === undefined) return undefined;

  return compact({
    id,
    provider,
    aliases: [] as string[],
    mode,
    encoding,
    exactTokenizer: exactEncoding !== undefined,
    contextWindow,
    maxInputTokens,
    maxOutputTokens,
    reasoning,
    batch,
    pricing,
    status,
    source,
    asOf: options.asOf,
  });
}

/** Canonical JSON of the facts that decide whether two entries can share one (id, aliases and source excluded). */
function factsKey(entry: ModelEntryInput): string {
  const { id: _id, aliases: _aliases, source: _source, ...facts } = entry;
  // LiteLLM lists the web-search fee on some keys of a model and not on others (gpt-4o-search-preview
  // has it, its dated snapshot does not): the fee is the model's, so it does not split the entry.
  const { webSearch: _webSearch, ...pricing } = (facts.pricing ?? {}) as Record<string, unknown>;
  return canonicalJson({ ...facts, pricing });
}

/** JSON with object keys sorted, for stable output and equality checks. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** Keys that read best first (a model's identity before its numbers); all others alphabetical. */
const KEY_ORDER = [
  "version",
  "id",
  "provider",
  "aliases",
  "mode",
  "status",
  "state",
  "date",
  "replacement",
  "encoding",
  "exactTokenizer",
  "contextWindow",
  "maxInputTokens",
  "maxOutputTokens",
  "reasoning",
  "batch",
  "aboveInputTokens",
  "size",
  "quality",
  "usd",
  "field",
  "from",
  "to",
  "reason",
  "pricing",
  "source",
  "asOf",
  "models",
];

function compareKeys(a: string, b: string): number {
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareKeys)) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Converts a LiteLLM `model_prices_and_context_window.json` (parsed) into a validated tokcost
 * pricing file.
 * @throws PricingError when the input is not a LiteLLM-format object or the result fails the schema.
 */
export function convertLiteLLM(json: unknown, options: ConvertLiteLLMOptions): PricingFile {
  return importLiteLLM(json, options).file;
}

/**
 * Host routing prefixes for hosts whose LiteLLM keys are bare model names (Vertex AI lists
 * `gemini-2.5-pro` under `vertex_ai-language-models`, the same name as Google's own API entry).
 */
function hostPrefix(provider: string): string {
  return provider.split("-")[0];
}

/**
 * {@link convertLiteLLM} with a report of what happened to every key: written, aliased, folded,
 * renamed (a host's bare key that names a vendor's model) or skipped (and why).
 * @throws PricingError when the input is not a LiteLLM-format object or the result fails the schema.
 */
export function importLiteLLM(json: unknown, options: ConvertLiteLLMOptions): LiteLLMImport {
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new PricingError("LiteLLM pricing file: expected a JSON object mapping model names to entries");
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) throw new PricingError(`LiteLLM import: asOf "${options.asOf}" is not a date as YYYY-MM-DD`);
  const data = json as Record<string, unknown>;
  const wanted = options.providers ? new Set(options.providers) : undefined;
  const strip = new Set(options.stripPrefixFor ?? FIRST_PARTY_PROVIDERS);

  const report: LiteLLMImportReport = { keys: 0, filtered: 0, models: 0, aliased: 0, images: 0, renamed: [], skipped: [] };
  const keys: string[] = [];
  for (const key of Object.keys(data).sort()) {
    if (key === "sample_spec" || key === "last_updated") continue;
    const entry = data[key];
    const provider = entry && typeof entry === "object" ? (entry as LiteLLMEntry).litellm_provider : undefined;
    if (typeof provider !== "string") {
      report.skipped.push({ key, reason: "not a model entry (no litellm_provider)" });
      continue;
    }
    report.keys++;
    if (wanted && !wanted.has(provider)) report.filtered++;
    else keys.push(key);
  }
  const keySet = new Set(keys);

  // Sized image entries fold into their model; the rest are models.
  const sized = new Map<string, ImagePrice[]>();
  const modelKeys: string[] = [];
  for (const key of keys) {
    const m = SIZED_IMAGE_KEY.exec(key);
    if (m && keySet.has(m[4])) {
      const price = imagePrice(data[key] as LiteLLMEntry, Number(m[2]), Number(m[3]));
      if (price === undefined) {
        report.skipped.push({ key, reason: "sized image entry without a per-image or per-pixel price" });
        continue;
      }
      report.images++;
      const list = sized.get(m[4]) ?? [];
      list.push(compact({ size: `${m[2]}x${m[3]}`, quality: m[1], usd: price }));
      sized.set(m[4], list);
    } else {
      modelKeys.push(key);
    }
  }

  // Candidate ids: drop a first-party routing prefix (`xai/grok-4` → `grok-4`).
  const idOf = new Map<string, string>();
  for (const key of modelKeys) {
    const provider = String((data[key] as LiteLLMEntry).litellm_provider);
    const prefix = `${provider}/`;
    if (strip.has(provider)) idOf.set(key, key.startsWith(prefix) ? key.slice(prefix.length) : key);
  }
  // A host's bare key never takes a vendor's id: Vertex AI lists `gemini-2.5-pro` (its own prices
  // and limits) under the same name as Google's API entry `gemini/gemini-2.5-pro`. Such keys get
  // the host's routing prefix (`vertex_ai/gemini-2.5-pro`, the name LiteLLM routes to Vertex).
  const vendorIds = new Set([...idOf.values(), ...(options.reservedIds ?? [])]);
  for (const key of modelKeys) {
    if (idOf.has(key)) continue;
    const provider = String((data[key] as LiteLLMEntry).litellm_provider);
    const host = hostPrefix(provider);
    if (!key.includes("/") && (host === "vertex_ai" || vendorIds.has(key))) {
      const id = `${host}/${key}`;
      idOf.set(key, id);
      report.renamed.push({ key, id, provider });
    } else {
      idOf.set(key, key);
    }
  }
  const candidates = new Map<string, string[]>();
  for (const key of modelKeys) {
    const id = idOf.get(key)!;
    const group = candidates.get(id) ?? [];
    group.push(key);
    candidates.set(id, group);
  }

  const entries = new Map<string, ModelEntryInput>();
  const aliasesOf = new Map<string, Set<string>>();
  const addAlias = (id: string, alias: string) => {
    if (alias === id) return;
    const set = aliasesOf.get(id) ?? new Set<string>();
    set.add(alias);
    aliasesOf.set(id, set);
  };
  for (const [id, group] of [...candidates.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    // The unprefixed key (when present) is the primary entry; identical prefixed twins become aliases.
    const ordered = [...group].sort((a, b) => Number(b === id) - Number(a === id) || (a < b ? -1 : 1));
    const primaryKey = ordered[0];
    const convert = (key: string) => {
      const entry = convertEntry(key, id, data[key] as LiteLLMEntry, options);
      const images = sized.get(key);
      if (entry && images) entry.pricing = { ...entry.pricing, images: sortImages(images) };
      return entry;
    };
    const noFacts = (key: string) => report.skipped.push({ key, reason: "no price and no limit to estimate with" });
    const primary = convert(primaryKey);
    if (!primary) {
      for (const key of ordered) noFacts(key);
      continue;
    }
    entries.set(id, primary);
    // The primary key is the entry itself (kept as an alias when it carried a routing prefix).
    if (primaryKey !== id && !report.renamed.some((r) => r.key === primaryKey)) addAlias(id, primaryKey);
    for (const key of ordered.slice(1)) {
      const twin = convert(key);
      if (!twin) noFacts(key);
      else if (factsKey(twin) === factsKey(primary)) {
        // A renamed host key is merged but never kept as an alias (its bare name is the vendor's).
        if (!report.renamed.some((r) => r.key === key)) addAlias(id, key);
        report.aliased++;
      } else if (report.renamed.some((r) => r.key === key)) {
        report.skipped.push({ key, reason: "a bare host key that differs from the host's own prefixed entry (the prefixed one is kept)" });
      } else entries.set(key, { ...twin, id: key });
    }
  }

  // Dated snapshots whose facts equal their family's become the family's aliases.
  for (const id of [...entries.keys()]) {
    const m = SNAPSHOT.exec(id);
    if (!m) continue;
    const family = entries.get(m[1]);
    const snapshot = entries.get(id)!;
    if (!family || family.provider !== snapshot.provider || factsKey({ ...snapshot }) !== factsKey({ ...family })) continue;
    entries.delete(id);
    report.aliased++;
    addAlias(m[1], id);
    for (const alias of aliasesOf.get(id) ?? []) addAlias(m[1], alias);
    aliasesOf.delete(id);
  }

  const models = [...entries.values()].map((entry) => ({ ...entry, aliases: [...(aliasesOf.get(entry.id) ?? [])].sort() }));
  const file = { version: 1, asOf: options.asOf, source: options.source, models: sortModels(models) };
  const parsed = parsePricingFile(file, "converted LiteLLM data");
  report.models = parsed.models.length;
  return { file: parsed, report };
}

function sortImages(list: ImagePrice[]): ImagePrice[] {
  const order = (q?: string) => ["standard", "low", "medium", "high", "hd"].indexOf(q ?? "standard");
  return [...list].sort(
    (a, b) =>
      order(a.quality) - order(b.quality) || Number(a.quality === undefined) - Number(b.quality === undefined) || ((a.size ?? "") < (b.size ?? "") ? -1 : (a.size ?? "") > (b.size ?? "") ? 1 : 0),
  );
}

/** Models sorted by provider, then id (plain code-unit order, so the output is locale-independent). */
export function sortModels<T extends { provider: string; id: string }>(models: readonly T[]): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...models].sort((a, b) => cmp(a.provider, b.provider) || cmp(a.id, b.id));
}
