/**
 * Recognising what a parsed JSON value is — a request body (and for which endpoint), a Batch API
 * line, a fine-tuning example — by its shape alone. No schemas (no zod), so deciding whether a
 * file is a request costs nothing for the commands that only count text.
 *
 * ENDPOINT_URLS is the one table of endpoint paths: validation, batch lines, the check gate,
 * createClient and guardFetch all read it through {@link endpointOfUrl} / {@link kindOfUrl}.
 */
import type { RequestKind } from "./capabilities.js";

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Is this parsed JSON value a bare conversation — a non-empty array of chat messages (objects
 * with a string `role`), as apps save a history? Every surface (estimate, count --chat, check)
 * reads such an array as a chat request's `messages` by this one rule.
 */
export function isMessageArray(value: unknown): value is Array<{ role: string; [key: string]: unknown }> {
  return Array.isArray(value) && value.length > 0 && value.every((m) => isPlainObject(m) && typeof m.role === "string");
}

/** The URL path of each endpoint (as in a Batch API line's `url`). */
export const ENDPOINT_URLS: Readonly<Record<RequestKind, string>> = {
  chat: "/v1/chat/completions",
  completions: "/v1/completions",
  responses: "/v1/responses",
  embeddings: "/v1/embeddings",
  images: "/v1/images/generations",
  "image-edits": "/v1/images/edits",
  "image-variations": "/v1/images/variations",
  speech: "/v1/audio/speech",
  transcriptions: "/v1/audio/transcriptions",
  translations: "/v1/audio/translations",
  moderations: "/v1/moderations",
};

/**
 * Legacy engine paths from the text-davinci era: `/v1/engines/{engine}/completions` and
 * `/v1/engines/{engine}/embeddings` — the engine in the path is the model.
 */
const ENGINE_PATH = /\/engines\/([^/]+)\/(completions|embeddings)$/;

/** Endpoint paths without the version prefix, longest first (so `/chat/completions` wins over `/completions`). */
const SUFFIXES = (Object.entries(ENDPOINT_URLS) as Array<[RequestKind, string]>).map(([kind, url]) => [kind, url.replace(/^\/v1/, "")] as const).sort((a, b) => b[1].length - a[1].length);

/** The path of a URL or path, without query, fragment or trailing slashes. */
function pathOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0];
  }
  return path.replace(/\/+$/, "");
}

/** An endpoint a URL posts to: its kind, and the model when the path names it (legacy engines). */
export interface UrlEndpoint {
  kind: RequestKind;
  /** The engine of a legacy `/v1/engines/{engine}/…` path. */
  model?: string;
}

/**
 * The endpoint of a URL. `exact` (Batch API lines) wants the path itself (`/v1/chat/completions`);
 * otherwise the path may sit under any base URL (`https://proxy/openai/v1/chat/completions`).
 */
export function endpointOfUrl(url: string, options: { exact?: boolean } = {}): UrlEndpoint | undefined {
  const path = pathOf(url);
  const engine = ENGINE_PATH.exec(path);
  if (engine && (!options.exact || path === `/v1/engines/${engine[1]}/${engine[2]}`)) {
    let model = engine[1];
    try {
      model = decodeURIComponent(model);
    } catch {
      // keep it as written
    }
    return { kind: engine[2] as RequestKind, model };
  }
  for (const [kind, suffix] of SUFFIXES) {
    if (options.exact ? path === `/v1${suffix}` : path.endsWith(suffix)) return { kind };
  }
  return undefined;
}

/** The endpoint of a Batch API `url`, or undefined for an endpoint tokcost does not model. */
export function kindOfUrl(url: string): RequestKind | undefined {
  return endpointOfUrl(url, { exact: true })?.kind;
}

const IMAGE_MODEL = /^(dall-e|gpt-image|chatgpt-image)/i;
const SPEECH_MODEL = /^tts-|-tts($|-)/i;
const TRANSCRIBE_MODEL = /whisper|transcribe/i;
const MODERATION_MODEL = /moderation/i;
/** Fields only the Images API has. */
const IMAGE_FIELDS = ["size", "quality", "style", "response_format", "background", "output_format", "output_compression", "moderation", "partial_images", "input_fidelity"];

/**
 * Recognises the endpoint of a request body by its shape: `messages` → chat; an image model or
 * image-only fields → images (with `image`/`images`/`mask` → edits, an image without a prompt →
 * variations); `voice` or a speech model → speech; `file` → transcriptions; a moderation model,
 * or a bare `{ input }` → moderations; `prompt` → completions; `input` with an embedding model or
 * embedding-only fields → embeddings; `input` or `instructions` → responses. Returns undefined
 * when the body looks like none of them.
 */
export function detectRequestKind(body: unknown): RequestKind | undefined {
  if (!isPlainObject(body)) return undefined;
  if ("messages" in body) return "chat";
  const model = typeof body.model === "string" ? body.model : "";
  const hasImage = "image" in body || "images" in body || "mask" in body;
  if (
    IMAGE_MODEL.test(model) ||
    ((typeof body.prompt === "string" || hasImage) && !("input" in body) && IMAGE_FIELDS.some((f) => f in body) && !("max_tokens" in body)) ||
    (hasImage && !("input" in body))
  ) {
    if (hasImage) return "prompt" in body ? "image-edits" : "image-variations";
    return "images";
  }
  if ("voice" in body || (SPEECH_MODEL.test(model) && "input" in body)) return "speech";
  if ("file" in body && !("input" in body) && !("messages" in body)) return "transcriptions";
  if (TRANSCRIBE_MODEL.test(model) && !("input" in body)) return "transcriptions";
  if (MODERATION_MODEL.test(model)) return "moderations";
  if ("prompt" in body && !("input" in body)) return "completions";
  if ("input" in body || "instructions" in body) {
    if ("dimensions" in body || "encoding_format" in body || /embedding/i.test(model)) return "embeddings";
    // { input } alone (no model, no instructions): the Moderations API's shape (its model is optional).
    if (Object.keys(body).every((k) => k === "input")) return "moderations";
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
