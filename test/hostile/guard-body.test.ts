/**
 * Issue 14, item 13: guardFetch never passes a body it did not measure. Bytes, ArrayBuffers,
 * Blobs, streams and BOM-prefixed text are read (UTF-8, the BOM dropped); FormData, non-UTF-8 or
 * non-JSON bodies are refused unless the caller names a worst case (unmeasuredWorstCaseUsd).
 */
import { describe, expect, it } from "vitest";
import { guardFetch } from "../../src/request/guard-fetch.js";

const URL_ = "http://127.0.0.1:9/v1/chat/completions";
const json = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 10 });
const bytes = () => new TextEncoder().encode(json);

function fakeFetch() {
  const sent: string[] = [];
  const fn = (async (_input: unknown, init?: RequestInit) => {
    const b = init?.body;
    sent.push(b === undefined || b === null ? "" : await new Response(b as BodyInit).text());
    return new Response(JSON.stringify({ id: "x", choices: [], usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 } }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
  return { fn, sent };
}

const bodies: Array<[string, () => BodyInit]> = [
  ["Uint8Array", () => bytes()],
  ["ArrayBuffer", () => bytes().buffer as ArrayBuffer],
  ["DataView", () => new DataView(bytes().buffer)],
  ["Blob", () => new Blob([json])],
  ["ReadableStream", () => new Blob([json]).stream()],
  ["BOM + string", () => `\uFEFF${json}`],
  ["BOM + bytes", () => new Uint8Array([0xef, 0xbb, 0xbf, ...bytes()])],
];

describe("guardFetch reads every body it can", () => {
  it.each(bodies)("%s: measured, so a $0 budget refuses it before sending", async (_name, make) => {
    const { fn, sent } = fakeFetch();
    const g = guardFetch({ budget: { usd: 0 }, fetch: fn });
    const res = await g(URL_, { method: "POST", body: make(), headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    expect(res.status).toBe(429);
    expect(res.headers.get("x-tokcost-refused")).toBe("BUDGET_EXCEEDED");
    expect(sent).toHaveLength(0);
  });

  it.each(bodies)("%s: measured and sent unchanged under a budget it fits", async (_name, make) => {
    const { fn, sent } = fakeFetch();
    const g = guardFetch({ budget: { usd: 1 }, fetch: fn });
    const res = await g(URL_, { method: "POST", body: make(), duplex: "half" } as RequestInit);
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0].replace(/^\uFEFF/, "")).toBe(json);
    expect(g.calls()[0]).toMatchObject({ outcome: "settled", model: "gpt-4o-mini", actual: { source: "usage", promptTokens: 8 } });
  });

  it("a Request with a byte body is measured too", async () => {
    const { fn } = fakeFetch();
    const g = guardFetch({ budget: { usd: 0 }, fetch: fn });
    const res = await g(new Request(URL_, { method: "POST", body: bytes() }));
    expect(res.headers.get("x-tokcost-refused")).toBe("BUDGET_EXCEEDED");
  });
});

describe("guardFetch refuses what it cannot measure", () => {
  const unmeasurable: Array<[string, () => BodyInit]> = [
    [
      "FormData",
      () => {
        const f = new FormData();
        f.set("model", "gpt-4o");
        return f;
      },
    ],
    ["URLSearchParams", () => new URLSearchParams({ model: "gpt-4o" })],
    ["bytes that are not UTF-8", () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ["text that is not JSON", () => "model=gpt-4o"],
  ];

  it.each(unmeasurable)("%s: refused with a clear error, nothing sent", async (_name, make) => {
    const { fn, sent } = fakeFetch();
    const g = guardFetch({ budget: { usd: 5 }, fetch: fn });
    const res = await g(URL_, { method: "POST", body: make() });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/cannot measure this request body .*unmeasuredWorstCaseUsd/);
    expect(sent).toHaveLength(0);
  });

  it.each(unmeasurable)("%s: sent at the caller's explicit worst case, and settled at it", async (_name, make) => {
    const { fn, sent } = fakeFetch();
    const g = guardFetch({ budget: { usd: 5 }, fetch: fn, unmeasuredWorstCaseUsd: 0.5 });
    const res = await g(URL_, { method: "POST", body: make() });
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(g.spent().usd).toBe(0.5);
    expect(g.calls()[0].warnings?.[0]).toMatch(/could not be measured/);
  });

  it("the explicit worst case is checked against the budget, and a token budget needs tokens too", async () => {
    const { fn, sent } = fakeFetch();
    const g = guardFetch({ budget: { usd: 0.1 }, fetch: fn, unmeasuredWorstCaseUsd: 0.5 });
    expect((await g(URL_, { method: "POST", body: new FormData() })).headers.get("x-tokcost-refused")).toBe("BUDGET_EXCEEDED");
    const t = guardFetch({ budget: { tokens: 1000 }, fetch: fn, unmeasuredWorstCaseUsd: 0.5 });
    expect((await (await t(URL_, { method: "POST", body: new FormData() })).json()).error.message).toMatch(/unmeasuredWorstCaseTokens/);
    expect(sent).toHaveLength(0);
  });
});
