/**
 * A fake OpenAI API on 127.0.0.1 (node:http, port 0) for the request-helper tests. It behaves
 * like the API where tokcost cares: usage in every response (prompt tokens counted the way the
 * API bills them, cached and reasoning tokens when asked), SSE streams for chat, completions and
 * responses (usage chunk only with stream_options.include_usage), and errors in the API's shape
 * (texts from test/reference/openai-api-facts.json): 400 context_length_exceeded, 401
 * invalid/missing key, 429 with Retry-After, 500. Scripted scenarios make the next requests fail,
 * stall or drop the connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { estimateRequest } from "../../src/request/estimate-request.js";
import { kindOfUrl } from "../../src/request/shape.js";
import { MEDIA_KINDS, type RequestKind } from "../../src/request/capabilities.js";
import { measureFormData } from "../../src/request/multipart.js";

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** What the server does with one request (instead of answering normally). */
export interface Scenario {
  /** Error status with an OpenAI error body (or `body`). */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering. */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Stream: wait this long between events. */
  eventDelayMs?: number;
  /** Stream: stop after this many events and hang (never end) — for abort tests. */
  hangAfterEvents?: number;
}

/** Usage overrides, per request (e.g. cached or reasoning tokens). */
export interface UsageOverride {
  cachedTokens?: number;
  reasoningTokens?: number;
  completionTokens?: number;
}

/** Error bodies in the API's shape (openai-api-facts.json). */
export const API_ERRORS = {
  rateLimit: {
    error: {
      message: "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
      type: "requests",
      param: null,
      code: "rate_limit_exceeded",
    },
  },
  server: { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } },
  missingKey: {
    error: {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      type: "invalid_request_error",
      param: null,
      code: null,
    },
  },
  /** A wrong key, echoed as `shown` (masked by the API; some test servers echo it whole on purpose). */
  invalidKey: (shown: string) => ({
    error: {
      message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      param: null,
      code: "invalid_api_key",
    },
  }),
  contextLength: (limit: number, messages: number, completion: number) => ({
    error: {
      message: `This model's maximum context length is ${limit} tokens. However, you requested ${messages + completion} tokens (${messages} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  }),
};

/** The API's masked echo of a wrong key: first 8 characters, stars, last 4. */
export function maskKey(key: string): string {
  return `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

export interface FakeServerOptions {
  /** The key the server accepts (default "sk-test-fake-key-0123456789abcdef"). */
  apiKey?: string;
  /** Completion tokens per choice when max_tokens allows (default 5). */
  completionTokens?: number;
  /** Echo the full wrong key in 401 messages (a misbehaving proxy) instead of masking it. */
  echoKey?: boolean;
}

export class FakeOpenAIServer {
  readonly apiKey: string;
  readonly requests: RecordedRequest[] = [];
  /** Scenarios consumed one per request, in order, before normal handling. */
  readonly queue: Scenario[] = [];
  /** Usage overrides consumed one per successful request. */
  readonly usageQueue: UsageOverride[] = [];
  /** Decides per request; runs when the queue is empty. */
  handler?: (req: RecordedRequest) => Scenario | undefined;
  completionTokens: number;
  echoKey: boolean;
  /** Requests answered successfully (2xx). */
  completed = 0;
  private server!: Server;
  private sockets = new Set<import("node:net").Socket>();
  baseURL = "";
  port = 0;

  constructor(options: FakeServerOptions = {}) {
    this.apiKey = options.apiKey ?? "sk-test-fake-key-0123456789abcdef";
    this.completionTokens = options.completionTokens ?? 5;
    this.echoKey = options.echoKey ?? false;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.baseURL = `http://127.0.0.1:${this.port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests to an endpoint path (e.g. "/v1/chat/completions"). */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString("utf8");
    let body: any = undefined;
    const contentType = String(req.headers["content-type"] ?? "");
    if (contentType.startsWith("multipart/form-data")) {
      // Multipart uploads (image edits, transcriptions): parsed with the platform's own parser, files as { name, type, bytes }.
      const form = await new Request("http://fake.local/", { method: "POST", headers: { "content-type": contentType }, body: raw }).formData();
      body = await measureFormData(form);
    } else {
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
    }
    const path = (req.url ?? "/").split("?")[0];
    const recorded: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, body };
    this.requests.push(recorded);
    const scenario = this.queue.shift() ?? this.handler?.(recorded);
    if (scenario?.delayMs) await sleep(scenario.delayMs);
    if (scenario?.drop) {
      req.socket.destroy();
      return;
    }
    if (scenario?.status) return this.json(res, scenario.status, scenario.body ?? (scenario.status === 429 ? API_ERRORS.rateLimit : API_ERRORS.server), scenario.headers);

    const auth = req.headers.authorization;
    if (!auth) return this.json(res, 401, API_ERRORS.missingKey);
    const key = auth.replace(/^Bearer\s+/i, "");
    if (key !== this.apiKey) {
      const shown = this.echoKey ? key : maskKey(key);
      return this.json(res, 401, API_ERRORS.invalidKey(shown));
    }
    if (req.method === "GET" && path === "/v1/models") return this.json(res, 200, { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "system" }] });
    const mediaKind = kindOfUrl(path);
    if (req.method === "POST" && mediaKind && MEDIA_KINDS.has(mediaKind)) return this.media(res, mediaKind, body);
    const kind = ({ "/v1/chat/completions": "chat", "/v1/completions": "completions", "/v1/responses": "responses", "/v1/embeddings": "embeddings" } as const)[path];
    if (!kind || req.method !== "POST") return this.json(res, 404, { error: { message: `Invalid URL (${req.method} ${path})`, type: "invalid_request_error", param: null, code: null } });

    let promptTokens: number;
    let maxTokens: number | null;
    let contextWindow: number | null;
    let choices: number;
    try {
      const e = estimateRequest(body, { kind });
      promptTokens = e.promptTokens;
      maxTokens = e.maxTokens;
      contextWindow = e.contextWindow;
      choices = Math.max(1, e.breakdown.choices);
    } catch (error) {
      return this.json(res, 400, { error: { message: (error as Error).message, type: "invalid_request_error", param: (error as { param?: string }).param ?? null, code: null } });
    }
    if (contextWindow !== null && promptTokens + (maxTokens ?? 0) > contextWindow) return this.json(res, 400, API_ERRORS.contextLength(contextWindow, promptTokens, maxTokens ?? 0));
    const override = this.usageQueue.shift() ?? {};
    const perChoice = Math.min(override.completionTokens ?? this.completionTokens, maxTokens ?? Number.MAX_SAFE_INTEGER);
    const completionTokens = kind === "embeddings" ? 0 : perChoice * choices;
    const reasoning = Math.min(override.reasoningTokens ?? 0, completionTokens);
    const cached = Math.min(override.cachedTokens ?? 0, promptTokens);
    // Visible text: one " ok" (one token in every encoding) per visible completion token.
    const visible = Math.max(0, perChoice - Math.floor(reasoning / choices));
    const words = Array.from({ length: visible }, (_, i) => (i === 0 ? "ok" : " ok"));
    const model = body.model as string;
    const usageChat = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const usageResponses = {
      input_tokens: promptTokens,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: completionTokens,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: promptTokens + completionTokens,
    };
    const id = `x-${this.requests.length}`;
    const created = 1_763_000_000;
    this.completed += 1;

    if (body.stream === true && kind !== "embeddings")
      return this.stream(res, kind, { id, model, created, words, usageChat, usageResponses, includeUsage: body.stream_options?.include_usage === true, scenario: scenario ?? {} });

    if (kind === "chat") {
      return this.json(res, 200, {
        id: `chatcmpl-${id}`,
        object: "chat.completion",
        created,
        model,
        choices: Array.from({ length: choices }, (_, index) => ({
          index,
          message: { role: "assistant", content: words.join(""), refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: "stop",
        })),
        usage: usageChat,
        service_tier: "default",
        system_fingerprint: "fp_fake",
      });
    }
    if (kind === "completions") {
      return this.json(res, 200, {
        id: `cmpl-${id}`,
        object: "text_completion",
        created,
        model,
        choices: Array.from({ length: choices }, (_, index) => ({ text: words.join(""), index, logprobs: null, finish_reason: "length" })),
        usage: usageChat,
      });
    }
    if (kind === "embeddings") {
      const inputs = Array.isArray(body.input) && typeof body.input[0] !== "number" ? body.input : [body.input];
      return this.json(res, 200, {
        object: "list",
        data: inputs.map((_: unknown, index: number) => ({
          object: "embedding",
          index,
          embedding: body.encoding_format === "base64" ? Buffer.from(new Float32Array([0.0023, -0.0093, 0.0158]).buffer).toString("base64") : [0.0023, -0.0093, 0.0158],
        })),
        model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
    }
    return this.json(res, 200, this.responseObject(id, model, created, words.join(""), usageResponses, "completed"));
  }

  /**
   * Images, speech, transcription and moderation, answered as the API does: gpt-image usage
   * (text and image input tokens, output image tokens), dall-e without usage, speech as audio
   * bytes, whisper usage as `{ type: "duration", seconds }` (from the WAV header), token
   * transcription models with token usage, moderations without usage.
   */
  private media(res: ServerResponse, kind: RequestKind, body: any): void {
    let e: ReturnType<typeof estimateRequest>;
    try {
      e = estimateRequest(body, { kind });
    } catch (error) {
      return this.json(res, 400, { error: { message: (error as Error).message, type: "invalid_request_error", param: (error as { param?: string }).param ?? null, code: null } });
    }
    this.completed += 1;
    const created = 1_763_000_000;
    const n = typeof body.n === "number" ? body.n : 1;
    if (kind === "images" || kind === "image-edits" || kind === "image-variations") {
      const data = Array.from({ length: n }, () => (e.model.startsWith("gpt-image") ? { b64_json: "iVBORw0KGgo=" } : { url: "https://images.example/x.png", revised_prompt: body.prompt ?? null }));
      if (!e.model.startsWith("gpt-image")) return this.json(res, 200, { created, data });
      const image = e.breakdown.images;
      const textTokens = e.promptTokens - image;
      return this.json(res, 200, {
        created,
        data,
        usage: {
          input_tokens: e.promptTokens,
          input_tokens_details: { image_tokens: image, text_tokens: textTokens },
          output_tokens: e.breakdown.completionTokens,
          output_tokens_details: { image_tokens: e.breakdown.completionTokens, text_tokens: 0 },
          total_tokens: e.promptTokens + e.breakdown.completionTokens,
        },
      });
    }
    if (kind === "speech") {
      res.writeHead(200, { "content-type": "audio/mpeg", "x-request-id": `req_${this.requests.length}` });
      res.end(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]));
      return;
    }
    if (kind === "transcriptions" || kind === "translations") {
      const minutes = e.breakdown.media?.quantity ?? 0;
      if (body.model === "whisper-1") return this.json(res, 200, { text: "ok ok ok", usage: { type: "duration", seconds: Math.ceil(minutes * 60) } });
      return this.json(res, 200, {
        text: "ok ok ok",
        usage: { type: "tokens", input_tokens: 17 + e.promptTokens, input_token_details: { text_tokens: e.promptTokens, audio_tokens: 17 }, output_tokens: 3, total_tokens: 20 + e.promptTokens },
      });
    }
    return this.json(res, 200, { id: "modr-fake", model: e.model, results: [{ flagged: false, categories: {}, category_scores: {} }] });
  }

  private responseObject(id: string, model: string, created: number, text: string, usage: unknown, status: string) {
    return {
      id: `resp_${id}`,
      object: "response",
      created_at: created,
      status,
      model,
      output: status === "completed" ? [{ type: "message", id: `msg_${id}`, status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] }] : [],
      usage: status === "completed" ? usage : null,
      error: null,
      incomplete_details: null,
    };
  }

  private async stream(
    res: ServerResponse,
    kind: "chat" | "completions" | "responses",
    o: { id: string; model: string; created: number; words: string[]; usageChat: unknown; usageResponses: unknown; includeUsage: boolean; scenario: Scenario },
  ): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-request-id": `req_${o.id}` });
    res.flushHeaders();
    const events: string[] = [];
    if (kind === "chat") {
      const chunk = (delta: unknown, finish: string | null) => ({
        id: `chatcmpl-${o.id}`,
        object: "chat.completion.chunk",
        created: o.created,
        model: o.model,
        system_fingerprint: "fp_fake",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(o.includeUsage ? { usage: null } : {}),
      });
      events.push(`data: ${JSON.stringify(chunk({ role: "assistant", content: "", refusal: null }, null))}\n\n`);
      for (const w of o.words) events.push(`data: ${JSON.stringify(chunk({ content: w }, null))}\n\n`);
      events.push(`data: ${JSON.stringify(chunk({}, "stop"))}\n\n`);
      if (o.includeUsage)
        events.push(
          `data: ${JSON.stringify({ id: `chatcmpl-${o.id}`, object: "chat.completion.chunk", created: o.created, model: o.model, system_fingerprint: "fp_fake", choices: [], usage: o.usageChat })}\n\n`,
        );
      events.push("data: [DONE]\n\n");
    } else if (kind === "completions") {
      const chunk = (text: string, finish: string | null) => ({
        id: `cmpl-${o.id}`,
        object: "text_completion",
        created: o.created,
        model: o.model,
        choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
        ...(o.includeUsage ? { usage: null } : {}),
      });
      for (const w of o.words) events.push(`data: ${JSON.stringify(chunk(w, null))}\n\n`);
      events.push(`data: ${JSON.stringify(chunk("", "length"))}\n\n`);
      if (o.includeUsage) events.push(`data: ${JSON.stringify({ id: `cmpl-${o.id}`, object: "text_completion", created: o.created, model: o.model, choices: [], usage: o.usageChat })}\n\n`);
      events.push("data: [DONE]\n\n");
    } else {
      let seq = 0;
      const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
      events.push(ev("response.created", { response: this.responseObject(o.id, o.model, o.created, "", null, "in_progress") }));
      for (const w of o.words) events.push(ev("response.output_text.delta", { item_id: `msg_${o.id}`, output_index: 0, content_index: 0, delta: w }));
      events.push(ev("response.completed", { response: this.responseObject(o.id, o.model, o.created, o.words.join(""), o.usageResponses, "completed") }));
    }
    let sent = 0;
    for (const e of events) {
      if (o.scenario.hangAfterEvents !== undefined && sent >= o.scenario.hangAfterEvents) return; // keep the connection open, send nothing more
      if (res.destroyed) return;
      res.write(e);
      sent += 1;
      if (o.scenario.eventDelayMs) await sleep(o.scenario.eventDelayMs);
    }
    res.end();
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (status >= 200 && status < 300) {
      // counted in handle()
    }
    res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${this.requests.length}`, ...headers });
    res.end(JSON.stringify(body));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a fake server; remember to `await server.close()`. */
export async function startFakeOpenAI(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  return new FakeOpenAIServer(options).start();
}
