/**
 * Request bodies of the endpoints billed per image, character, minute or media token: the Images
 * API (generations, edits, variations), speech, transcription and translation, and moderations.
 * Parameter lists from OpenAI's API reference (platform.openai.com/docs/api-reference, images,
 * audio, moderations; openai/openai-node src/resources/images.ts, audio/*.ts, moderations.ts),
 * checked against the recorded 2xx bodies in test/conformance.
 *
 * Multipart endpoints (edits, variations, transcriptions, translations) take their fields as an
 * object; a file field (`image`, `mask`, `file`) may be anything that carries a file — bytes, a
 * Blob, a path in a request file, the `{ name, bytes }` tokcost reads from FormData.
 * Values a newer model may add (sizes, voices, qualities) are checked per model where the API
 * is known to refuse them (media-rules.ts), never by a closed list here: a guard must not
 * refuse what the API accepts.
 */
import { z } from "zod";
import { identifier, int, openObject } from "./common.js";

/** A file as an image edit, a variation or a transcription takes it. */
export const fileField = z.unknown();

/** An image reference of the JSON form of an edit (`images: [{ image_url }]` / `{ file_id }`). */
export const imageReference = z.object({ image_url: z.string().optional(), file_id: z.string().optional() });

const imageSize = z.string().min(1);
const imageCount = int().min(1).max(10);
const imageResponseFormat = z.enum(["url", "b64_json"]);
const outputFormat = z.enum(["png", "jpeg", "webp"]);
const background = z.enum(["transparent", "opaque", "auto"]);

/** The output options generations and edits share (gpt-image models). */
const gptImageOutput = {
  background: background.nullable().optional(),
  moderation: z.enum(["low", "auto"]).nullable().optional(),
  output_compression: int().min(0).max(100).nullable().optional(),
  output_format: outputFormat.nullable().optional(),
  partial_images: int().min(0).max(3).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  user: identifier.optional(),
};

/** POST /v1/images/generations. Default model dall-e-2. */
export const imageGenerationRequestSchema = z.strictObject({
  prompt: z.string(),
  model: z.string().min(1).nullable().optional(),
  n: imageCount.nullable().optional(),
  quality: z.string().min(1).nullable().optional(),
  response_format: imageResponseFormat.nullable().optional(),
  size: imageSize.nullable().optional(),
  style: z.enum(["vivid", "natural"]).nullable().optional(),
  ...gptImageOutput,
});

/** POST /v1/images/edits: multipart (`image`, `mask` files) or JSON (`images: [{ image_url }]`). */
export const imageEditRequestSchema = z.strictObject({
  prompt: z.string(),
  image: fileField.optional(),
  images: z.array(imageReference).min(1).optional(),
  mask: fileField.optional(),
  model: z.string().min(1).nullable().optional(),
  n: imageCount.nullable().optional(),
  quality: z.string().min(1).nullable().optional(),
  response_format: imageResponseFormat.nullable().optional(),
  size: imageSize.nullable().optional(),
  input_fidelity: z.enum(["high", "low"]).nullable().optional(),
  ...gptImageOutput,
});

/** POST /v1/images/variations (dall-e-2 only). */
export const imageVariationRequestSchema = z.strictObject({
  image: fileField,
  model: z.string().min(1).nullable().optional(),
  n: imageCount.nullable().optional(),
  response_format: imageResponseFormat.nullable().optional(),
  size: imageSize.nullable().optional(),
  user: identifier.optional(),
});

/** POST /v1/audio/speech. `input` at most 4,096 characters. */
export const speechRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.string().max(4096),
  voice: z.union([z.string().min(1), z.object({ id: z.string() })]),
  instructions: z.string().max(4096).optional(),
  response_format: z.enum(["mp3", "opus", "aac", "flac", "wav", "pcm"]).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  stream_format: z.enum(["sse", "audio"]).optional(),
});

const transcriptionFormat = z.enum(["json", "text", "srt", "verbose_json", "vtt", "diarized_json"]);

/** POST /v1/audio/transcriptions (multipart). */
export const transcriptionRequestSchema = z.strictObject({
  file: fileField,
  model: z.string().min(1),
  chunking_strategy: z
    .union([z.literal("auto"), openObject])
    .nullable()
    .optional(),
  include: z.array(z.string()).optional(),
  known_speaker_names: z.array(z.string()).optional(),
  known_speaker_references: z.array(z.string()).optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
  response_format: transcriptionFormat.optional(),
  stream: z.boolean().nullable().optional(),
  temperature: z.number().min(0).max(1).optional(),
  timestamp_granularities: z.array(z.enum(["word", "segment"])).optional(),
});

/** POST /v1/audio/translations (multipart; into English). */
export const translationRequestSchema = z.strictObject({
  file: fileField,
  model: z.string().min(1),
  prompt: z.string().optional(),
  response_format: z.enum(["json", "text", "srt", "verbose_json", "vtt"]).optional(),
  temperature: z.number().min(0).max(1).optional(),
});

const moderationPart = z.discriminatedUnion("type", [z.object({ type: z.literal("text"), text: z.string() }), z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string() }) })]);

/** POST /v1/moderations. Default model omni-moderation-latest. */
export const moderationRequestSchema = z.strictObject({
  input: z.union([z.string(), z.array(z.string()), z.array(moderationPart)]),
  model: z.string().min(1).optional(),
});

export type ImageGenerationRequest = z.infer<typeof imageGenerationRequestSchema>;
export type ImageEditRequest = z.infer<typeof imageEditRequestSchema>;
export type ImageVariationRequest = z.infer<typeof imageVariationRequestSchema>;
export type SpeechRequest = z.infer<typeof speechRequestSchema>;
export type TranscriptionRequest = z.infer<typeof transcriptionRequestSchema>;
export type TranslationRequest = z.infer<typeof translationRequestSchema>;
export type ModerationRequest = z.infer<typeof moderationRequestSchema>;
