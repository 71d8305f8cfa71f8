/**
 * Recognising what a parsed JSON value is — a request body (and for which endpoint), a Batch API
 * line, a fine-tuning example — by its shape alone. No schemas (no zod), so deciding whether a
 * file is a request costs nothing for the commands that only count text.
 */
import type { RequestKind } from "./capabilities.js";

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The URL path of each endpoint (as in a Batch API line's `url`). */
export const ENDPOINT_URLS: Readonly<Record<RequestKind, string>> = {
  chat: "/v1/chat/completions",
  completions: "/v1/completions",
  responses: "/v1/responses",
  embeddings: "/v1/embeddings",
};

/** The endpoint of a Batch API `url`, or undefined for an endpoint tokcost does not model. */
export function kindOfUrl(url: string): RequestKind | undefined {
  const path = url.split("?")[0].replace(/\/+$/, "");
  for (const [kind, endpoint] of Object.entries(ENDPOINT_URLS)) if (path === endpoint) return kind as RequestKind;
  return undefined;
}

/**
 * Recognises the endpoint of a request body by its shape: `messages` → chat, `prompt` →
 * completions, `input` with an embedding model or embedding-only fields → embeddings, `input` or
 * `instructions` → responses. Returns undefined when the body looks like none of them.
 */
export function detectRequestKind(body: unknown): RequestKind | undefined {
  if (!isPlainObject(body)) return undefined;
  if ("messages" in body) return "chat";
  if ("prompt" in body && !("input" in body)) return "completions";
  if ("input" in body || "instructions" in body) {
    const model = typeof body.model === "string" ? body.model : "";
    if ("dimensions" in body || "encoding_format" in body || /embedding/i.test(model)) return "embeddings";
    return "responses";
  }
  if ("suffix" in body || "best_of" in body || "echo" in body) return "completions";
  return undefined;
}

/** Does a parsed JSONL line look like a chat fine-tuning example (and not a request body)? */
export function isFineTuningExample(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "messages" in value && !("model" in value);
}

/** Is this parsed JSON value a Batch API input line? */
export function isBatchLine(value: unknown): boolean {
  return isPlainObject(value) && "custom_id" in value && "body" in value && ("url" in value || "method" in value);
}
