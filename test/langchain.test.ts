/**
 * tokcost/langchain with the real `@langchain/openai` (ChatOpenAI) against the fake OpenAI API on
 * 127.0.0.1: a handler error only stops a call when the handler raises (LangChain swallows it
 * otherwise — shown here), so TokcostCallbackHandler refuses before the network; calls are
 * metered after it (invoke, tools, stream), failed calls release their reservation.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TokcostCallbackHandler } from "../src/langchain/handler.js";
import { TokcostError } from "../src/errors.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

const chat = (handler: BaseCallbackHandler, extra: Record<string, unknown> = {}) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: server.apiKey, configuration: { baseURL: server.baseURL }, maxRetries: 0, callbacks: [handler], ...extra });

describe("TokcostCallbackHandler (@langchain/openai 1.5)", () => {
  it("LangChain swallows a handler's error unless it raises: why the handler sets raiseError", async () => {
    class Quiet extends BaseCallbackHandler {
      name = "Quiet";
      handleChatModelStart(): void {
        throw new Error("refuse");
      }
    }
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const before = server.requests.length;
    await chat(new Quiet()).invoke("hi");
    expect(server.requests.length).toBe(before + 1); // the call went out anyway
    warn.mockRestore();
  });

  it("invoke: exact prompt count, settled from usage_metadata", async () => {
    const handler = new TokcostCallbackHandler({ budget: { usd: 1 } });
    server.usageQueue.push({ cachedTokens: 2 });
    const res = await chat(handler, { maxTokens: 40 }).invoke([new SystemMessage("Be brief."), new HumanMessage("Hello, LangChain.")]);
    const [record] = handler.calls();
    expect(record).toMatchObject({ outcome: "settled", kind: "chat", model: "gpt-4o-mini", estimate: { exact: true }, actual: { source: "usage", cachedTokens: 2 } });
    expect(record.estimate.promptTokens).toBe(res.usage_metadata!.input_tokens);
    expect(record.actual!.completionTokens).toBe(res.usage_metadata!.output_tokens);
    expect(handler.budget.status().reserved).toEqual({ usd: 0, tokens: 0 });
    expect(handler.budget.status().spent.usd).toBeCloseTo(record.actual!.usd!, 15);
  });

  it("tools, tool calls and tool results: the prompt count equals the API's", async () => {
    const handler = new TokcostCallbackHandler();
    const model = chat(handler, { maxTokens: 40 }).bindTools([
      { type: "function", function: { name: "weather", description: "Current weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ]);
    const res = await model.invoke([
      new HumanMessage("Weather in Paris?"),
      new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "weather", args: { city: "Paris" } }] }),
      new ToolMessage({ tool_call_id: "call_1", content: '{"tempC":21}' }),
      new HumanMessage("And tomorrow?"),
    ]);
    expect(handler.calls()[0].estimate.promptTokens).toBe(res.usage_metadata!.input_tokens);
  });

  it("refuses before the network with a TokcostError: over budget, over the window", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const before = server.requests.length;
    const over = await chat(new TokcostCallbackHandler({ budget: { usd: 0.000001 } }), { maxTokens: 1000 })
      .invoke("Hello")
      .catch((e) => e);
    expect(over).toBeInstanceOf(TokcostError);
    expect(over).toMatchObject({ code: "BUDGET_EXCEEDED" });
    await expect(chat(new TokcostCallbackHandler(), { maxTokens: 100 }).invoke("word ".repeat(130_000))).rejects.toMatchObject({ code: "CONTEXT_LIMIT" });
    // a budget without maxTokens reserves the model's whole room
    await expect(chat(new TokcostCallbackHandler({ budget: { usd: 0.001 } })).invoke("Hi")).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    const stream = async () => {
      for await (const _ of await chat(new TokcostCallbackHandler({ budget: { tokens: 10 } }), { maxTokens: 30 }).stream("Hi")) void _;
    };
    await expect(stream()).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(server.requests.length).toBe(before);
    errors.mockRestore();
  });

  it("stream: settles from the streamed usage; a failed call releases its reservation", async () => {
    const handler = new TokcostCallbackHandler({ budget: { usd: 1 } });
    const model = chat(handler, { maxTokens: 30 });
    server.usageQueue.push({ completionTokens: 6 });
    let text = "";
    for await (const chunk of await model.stream("Stream please.")) text += chunk.content;
    expect(text).toBe("ok ok ok ok ok ok");
    expect(handler.calls()[0]).toMatchObject({ outcome: "settled", actual: { source: "usage", completionTokens: 6 } });
    server.queue.push({ status: 500 });
    await expect(model.invoke("This one fails.")).rejects.toThrow();
    expect(handler.calls()[1]).toMatchObject({ outcome: "released" });
    expect(handler.budget.status().reserved).toEqual({ usd: 0, tokens: 0 });
  });
});
