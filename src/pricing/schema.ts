/**
 * The pricing table's schema — the one place that says what a model entry is. Used to validate
 * the bundled table (in tests and by the generator) and every user-supplied `--pricing` file
 * (at load time).
 */
import { z } from "zod";

/** ISO date (YYYY-MM-DD). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

/** Where a fact comes from: a URL or a repository file, and the date it was read. */
export const sourceSchema = z.union([
  z.string().min(1),
  z.object({ url: z.string().optional(), repo: z.string().optional(), path: z.string().optional(), commit: z.string().optional(), note: z.string().optional() }),
]);

/** A JSON value (what a correction records as the upstream and corrected value of a field). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Schema of {@link JsonValue}. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() => z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]));

const usdPerMillion = z.number().nonnegative();
const usd = z.number().nonnegative();

/**
 * Per-token rates of one price level, USD per 1M tokens. Omitted = not published (never
 * zero-filled: a missing rate makes the cost unknown instead of silently free).
 *
 * The standard tier is `input` / `cachedInput` / `output`; the other service tiers carry a
 * prefix (`batchInput`, `flexCachedInput`, `priorityOutput`, ...). Flat names keep version-1
 * files (which only had `batchInput` / `batchOutput`) valid unchanged.
 */
export const tokenRatesShape = {
  input: usdPerMillion.optional(),
  /** Input tokens read from the prompt cache. */
  cachedInput: usdPerMillion.optional(),
  /** Input tokens written to the prompt cache (providers that bill cache writes, e.g. Anthropic's 5-minute cache). */
  cacheWriteInput: usdPerMillion.optional(),
  /** Input tokens written to a 1-hour prompt cache (Anthropic's `cache_control: { ttl: "1h" }`). */
  cacheWrite1hInput: usdPerMillion.optional(),
  output: usdPerMillion.optional(),
  batchInput: usdPerMillion.optional(),
  batchCachedInput: usdPerMillion.optional(),
  batchOutput: usdPerMillion.optional(),
  flexInput: usdPerMillion.optional(),
  flexCachedInput: usdPerMillion.optional(),
  flexOutput: usdPerMillion.optional(),
  priorityInput: usdPerMillion.optional(),
  priorityCachedInput: usdPerMillion.optional(),
  priorityOutput: usdPerMillion.optional(),
};

/**
 * Rates that apply to the whole request once its input exceeds `aboveInputTokens` (gpt-5.4:
 * above 272k input tokens; Claude and Gemini: above 200k). Rates not listed here are not
 * published for long prompts.
 */
export const longContextRatesSchema = z
  .object({
    aboveInputTokens: z.number().int().positive(),
    ...tokenRatesShape,
  })
  .passthrough();

/** One image size / quality price (USD per generated image). */
export const imagePriceSchema = z.object({
  /** `WIDTHxHEIGHT`, e.g. `1024x1792`; omitted = any size. */
  size: z
    .string()
    .regex(/^\d+x\d+$/, "expected a size as WIDTHxHEIGHT")
    .optional(),
  /** Quality level as the API names it (`standard`, `hd`, `low`, `medium`, `high`); omitted = the only / default quality. */
  quality: z.string().min(1).optional(),
  usd,
});

/** Prices. Token rates are USD per 1M tokens; other units say theirs in the field name. */
export const tokenPricingSchema = z
  .object({
    ...tokenRatesShape,
    /** Reasoning tokens, when billed differently from `output` (usually they are billed as output). */
    reasoningOutput: usdPerMillion.optional(),
    /** Long-context rates, ascending by threshold; the highest threshold the input crosses applies. */
    longContext: z.array(longContextRatesSchema).optional(),
    /** Fine-tuning: training price per 1M training tokens. */
    training: usdPerMillion.optional(),
    /** Image tokens (gpt-image-1): input (edits, reference images) and generated output, per 1M. */
    imageInput: usdPerMillion.optional(),
    imageOutput: usdPerMillion.optional(),
    /** Audio tokens (gpt-4o-transcribe, audio models), per 1M. */
    audioInput: usdPerMillion.optional(),
    audioOutput: usdPerMillion.optional(),
    /** Per generated image, by size and quality (dall-e-2, dall-e-3, gpt-image-1 per-image list prices). */
    images: z.array(imagePriceSchema).optional(),
    /** USD per 1M input characters (tts-1, tts-1-hd). */
    characterInput: usdPerMillion.optional(),
    /** USD per minute of input audio (whisper-1). */
    audioInputPerMinute: usd.optional(),
    /** USD per minute of output audio (where a speech model publishes a per-minute price). */
    audioOutputPerMinute: usd.optional(),
    /** USD per search (rerank models: Cohere bills each query, not its tokens). */
    perQuery: usd.optional(),
    /**
     * USD per web-search tool call, by search context size (`web_search_options.search_context_size`
     * in Chat Completions, the `web_search` tool's `search_context_size` in Responses; default
     * medium). Billed on top of the tokens.
     */
    webSearch: z.object({ low: usd.optional(), medium: usd.optional(), high: usd.optional() }).optional(),
  })
  .passthrough();

/** USD per web-search call by search context size (see `webSearch` in {@link tokenPricingSchema}). */
export type WebSearchPrices = NonNullable<z.infer<typeof tokenPricingSchema>["webSearch"]>;

/** A model's lifecycle: active, deprecated (with its shutdown date) or retired (with the date it was). */
export const modelStatusSchema = z.object({
  state: z.enum(["active", "deprecated", "retired"]),
  /** Shutdown date for deprecated models, retirement date for retired ones. */
  date: isoDate.optional(),
  /** Suggested replacement. */
  replacement: z.string().optional(),
});

/** What a model does, in LiteLLM's vocabulary (decides how it is priced: tokens, images, characters, minutes). */
export const modelModeSchema = z.enum([
  "chat",
  "completion",
  "responses",
  "embedding",
  "moderation",
  "image_generation",
  "image_edit",
  "audio_speech",
  "audio_transcription",
  "realtime",
  "rerank",
  "ocr",
  "search",
  "video_generation",
  "other",
]);

/** One model in the pricing table: limits, prices, encoding, status, and where each fact comes from. */
export const modelEntrySchema = z
  .object({
    id: z.string().min(1),
    provider: z.string().min(1),
    aliases: z.array(z.string()).default([]),
    mode: modelModeSchema,
    /** tiktoken encoding used to count this model's tokens (the closest public one for other vendors). */
    encoding: z.string().optional(),
    /** true when `encoding` is the model's own tokenizer (OpenAI models); false for estimates. */
    exactTokenizer: z.boolean().default(true),
    contextWindow: z.number().int().positive().optional(),
    /** Separate cap on input tokens where the provider publishes one (gpt-5: 272,000). */
    maxInputTokens: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    /** Reasoning model: hidden reasoning tokens are billed as output and count against `max_completion_tokens`. */
    reasoning: z.boolean().optional(),
    /** Published as available through the Batch API (OpenAI: `/v1/batch` endpoint). */
    batch: z.boolean().optional(),
    pricing: tokenPricingSchema.default({}),
    status: modelStatusSchema.default({ state: "active" }),
    source: sourceSchema,
    asOf: isoDate,
    /**
     * Fields replaced by a correction (data/corrections.json): each with the upstream value, the
     * corrected one, why, and the correction's own source and date. Absent on uncorrected entries.
     */
    corrections: z
      .array(
        z.object({
          field: z.string().min(1),
          from: jsonValueSchema.optional(),
          to: jsonValueSchema,
          reason: z.string().min(1),
          source: sourceSchema,
          asOf: isoDate,
        }),
      )
      .optional(),
  })
  .passthrough();

/** A whole pricing file (`data/models.json`, or one given with `--pricing` / `TOKCOST_PRICING`). */
export const pricingFileSchema = z.object({
  /** Schema version of the file format. */
  version: z.literal(1),
  /** Date the table as a whole was last refreshed. */
  asOf: isoDate,
  source: sourceSchema.optional(),
  models: z.array(modelEntrySchema),
});

/** A validated model entry (see {@link modelEntrySchema}). */
export type ModelEntry = z.infer<typeof modelEntrySchema>;
/** A model entry as written in a pricing file, before defaults are applied. */
export type ModelEntryInput = z.input<typeof modelEntrySchema>;
/** A model's prices (see {@link tokenPricingSchema}). */
export type TokenPricing = z.infer<typeof tokenPricingSchema>;
/** Rates above a long-context threshold (see {@link longContextRatesSchema}). */
export type LongContextRates = z.infer<typeof longContextRatesSchema>;
/** A per-image price for one size and quality. */
export type ImagePrice = z.infer<typeof imagePriceSchema>;
/** A model's lifecycle state and date. */
export type ModelStatus = z.infer<typeof modelStatusSchema>;
/** A validated pricing file. */
export type PricingFile = z.infer<typeof pricingFileSchema>;
