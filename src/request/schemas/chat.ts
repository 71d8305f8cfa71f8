/**
 * POST /v1/chat/completions request body, with the API's types, defaults and ranges.
 * Modelled on the current API reference (openai/openai-python `completion_create_params.py`).
 */
import { z } from "zod";
import { IMAGE_DETAILS } from "../images.js";
import { choices, identifier, int, jsonSchemaObject, logitBias, metadata, penalty, reasoningEffort, serviceTier, stop, streamOptions, temperature, topP } from "./common.js";

/** Image detail levels (see IMAGE_DETAILS). */
export const imageDetail = z.enum(IMAGE_DETAILS);

export const textPart = z.strictObject({ type: z.literal("text"), text: z.string() });
export const imageUrlPart = z.strictObject({
  type: z.literal("image_url"),
  image_url: z.strictObject({ url: z.string().min(1), detail: imageDetail.optional() }),
});
export const inputAudioPart = z.strictObject({
  type: z.literal("input_audio"),
  input_audio: z.strictObject({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});
export const filePart = z.strictObject({
  type: z.literal("file"),
  file: z.strictObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});
export const refusalPart = z.strictObject({ type: z.literal("refusal"), refusal: z.string() });

/** A user message's content part. */
export const userContentPart = z.discriminatedUnion("type", [textPart, imageUrlPart, inputAudioPart, filePart]);
/** An assistant message's content part. */
export const assistantContentPart = z.discriminatedUnion("type", [textPart, refusalPart]);

export const functionCall = z.strictObject({ name: z.string(), arguments: z.string() });
export const toolCall = z.discriminatedUnion("type", [
  z.strictObject({ id: z.string(), type: z.literal("function"), function: functionCall }),
  z.strictObject({ id: z.string(), type: z.literal("custom"), custom: z.strictObject({ name: z.string(), input: z.string() }) }),
]);

const textContent = z.union([z.string(), z.array(textPart).min(1)]);

export const systemMessage = z.strictObject({ role: z.literal("system"), content: textContent, name: z.string().optional() });
export const developerMessage = z.strictObject({ role: z.literal("developer"), content: textContent, name: z.string().optional() });
export const userMessage = z.strictObject({ role: z.literal("user"), content: z.union([z.string(), z.array(userContentPart).min(1)]), name: z.string().optional() });
export const assistantMessage = z.strictObject({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(assistantContentPart)]).nullable().optional(),
  name: z.string().optional(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(toolCall).optional(),
  function_call: functionCall.nullable().optional(),
  audio: z.strictObject({ id: z.string() }).nullable().optional(),
});
export const toolMessage = z.strictObject({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() });
export const functionMessage = z.strictObject({ role: z.literal("function"), content: z.string().nullable(), name: z.string() });

/** One chat message (roles system, developer, user, assistant, tool, function). */
export const chatMessage = z.discriminatedUnion("role", [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage]);

/** A function definition (tools[].function and the legacy functions[]). */
export const functionDefinition = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[a-zA-Z0-9_-]+$/, "function names may contain only a-z, A-Z, 0-9, underscores and dashes"),
  description: z.string().optional(),
  parameters: jsonSchemaObject.optional(),
  strict: z.boolean().nullable().optional(),
});

export const chatTool = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("function"), function: functionDefinition }),
  z.strictObject({ type: z.literal("custom"), custom: z.strictObject({ name: z.string(), description: z.string().optional(), format: z.record(z.string(), z.unknown()).optional() }) }),
]);

export const chatToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.strictObject({ type: z.literal("function"), function: z.strictObject({ name: z.string() }) }),
  z.strictObject({ type: z.literal("custom"), custom: z.strictObject({ name: z.string() }) }),
  z.strictObject({ type: z.literal("allowed_tools"), allowed_tools: z.strictObject({ mode: z.enum(["auto", "required"]), tools: z.array(z.record(z.string(), z.unknown())) }) }),
]);

export const responseFormat = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({ type: z.literal("json_object") }),
  z.strictObject({
    type: z.literal("json_schema"),
    json_schema: z.strictObject({ name: z.string(), description: z.string().optional(), schema: jsonSchemaObject.optional(), strict: z.boolean().nullable().optional() }),
  }),
]);

/** The Chat Completions request body. */
export const chatRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(chatMessage).min(1),
  audio: z.strictObject({ voice: z.union([z.string(), z.strictObject({ id: z.string() })]), format: z.enum(["wav", "aac", "mp3", "flac", "opus", "pcm16"]) }).nullable().optional(),
  frequency_penalty: penalty.nullable().optional(),
  function_call: z.union([z.enum(["none", "auto"]), z.strictObject({ name: z.string() })]).optional(),
  functions: z.array(functionDefinition).min(1).max(128).optional(),
  logit_bias: logitBias.optional(),
  logprobs: z.boolean().nullable().optional(),
  max_completion_tokens: int().min(1).nullable().optional(),
  max_tokens: int().min(1).nullable().optional(),
  metadata: metadata.optional(),
  modalities: z.array(z.enum(["text", "audio"])).nullable().optional(),
  n: choices.nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  prediction: z.strictObject({ type: z.literal("content"), content: textContent }).nullable().optional(),
  presence_penalty: penalty.nullable().optional(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_retention: z.enum(["in-memory", "24h"]).nullable().optional(),
  reasoning_effort: reasoningEffort.nullable().optional(),
  response_format: responseFormat.optional(),
  safety_identifier: identifier.optional(),
  seed: int().nullable().optional(),
  service_tier: serviceTier.optional(),
  stop: stop.optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions.optional(),
  temperature: temperature.nullable().optional(),
  tool_choice: chatToolChoice.optional(),
  tools: z.array(chatTool).max(128).optional(),
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
