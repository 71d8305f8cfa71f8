/**
 * Issue 14 item 3: credentials in the base URL (user:password@, ?api-key=) and in auth-like
 * headers (api-key, x-api-key, x-goog-api-key) never reach an error, its stack, its JSON or a hook.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, type RenderedRequest } from "../../src/request/client.js";
import { redactHeaders, redactSecrets } from "../../src/errors.js";
import { errorRenderings } from "../helpers/secrets.js";

const SECRET = "hunter2SECRETpw";
const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

afterEach(() => vi.unstubAllEnvs());

describe("base URLs with credentials", () => {
  it("OPENAI_BASE_URL with user:password@ is refused, and the message does not repeat it", () => {
    vi.stubEnv("OPENAI_BASE_URL", `http://user:${SECRET}@127.0.0.1:9/v1`);
    const error = thrown(() => createClient({ apiKey: "sk-test-0123456789abcdef" }));
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("OPENAI_BASE_URL: must not contain credentials") });
    expect(errorRenderings(error)).not.toContain(SECRET);
    expect(errorRenderings(error)).not.toContain("127.0.0.1");
  });

  it("baseURL with only a user name is refused too", () => {
    const error = thrown(() => createClient({ apiKey: "sk-test-0123456789abcdef", baseURL: `https://${SECRET}@example.com/v1` }));
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(errorRenderings(error)).not.toContain(SECRET);
  });

  it("a ?api-key= in the base URL is redacted from network errors and the onRequest hook; the path goes before the query", async () => {
    const seen: string[] = [];
    const rendered: RenderedRequest[] = [];
    const fetch = (async (url: string) => {
      seen.push(url);
      throw new TypeError(`fetch failed for ${url}`, { cause: new Error(`connect ECONNREFUSED ${url}`) });
    }) as unknown as typeof globalThis.fetch;
    const client = createClient({
      apiKey: "sk-test-0123456789abcdef",
      baseURL: `https://example.com/openai?api-version=2024-10-21&api-key=${SECRET}`,
      fetch,
      maxRetries: 0,
      onRequest: (r) => rendered.push(r),
    });
    const error = await client.chat.completions.create(body).catch((e: unknown) => e);
    expect(seen[0]).toBe(`https://example.com/openai/chat/completions?api-version=2024-10-21&api-key=${SECRET}`);
    expect(error).toMatchObject({ code: "NETWORK_ERROR" });
    expect(errorRenderings(error)).not.toContain(SECRET);
    expect(JSON.stringify(rendered)).not.toContain(SECRET);
    expect(rendered[0].url).toContain("api-version=2024-10-21");
  });
});

describe("credential headers", () => {
  it("api-key, x-api-key and x-goog-api-key are redacted in the onRequest hook and in errors", async () => {
    const rendered: RenderedRequest[] = [];
    const fetch = (async () =>
      new Response(JSON.stringify({ error: { message: `bad key ${SECRET}-1 / ${SECRET}-2 / ${SECRET}-3`, type: "invalid_request_error", param: null, code: null } }), {
        status: 401,
      })) as unknown as typeof globalThis.fetch;
    const client = createClient({
      apiKey: "sk-test-0123456789abcdef",
      baseURL: "https://example.com/v1",
      fetch,
      maxRetries: 0,
      headers: { "api-key": `${SECRET}-1`, "X-Api-Key": `${SECRET}-2` },
      onRequest: (r) => rendered.push(r),
    });
    const error = await client.chat.completions.create(body, { headers: { "x-goog-api-key": `${SECRET}-3` } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_ERROR" });
    expect(errorRenderings(error)).not.toContain(SECRET);
    expect(rendered[0].headers).toMatchObject({
      "api-key": "[REDACTED]",
      "X-Api-Key": "[REDACTED]",
      "x-goog-api-key": "[REDACTED]",
      authorization: "Bearer [REDACTED]",
      "content-type": "application/json",
    });
    expect(JSON.stringify(rendered)).not.toContain(SECRET);
  });

  it("redactHeaders and redactSecrets cover the common credential spellings", () => {
    expect(redactHeaders({ Authorization: "Bearer abc", "Proxy-Authorization": "Basic xyz", "x-request-id": "r1" })).toEqual({
      Authorization: "Bearer [REDACTED]",
      "Proxy-Authorization": "[REDACTED]",
      "x-request-id": "r1",
    });
    const text = `GET https://u:${SECRET}@h/v1?key=${SECRET}&api-key=${SECRET}&access_token=${SECRET} "x-goog-api-key": "${SECRET}" api-key: ${SECRET}`;
    expect(redactSecrets(text)).not.toContain(SECRET);
    expect(redactSecrets("https://api.openai.com/v1/chat/completions?api-version=1&max_tokens=5")).toBe("https://api.openai.com/v1/chat/completions?api-version=1&max_tokens=5");
  });
});
