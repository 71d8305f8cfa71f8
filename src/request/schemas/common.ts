/**
 * Building blocks shared by the endpoint schemas: the API's numeric ranges, stop sequences,
 * metadata, token arrays. Request roots are `z.strictObject` (the API refuses unknown top-level
 * parameters); nested shapes are `z.object`, whose undeclared fields are accepted with a notice
 * (see schema-walk.ts).
 */
import { z } from "zod";

/** An integer (the API distinguishes integers from decimals in its errors). */
export const int = () => z.number().int();
/** temperature: 0 to 2. */
export const temperature = z.number().min(0).max(2);
/** top_p: 0 to 1. */
export const topP = z.number().min(0).max(1);
/** presence_penalty / frequency_penalty: −2 to 2. */
export const penalty = z.number().min(-2).max(2);
/** n: how many choices, 1 to 128. */
export const choices = int().min(1).max(128);
/** stop: one sequence or up to 4 (an empty list is accepted: recorded 200s, test/conformance). */
export const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullable();
/** logit_bias: token id (as a string key) → bias from −100 to 100. */
export const logitBias = z.record(z.string().regex(/^\d+$/, "logit_bias keys must be token ids"), z.number().min(-100).max(100)).nullable();
/** metadata: up to 16 string pairs (keys ≤ 64 chars, values ≤ 512 chars). */
export const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .nullable()
  .refine((m) => m === null || Object.keys(m).length <= 16, { message: "metadata may have at most 16 keys" });
/** A token id. */
export const tokenId = int().min(0);
/** A prompt or input given as token ids. */
export const tokenArray = z.array(tokenId).min(1);
/** stream_options. */
export const streamOptions = z.object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullable();
/** reasoning effort levels across model generations. */
export const reasoningEffort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);
/** service_tier. */
export const serviceTier = z.enum(["auto", "default", "flex", "scale", "priority"]).nullable();
/** A JSON Schema object (function parameters, structured outputs): any JSON object. */
export const jsonSchemaObject = z.record(z.string(), z.unknown());
/** A user / safety identifier string. */
export const identifier = z.string();
/**
 * Newer top-level parameters the API accepts (recorded 200s in test/conformance) whose inner shape
 * tokcost does not check: `moderation`, `prompt_cache_options`, Responses `context_management`.
 */
export const openObject = z.looseObject({});
