/**
 * Fine-tuning training examples (`{ "messages": [...] }` per JSONL line): validation, training
 * tokens and the default number of epochs. Pure — the file is read by `tokcost/node`.
 *
 * Training tokens are counted with the chat rule, as OpenAI's data-preparation cookbook does
 * (openai-cookbook Chat_finetuning_data_prep.ipynb, commit 2e65270): OpenAI publishes no exact
 * training-token rule, so the counts are reported as inexact.
 */
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { assistantMessage, chatTool, developerMessage, functionDefinition, functionMessage, systemMessage, toolMessage, userMessage } from "./schemas/chat.js";
import { parseWithSchema } from "./validate.js";
import { countChatTokens, type ChatMessageLike } from "./chat.js";
import type { PricingTable } from "../pricing/table.js";

/** In training data an assistant message may carry `weight` (0 = do not learn from it). */
const trainingAssistantMessage = assistantMessage.extend({ weight: z.union([z.literal(0), z.literal(1)]).optional() });

/** One chat fine-tuning example. */
export const fineTuningExampleSchema = z.strictObject({
  messages: z.array(z.discriminatedUnion("role", [systemMessage, developerMessage, userMessage, trainingAssistantMessage, toolMessage, functionMessage])).min(1),
  tools: z.array(chatTool).optional(),
  functions: z.array(functionDefinition).optional(),
  parallel_tool_calls: z.boolean().optional(),
});

/** A validated chat fine-tuning example. */
export type FineTuningExample = z.infer<typeof fineTuningExampleSchema>;

export { isFineTuningExample } from "./shape.js";

/**
 * Validates one example.
 * @throws InvalidRequestError naming the field (messages[1].content) or the missing assistant message.
 */
export function validateFineTuningExample(value: unknown): FineTuningExample {
  const example = parseWithSchema(fineTuningExampleSchema, value);
  if (!example.messages.some((m) => m.role === "assistant")) throw new InvalidRequestError("the example has no assistant message to learn from", { param: "messages" });
  return example;
}

/** Training tokens of one example (chat rule, with its tools and functions). */
export function countTrainingTokens(example: FineTuningExample, options: { model: string; table?: PricingTable }): { tokens: number; warnings: string[] } {
  const messages = example.messages.map((m) => {
    if (m.role !== "assistant" || !("weight" in m)) return m as ChatMessageLike;
    const { weight: _weight, ...rest } = m;
    return rest as ChatMessageLike;
  });
  const counted = countChatTokens(messages, { model: options.model, tools: example.tools, functions: example.functions, table: options.table });
  return { tokens: counted.total, warnings: counted.warnings };
}

/**
 * OpenAI's default epochs for `examples` training examples, as the data-preparation cookbook
 * computes it: 3, raised so that epochs × examples reaches 100 (at most 25 epochs), lowered so it
 * stays within 25,000 (at least 1).
 */
export function defaultEpochs(examples: number): number {
  const TARGET_EPOCHS = 3;
  const MIN_TARGET_EXAMPLES = 100;
  const MAX_TARGET_EXAMPLES = 25000;
  if (examples <= 0) return TARGET_EPOCHS;
  if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(25, Math.floor(MIN_TARGET_EXAMPLES / examples));
  if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(1, Math.floor(MAX_TARGET_EXAMPLES / examples));
  return TARGET_EPOCHS;
}
