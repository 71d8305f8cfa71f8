/** Issue 14 item 17: a timeout longer than a timer can wait fired at once; it is refused instead. */
import { describe, expect, it } from "vitest";
import { createClient, MAX_TIMEOUT_MS } from "../../src/request/client.js";

const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };
const ok = (async () => new Response(JSON.stringify({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 } }), { status: 200 })) as unknown as typeof fetch;

describe("timeoutMs above 2^31 − 1", () => {
  it("createClient refuses it with a clear error", () => {
    expect(() => createClient({ apiKey: "sk-test-0123456789abcdef", timeoutMs: 3e9 })).toThrow(/timeoutMs: must be at most 2147483647 ms/);
  });

  it("a call refuses it too", async () => {
    const client = createClient({ apiKey: "sk-test-0123456789abcdef", baseURL: "https://example.com/v1", fetch: ok });
    await expect(client.chat.completions.create(body, { timeoutMs: 3e9 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("at most 2147483647") });
  });

  it("the largest timer that works is accepted, and the call does not time out at once", async () => {
    const client = createClient({ apiKey: "sk-test-0123456789abcdef", baseURL: "https://example.com/v1", fetch: ok, timeoutMs: MAX_TIMEOUT_MS });
    const res = await client.chat.completions.create(body);
    expect(res.tokcost.usage?.promptTokens).toBe(8);
  });
});
