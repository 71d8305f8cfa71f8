/**
 * Vendor counts: countRemote against fake OpenAI, Anthropic and Gemini count endpoints on
 * 127.0.0.1 (each checks its auth header and answers in its documented shape), the Chat →
 * Responses / Messages / contents conversions, and `tokcost estimate --remote-count`: the
 * vendor's count replaces the prompt tokens (local kept beside), and every failure — no key,
 * 401, 500, a timeout, an oversize or garbage answer — leaves the local estimate with a one-line
 * warning, the exit code unchanged and the key printed nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FakeCountServer, anthropicCount, geminiCount, serverCount } from "./helpers/fake-count-server.js";
import { runCliAsync } from "./helpers/cli.js";
import { countRemote, chatToResponses, estimateRequest, estimateRequestRemote, ApiError, MissingApiKeyError, RequestTimeoutError, InvalidResponseError } from "../src/index.js";

let server: FakeCountServer;
let dir: string;

const CHAT = {
  model: "gpt-4.1",
  messages: [
    { role: "system", content: "You are a support agent for Acme." },
    { role: "user", content: "Where is my order 1234?", name: "maria" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup_order", arguments: '{"order_id":"1234"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: '{"status":"shipped"}' },
    { role: "user", content: [{ type: "text", text: "Thanks! When will it arrive?" }] },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "lookup_order",
        description: "Look up an order",
        parameters: { type: "object", properties: { order_id: { type: "string", description: "The order number" } }, required: ["order_id"] },
      },
    },
  ],
  tool_choice: { type: "function", function: { name: "lookup_order" } },
  max_tokens: 200,
};

beforeAll(async () => {
  server = await new FakeCountServer({ echoKey: true }).start();
  dir = mkdtempSync(path.join(tmpdir(), "tokcost-remote-"));
  writeFileSync(path.join(dir, "chat.json"), JSON.stringify(CHAT));
  writeFileSync(path.join(dir, "responses.json"), JSON.stringify({ model: "gpt-4.1", instructions: "Be brief.", input: "Hello there, how are you?", max_output_tokens: 100 }));
  writeFileSync(path.join(dir, "claude.json"), JSON.stringify({ ...CHAT, model: "claude-sonnet-4-5" }));
  writeFileSync(path.join(dir, "prompt.txt"), "Summarise the plot of Hamlet in two sentences.");
});
afterAll(async () => {
  await server?.close();
});

describe("countRemote", () => {
  it("OpenAI: sends a Responses body as is to /responses/input_tokens with a Bearer key", async () => {
    const body = {
      model: "gpt-4.1",
      instructions: "Be brief.",
      input: [{ role: "user", content: "Hi" }],
      tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object", properties: {} } }],
      max_output_tokens: 100,
      temperature: 0.2,
    };
    const r = await countRemote(body, { apiKey: server.apiKey, baseURL: server.openaiURL });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe("/v1/responses/input_tokens");
    expect(sent.headers.authorization).toBe(`Bearer ${server.apiKey}`);
    // Fields the count endpoint does not take (max_output_tokens, temperature) are not sent.
    expect(Object.keys(sent.body).sort()).toEqual(["input", "instructions", "model", "tools"]);
    expect(r).toEqual({ promptTokens: serverCount(sent.body), provider: "openai", endpoint: `${server.openaiURL}/responses/input_tokens`, converted: false });
  });

  it("OpenAI: converts a chat body to the Responses shape and says so", async () => {
    const r = await countRemote(CHAT, { apiKey: server.apiKey, baseURL: server.openaiURL });
    const sent = server.requests.at(-1)!.body;
    expect(sent).toEqual({
      model: "gpt-4.1",
      input: [
        { type: "message", role: "system", content: "You are a support agent for Acme." },
        { type: "message", role: "user", content: "Where is my order 1234?" },
        { type: "function_call", call_id: "call_1", name: "lookup_order", arguments: '{"order_id":"1234"}' },
        { type: "function_call_output", call_id: "call_1", output: '{"status":"shipped"}' },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Thanks! When will it arrive?" }] },
      ],
      tools: [{ type: "function", name: "lookup_order", description: "Look up an order", parameters: CHAT.tools[0].function.parameters }],
      tool_choice: { type: "function", name: "lookup_order" },
    });
    expect(r.converted).toBe(true);
    expect(r.promptTokens).toBe(serverCount(sent));
    expect(r.note).toMatch(/converting the Chat Completions body to the Responses shape/);
    expect(r.note).toMatch(/message names were left out/);
  });

  it("converts images, assistant text, legacy functions and response formats", () => {
    const { body } = chatToResponses({
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "d" },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
          ],
        },
        { role: "assistant", content: "ok", function_call: { name: "f", arguments: "{}" } },
        { role: "function", name: "f", content: "42" },
      ],
      functions: [{ name: "f", parameters: { type: "object", properties: {} } }],
      function_call: "auto",
      reasoning_effort: "low",
      response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" } } },
    });
    expect(body.input).toEqual([
      { type: "message", role: "developer", content: "d" },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_image", image_url: "https://x/y.png", detail: "low" },
        ],
      },
      { type: "message", role: "assistant", content: "ok" },
      { type: "function_call", call_id: "call_legacy_0", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "call_legacy_0", output: "42" },
    ]);
    expect(body.tools).toEqual([{ type: "function", name: "f", parameters: { type: "object", properties: {} } }]);
    expect(body.tool_choice).toBe("auto");
    expect(body.reasoning).toEqual({ effort: "low" });
    expect(body.text).toEqual({ format: { type: "json_schema", name: "s", schema: { type: "object" } } });
  });

  it("Anthropic: x-api-key and anthropic-version headers; system, tools and tool calls in the Messages shape", async () => {
    const r = await countRemote({ ...CHAT, model: "claude-sonnet-4-5" }, { apiKey: server.apiKey, baseURL: server.anthropicURL });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages/count_tokens");
    expect(sent.headers["x-api-key"]).toBe(server.apiKey);
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: "claude-sonnet-4-5",
      system: "You are a support agent for Acme.",
      messages: [
        { role: "user", content: [{ type: "text", text: "Where is my order 1234?" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "lookup_order", input: { order_id: "1234" } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_1", content: '{"status":"shipped"}' },
            { type: "text", text: "Thanks! When will it arrive?" },
          ],
        },
      ],
      tools: [{ name: "lookup_order", description: "Look up an order", input_schema: CHAT.tools[0].function.parameters }],
      tool_choice: { type: "tool", name: "lookup_order" },
    });
    expect(r).toMatchObject({ promptTokens: anthropicCount(sent.body), provider: "anthropic", endpoint: `${server.anthropicURL}/v1/messages/count_tokens`, converted: true });
    expect(r.note).toMatch(/Anthropic's Messages shape/);
  });

  it("Anthropic: a native Messages body is sent as is", async () => {
    const body = { model: "claude-sonnet-4-5", system: "Be brief.", messages: [{ role: "user", content: "Hello" }] };
    const r = await countRemote(body, { apiKey: server.apiKey, baseURL: server.anthropicURL });
    expect(server.requests.at(-1)!.body).toEqual(body);
    expect(r.converted).toBe(false);
    expect(r.note).toBeUndefined();
  });

  it("Gemini: x-goog-api-key, the model in the path, system and tools inside generateContentRequest", async () => {
    const r = await countRemote({ ...CHAT, model: "gemini-2.5-flash", tool_choice: "auto" }, { apiKey: server.apiKey, baseURL: server.geminiURL });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(sent.headers["x-goog-api-key"]).toBe(server.apiKey);
    const request = sent.body.generateContentRequest;
    expect(request.model).toBe("models/gemini-2.5-flash");
    expect(request.systemInstruction).toEqual({ parts: [{ text: "You are a support agent for Acme." }] });
    expect(request.contents.map((c: { role: string }) => c.role)).toEqual(["user", "model", "user"]);
    expect(request.contents[1].parts).toEqual([{ functionCall: { name: "lookup_order", args: { order_id: "1234" } } }]);
    expect(request.contents[2].parts[0]).toEqual({ functionResponse: { name: "lookup_order", response: { content: '{"status":"shipped"}' } } });
    expect(request.tools).toEqual([{ functionDeclarations: [{ name: "lookup_order", description: "Look up an order", parameters: CHAT.tools[0].function.parameters }] }]);
    expect(r).toMatchObject({ promptTokens: geminiCount(sent.body), provider: "google", converted: true });
  });

  it("Gemini: a plain conversation is sent as contents", async () => {
    const r = await countRemote(
      {
        model: "gemini-2.5-flash",
        messages: [
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Hi!" },
        ],
      },
      { apiKey: server.apiKey, baseURL: server.geminiURL },
    );
    expect(server.requests.at(-1)!.body).toEqual({
      contents: [
        { role: "user", parts: [{ text: "Hello" }] },
        { role: "model", parts: [{ text: "Hi!" }] },
      ],
    });
    expect(r.promptTokens).toBe(geminiCount(server.requests.at(-1)!.body));
  });

  it("picks the key by provider from apiKeys, and the provider from the model", async () => {
    const r = await countRemote(
      { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }] },
      { apiKeys: { openai: "sk-wrong", anthropic: server.apiKey }, baseURLs: { anthropic: server.anthropicURL } },
    );
    expect(r.provider).toBe("anthropic");
  });

  it("fails without a key before any request, naming the variable", async () => {
    const before = server.requests.length;
    await expect(countRemote(CHAT, { baseURL: server.openaiURL })).rejects.toThrow(MissingApiKeyError);
    await expect(countRemote({ ...CHAT, model: "gemini-2.5-flash" }, {})).rejects.toThrow(/GEMINI_API_KEY/);
    expect(server.requests.length).toBe(before);
  });

  it("an error status is an ApiError with the vendor's message, the echoed key redacted", async () => {
    const key = "sk-wrong-key-for-the-test-0000111122223333";
    const error = await countRemote(CHAT, { apiKey: key, baseURL: server.openaiURL }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toMatch(/Incorrect API key provided/);
    expect((error as ApiError).message).not.toContain(key);
    expect(JSON.stringify((error as ApiError).details)).not.toContain(key);
  });

  it("a timeout, an oversize answer and an answer without a count are errors", async () => {
    server.queue.push({ hang: true });
    await expect(countRemote(CHAT, { apiKey: server.apiKey, baseURL: server.openaiURL, timeoutMs: 200 })).rejects.toThrow(RequestTimeoutError);
    server.queue.push({ oversize: 2 << 20 });
    await expect(countRemote(CHAT, { apiKey: server.apiKey, baseURL: server.openaiURL })).rejects.toThrow(/larger than 1048576 bytes/);
    for (const body of [{ object: "response.input_tokens" }, { input_tokens: -1 }, { input_tokens: 1.5 }, { input_tokens: "12" }]) {
      server.queue.push({ body });
      await expect(countRemote(CHAT, { apiKey: server.apiKey, baseURL: server.openaiURL })).rejects.toThrow(InvalidResponseError);
    }
    server.queue.push({ raw: "<html>gateway</html>" });
    await expect(countRemote(CHAT, { apiKey: server.apiKey, baseURL: server.openaiURL })).rejects.toThrow(/not JSON/);
  });
});

describe("estimateRequestRemote", () => {
  it("the vendor's count replaces the prompt; cost and fit are re-derived from it", async () => {
    const local = estimateRequest(CHAT);
    const e = await estimateRequestRemote(CHAT, { remote: { apiKey: server.apiKey, baseURL: server.openaiURL } });
    const vendor = serverCount(server.requests.at(-1)!.body);
    expect(e.countSource).toBe("remote");
    expect(e.promptTokens).toBe(vendor);
    expect(e.localPromptTokens).toBe(local.promptTokens);
    expect(vendor).not.toBe(local.promptTokens);
    expect(e.exact).toBe(false); // the vendor counted the Responses equivalent, not the chat body itself
    expect(e.cost.prompt).toBeCloseTo((local.cost.prompt! / local.promptTokens) * vendor, 12);
    expect(e.cost.completion).toBe(local.cost.completion);
    expect(e.room).toBe(local.room);
    expect(e.vendorCount).toMatchObject({ provider: "openai", endpoint: `${server.openaiURL}/responses/input_tokens` });
  });

  it("a Responses body counted as sent is exact", async () => {
    const body = { model: "gpt-4.1", input: "Hello there", max_output_tokens: 50 };
    const e = await estimateRequestRemote(body, { remote: { apiKey: server.apiKey, baseURL: server.openaiURL } });
    expect(e).toMatchObject({ countSource: "remote", exact: true, promptTokens: serverCount(server.requests.at(-1)!.body) });
  });

  it("a failed count leaves the local estimate, with a warning", async () => {
    const e = await estimateRequestRemote(CHAT, { remote: { baseURL: server.openaiURL } });
    expect(e.countSource).toBe("local");
    expect(e.promptTokens).toBe(estimateRequest(CHAT).promptTokens);
    expect(e.warnings.at(-1)).toMatch(/^vendor count failed \(no API key for OpenAI's token-counting endpoint: set OPENAI_API_KEY.*\); the local estimate stands$/);
  });
});

describe("tokcost estimate --remote-count", () => {
  const env = () => ({
    OPENAI_API_KEY: server.apiKey,
    OPENAI_BASE_URL: server.openaiURL,
    ANTHROPIC_API_KEY: server.apiKey,
    ANTHROPIC_BASE_URL: server.anthropicURL,
    GEMINI_API_KEY: undefined,
    TOKCOST_CALIBRATION: undefined,
  });

  it("JSON: promptTokens is the vendor's, localPromptTokens the local one, countSource remote", async () => {
    const local = estimateRequest(CHAT);
    const r = await runCliAsync(["estimate", path.join(dir, "chat.json"), "--remote-count", "--json"], { env: env() });
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    const vendor = serverCount(server.requests.at(-1)!.body);
    expect(e).toMatchObject({
      countSource: "remote",
      promptTokens: vendor,
      localPromptTokens: local.promptTokens,
      vendorCount: { provider: "openai", endpoint: `${server.openaiURL}/responses/input_tokens` },
    });
    expect(e.vendorCount.note).toMatch(/Responses shape/);
  });

  it("table: shows the vendor count and the difference from the local estimate", async () => {
    const local = estimateRequest(CHAT).promptTokens;
    const r = await runCliAsync(["estimate", path.join(dir, "chat.json"), "--remote-count"], { env: env() });
    expect(r.code).toBe(0);
    const vendor = serverCount(server.requests.at(-1)!.body);
    const diff = local - vendor;
    const sign = diff > 0 ? `+${diff}` : `\u2212${-diff}`;
    expect(r.stdout).toContain(`chat.json · gpt-4.1: prompt ${vendor} tokens (vendor count, openai; local estimate ${local}, ${sign})`);
  });

  it("Anthropic models go to Anthropic's endpoint with ANTHROPIC_API_KEY", async () => {
    const r = await runCliAsync(["estimate", path.join(dir, "claude.json"), "--remote-count", "--json"], { env: env() });
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    expect(e).toMatchObject({ countSource: "remote", promptTokens: anthropicCount(server.requests.at(-1)!.body), vendorCount: { provider: "anthropic" } });
  });

  it("--chat text is counted by the vendor too", async () => {
    const r = await runCliAsync(["estimate", path.join(dir, "prompt.txt"), "--chat", "-m", "gpt-4.1", "--remote-count", "--json"], { env: env() });
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    expect(e).toMatchObject({ countSource: "remote", promptTokens: serverCount(server.requests.at(-1)!.body) });
  });

  const key = "sk-never-print-this-key-9f8e7d6c5b4a39281706";
  const failures: Array<{ name: string; env?: Record<string, string | undefined>; scenario?: Parameters<FakeCountServer["queue"]["push"]>[0]; args?: string[]; why: RegExp }> = [
    { name: "no key", env: { OPENAI_API_KEY: undefined }, why: /no API key for OpenAI's token-counting endpoint: set OPENAI_API_KEY/ },
    { name: "401 (a wrong key, echoed by the server)", env: { OPENAI_API_KEY: key }, why: /HTTP 401: Incorrect API key provided/ },
    { name: "500", env: { OPENAI_API_KEY: key }, scenario: { status: 500 }, why: /HTTP 500: The server had an error/ },
    { name: "a timeout", env: { OPENAI_API_KEY: key }, scenario: { hang: true }, args: ["--remote-timeout", "300"], why: /timed out after 300 ms/ },
    { name: "an oversize answer", env: { OPENAI_API_KEY: key }, scenario: { oversize: 2 << 20 }, why: /larger than 1048576 bytes/ },
    { name: "a garbage answer", env: { OPENAI_API_KEY: key }, scenario: { raw: `<html>bad gateway ${key}</html>` }, why: /not JSON/ },
    { name: "an answer without a count", env: { OPENAI_API_KEY: key }, scenario: { body: { object: "response.input_tokens" } }, why: /no token count/ },
  ];
  for (const f of failures) {
    it(`${f.name}: the local estimate stands, one warning, exit 0, no key printed`, async () => {
      // A scenario answers the next request (sent with the right key); the other cases send a wrong key or none.
      if (f.scenario) server.queue.push(f.scenario);
      const scenarioEnv = f.scenario ? { OPENAI_API_KEY: server.apiKey } : {};
      const runEnv = { ...env(), ...f.env, ...scenarioEnv };
      const r = await runCliAsync(["estimate", path.join(dir, "chat.json"), "--remote-count", "--json", ...(f.args ?? [])], { env: runEnv });
      server.queue.length = 0;
      expect(r.code).toBe(0);
      const [e] = JSON.parse(r.stdout).estimates;
      expect(e.countSource).toBe("local");
      expect(e.promptTokens).toBe(estimateRequest(CHAT).promptTokens);
      expect(e.localPromptTokens).toBeUndefined();
      const warning = e.warnings.find((w: string) => w.startsWith("vendor count failed"));
      expect(warning).toMatch(f.why);
      expect(warning).toMatch(/; the local estimate stands$/);
      expect(warning).not.toMatch(/[\r\n]/);
      for (const secret of [key, server.apiKey]) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
      // Human output: the same one-line warning on stderr.
      if (f.scenario) server.queue.push(f.scenario);
      const human = await runCliAsync(["estimate", path.join(dir, "chat.json"), "--remote-count", ...(f.args ?? [])], { env: runEnv });
      server.queue.length = 0;
      expect(human.code).toBe(0);
      const lines = human.stderr.split("\n").filter((l) => l.includes("vendor count failed"));
      expect(lines).toHaveLength(1);
      for (const secret of [key, server.apiKey]) expect(human.stdout + human.stderr).not.toContain(secret);
    });
  }

  it("a request that does not fit still exits 1 when the vendor count fails", async () => {
    const big = { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }], max_tokens: 1_000_000 };
    writeFileSync(path.join(dir, "big.json"), JSON.stringify(big));
    const r = await runCliAsync(["estimate", path.join(dir, "big.json"), "--remote-count", "--json"], { env: { ...env(), OPENAI_API_KEY: undefined } });
    expect(r.code).toBe(1);
  });

  it("plain text without --chat and JSONL lines are counted locally, with a note", async () => {
    const r = await runCliAsync(["estimate", path.join(dir, "prompt.txt"), "-m", "gpt-4.1", "--remote-count"], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--remote-count applies to request bodies and --chat text/);
  });
});
