/**
 * createClient(): a thin OpenAI request helper. Every call is pre-flighted (valid, fits, within
 * budget), sent with the global `fetch`, retried on 429/5xx, and metered: the API's JSON comes
 * back unchanged, with tokcost's estimate and the actual cost attached as a non-enumerable
 * `tokcost` property (so `JSON.stringify(response)` is exactly what the API sent).
 *
 * Portable: no Node APIs. `OPENAI_API_KEY` / `OPENAI_BASE_URL` are read through a guarded
 * `globalThis.process?.env`, so the same code runs in browsers and edge workers (pass `apiKey`
 * there). For a file ledger (`ledger: "spend.json"`) use `createClient` from `tokcost/node`.
 */
import { z } from "zod";
import { InvalidRequestError, TokcostError, UsageError, redactHeaders, redactSecrets, secretsOfHeaders, secretsOfUrl } from "../errors.js";
import type { PricingTable } from "../pricing/table.js";
import type { BudgetLimits, BudgetStore, Ledger } from "./budget.js";
import { MEDIA_KINDS, MULTIPART_KINDS, type RequestKind } from "./capabilities.js";
import { readCapped } from "./body.js";
import { ENDPOINT_URLS } from "./shape.js";
import { measureFileFields, toFormData } from "./multipart.js";
import { settleMediaResponse } from "./media-usage.js";
import { ApiError, InvalidResponseError, MissingApiKeyError, NetworkError, RequestAbortedError, RequestTimeoutError, describeFetchFailure, parseApiErrorBody } from "./http-errors.js";
import { Meter, readUsage, StreamMeter, StreamOverrunError, type CallRecord, type MeteredCall, type MeterHooks, type BudgetReporter, type UsageTokens } from "./meter.js";
import { preflight, type PreflightOptions, type PreflightResult } from "./preflight.js";
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableStatus, retryAfterMs, sleep, type RetryPolicy } from "./retry.js";
import { SseParser } from "./sse.js";

/** A JSON object as the API returns it. */
export type ApiJson = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What tokcost attaches to every response: the estimate, the budget reservation and the actual cost. */
export interface CallReport {
  /** Call id (also the reservation id in the ledger). */
  id: string;
  /** The pre-flight estimate (with its worst case). */
  estimate: PreflightResult;
  /** Normalised usage from the response, or null. */
  usage: UsageTokens | null;
  /** Estimate vs actual for this call. */
  record: CallRecord;
  /** Attempts made (1 + retries). */
  attempts: number;
}

/** A response: the API's JSON, unchanged, plus a non-enumerable `tokcost` report. */
export type Metered<T extends ApiJson = ApiJson> = T & { readonly tokcost: CallReport };

/** A request as tokcost renders it to hooks: credential headers and query parameters are always redacted. */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  attempt: number;
}

/** Options of {@link createClient}. */
export interface ClientOptions extends MeterHooks {
  /** API key (default: the OPENAI_API_KEY environment variable). Never printed or logged. */
  apiKey?: string;
  /** Base URL (default: OPENAI_BASE_URL or https://api.openai.com/v1). Any OpenAI-compatible proxy or gateway. */
  baseURL?: string;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /**
   * Per-attempt timeout in ms (default 600000). For streams it covers the wait for the response
   * headers, then each wait for the next event (keepalive comments do not count as events).
   */
  timeoutMs?: number;
  /** A deadline for the whole call in ms, retries and the whole stream included (default: none). */
  totalTimeoutMs?: number;
  /**
   * The largest response body read, in bytes (default 64 MiB). A larger 200 is not read further:
   * the call is settled at its worst case and fails with INVALID_RESPONSE.
   */
  maxResponseBytes?: number;
  /** Retries on 429, 5xx and network errors (default 2). */
  maxRetries?: number;
  /** Backoff tuning (initialDelayMs, maxDelayMs, maxRetryAfterMs). */
  retry?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /** Budget shared by every call of this client. */
  budget?: BudgetLimits;
  /** Where budget state lives (default in memory). `tokcost/node`'s createClient also accepts a file path. */
  ledger?: Ledger;
  /** Where budget state lives as a BudgetStore (e.g. `createRedisBudgetStore` from `tokcost/redis`, shared by a fleet); takes precedence over `ledger`. */
  store?: BudgetStore;
  /** Pricing table (default: bundled). */
  pricing?: PricingTable;
  /** fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Extra pre-flight options, e.g. `{ encoding: "o200k_base" }` for a model the table does not know. */
  preflight?: Omit<PreflightOptions, "budget" | "pricing" | "table" | "kind" | "validated">;
  /** Called before each attempt with the request as sent — credentials (Authorization, api-key, x-api-key, x-goog-api-key, `?api-key=`) redacted. */
  onRequest?: (request: RenderedRequest) => void;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call (and the stream). */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
  /** Overrides the client's totalTimeoutMs for this call. */
  totalTimeoutMs?: number;
  /** Overrides the client's maxRetries for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

type Body = ApiJson;
type StreamBody = Body & { stream: true };

/** One endpoint: `create(body)` for JSON, `create({ ...body, stream: true })` for a stream. */
export interface Endpoint {
  create(body: StreamBody, options?: CallOptions): Promise<TokcostStream>;
  create(body: Body, options?: CallOptions): Promise<Metered>;
}

/** A media endpoint: one call, JSON in (files as Blob, File or bytes for multipart endpoints), the API's answer out. */
export type MediaEndpoint<T extends ApiJson = ApiJson> = (body: Body, options?: CallOptions) => Promise<Metered<T>>;

/** What `audio.speech.create` returns: the audio bytes the API sent, and their content type. */
export interface SpeechAudio {
  data: Uint8Array;
  contentType: string;
}

/** The client returned by {@link createClient}. */
export interface TokcostClient extends BudgetReporter {
  chat: { completions: Endpoint };
  completions: Endpoint;
  responses: Endpoint;
  embeddings: Endpoint;
  /** /images/generations, /images/edits (multipart), /images/variations (multipart). */
  images: { generate: MediaEndpoint; edit: MediaEndpoint; createVariation: MediaEndpoint };
  /** /audio/speech (returns the audio bytes), /audio/transcriptions and /audio/translations (multipart). */
  audio: { speech: { create: MediaEndpoint<SpeechAudio> }; transcriptions: { create: MediaEndpoint }; translations: { create: MediaEndpoint } };
  /** /moderations. */
  moderations: { create: MediaEndpoint };
  /** Pre-flights a body with this client's pricing and budget, without sending it. */
  preflight(body: unknown): PreflightResult;
  /** The base URL in use. */
  readonly baseURL: string;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** The largest response body createClient reads by default (64 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Reads an environment variable where one exists (Node, Deno, Bun); undefined in browsers. */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Paths under the base URL, from the one endpoint table (shape.ts). */
const PATHS = Object.fromEntries(Object.entries(ENDPOINT_URLS).map(([kind, url]) => [kind, url.replace(/^\/v1/, "")])) as Record<RequestKind, string>;

/** Signals for one attempt: the caller's signal and a timeout, told apart when they fire. */
function attemptSignal(user: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void; clearTimer: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new RequestTimeoutError(timeoutMs));
  }, timeoutMs);
  const onAbort = () => controller.abort(new RequestAbortedError());
  if (user?.aborted) onAbort();
  else user?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clearTimer: () => clearTimeout(timer),
    clear: () => {
      clearTimeout(timer);
      user?.removeEventListener("abort", onAbort);
    },
  };
}

function attach<T extends ApiJson>(json: T, report: CallReport): Metered<T> {
  Object.defineProperty(json, "tokcost", { value: report, enumerable: false, configurable: true });
  return json as Metered<T>;
}

// Options come from JavaScript callers too: scalars are checked once, so a typo fails at once
// with the field's name instead of at the first request (functions, ledgers and tables pass).
const HTTP_URL = /^https?:\/\/[^\s/]+/i;
/** The longest delay a timer can wait (2^31 − 1 ms, ~24.8 days): longer ones fire at once (Node clamps them to 1 ms). */
export const MAX_TIMEOUT_MS = 2_147_483_647;
const timeout = z.number().positive().finite().max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days): a longer timer would fire at once`);
const retries = z.number().int().nonnegative();
const stringRecord = z.record(z.string(), z.string());
const clientOptionsSchema = z.looseObject({
  apiKey: z.string().optional(), // "" is a missing key: the first call says to set OPENAI_API_KEY
  baseURL: z.string().optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
  headers: stringRecord.optional(),
  timeoutMs: timeout.optional(),
  totalTimeoutMs: timeout.optional(),
  maxResponseBytes: z.number().int().positive().optional(),
  maxRetries: retries.optional(),
  retry: z.looseObject({ initialDelayMs: z.number().nonnegative().optional(), maxDelayMs: z.number().nonnegative().optional(), maxRetryAfterMs: z.number().nonnegative().optional() }).optional(),
});
const callOptionsSchema = z.looseObject({ timeoutMs: timeout.optional(), totalTimeoutMs: timeout.optional(), maxRetries: retries.optional(), headers: stringRecord.optional() });

/** @throws UsageError naming the option (`createClient: timeoutMs: …`); never echoes values (an API key could be one). */
function checkOptions(schema: z.ZodType, options: unknown, where: string): void {
  const parsed = schema.safeParse(options);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  throw new UsageError(`${where}: ${issue.path.join(".") || "options"}: ${issue.message}`);
}

/**
 * The base URL to send to: an absolute http(s) URL without credentials in it. A user:password
 * would be sent on every request and printed by every error that quotes the URL, so it is
 * refused — and the message never repeats the URL.
 * @throws UsageError naming where the URL came from.
 */
function checkBaseURL(raw: string, where: string): string {
  const baseURL = raw.replace(/\/+$/, "");
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseURL);
  } catch {
    parsed = undefined;
  }
  if (!HTTP_URL.test(baseURL) || !parsed) throw new UsageError(`${where}: must be an absolute http(s) URL such as https://api.openai.com/v1`);
  if (parsed.username || parsed.password)
    throw new UsageError(`${where}: must not contain credentials (user:password@host; not shown here): pass the key as apiKey or OPENAI_API_KEY, or a header with headers`);
  return baseURL;
}

/** `path` appended to the base URL's path, before its query string (`…/v1?api-version=x`). */
function endpointUrl(baseURL: string, path: string): string {
  const query = baseURL.search(/[?#]/);
  return query < 0 ? `${baseURL}${path}` : `${baseURL.slice(0, query).replace(/\/+$/, "")}${path}${baseURL.slice(query)}`;
}

/**
 * The body of an answered (2xx) call, read up to `maxResponseBytes`. When it cannot be read (too
 * large, aborted, timed out, broken off) the call is settled at its worst case — it may have been
 * billed — and the failure thrown.
 */
async function readAnsweredBody(
  response: Response,
  metered: MeteredCall,
  options: { maxResponseBytes: number; timeoutMs: number; signal?: AbortSignal; sig: { timedOut(): boolean; clear(): void }; secrets: readonly string[] },
): Promise<Uint8Array> {
  const { maxResponseBytes, secrets } = options;
  try {
    const capped = await readCapped(response.body, maxResponseBytes);
    if (capped.over) {
      await metered.settleAtReservation(`the response body is larger than maxResponseBytes (${maxResponseBytes} bytes) and was not read`);
      throw new InvalidResponseError(`the response body is larger than ${maxResponseBytes} bytes (maxResponseBytes); it was not read and the call was settled at its worst case`, secrets);
    }
    return capped.bytes;
  } catch (error) {
    // The read may fail with the abort's own reason (a tokcost timeout error): map it like any other.
    if (error instanceof InvalidResponseError) throw error;
    const failure = options.signal?.aborted
      ? new RequestAbortedError()
      : options.sig.timedOut()
        ? new RequestTimeoutError(options.timeoutMs)
        : new NetworkError(`the response broke off after its headers: ${describeFetchFailure(error, secrets)}`, secrets);
    await metered.settleAtReservation(`the response body could not be read (${failure.message})`);
    throw failure;
  } finally {
    options.sig.clear();
  }
}

/**
 * Creates a request helper for the OpenAI API (or any compatible proxy).
 *
 * @example
 * const client = createClient({ budget: { usd: 1 } });
 * const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 });
 * res.choices[0].message.content;   // the API's JSON, unchanged
 * res.tokcost.record.actual?.usd;   // what it cost, from usage
 * client.remaining();               // { usd: 0.99…, tokens: null }
 */
export function createClient(options: ClientOptions = {}): TokcostClient {
  checkOptions(clientOptionsSchema, options, "createClient");
  const baseURL = checkBaseURL(options.baseURL ?? readEnv("OPENAI_BASE_URL") ?? DEFAULT_BASE_URL, options.baseURL === undefined ? "OPENAI_BASE_URL" : "createClient: baseURL");
  const urlSecrets = secretsOfUrl(baseURL);
  const meter = new Meter({ budget: options.budget, ledger: options.ledger, store: options.store, pricing: options.pricing, onEstimate: options.onEstimate, onUsage: options.onUsage });
  const policyBase: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries };
  const defaultTimeout = options.timeoutMs ?? 600_000;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  const apiKeyNow = (): string => {
    const key = options.apiKey ?? readEnv("OPENAI_API_KEY");
    if (!key) throw new MissingApiKeyError();
    return key;
  };

  async function call(kind: RequestKind, body: Body, callOptions: CallOptions = {}): Promise<Metered | TokcostStream> {
    checkOptions(callOptionsSchema, callOptions, "create");
    const apiKey = apiKeyNow();
    const secrets = [apiKey, ...urlSecrets, ...secretsOfHeaders(options.headers), ...secretsOfHeaders(callOptions.headers)];
    if (callOptions.signal?.aborted) throw new RequestAbortedError();
    const multipart = MULTIPART_KINDS.has(kind);
    const measured = multipart ? await measureFileFields(body) : body;
    const estimate = preflight(measured, { ...options.preflight, kind, pricing: meter.pricing });
    const streaming = body.stream === true && !MEDIA_KINDS.has(kind);
    const sent: Body = streaming && (kind === "chat" || kind === "completions") ? { ...body, stream_options: { ...(body.stream_options ?? {}), include_usage: true } } : body;
    const metered = await meter.open(estimate);
    const policy = { ...policyBase, maxRetries: callOptions.maxRetries ?? policyBase.maxRetries };
    const totalTimeoutMs = callOptions.totalTimeoutMs ?? options.totalTimeoutMs;
    const deadline = totalTimeoutMs === undefined ? undefined : Date.now() + totalTimeoutMs;
    // Each attempt waits at most timeoutMs, and never past the deadline of the whole call.
    const attemptTimeout = () => {
      const base = callOptions.timeoutMs ?? defaultTimeout;
      return deadline === undefined ? base : Math.max(1, Math.min(base, deadline - Date.now()));
    };
    let timeoutMs: number;
    const url = endpointUrl(baseURL, PATHS[kind]);
    const headers: Record<string, string> = {
      // multipart: fetch sets the content type with its boundary
      ...(multipart ? {} : { "content-type": "application/json" }),
      accept: streaming ? "text/event-stream" : kind === "speech" ? "*/*" : "application/json",
      ...options.headers,
      ...callOptions.headers,
      authorization: `Bearer ${apiKey}`,
    };
    if (options.organization) headers["openai-organization"] = options.organization;
    if (options.project) headers["openai-project"] = options.project;
    const payload: string | FormData = multipart ? toFormData(sent) : JSON.stringify(sent);
    const doFetch = options.fetch ?? globalThis.fetch;
    let attempt = 0;
    try {
      for (;;) {
        attempt += 1;
        if (options.onRequest) options.onRequest({ method: "POST", url: redactSecrets(url, secrets), headers: redactHeaders(headers), attempt });
        timeoutMs = attemptTimeout();
        const sig = attemptSignal(callOptions.signal, timeoutMs);
        let response: Response;
        try {
          // Redirects are not followed: a Location on another host would receive the key and every header.
          response = await doFetch(url, { method: "POST", headers, body: payload, signal: sig.signal, redirect: "manual" });
        } catch (error) {
          sig.clear();
          if (callOptions.signal?.aborted) throw new RequestAbortedError();
          if (sig.timedOut()) throw new RequestTimeoutError(timeoutMs);
          if (attempt <= policy.maxRetries) {
            await sleep(backoffDelay(attempt - 1, policy), callOptions.signal);
            continue;
          }
          throw new NetworkError(describeFetchFailure(error, secrets), secrets);
        }
        if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
          sig.clear();
          void response.body?.cancel().catch(() => undefined);
          throw new ApiError(
            response.status || 302,
            {
              message: `the server answered with a redirect (HTTP ${response.status || "3xx"}); tokcost does not follow redirects, so the key and headers never reach another host: set baseURL to the address it redirects to`,
              type: null,
              param: null,
              code: null,
            },
            { attempts: attempt, secrets },
          );
        }
        if (!response.ok) {
          let text = "";
          try {
            // an error body is a short JSON object: read at most 1 MiB of it
            const capped = await readCapped(response.body, 1 << 20);
            text = new TextDecoder().decode(capped.bytes);
          } catch {
            // body unreadable: the status is all there is
          } finally {
            sig.clear();
          }
          if (callOptions.signal?.aborted) throw new RequestAbortedError();
          if (isRetryableStatus(response.status, response.headers) && attempt <= policy.maxRetries) {
            await sleep(backoffDelay(attempt - 1, policy, retryAfterMs(response.headers)), callOptions.signal);
            continue;
          }
          throw new ApiError(response.status, parseApiErrorBody(response.status, text), { requestId: response.headers.get("x-request-id"), attempts: attempt, secrets });
        }
        if (streaming) {
          // The timeout covers the wait for the headers; the caller's signal keeps covering the stream.
          sig.clearTimer();
          if (!response.body) throw new NetworkError("the stream response has no body");
          return new TokcostStream(response.body, metered, {
            kind,
            attempts: attempt,
            signal: callOptions.signal,
            secrets,
            encoding: estimate.encoding,
            idleTimeoutMs: callOptions.timeoutMs ?? defaultTimeout,
            deadline,
            totalTimeoutMs,
          });
        }
        // A 200 was answered: from here on the call may have been billed, so whatever happens to
        // the body it is settled (at the worst case when the body cannot be read), never released.
        const body = await readAnsweredBody(response, metered, { maxResponseBytes, timeoutMs, signal: callOptions.signal, sig, secrets });
        if (MEDIA_KINDS.has(kind)) {
          const record = await settleMediaResponse(metered, new Response(body as Uint8Array<ArrayBuffer>, { status: response.status, headers: response.headers }), meter.pricing);
          const report: CallReport = { id: metered.id, estimate, usage: null, record: record ?? (metered.record as CallRecord), attempts: attempt };
          if (kind === "speech") return attach({ data: body, contentType: response.headers.get("content-type") ?? "" }, report);
          let media: unknown;
          try {
            media = JSON.parse(new TextDecoder().decode(body));
          } catch {
            media = undefined;
          }
          if (typeof media !== "object" || media === null || Array.isArray(media)) {
            await metered.settleAtReservation("the response is not a JSON object");
            throw new ApiError(response.status, { message: "the API returned a response that is not a JSON object", type: null, param: null, code: null }, { attempts: attempt, secrets });
          }
          return attach(media as ApiJson, report);
        }
        const text = new TextDecoder().decode(body);
        let json: ApiJson | undefined;
        try {
          json = JSON.parse(text) as ApiJson;
        } catch {
          json = undefined;
        }
        if (typeof json !== "object" || json === null || Array.isArray(json)) {
          // A 2xx that is not a JSON object: it may have been billed, so settle at the worst case.
          await metered.settleAtReservation("the response is not a JSON object");
          throw new ApiError(
            response.status,
            { message: `the API returned a response that is not a JSON object: ${redactSecrets(text.slice(0, 200), secrets)}`, type: null, param: null, code: null },
            { attempts: attempt, secrets },
          );
        }
        // The response was received: it is returned whatever its usage says (unreadable usage
        // settles at the worst case, with a warning on the record).
        const reading = readUsage(json.usage, kind);
        const record = reading.usage ? await metered.settle(reading.usage) : await metered.settleAtReservation(reading.problem);
        return attach(json, { id: metered.id, estimate, usage: reading.usage, record: record ?? (metered.record as CallRecord), attempts: attempt });
      }
    } catch (error) {
      if (!metered.ended) await metered.release();
      throw error;
    }
  }

  const endpoint = (kind: RequestKind): Endpoint => ({
    create: ((body: Body, callOptions?: CallOptions) => {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return Promise.reject(new InvalidRequestError("Invalid request body: expected a JSON object.", { param: null }));
      return call(kind, body, callOptions);
    }) as Endpoint["create"],
  });

  const media =
    (kind: RequestKind) =>
    (body: Body, callOptions?: CallOptions): Promise<Metered> => {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return Promise.reject(new InvalidRequestError("Invalid request body: expected a JSON object.", { param: null }));
      return call(kind, body, callOptions) as Promise<Metered>;
    };

  return {
    chat: { completions: endpoint("chat") },
    completions: endpoint("completions"),
    responses: endpoint("responses"),
    embeddings: endpoint("embeddings"),
    images: { generate: media("images"), edit: media("image-edits"), createVariation: media("image-variations") },
    audio: {
      speech: { create: media("speech") as (body: Body, options?: CallOptions) => Promise<Metered<SpeechAudio>> },
      transcriptions: { create: media("transcriptions") },
      translations: { create: media("translations") },
    },
    moderations: { create: media("moderations") },
    preflight: (body: unknown) => preflight(body, { ...options.preflight, pricing: meter.pricing, budget: meter.budget }),
    ...meter.reporter(),
    baseURL,
  };
}

/**
 * A streamed response: an async iterator of the server-sent events' JSON (as the API sent them),
 * consumed once. The call is settled when the stream ends — from the final `usage` (tokcost adds
 * `stream_options.include_usage` to chat and completions streams) — or, when it is aborted or
 * breaks off, from the prompt estimate plus the output tokens received.
 */
export class TokcostStream implements AsyncIterable<ApiJson> {
  /** The pre-flight estimate. */
  readonly estimate: PreflightResult;
  /** Resolves with the call report once the stream has ended and the call is settled. */
  readonly done: Promise<CallReport>;
  private resolveDone!: (report: CallReport) => void;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private consumed = false;
  private readonly watch: StreamMeter;

  /** @internal */
  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly metered: MeteredCall,
    private readonly context: { kind: RequestKind; attempts: number; signal?: AbortSignal; secrets: string[]; encoding: string; idleTimeoutMs?: number; deadline?: number; totalTimeoutMs?: number },
  ) {
    this.estimate = metered.estimate;
    this.reader = body.getReader();
    this.watch = new StreamMeter(context.kind, metered);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Stops reading, closes the connection and settles the call from what was received. */
  async abort(): Promise<CallReport> {
    if (!this.metered.ended) {
      await this.reader.cancel().catch(() => undefined);
      await this.finish();
    }
    return this.done;
  }

  private async finish(): Promise<void> {
    if (this.metered.ended) return;
    const record = await this.watch.settle();
    this.resolveDone({ id: this.metered.id, estimate: this.estimate, usage: this.watch.usageRead, record: record ?? (this.metered.record as CallRecord), attempts: this.context.attempts });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ApiJson> {
    if (this.consumed) throw new TokcostError("INVALID_ARGUMENT", "a stream can be iterated only once");
    this.consumed = true;
    const parser = new SseParser();
    const { signal, secrets, idleTimeoutMs, deadline, totalTimeoutMs } = this.context;
    let finished = false;
    // The idle timer restarts on events, not on bytes: keepalive comments cannot hold a call open.
    let lastEvent = Date.now();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        let idle: ReturnType<typeof setTimeout> | undefined;
        let timedOut: RequestTimeoutError | undefined;
        try {
          const now = Date.now();
          const idleLeft = idleTimeoutMs === undefined ? Number.POSITIVE_INFINITY : lastEvent + idleTimeoutMs - now;
          const totalLeft = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - now;
          const wait = Math.min(idleLeft, totalLeft);
          const error = () =>
            totalLeft <= idleLeft ? new RequestTimeoutError(totalTimeoutMs as number, "call (totalTimeoutMs)") : new RequestTimeoutError(idleTimeoutMs as number, "stream (no data)");
          if (wait <= 0) throw (timedOut = error());
          if (Number.isFinite(wait)) {
            idle = setTimeout(() => {
              timedOut = error();
              void this.reader.cancel().catch(() => undefined);
            }, wait);
          }
          chunk = await this.reader.read();
          if (timedOut) throw timedOut;
        } catch (error) {
          if (timedOut) throw timedOut;
          if (signal?.aborted) throw new RequestAbortedError("stream");
          throw new NetworkError(`the stream broke off: ${describeFetchFailure(error, secrets)}`, secrets);
        } finally {
          clearTimeout(idle);
        }
        if (!chunk.done) this.watch.addBytes(chunk.value.byteLength);
        let events: ReturnType<SseParser["push"]>;
        try {
          events = chunk.done ? parser.end() : parser.push(chunk.value);
        } catch (error) {
          // a line without end: stop reading, settle what was received
          this.watch.overrun = (error as Error).message;
          throw error;
        }
        if (events.length) lastEvent = Date.now();
        for (const event of events) {
          if (event.data === "[DONE]") {
            finished = true;
            continue;
          }
          if (!event.data) continue;
          let data: ApiJson;
          try {
            data = JSON.parse(event.data) as ApiJson;
          } catch {
            continue;
          }
          // `data: null`, a number or an array is no event of the API's: nothing to meter or yield
          if (typeof data !== "object" || data === null || Array.isArray(data)) continue;
          if (event.event === "error" || data.type === "error" || (data.error && typeof data.error === "object" && !data.choices)) {
            const err = (data.error && typeof data.error === "object" ? data.error : data) as ApiJson;
            throw new ApiError(200, { message: String(err.message ?? "stream error"), type: err.type ?? null, param: err.param ?? null, code: err.code ?? null }, { secrets });
          }
          this.watch.observe(data);
          yield data;
          if (this.watch.overrun) break;
        }
        if (this.watch.overrun) throw new StreamOverrunError(`${this.watch.overrun}; tokcost stopped reading it and settled the call at what was received`);
        if (chunk.done) {
          finished = true;
          break;
        }
      }
    } finally {
      if (!finished) await this.reader.cancel().catch(() => undefined);
      await this.finish();
    }
  }
}
