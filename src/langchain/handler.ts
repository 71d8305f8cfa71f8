/**
 * `tokcost/langchain`: pre-flight, budgets and metering for LangChain.js chat models
 * (`@langchain/openai`'s ChatOpenAI on Chat Completions), as a callback handler.
 *
 * LangChain runs `handleChatModelStart` before the model sends its request. Errors thrown by a
 * handler are swallowed (logged) unless the handler sets `raiseError` — which also makes
 * LangChain await it. This handler sets it, so a call that is invalid, does not fit the model or
 * is over budget is refused with a {@link TokcostError} before anything is sent (LangChain logs
 * one "Error in handler" line to the console as it rethrows). After the call the reservation is
 * settled from the usage LangChain reports (`usage_metadata`, else `llmOutput.tokenUsage`), or
 * released when the call fails; a stream that fails after output arrived settles from what was
 * received.
 *
 * Pass it per model (`new ChatOpenAI({ callbacks: [handler] })`) or per call
 * (`model.invoke(messages, { callbacks: [handler] })`). `@langchain/core` is an optional peer
 * dependency. No Node APIs.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { countTokens } from "../tokenizer/index.js";
import { Budget } from "../request/budget.js";
import { integrationMeter, Meter, type CallRecord, type IntegrationOptions, type MeteredCall, type UsageTokens } from "../request/meter.js";
import { preflight } from "../request/preflight.js";

type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Options of {@link TokcostCallbackHandler}. */
export type TokcostHandlerOptions = IntegrationOptions;

/** Request parameters of ChatOpenAI's invocation params that matter to counting, validation and the worst case. */
const REQUEST_FIELDS = ["n", "max_tokens", "max_completion_tokens", "tools", "tool_choice", "functions", "function_call", "response_format", "reasoning_effort"];

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return (Array.isArray(content) ? content : []).map((p: Json) => (p?.type === "text" ? String(p.text ?? "") : "")).join("");
}

function contentOf(content: unknown): unknown {
  if (typeof content === "string") return content;
  const parts: Json[] = [];
  for (const p of (Array.isArray(content) ? content : []) as Json[]) {
    if (p?.type === "text") parts.push({ type: "text", text: String(p.text ?? "") });
    else if (p?.type === "image_url") parts.push({ type: "image_url", image_url: typeof p.image_url === "string" ? { url: p.image_url } : p.image_url });
  }
  return parts;
}

/** LangChain messages as Chat Completions messages (what `@langchain/openai` sends, as far as counting is concerned). */
export function toOpenAIMessages(messages: BaseMessage[]): Json[] {
  return messages.map((m) => {
    const type = (m as unknown as { type?: string }).type ?? m.getType();
    const name = m.name ? { name: m.name } : {};
    if (type === "system") return { role: "system", content: contentOf(m.content), ...name };
    if (type === "developer") return { role: "developer", content: contentOf(m.content) };
    if (type === "ai") {
      const calls = ((m as unknown as { tool_calls?: Json[] }).tool_calls ?? []).map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) } }));
      const text = textOf(m.content);
      return { role: "assistant", content: calls.length && text === "" ? null : text, ...(calls.length ? { tool_calls: calls } : {}), ...name };
    }
    if (type === "tool") return { role: "tool", tool_call_id: (m as unknown as { tool_call_id: string }).tool_call_id, content: textOf(m.content) };
    if (type === "function") return { role: "function", name: m.name, content: textOf(m.content) };
    return { role: "user", content: contentOf(m.content), ...name };
  });
}

/** LangChain's reported usage as tokcost's; null when there is none. */
export function usageFromLangChain(output: LLMResult): UsageTokens | null {
  const message = (output.generations?.[0]?.[0] as { message?: Json } | undefined)?.message;
  const meta = message?.usage_metadata as Json | undefined;
  if (meta && typeof meta.input_tokens === "number" && typeof meta.output_tokens === "number") {
    const cached = meta.input_token_details?.cache_read ?? 0;
    const reasoning = meta.output_token_details?.reasoning ?? 0;
    return {
      promptTokens: meta.input_tokens,
      cachedTokens: Math.min(cached, meta.input_tokens),
      completionTokens: meta.output_tokens,
      reasoningTokens: Math.min(reasoning, meta.output_tokens),
      totalTokens: meta.input_tokens + meta.output_tokens,
    };
  }
  const u = (output.llmOutput as Json | undefined)?.tokenUsage;
  if (u && typeof u.promptTokens === "number" && typeof u.completionTokens === "number")
    return { promptTokens: u.promptTokens, cachedTokens: 0, completionTokens: u.completionTokens, reasoningTokens: 0, totalTokens: u.promptTokens + u.completionTokens };
  return null;
}

/**
 * A LangChain callback handler that pre-flights every chat model call, reserves its worst case
 * and refuses it (TokcostError) before it is sent, then settles from usage.
 *
 * @example
 * import { ChatOpenAI } from "@langchain/openai";
 * import { TokcostCallbackHandler } from "tokcost/langchain";
 * const tokcost = new TokcostCallbackHandler({ budget: { usd: 1 } });
 * const model = new ChatOpenAI({ model: "gpt-4o-mini", maxTokens: 200, callbacks: [tokcost] });
 * await model.invoke("Hi");
 * tokcost.calls()[0].actual?.usd;
 */
export class TokcostCallbackHandler extends BaseCallbackHandler {
  name = "TokcostCallbackHandler";
  /** Refusals must propagate (and be awaited) to stop the call before it is sent. */
  override raiseError = true;
  override awaitHandlers = true;
  /** The budget every call reserves from. */
  readonly budget: Budget;
  private readonly meter: Meter;
  private readonly open = new Map<string, { call: MeteredCall; output: string }>();
  private readonly options: TokcostHandlerOptions;

  constructor(options: TokcostHandlerOptions = {}) {
    super({ raiseError: true });
    this.options = options;
    this.meter = integrationMeter(options);
    this.budget = this.meter.budget;
  }

  /** The most recent call records. */
  calls(): CallRecord[] {
    return this.meter.calls();
  }

  /** The Chat Completions body a call becomes. */
  static requestBody(messages: BaseMessage[], extraParams?: Record<string, unknown>, metadata?: Record<string, unknown>): Json {
    const params = ((extraParams?.invocation_params ?? {}) as Json) ?? {};
    const model = params.model ?? params.modelName ?? metadata?.ls_model_name;
    const body: Json = { model, messages: toOpenAIMessages(messages) };
    for (const field of REQUEST_FIELDS) if (params[field] !== undefined && params[field] !== null) body[field] = params[field];
    if (body.max_tokens === -1) delete body.max_tokens; // LangChain's "no limit"
    return body;
  }

  override async handleChatModelStart(
    _llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    const body = TokcostCallbackHandler.requestBody(messages[0] ?? [], extraParams, metadata);
    const estimate = preflight(body, { ...this.options.preflight, pricing: this.meter.pricing });
    const call = await this.meter.open(estimate);
    this.open.set(runId, { call, output: "" });
  }

  override handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    const entry = this.open.get(runId);
    if (entry) entry.output += token;
  }

  override async handleLLMEnd(output: LLMResult, runId: string): Promise<void> {
    const entry = this.open.get(runId);
    if (!entry) return;
    this.open.delete(runId);
    const usage = usageFromLangChain(output);
    if (usage) await entry.call.settle(usage);
    else await entry.call.settleAtReservation("LangChain reported no usage");
  }

  override async handleLLMError(_error: unknown, runId: string): Promise<void> {
    const entry = this.open.get(runId);
    if (!entry) return;
    this.open.delete(runId);
    if (entry.output === "") {
      await entry.call.release();
      return;
    }
    const e = entry.call.estimate;
    const completionTokens = countTokens(entry.output, { encoding: e.encoding });
    await entry.call.settle({ promptTokens: e.promptTokens, cachedTokens: 0, completionTokens, reasoningTokens: 0, totalTokens: e.promptTokens + completionTokens }, "counted", [
      `the stream failed: settled from the prompt estimate and the ${completionTokens} output tokens received`,
    ]);
  }
}
