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

const usdPerMillion = z.number().nonnegative();

/** Prices in USD per 1M tokens. Omitted = not published (never zero-filled). */
export const tokenPricingSchema = z.object({
  input: usdPerMillion.optional(),
  cachedInput: usdPerMillion.optional(),
  output: usdPerMillion.optional(),
  batchInput: usdPerMillion.optional(),
  batchOutput: usdPerMillion.optional(),
}).passthrough();

export const modelStatusSchema = z.object({
  state: z.enum(["active", "deprecated", "retired"]),
  /** Shutdown date for deprecated models, retirement date for retired ones. */
  date: isoDate.optional(),
  /** Suggested replacement. */
  replacement: z.string().optional(),
});

export const modelModeSchema = z.enum(["chat", "completion", "responses", "embedding", "moderation", "image_generation", "audio_speech", "audio_transcription", "realtime", "rerank", "video_generation", "other"]);

export const modelEntrySchema = z.object({
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
  pricing: tokenPricingSchema.default({}),
  status: modelStatusSchema.default({ state: "active" }),
  source: sourceSchema,
  asOf: isoDate,
}).passthrough();

export const pricingFileSchema = z.object({
  /** Schema version of the file format. */
  version: z.literal(1),
  /** Date the table as a whole was last refreshed. */
  asOf: isoDate,
  source: sourceSchema.optional(),
  models: z.array(modelEntrySchema),
});

export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type ModelEntryInput = z.input<typeof modelEntrySchema>;
export type TokenPricing = z.infer<typeof tokenPricingSchema>;
export type ModelStatus = z.infer<typeof modelStatusSchema>;
export type PricingFile = z.infer<typeof pricingFileSchema>;
