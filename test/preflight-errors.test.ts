import { describe, expect, it } from "vitest";
import { preflight } from "../src/request/preflight.js";
import { BudgetExceededError, ContextLimitError, InvalidRequestError, MaxOutputError, TokcostError, UnknownModelError } from "../src/errors.js";
import { costOf } from "../src/pricing/cost.js";
import { getModel } from "../src/pricing/table.js";

const msgs = [{ role: "user", content: "Summarise the plot of Hamlet in two sentences." }];

function thrown(fn: () => unknown): TokcostError {
  try {
    fn();
  } catch (error) {
    return error as TokcostError;
  }
  throw new Error("expected a throw");
}

describe("preflight()", () => {
  it("returns the estimate and its worst case for each endpoint", () => {
    const chat = preflight({ model: "gpt-4o-mini", messages: msgs, max_tokens: 100, n: 2 });
    expect(chat.kind).toBe("chat");
    expect(chat.worstCase.completionTokens).toBe(200);
    expect(chat.worstCase.usd).toBeCloseTo(costOf(getModel("gpt-4o-mini"), { inputTokens: chat.promptTokens, outputTokens: 200 }).total as number, 15);
    const resp = preflight({ model: "gpt-4o", input: "Hello", max_output_tokens: 50 });
    expect(resp.kind).toBe("responses");
    expect(resp.worstCase.tokens).toBe(resp.promptTokens + 50);
    const emb = preflight({ model: "text-embedding-3-small", input: ["a", "b c"] });
    expect(emb.kind).toBe("embeddings");
    expect(emb.worstCase.completionTokens).toBe(0);
    const comp = preflight({ model: "gpt-3.5-turbo-instruct", prompt: "Once" });
    expect(comp.worstCase.completionTokens).toBe(16); // the API's default max_tokens for completions
  });

  it("without a completion budget, the worst case is the room the model leaves", () => {
    const e = preflight({ model: "gpt-4o-mini", messages: msgs });
    expect(e.maxTokens).toBeNull();
    expect(e.worstCase.assumedRoom).toBe(true);
    expect(e.worstCase.completionTokens).toBe(e.room);
    expect(e.worstCase.usd).toBeGreaterThan(0);
  });

  it("InvalidRequestError with the field path and a suggestion", () => {
    const e = thrown(() => preflight({ model: "gpt-4o-mini", messages: msgs, max_token: 5 }));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e).toMatchObject({ code: "INVALID_REQUEST", param: "max_token", suggestion: "max_tokens" });
    const r = thrown(() => preflight({ model: "o4-mini", messages: msgs, max_tokens: 5 }));
    expect(r.message).toBe("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
  });

  it("UnknownModelError with suggestions", () => {
    const e = thrown(() => preflight({ model: "gtp-4o", messages: msgs }));
    expect(e).toBeInstanceOf(UnknownModelError);
    expect(e.code).toBe("UNKNOWN_MODEL");
  });

  it("ContextLimitError with the numbers and the largest max_tokens that fits", () => {
    const content = "lorem ipsum ".repeat(3000);
    const probe = preflight({ model: "gpt-4", messages: [{ role: "user", content }] });
    const e = thrown(() => preflight({ model: "gpt-4", messages: [{ role: "user", content }], max_tokens: 4000 }));
    expect(e).toBeInstanceOf(ContextLimitError);
    const room = 8192 - probe.promptTokens;
    expect(e.message).toContain(
      `This model's maximum context length is 8192 tokens. However, you requested ${probe.promptTokens + 4000} tokens (${probe.promptTokens} in the messages, 4000 in the completion).`,
    );
    expect(e.message).toContain(`the largest max_tokens that fits is ${room}`);
    expect(e.details).toMatchObject({ contextWindow: 8192, promptTokens: probe.promptTokens, maxTokens: 4000, room });
    expect(e.exitClass).toBe(1);
  });

  it("MaxOutputError when the completion budget exceeds the model's output cap", () => {
    const e = thrown(() => preflight({ model: "gpt-4o", messages: msgs, max_tokens: 20480 }));
    expect(e).toBeInstanceOf(MaxOutputError);
    expect(e.message).toContain("max_tokens is too large: 20480. This model supports at most 16384 completion tokens, whereas you provided 20480.");
    expect(e.details).toMatchObject({ maxOutputTokens: 16384, maxTokens: 20480 });
  });

  it("a malformed budget is a usage error naming the field, not a budget that is already exceeded", () => {
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };
    expect(() => preflight(body, { budget: { usd: -1 } })).toThrow(/^invalid budget: usd: /);
    expect(() => preflight(body, { budget: { dollars: 5 } as never })).toThrow(/^invalid budget: /);
    expect(() => preflight(body, { budget: { usd: 1 } })).not.toThrow();
  });

  it("BudgetExceededError when the worst case does not fit a budget", () => {
    const e = thrown(() => preflight({ model: "gpt-4o", messages: msgs, max_tokens: 16000 }, { budget: { usd: 0.01 } }));
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect(e.code).toBe("BUDGET_EXCEEDED");
    expect(() => preflight({ model: "gpt-4o", messages: msgs, max_tokens: 100 }, { budget: { usd: 0.01, tokens: 1000 } })).not.toThrow();
  });

  it("refuses what a budget cannot bound: an unpriced model under a USD budget", () => {
    const e = thrown(() => preflight({ model: "mystery-model", messages: msgs, max_tokens: 10 }, { encoding: "o200k_base", budget: { usd: 1 } }));
    expect(e.code).toBe("BUDGET_EXCEEDED");
    expect(e.message).toContain("has no published price");
    expect(preflight({ model: "mystery-model", messages: msgs, max_tokens: 10 }, { encoding: "o200k_base", budget: { tokens: 1000 } }).worstCase.tokens).toBeGreaterThan(10);
  });
});

describe("money in budget errors: the table's formatter, one way everywhere", () => {
  it("preflight and Budget.reserve print $0.16 / $0.01 / $0.0000001, never $0.160, $0.0100 or $1.00e-7", async () => {
    const { Budget } = await import("../src/request/budget.js");
    const { formatUsd } = await import("../src/pricing/cost.js");
    const body = { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_tokens: 16_000 };
    let message = "";
    try {
      preflight(body, { budget: { usd: 1e-7 } });
    } catch (error) {
      message = (error as Error).message;
    }
    const worst = preflight(body).worstCase.usd!;
    expect(message).toBe(`budget exceeded: this call may cost up to ${formatUsd(worst)} on gpt-4o, but the budget has $0.0000001 left; lower max_tokens or raise the budget`);
    expect(message).not.toMatch(/e-\d|\.\d*0\b on/);
    const budget = new Budget({ usd: 0.01 });
    await expect(budget.reserve("a", { usd: 0.16, tokens: 1 })).rejects.toThrow(
      "this call may cost up to $0.16, but only $0.01 of the $0.01 budget is left ($0 spent, $0 reserved by calls in flight)",
    );
  });

  it("a reservation ends once: its state is the budget's record, never written through a cast", async () => {
    const { Budget } = await import("../src/request/budget.js");
    const budget = new Budget({ usd: 1 });
    const r = await budget.reserve("a", { usd: 0.1, tokens: 1 });
    expect(r.state).toBe("held");
    expect(await budget.settle(r, { usd: 0.05, tokens: 1 })).toBe(true);
    expect(r.state).toBe("settled");
    expect(await budget.release(r)).toBe(false);
    expect(await budget.settle(r, { usd: 0.05, tokens: 1 })).toBe(false);
    expect(budget.status().spent.usd).toBeCloseTo(0.05, 12);
    expect(Object.getOwnPropertyDescriptor(r, "state")).toBeUndefined(); // a getter on the class, not a writable field
  });
});
