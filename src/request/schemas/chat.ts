/**
 * POST /v1/chat/completions request body, with the API's types, defaults and ranges.
 * Modelled on the current API reference (openai/openai-python `completion_create_params.py`).
 */
import { z } from "zod";
import { IMAGE_DETAILS } from "../images.js";
import { choices, identifier, int, jsonSchemaObject, logitBias, metadata, openObject, penalty, reasoningEffort, serviceTier, stop, streamOptions, temperature, topP } from "./common.js";

/** Image detail levels (see IMAGE_DETAILS). */
export const imageDetail = z.enum(IMAGE_DETAILS);

export const textPart = z.object({ type: z.literal("text"), text: z.string() });
export const imageUrlPart = z.object({
  type: z.literal("image_url"),
  // A bare URL string is accepted too (a recorded 200 on gpt-4-vision-preview, test/conformance).
  image_url: z.union([z.string().min(1), z.object({ url: z.string().min(1), detail: imageDetail.optional() })]),
});
export const inputAudioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});
export const filePart = z.object({
  type: z.literal("file"),
  file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});
export const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

/** A user message's content part. */
export const userContentPart = z.discriminatedUnion("type", [textPart, imageUrlPart, inputAudioPart, filePart]);
/** An assistant message's content part. */
export const assistantContentPart = z.discriminatedUnion("type", [textPart, refusalPart]);

export const functionCall = z.object({ name: z.string(), arguments: z.string() });
/**
 * Fields clients echo back from a response or add while streaming, which the API accepts and does
 * not count (recorded 200s in test/conformance): a streamed tool call's `index`, the SDK helpers'
 * `parsed_arguments` / `parsed`, and an assistant message's `annotations` and `audio` transcript.
 */
const echoedToolCall = { index: int().optional() };
export const toolCall = z.discriminatedUnion("type", [
  z.object({ id: z.string(), type: z.literal("function"), function: functionCall.extend({ parsed_arguments: z.unknown().optional() }), ...echoedToolCall }),
  z.object({ id: z.string(), type: z.literal("custom"), custom: z.object({ name: z.string(), input: z.string() }), ...echoedToolCall }),
]);

const textContent = z.union([z.string(), z.array(textPart).min(1)]);

export const systemMessage = z.object({ role: z.literal("system"), content: textContent, name: z.string().optional() });
export const developerMessage = z.object({ role: z.literal("developer"), content: textContent, name: z.string().optional() });
export const userMessage = z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(userContentPart).min(1)]), name: z.string().optional() });
export const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z
    .union([z.string(), z.array(assistantContentPart)])
    .nullable()
    .optional(),
  name: z.string().optional(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(toolCall).optional(),
  function_call: functionCall.nullable().optional(),
  audio: z.object({ id: z.string(), data: z.string().optional(), expires_at: z.number().optional(), transcript: z.string().optional() }).nullable().optional(),
  annotations: z.array(z.unknown()).nullable().optional(),
  parsed: z.unknown().optional(),
});
/** `name` on a tool message is not in the API reference but several clients send it, and the API accepts it. */
export const toolMessage = z.object({ role: z.literal("tool"), content: textContent, tool_call_id: z.string(), name: z.string().optional() });
export const functionMessage = z.object({ role: z.literal("function"), content: z.string().nullable(), name: z.string() });

/** One chat message (roles system, developer, user, assistant, tool, function). */
export const chatMessage = z.discriminatedUnion("role", [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage]);

/** A function definition (tools[].function and the legacy functions[]). */
export const functionDefinition = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9_-]+$/, "function names may contain only a-z, A-Z, 0-9, underscores and dashes"),
  description: z.string().optional(),
  parameters: jsonSchemaObject.optional(),
  strict: z.boolean().nullable().optional(),
});

export const chatTool = z.discriminatedUnion("type", [
  z.object({ type: z.literal("function"), function: functionDefinition }),
  z.object({ type: z.literal("custom"), custom: z.object({ name: z.string(), description: z.string().optional(), format: z.record(z.string(), z.unknown()).optional() }) }),
]);

export const chatToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
  z.object({ type: z.literal("custom"), custom: z.object({ name: z.string() }) }),
  z.object({ type: z.literal("allowed_tools"), allowed_tools: z.object({ mode: z.enum(["auto", "required"]), tools: z.array(z.record(z.string(), z.unknown())) }) }),
]);

export const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({ name: z.string(), description: z.string().optional(), schema: jsonSchemaObject.optional(), strict: z.boolean().nullable().optional() }),
  }),
]);

/** The Chat Completions request body. */
export const chatRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(chatMessage).min(1),
  audio: z
    .object({ voice: z.union([z.string(), z.object({ id: z.string() })]), format: z.enum(["wav", "aac", "mp3", "flac", "opus", "pcm16"]) })
    .nullable()
    .optional(),
  frequency_penalty: penalty.nullable().optional(),
  function_call: z.union([z.enum(["none", "auto"]), z.object({ name: z.string() })]).optional(),
  functions: z.array(functionDefinition).min(1).max(128).optional(),
  logit_bias: logitBias.optional(),
  logprobs: z.boolean().nullable().optional(),
  max_completion_tokens: int().min(1).nullable().optional(),
  max_tokens: int().min(1).nullable().optional(),
  metadata: metadata.optional(),
  moderation: openObject.nullable().optional(),
  modalities: z
    .array(z.enum(["text", "audio"]))
    .nullable()
    .optional(),
  n: choices.nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  prediction: z
    .object({ type: z.literal("content"), content: textContent })
    .nullable()
    .optional(),
  presence_penalty: penalty.nullable().optional(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_options: openObject.nullable().optional(),
  prompt_cache_retention: z.enum(["in-memory", "24h"]).nullable().optional(),
  reasoning_effort: reasoningEffort.nullable().optional(),
  response_format: responseFormat.nullable().optional(),
  safety_identifier: identifier.optional(),
  seed: int().nullable().optional(),
  service_tier: serviceTier.optional(),
  stop: stop.optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions.optional(),
  temperature: temperature.nullable().optional(),
  tool_choice: chatToolChoice.nullable().optional(),
  tools: z.array(chatTool).max(128).nullable().optional(),
  top_logprobs: int().min(0).max(20).nullable().optional(),
  top_p: topP.nullable().optional(),
  user: identifier.optional(),
  verbosity: z.enum(["low", "medium", "high"]).nullable().optional(),
  web_search_options: z.record(z.string(), z.unknown()).optional(),
});

/** A validated Chat Completions request body. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;
/** One chat message. */
export type ChatMessage = z.infer<typeof chatMessage>;
/** One entry of `tools`. */
export type ChatTool = z.infer<typeof chatTool>;
/** A function definition (tools[].function, functions[]). */
export type FunctionDefinition = z.infer<typeof functionDefinition>;
/** A part of a user message's content. */
export type UserContentPart = z.infer<typeof userContentPart>;
