/**
 * The most common pattern in every OpenAI tutorial — append the assistant message the API returned
 * and ask again — must pass every guard: estimate (CLI), preflight, createClient and guardFetch
 * with the official SDK sending `completion.choices[0].message` back as-is (issue 19).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, guardFetch, preflight } from "../src/index.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";
import { runCli } from "./helpers/cli.js";

/** The request from the issue, verbatim. */
const ISSUE_BODY = {
  model: "gpt-4o",
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "Hello!", refusal: null, annotations: [] },
    { role: "user", content: "again" },
  ],
};

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

describe("echoing the API's assistant message back", () => {
  it("tokcost estimate accepts the issue's request (exit 0, no warning about its fields)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tokcost-echo-"));
    const file = path.join(dir, "echo.json");
    writeFileSync(file, JSON.stringify(ISSUE_BODY));
    const r = runCli(["estimate", file, "--max-tokens", "100", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { estimates: Array<{ promptTokens: number; warnings: string[] }> };
    expect(json.estimates[0].promptTokens).toBeGreaterThan(0);
    expect(json.estimates[0].warnings.join("\n")).not.toMatch(/annotations|refusal/);
    // --strict refuses only what is undocumented: these fields are documented, so it passes too.
    expect(runCli(["estimate", file, "--max-tokens", "100", "--strict", "--json"]).code).toBe(0);
  });

  it("preflight accepts it, and the annotations cost nothing", () => {
    const withAnnotations = preflight({ ...ISSUE_BODY, max_tokens: 10 });
    const without = preflight({ ...ISSUE_BODY, messages: [ISSUE_BODY.messages[0], { role: "assistant", content: "Hello!" }, ISSUE_BODY.messages[2]], max_tokens: 10 });
    expect(withAnnotations.promptTokens).toBe(without.promptTokens);
    expect(withAnnotations.exact).toBe(without.exact);
  });

  it("createClient: the response message sent back as-is is accepted and metered", async () => {
    const client = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: 1 } });
    const messages: Array<Record<string, unknown>> = [{ role: "user", content: "hi" }];
    const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 20 });
    const echoed = (first as { choices: Array<{ message: Record<string, unknown> }> }).choices[0].message;
    expect(echoed).toHaveProperty("annotations");
    const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [...messages, echoed, { role: "user", content: "again" }], max_tokens: 20 });
    expect(second.tokcost.record.outcome).toBe("settled");
  });

  it("guardFetch + the official openai SDK: completion.choices[0].message sent back as-is", async () => {
    const guarded = guardFetch({ budget: { usd: 1 } });
    const openai = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch: guarded, maxRetries: 0 });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "hi" }];
    const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 20 });
    messages.push(completion.choices[0].message, { role: "user", content: "again" });
    const again = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 20 });
    expect(again.choices[0].message.content).toBeTruthy();
    expect(guarded.calls().map((c) => c.outcome)).toEqual(["settled", "settled"]);
  });
});
