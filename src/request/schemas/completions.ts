/**
 * POST /v1/completions (the legacy endpoint of the text-davinci era) request body.
 * Defaults: max_tokens 16, n 1, best_of 1, prompt "<|endoftext|>".
 */
import { z } from "zod";
import { choices, identifier, int, logitBias, penalty, stop, streamOptions, temperature, tokenArray, topP } from "./common.js";

/** prompt: a string, an array of strings, a token array, or an array of token arrays. */
export const completionPrompt = z.union([z.string(), z.array(z.string()).min(1), tokenArray, z.array(tokenArray).min(1)]);

/** The Completions request body. */
export const completionsRequestSchema = z
  .strictObject({
    model: z.string().min(1),
    prompt: completionPrompt.nullable().optional(),
    best_of: int().min(0).max(20).nullable().optional(),
    echo: z.boolean().nullable().optional(),
    frequency_penalty: penalty.nullable().optional(),
    logit_bias: logitBias.optional(),
    logprobs: int().min(0).max(5).nullable().optional(),
    max_tokens: int().min(0).nullable().optional(),
    n: choices.nullable().optional(),
    presence_penalty: penalty.nullable().optional(),
    seed: int().nullable().optional(),
    stop: stop.optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: streamOptions.optional(),
    suffix: z.string().nullable().optional(),
    temperature: temperature.nullable().optional(),
    top_p: topP.nullable().optional(),
    user: identifier.optional(),
  })
  .superRefine((body, ctx) => {
    // best_of completions are generated server-side and the best n returned, so it must cover n.
    if (body.best_of != null && body.best_of !== 0 && body.best_of < (body.n ?? 1)) {
      ctx.addIssue({ code: "custom", path: ["best_of"], message: `best_of must be greater than or equal to n (best_of ${body.best_of}, n ${body.n ?? 1})` });
    }
    if (body.stream && body.best_of != null && body.best_of > 1) {
      ctx.addIssue({ code: "custom", path: ["best_of"], message: "best_of cannot be used with stream" });
    }
  });

/** Default completion budget of the Completions endpoint. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/** A validated Completions request body. */
export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;
