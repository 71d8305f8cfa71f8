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
import { getEncoding } from "../tokenizer/index.js";
import type { BudgetLimits, BudgetStore, Ledger } from "./budget.js";
import type { RequestKind } from "./capabilities.js";
import { ApiError, MissingApiKeyError, NetworkError, RequestAbortedError, RequestTimeoutError, describeFetchFailure, parseApiErrorBody } from "./http-errors.js";
import { Meter, readUsage, streamOutputText, type CallRecord, type MeteredCall, type MeterHooks, type BudgetReporter, type UsageTokens } from "./meter.js";
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
  /** Per-attempt timeout in ms (default 600000). For streams it covers the wait for the response headers, then each wait for the next chunk. */
  timeoutMs?: number;
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

/** The client returned by {@link createClient}. */
export interface TokcostClient extends BudgetReporter {
  chat: { completions: Endpoint };
  completions: Endpoint;
  responses: Endpoint;
  embeddings: Endpoint;
  /** Pre-flights a body with this client's pricing and budget, without sending it. */
  preflight(body: unknown): PreflightResult;
  /** The base URL in use. */
  readonly baseURL: string;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Reads an environment variable where one exists (Node, Deno, Bun); undefined in browsers. */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

const PATHS: Record<RequestKind, string> = { chat: "/chat/completions", completions: "/completions", responses: "/responses", embeddings: "/embeddings" };

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
  maxRetries: retries.optional(),
  retry: z.looseObject({ initialDelayMs: z.number().nonnegative().optional(), maxDelayMs: z.number().nonnegative().optional(), maxRetryAfterMs: z.number().nonnegative().optional() }).optional(),
});
const callOptionsSchema = z.looseObject({ timeoutMs: timeout.optional(), maxRetries: retries.optional(), headers: stringRecord.optional() });

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
  if (parsed.username || parsed.password) throw new UsageError(`${where}: must not contain credentials (user:password@host; not shown here): pass the key as apiKey or OPENAI_API_KEY, or a header with headers`);
  return baseURL;
}

/** `path` appended to the base URL's path, before its query string (`…/v1?api-version=x`). */
function endpointUrl(baseURL: string, path: string): string {
  const query = baseURL.search(/[?#]/);
  return query < 0 ? `${baseURL}${path}` : `${baseURL.slice(0, query).replace(/\/+$/, "")}${path}${baseURL.slice(query)}`;
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
    const estimate = preflight(body, { ...options.preflight, kind, pricing: meter.pricing });
    const streaming = body.stream === true;
    const sent: Body = streaming && (kind === "chat" || kind === "completions") ? { ...body, stream_options: { ...(body.stream_options ?? {}), include_usage: true } } : body;
    const metered = await meter.open(estimate);
    const policy = { ...policyBase, maxRetries: callOptions.maxRetries ?? policyBase.maxRetries };
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const url = endpointUrl(baseURL, PATHS[kind]);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: streaming ? "text/event-stream" : "application/json",
      ...options.headers,
      ...callOptions.headers,
      authorization: `Bearer ${apiKey}`,
    };
    if (options.organization) headers["openai-organization"] = options.organization;
    if (options.project) headers["openai-project"] = options.project;
    const payload = JSON.stringify(sent);
    const doFetch = options.fetch ?? globalThis.fetch;
    let attempt = 0;
    try {
      for (;;) {
        attempt += 1;
        if (options.onRequest) options.onRequest({ method: "POST", url: redactSecrets(url, secrets), headers: redactHeaders(headers), attempt });
        const sig = attemptSignal(callOptions.signal, timeoutMs);
        let response: Response;
        try {
          response = await doFetch(url, { method: "POST", headers, body: payload, signal: sig.signal });
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
        if (!response.ok) {
          let text = "";
          try {
            text = await response.text();
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
          return new TokcostStream(response.body, metered, { kind, attempts: attempt, signal: callOptions.signal, secrets, encoding: estimate.encoding, idleTimeoutMs: timeoutMs });
        }
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          if (callOptions.signal?.aborted) throw new RequestAbortedError();
          if (sig.timedOut()) throw new RequestTimeoutError(timeoutMs);
          throw new NetworkError(describeFetchFailure(error, secrets), secrets);
        } finally {
          sig.clear();
        }
        let json: ApiJson | undefined;
        try {
          json = JSON.parse(text) as ApiJson;
        } catch {
          json = undefined;
        }
        if (typeof json !== "object" || json === null || Array.isArray(json)) {
          // A 2xx that is not a JSON object: it may have been billed, so settle at the worst case.
          await metered.settleAtReservation("the response is not a JSON object");
          throw new ApiError(response.status, { message: `the API returned a response that is not a JSON object: ${redactSecrets(text.slice(0, 200), secrets)}`, type: null, param: null, code: null }, { attempts: attempt, secrets });
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

  return {
    chat: { completions: endpoint("chat") },
    completions: endpoint("completions"),
    responses: endpoint("responses"),
    embeddings: endpoint("embeddings"),
    preflight: (body: unknown) => preflight(body, { ...options.preflight, pricing: meter.pricing, budget: meter.budget }),
    spent: () => meter.status().spent,
    remaining: () => meter.status().remaining,
    status: () => meter.status(),
    refresh: () => meter.budget.refresh(),
    calls: () => meter.calls(),
    summary: () => meter.summary(),
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
  private usage: UsageTokens | null = null;
  /** Why the stream's usage could not be read, when it could not. */
  private usageProblem: string | null = null;
  private text = "";

  /** @internal */
  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly metered: MeteredCall,
    private readonly context: { kind: RequestKind; attempts: number; signal?: AbortSignal; secrets: string[]; encoding: string; idleTimeoutMs?: number },
  ) {
    this.estimate = metered.estimate;
    this.reader = body.getReader();
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
    let record: CallRecord | undefined;
    if (this.usage) record = await this.metered.settle(this.usage, "usage");
    else if (this.usageProblem) record = await this.metered.settleAtReservation(this.usageProblem);
    else {
      const completionTokens = this.text ? getEncoding(this.context.encoding).count(this.text) : 0;
      const promptTokens = this.estimate.promptTokens;
      record = await this.metered.settle({ promptTokens, cachedTokens: 0, completionTokens, reasoningTokens: 0, totalTokens: promptTokens + completionTokens }, "counted");
    }
    this.resolveDone({ id: this.metered.id, estimate: this.estimate, usage: this.usage, record: record ?? (this.metered.record as CallRecord), attempts: this.context.attempts });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ApiJson> {
    if (this.consumed) throw new TokcostError("INVALID_ARGUMENT", "a stream can be iterated only once");
    this.consumed = true;
    const parser = new SseParser();
    const { kind, signal, secrets } = this.context;
    let finished = false;
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        let idle: ReturnType<typeof setTimeout> | undefined;
        let timedOut = false;
        try {
          const { idleTimeoutMs } = this.context;
          if (idleTimeoutMs !== undefined) {
            idle = setTimeout(() => {
              timedOut = true;
              void this.reader.cancel().catch(() => undefined);
            }, idleTimeoutMs);
          }
          chunk = await this.reader.read();
          if (timedOut) throw new RequestTimeoutError(idleTimeoutMs as number, "stream (no data)");
        } catch (error) {
          if (error instanceof RequestTimeoutError) throw error;
          if (timedOut) throw new RequestTimeoutError(this.context.idleTimeoutMs as number, "stream (no data)");
          if (signal?.aborted) throw new RequestAbortedError("stream");
          throw new NetworkError(`the stream broke off: ${describeFetchFailure(error, secrets)}`, secrets);
        } finally {
          clearTimeout(idle);
        }
        const events = chunk.done ? parser.end() : parser.push(chunk.value);
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
          const reading = readUsage(kind === "responses" ? data.response?.usage : data.usage, kind);
          if (reading.usage) this.usage = reading.usage;
          else if (reading.problem) this.usageProblem = reading.problem;
          this.text += streamOutputText(kind, data);
          yield data;
        }
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
