/**
 * POST /v1/responses request body: input (a string or items), instructions, max_output_tokens
 * (at least 16), tools, reasoning, text and the sampling and storage options.
 */
import { z } from "zod";
import { identifier, int, jsonSchemaObject, metadata, openObject, reasoningEffort, serviceTier, streamOptions, temperature, topP } from "./common.js";
import { imageDetail } from "./chat.js";
import { TYPE_DISPATCH } from "../schema-walk.js";

export const inputTextPart = z.object({ type: z.literal("input_text"), text: z.string() });
export const inputImagePart = z.object({
  type: z.literal("input_image"),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: imageDetail.optional(),
});
export const inputFilePart = z.object({
  type: z.literal("input_file"),
  file_id: z.string().nullable().optional(),
  file_data: z.string().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
export const inputAudioPart = z.object({ type: z.literal("input_audio"), input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }) });
export const outputTextPart = z.object({ type: z.literal("output_text"), text: z.string(), annotations: z.array(z.unknown()).optional(), logprobs: z.array(z.unknown()).optional() });
export const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

export const responseContentPart = z.discriminatedUnion("type", [inputTextPart, inputImagePart, inputFilePart, inputAudioPart, outputTextPart, refusalPart]);

/** A message item (`type: "message"` may be omitted for the easy-input form). */
export const responseMessageItem = z.object({
  type: z.literal("message").optional(),
  id: z.string().optional(),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullable().optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(responseContentPart)]),
});

/** A function call the model made earlier, replayed as input. */
export const functionCallItem = z.object({
  type: z.literal("function_call"),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullable().optional(),
});
/** The result of a function call. */
export const functionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  id: z.string().optional(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(responseContentPart)]),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullable().optional(),
});
/**
 * Other item types (reasoning, item_reference, web_search_call, computer_call…): accepted with
 * their type and counted as inexact, because OpenAI publishes no counting rule for them.
 */
export const otherItem = z.looseObject({ type: z.string() });

/**
 * Picks the item schema by `type` (a plain union would let a broken function_call pass as an
 * "other" item, and would report the wrong branch's error).
 */

function dispatchByType<T>(pick: (type: unknown) => z.ZodType): z.ZodType<T> {
  const schema = z.unknown().transform((value, ctx) => {
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
    const result = pick(type).safeParse(value);
    if (result.success) return result.data as T;
    for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
    return z.NEVER;
  });
  TYPE_DISPATCH.set(schema, pick);
  return schema as unknown as z.ZodType<T>;
}

type InputItem = z.infer<typeof responseMessageItem> | z.infer<typeof functionCallItem> | z.infer<typeof functionCallOutputItem> | z.infer<typeof otherItem>;

export const responseInputItem = dispatchByType<InputItem>((type) =>
  type === undefined || type === "message" ? responseMessageItem : type === "function_call" ? functionCallItem : type === "function_call_output" ? functionCallOutputItem : otherItem,
);

export const responseFunctionTool = z.object({
  type: z.literal("function"),
  name: z.string().min(1).max(64),
  description: z.string().nullable().optional(),
  parameters: jsonSchemaObject.nullable().optional(),
  strict: z.boolean().nullable().optional(),
});
/** Built-in tools (web_search, file_search, code_interpreter, mcp…) — validated by type only. */
export const responseBuiltinTool = z.looseObject({ type: z.string() });
export const responseTool = dispatchByType<z.infer<typeof responseFunctionTool> | z.infer<typeof responseBuiltinTool>>((type) => (type === "function" ? responseFunctionTool : responseBuiltinTool));

export const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({ type: z.literal("json_schema"), name: z.string(), schema: jsonSchemaObject, description: z.string().optional(), strict: z.boolean().nullable().optional() }),
]);

/** The Responses request body. */
export const responsesRequestSchema = z.strictObject({
  // Optional when a stored prompt (`prompt.id`) supplies it (recorded 200s, test/conformance).
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(responseInputItem)]).optional(),
  instructions: z.string().nullable().optional(),
  max_output_tokens: int().min(16).nullable().optional(),
  max_tool_calls: int().min(1).nullable().optional(),
  tools: z.array(responseTool).nullable().optional(),
  tool_choice: z
    .union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string() })])
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  reasoning: z
    .object({
      effort: reasoningEffort.nullable().optional(),
      summary: z.enum(["auto", "concise", "detailed"]).nullable().optional(),
      generate_summary: z.enum(["auto", "concise", "detailed"]).nullable().optional(),
    })
    .nullable()
    .optional(),
  text: z.object({ format: textFormat.optional(), verbosity: z.enum(["low", "medium", "high"]).nullable().optional() }).optional(),
  temperature: temperature.nullable().optional(),
  top_p: topP.nullable().optional(),
  top_logprobs: int().min(0).max(20).nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  conversation: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
  prompt: z.looseObject({ id: z.string() }).nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions.optional(),
  background: z.boolean().nullable().optional(),
  truncation: z.enum(["auto", "disabled"]).nullable().optional(),
  metadata: metadata.optional(),
  moderation: openObject.nullable().optional(),
  context_management: z.array(openObject).nullable().optional(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_options: openObject.nullable().optional(),
  prompt_cache_retention: z.enum(["in-memory", "24h"]).nullable().optional(),
  safety_identifier: identifier.optional(),
  service_tier: serviceTier.optional(),
  user: identifier.optional(),
});

/** A validated Responses request body. */
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
/** One Responses input item. */
export type ResponseInputItem = z.infer<typeof responseInputItem>;
