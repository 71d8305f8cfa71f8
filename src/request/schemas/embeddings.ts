/** POST /v1/embeddings request body. */
import { z } from "zod";
import { identifier, int, tokenArray } from "./common.js";

/** input: a string, an array of up to 2048 strings, a token array, or an array of token arrays. */
export const embeddingInput = z.union([z.string(), z.array(z.string()).min(1).max(2048), tokenArray, z.array(tokenArray).min(1).max(2048)]);

/** The Embeddings request body. */
export const embeddingsRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: embeddingInput,
  dimensions: int().min(1).optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: identifier.optional(),
});

/** A validated Embeddings request body. */
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
