import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient } from "../src/request/client.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";
import { errorRenderings } from "./helpers/secrets.js";

// Two kinds of key: an OpenAI-style "sk-" key, and a gateway token the generic patterns would miss.
const KEYS = ["sk-proj-SECRETsecret0123456789abcdefXYZ", "gw_live_9f8e7d6c5b4a3210fedcba"];
const servers: FakeOpenAIServer[] = [];
beforeAll(async () => {
  // echoKey: a misbehaving proxy that puts the whole key into its 401 message.
  for (const k of KEYS) servers.push(await startFakeOpenAI({ apiKey: k, echoKey: true }));
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };

describe("the API key never appears in output or errors", () => {
  for (const [i, key] of KEYS.entries()) {
    it(`failure paths: 401, 429, timeout, network error, invalid request (key ${i + 1})`, async () => {
      const server = servers[i];
      const written: string[] = [];
      const spies = [
        vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => (written.push(String(chunk)), true)),
        vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => (written.push(String(chunk)), true)),
        ...(["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(" ")))),
      ];
      const rendered: string[] = [];
      const errors: unknown[] = [];
      const capture = (p: Promise<unknown>) =>
        p.then(
          () => errors.push(new Error("expected a failure")),
          (e) => errors.push(e),
        );
      try {
        const opts = { baseURL: server.baseURL, retry: { initialDelayMs: 1, maxDelayMs: 2 }, onRequest: (r: unknown) => rendered.push(JSON.stringify(r)) };
        // 401: the proxy echoes the key the request carried
        const wrong = `${key}-WRONG`;
        await capture(createClient({ ...opts, apiKey: wrong, maxRetries: 0 }).chat.completions.create(body));
        // 429 whose message quotes the Authorization header, after retries
        server.queue.push(
          ...[0, 1, 2].map(() => ({
            status: 429,
            body: { error: { message: `Rate limited for Authorization: Bearer ${key} (key ${key})`, type: "requests", param: null, code: "rate_limit_exceeded" } },
          })),
        );
        await capture(createClient({ ...opts, apiKey: key, maxRetries: 2 }).chat.completions.create(body));
        // timeout
        server.queue.push({ delayMs: 1_000 });
        await capture(createClient({ ...opts, apiKey: key, maxRetries: 0, timeoutMs: 50 }).chat.completions.create(body));
        // network error
        const closed = await startFakeOpenAI();
        const deadURL = closed.baseURL;
        await closed.close();
        await capture(createClient({ ...opts, baseURL: deadURL, apiKey: key, maxRetries: 1 }).chat.completions.create(body));
        // invalid request (refused before sending)
        await capture(createClient({ ...opts, apiKey: key }).chat.completions.create({ ...body, temperature: 5 }));
      } finally {
        for (const s of spies) s.mockRestore();
      }
      expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["API_ERROR", "API_ERROR", "TIMEOUT", "NETWORK_ERROR", "INVALID_REQUEST"]);
      expect((errors[0] as Error).message).toContain("Incorrect API key provided: [REDACTED]");
      expect((errors[1] as Error).message).toContain("Bearer [REDACTED]");
      const everything = [...errors.map(errorRenderings), ...written, ...rendered].join("\n");
      expect(everything).not.toContain(key);
      expect(rendered.length).toBeGreaterThan(0);
      expect(rendered.every((r) => r.includes('"authorization":"Bearer [REDACTED]"'))).toBe(true);
      // the key did reach the server, so the check above is not vacuous
      expect(server.requests.some((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
    });
  }
});
