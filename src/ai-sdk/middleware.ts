/**
 * `tokcost/ai-sdk`: pre-flight, budgets and metering for the Vercel AI SDK (`ai` 5/6, language
 * model specification v3), as middleware for `wrapLanguageModel`.
 *
 * Before each `generateText` / `streamText` / `generateObject` / `streamObject` call the AI SDK's
 * prompt (system, user text and images, assistant text and tool calls, tool results, tool
 * definitions, JSON response format) is turned into the provider's request body (Chat
 * Completions, or Responses for `openai.responses` models), pre-flighted (valid, fits the
 * window, `maxOutputTokens` or the worst case) and its worst case reserved in the budget — or
 * the call is refused with a {@link TokcostError} before anything is sent. After the call the
 * reservation is settled from the SDK's reported usage (cached and reasoning tokens included);
 * a stream settles when it finishes, fails or is cancelled. The record is attached as
 * `providerMetadata.tokcost` and passed to `onRecord`.
 *
 * Counts are exact for OpenAI models; other models the table knows are estimated (the record
 * says `exact: false`). Refusals are `TokcostError`s (from `tokcost`). No runtime dependency on `ai` (types only); no Node APIs.
 */
import type { LanguageModelMiddleware } from "ai";
import { countTokens } from "../tokenizer/index.js";
import { Budget } from "../request/budget.js";
import { integrationMeter, type CallRecord, type IntegrationOptions, type MeteredCall, type UsageTokens } from "../request/meter.js";
import { preflight } from "../request/preflight.js";
import { chatToResponses } from "../request/remote-count.js";

type Middleware = LanguageModelMiddleware;
type WrapGenerate = NonNullable<Middleware["wrapGenerate"]>;
type WrapStream = NonNullable<Middleware["wrapStream"]>;
/** The AI SDK's call options (LanguageModelV3CallOptions). */
export type AiSdkCallOptions = Parameters<WrapGenerate>[0]["params"];
type AiSdkModel = Parameters<WrapGenerate>[0]["model"];
type GenerateResult = Awaited<ReturnType<WrapGenerate>>;
type StreamResult = Awaited<ReturnType<WrapStream>>;
type StreamPart = StreamResult["stream"] extends ReadableStream<infer P> ? P : never;
type Usage = GenerateResult["usage"];
type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Options of {@link tokcostMiddleware}. */
export interface TokcostMiddlewareOptions extends IntegrationOptions {
  /** `maxOutputTokens` for calls that set none, so the worst case is bounded (otherwise the model's room is reserved). */
  maxTokens?: number;
}

/** The middleware, with the budget and records it keeps. */
export interface TokcostMiddleware extends Middleware {
  /** The budget every wrapped call reserves from. */
  readonly budget: Budget;
  /** The most recent call records. */
  calls(): CallRecord[];
}

/** A file part's URL: data URLs for bytes and base64, the URL itself otherwise. */
function fileUrl(data: unknown, mediaType: string): string {
  if (data instanceof URL) return data.href;
  if (typeof data === "string") return /^(https?:|data:)/.test(data) ? data : `data:${mediaType};base64,${data}`;
  if (data instanceof Uint8Array) {
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return `data:${mediaType};base64,${btoa(binary)}`;
  }
  return "";
}

function toolOutputText(output: Json | undefined): string {
  if (!output) return "";
  switch (output.type) {
    case "text":
    case "error-text":
      return String(output.value ?? "");
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "content":
      return (Array.isArray(output.value) ? output.value : []).map((p: Json) => (p.type === "text" ? p.text : "")).join("");
    case "execution-denied":
      return output.reason ?? "Tool execution denied.";
    default:
      return JSON.stringify(output.value ?? "");
  }
}

/**
 * The Chat Completions body an AI SDK call becomes (what the OpenAI chat provider sends, as far
 * as counting is concerned), and notes on anything that could not be represented.
 */
export function toChatBody(modelId: string, params: AiSdkCallOptions): { body: Json; notes: string[] } {
  const notes: string[] = [];
  const messages: Json[] = [];
  for (const message of params.prompt as Json[]) {
    if (message.role === "system") messages.push({ role: "system", content: message.content });
    else if (message.role === "user") {
      const parts: Json[] = [];
      for (const part of message.content as Json[]) {
        if (part.type === "text") parts.push({ type: "text", text: part.text });
        else if (part.type === "file" && String(part.mediaType).startsWith("image/")) {
          const url = fileUrl(part.data, part.mediaType === "image/*" ? "image/jpeg" : part.mediaType);
          parts.push({ type: "image_url", image_url: { url, ...(part.providerOptions?.openai?.imageDetail ? { detail: part.providerOptions.openai.imageDetail } : {}) } });
        } else notes.push(`a ${part.mediaType ?? part.type} part is not counted`);
      }
      messages.push({ role: "user", content: parts.length === 1 && parts[0].type === "text" ? parts[0].text : parts });
    } else if (message.role === "assistant") {
      let text = "";
      const toolCalls: Json[] = [];
      for (const part of message.content as Json[]) {
        if (part.type === "text") text += part.text;
        else if (part.type === "tool-call")
          toolCalls.push({ id: part.toolCallId, type: "function", function: { name: part.toolName, arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input) } });
      }
      messages.push({ role: "assistant", content: text === "" && toolCalls.length ? null : text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
    } else if (message.role === "tool") {
      for (const part of message.content as Json[]) if (part.type === "tool-result") messages.push({ role: "tool", tool_call_id: part.toolCallId, content: toolOutputText(part.output) });
    }
  }
  const body: Json = { model: modelId, messages };
  const tools: Json[] = [];
  for (const tool of (params.tools ?? []) as Json[]) {
    if (tool.type === "function") tools.push({ type: "function", function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.inputSchema } });
    else notes.push(`provider tool ${tool.name ?? tool.id} is not counted`);
  }
  if (tools.length) body.tools = tools;
  const choice = params.toolChoice as Json | undefined;
  if (choice && tools.length) body.tool_choice = choice.type === "tool" ? { type: "function", function: { name: choice.toolName } } : choice.type;
  const format = params.responseFormat as Json | undefined;
  if (format?.type === "json")
    body.response_format = format.schema ? { type: "json_schema", json_schema: { name: format.name ?? "response", schema: format.schema, strict: false } } : { type: "json_object" };
  if (params.maxOutputTokens !== undefined) body.max_completion_tokens = params.maxOutputTokens;
  return { body, notes };
}

/** The AI SDK's usage as tokcost's; null when the provider reported no input or output total. */
export function usageFromAiSdk(usage: Usage | undefined): UsageTokens | null {
  const input = usage?.inputTokens?.total;
  const output = usage?.outputTokens?.total;
  if (typeof input !== "number" || typeof output !== "number") return null;
  const cached = usage?.inputTokens?.cacheRead ?? 0;
  const reasoning = usage?.outputTokens?.reasoning ?? 0;
  return { promptTokens: input, cachedTokens: Math.min(cached, input), completionTokens: output, reasoningTokens: Math.min(reasoning, output), totalTokens: input + output };
}

function jsonRecord(record: CallRecord | undefined): Json {
  return record ? (JSON.parse(JSON.stringify(record)) as Json) : {};
}

/**
 * Middleware for `wrapLanguageModel({ model, middleware: tokcostMiddleware({ budget: { usd: 5 } }) })`.
 *
 * @example
 * import { generateText, wrapLanguageModel } from "ai";
 * import { openai } from "@ai-sdk/openai";
 * import { tokcostMiddleware } from "tokcost/ai-sdk";
 * const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware: tokcostMiddleware({ budget: { usd: 1 }, maxTokens: 500 }) });
 * const { text, providerMetadata } = await generateText({ model, prompt: "Hi" });
 * providerMetadata?.tokcost; // estimate vs actual
 * @throws (from the AI SDK call) InvalidRequestError, ContextLimitError, MaxOutputError, BudgetExceededError, LedgerError — before anything is sent.
 */
export function tokcostMiddleware(options: TokcostMiddlewareOptions = {}): TokcostMiddleware {
  const meter = integrationMeter(options);
  const pricing = meter.pricing;

  const withMaxTokens = (params: AiSdkCallOptions): AiSdkCallOptions =>
    params.maxOutputTokens === undefined && options.maxTokens !== undefined ? { ...params, maxOutputTokens: options.maxTokens } : params;

  /** Pre-flight + reservation, or a TokcostError. */
  const open = async (model: AiSdkModel, params: AiSdkCallOptions): Promise<MeteredCall> => {
    const { body: chat, notes } = toChatBody(model.modelId, params);
    let body = chat;
    if (/\.responses$/.test(model.provider)) {
      const converted = chatToResponses(chat);
      body = converted.body;
      notes.push(...converted.notes);
    }
    const estimate = preflight(body, { ...options.preflight, pricing });
    if (notes.length) {
      estimate.exact = false;
      estimate.warnings = [...estimate.warnings, ...notes];
    }
    return meter.open(estimate);
  };

  const settle = async (call: MeteredCall, usage: Usage | undefined): Promise<CallRecord | undefined> => {
    const tokens = usageFromAiSdk(usage);
    return tokens ? call.settle(tokens) : call.settleAtReservation("the provider reported no usage");
  };

  return {
    specificationVersion: "v3",
    budget: meter.budget,
    calls: () => meter.calls(),
    transformParams: async ({ params }) => withMaxTokens(params),

    wrapGenerate: async ({ doGenerate, params, model }) => {
      const call = await open(model, params);
      let result: GenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        await call.release();
        throw error;
      }
      const record = await settle(call, result.usage);
      return { ...result, providerMetadata: { ...result.providerMetadata, tokcost: jsonRecord(record) } };
    },

    wrapStream: async ({ doStream, params, model }) => {
      const call = await open(model, params);
      let result: StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        await call.release();
        throw error;
      }
      const estimate = call.estimate;
      let output = "";
      /** A stream that ended without usage (the response had started: the prompt was billed): prompt estimate + the output tokens received. */
      const settleCounted = async (why: string): Promise<CallRecord | undefined> => {
        const completionTokens = countTokens(output, { encoding: estimate.encoding });
        return call.settle({ promptTokens: estimate.promptTokens, cachedTokens: 0, completionTokens, reasoningTokens: 0, totalTokens: estimate.promptTokens + completionTokens }, "counted", [
          `${why}: settled from the prompt estimate and the ${completionTokens} output tokens received`,
        ]);
      };
      const reader = result.stream.getReader();
      const stream = new ReadableStream<StreamPart>({
        async pull(controller) {
          let next: ReadableStreamReadResult<StreamPart>;
          try {
            next = await reader.read();
          } catch (error) {
            await settleCounted("the stream failed").catch(() => undefined);
            controller.error(error);
            return;
          }
          if (next.done) {
            if (!call.ended) await settleCounted("the stream ended without a finish event");
            controller.close();
            return;
          }
          const part = next.value as Json;
          if (part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-input-delta") {
            output += part.delta ?? "";
          }
          if (part.type === "finish") {
            const record = call.ended ? call.record : await settle(call, part.usage);
            controller.enqueue({ ...part, providerMetadata: { ...part.providerMetadata, tokcost: jsonRecord(record) } } as StreamPart);
            return;
          }
          controller.enqueue(next.value);
        },
        async cancel(reason) {
          await settleCounted("the stream was cancelled").catch(() => undefined);
          await reader.cancel(reason);
        },
      });
      return { ...result, stream };
    },
  };
}
