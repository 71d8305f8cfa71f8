/** fitMessages: drop the oldest turns, never system messages, the last user message or half a tool exchange. */
import { describe, expect, it } from "vitest";
import { countChatTokens, fitMessages, InputError } from "../src/index.js";

const long = (label: string) => `${label}: ${"lorem ipsum dolor sit amet ".repeat(40)}`;
const history = [
  { role: "system", content: "You are terse." },
  { role: "user", content: long("u1") },
  { role: "assistant", content: long("a1") },
  { role: "user", content: long("u2") },
  { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] },
  { role: "tool", tool_call_id: "c1", content: long("t1") },
  { role: "assistant", content: long("a2") },
  { role: "user", content: long("u3") },
];

describe("fitMessages", () => {
  const total = countChatTokens(history, { model: "gpt-4o" }).total;

  it("keeps everything when it fits", () => {
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 100, contextWindow: total + 100 });
    expect(r.dropped).toEqual([]);
    expect(r.kept).toEqual(history);
    expect(r.promptTokens).toBe(total);
    expect(r.fits).toBe(true);
  });

  it("drops the oldest turn first and reports the exact prompt of what is kept", () => {
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 100, contextWindow: total + 99 });
    expect(r.droppedIndexes).toEqual([1, 2]);
    expect(r.kept[0]).toBe(history[0]);
    expect(r.promptTokens).toBe(countChatTokens(r.kept, { model: "gpt-4o" }).total);
    expect(r.promptTokens + 100).toBeLessThanOrEqual(r.limit);
  });

  it("drops a tool call together with its results", () => {
    const withoutFirst = countChatTokens([history[0], ...history.slice(3)], { model: "gpt-4o" }).total;
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 0, contextWindow: withoutFirst - 1 });
    expect(r.droppedIndexes).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.kept.map((m) => m.role)).toEqual(["system", "user"]);
    expect(r.kept.some((m) => m.role === "tool")).toBe(false);
  });

  it("never drops the system message or the last user message; says when that is not enough", () => {
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 100, contextWindow: 50 });
    expect(r.kept).toEqual([history[0], history[7]]);
    expect(r.fits).toBe(false);
    expect(r.warnings.join(" ")).toMatch(/do not fit/);
  });

  it("uses the model's context window from the table", () => {
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 1000 });
    expect(r.limit).toBe(128000);
    expect(r.dropped).toEqual([]);
  });

  it("keeps tools in the prompt", () => {
    const tools = [{ type: "function", function: { name: "lookup", description: "Look something up", parameters: { type: "object", properties: { q: { type: "string", description: "query" } } } } }];
    const r = fitMessages(history, { model: "gpt-4o", maxTokens: 0, contextWindow: total + 1000, tools });
    expect(r.promptTokens).toBe(countChatTokens(history, { model: "gpt-4o", tools }).total);
  });

  it("rejects a bad budget", () => {
    expect(() => fitMessages(history, { model: "gpt-4o", maxTokens: -1 })).toThrow(InputError);
  });

  it("keeps the current turn's tool calls and results after the last user message", () => {
    const current = [
      ...history,
      { role: "assistant", content: null, tool_calls: [{ id: "c2", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } }] },
      { role: "tool", tool_call_id: "c2", content: long("t2") },
    ];
    const r = fitMessages(current, { model: "gpt-4o", maxTokens: 0, contextWindow: 10 });
    expect(r.kept.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(r.droppedIndexes).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("respects the model's input cap (gpt-5: 272,000 of 400,000)", () => {
    const big = "hello ".repeat(100_000);
    const convo = [
      { role: "user", content: big },
      { role: "assistant", content: "ok" },
      { role: "user", content: big },
      { role: "assistant", content: "ok" },
      { role: "user", content: big },
    ];
    const r = fitMessages(convo, { model: "gpt-5", maxTokens: 1000 });
    expect(r.fits).toBe(true);
    expect(r.promptTokens).toBeLessThanOrEqual(272_000);
    expect(r.droppedIndexes).toEqual([0, 1]);
  });

  it("a model the table does not list: fitting needs its window, and the error says how to give it (not --allow-unpriced)", () => {
    const history = [{ role: "user" as const, content: "hi" }];
    expect(() => fitMessages(history, { model: "gpt-4o-mni", maxTokens: 10 })).toThrow(/did you mean gpt-4o-mini.*--context-window <n>; library: contextWindow/);
    expect(() => fitMessages(history, { model: "gpt-4o-mni", maxTokens: 10 })).not.toThrow(/allow-unpriced/);
    expect(fitMessages(history, { model: "gpt-4o-mni", maxTokens: 10, contextWindow: 1000 }).fits).toBe(true);
  });
});
