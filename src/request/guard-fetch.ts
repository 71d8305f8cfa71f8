/**
 * guardFetch(): a fetch-compatible function for the official `openai` SDK (or any client that
 * takes a custom fetch). Every POST to an endpoint of the table in shape.ts (chat, completions,
 * responses, embeddings, images, audio, moderations, legacy /engines/{engine}/…) is
 * pre-flighted and metered; everything else passes through untouched.
 *
 *     const openai = new OpenAI({ fetch: guardFetch({ budget: { usd: 5 } }) });
 *
 * A request that would fail (invalid, does not fit) or overspend is refused before it leaves the
 * process: the SDK receives an OpenAI-shaped error response (400, or 429 `insufficient_quota`
 * for the budget) marked `x-should-retry: false` and `x-tokcost-refused: <CODE>`, so it throws
 * its usual BadRequestError / RateLimitError without retrying. Portable: no Node APIs.
 */
import { ContextLimitError, InvalidRequestError, isSecretName, isTokcostError, TokcostError } from "../errors.js";
import type { PricingTable } from "../pricing/table.js";
import { decodeUtf8, readCapped, stripBom } from "./body.js";
import { concatBytes } from "../util/bytes.js";
import type { BudgetLimits, BudgetStore, Ledger } from "./budget.js";
import type { RequestKind } from "./capabilities.js";
import { Meter, readUsage, StreamMeter, StreamOverrunError, type MeteredCall, type MeterHooks, type BudgetReporter } from "./meter.js";
import { preflight, type PreflightOptions, type PreflightResult } from "./preflight.js";
import { SseParser } from "./sse.js";
import { MEDIA_KINDS, MULTIPART_KINDS } from "./capabilities.js";
import { endpointOfUrl } from "./shape.js";
import { measureFormData } from "./multipart.js";
import { settleMediaResponse } from "./media-usage.js";
import { optionsArg } from "../util/args.js";

/** Options of {@link guardFetch}. */
export interface GuardFetchOptions extends MeterHooks {
  /** Budget shared by every request through this fetch. */
  budget?: BudgetLimits;
  /** Where budget state lives (default in memory). `tokcost/node`'s guardFetch also accepts a file path. */
  ledger?: Ledger;
  /** Where budget state lives as a BudgetStore (e.g. `createRedisBudgetStore` from `tokcost/redis`, shared by a fleet); takes precedence over `ledger`. */
  store?: BudgetStore;
  /** Pricing table (default: bundled). */
  pricing?: PricingTable;
  /** The fetch to forward to (default: the global fetch). */
  fetch?: typeof fetch;
  /**
   * Add `stream_options.include_usage` to chat and completions streams so their real usage is
   * known (default true; the stream then ends with one extra chunk with empty `choices`, which
   * the SDK handles).
   */
  includeUsage?: boolean;
  /** Extra pre-flight options, e.g. `{ encoding: "o200k_base" }` for a model the table does not know. */
  preflight?: Omit<PreflightOptions, "budget" | "pricing" | "table" | "kind" | "validated">;
  /** Called when a request is refused, with the error (before the refusal response is returned). */
  onRefuse?: (error: TokcostError, kind: RequestKind) => void;
  /**
   * A request body tokcost cannot measure (a FormData or URL-encoded body, bytes that are not
   * UTF-8, text that is not JSON, a body larger than `maxRequestBytes`) is refused — unless this
   * is set: then such a call reserves this many USD (and `unmeasuredWorstCaseTokens` tokens,
   * required under a token budget), is sent as it is, and is settled at that worst case.
   */
  unmeasuredWorstCaseUsd?: number;
  /** Tokens reserved for an unmeasured body (see `unmeasuredWorstCaseUsd`). */
  unmeasuredWorstCaseTokens?: number;
  /** The largest request body read to measure it, in bytes (default 64 MiB). */
  maxRequestBytes?: number;
  /** The largest non-streamed response body read for its usage, in bytes (default 64 MiB); a larger one settles at the worst case. */
  maxResponseBytes?: number;
}

/** A request body tokcost could not measure. */
export class UnmeasuredBodyError extends TokcostError {
  constructor(reason: string) {
    super(
      "INVALID_REQUEST",
      `cannot measure this request body (${reason}), so its cost cannot be bounded; send a JSON string or bytes, or set guardFetch's unmeasuredWorstCaseUsd to send such bodies at an explicit worst case`,
      { details: { param: null, reason: "unmeasured" } },
    );
  }
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

/** A request body as text, or why it cannot be read; `replacement` is what to send instead of a one-shot stream that was read. */
type BodyReading = { text: string; replacement?: BodyInit } | { unreadable: string; replacement?: BodyInit };

async function bytesOfStream(stream: ReadableStream<Uint8Array>, max: number): Promise<BodyReading> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
    chunks.push(chunk);
    length += chunk.byteLength;
    if (length > max) {
      // Too long to measure: what was read, then the rest, is what gets sent (if it is sent).
      let i = 0;
      const rest = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (i < chunks.length) return controller.enqueue(chunks[i++]);
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return { unreadable: `a stream body longer than ${max} bytes`, replacement: rest };
    }
  }
  const bytes = concatBytes(chunks, length);
  const text = decodeUtf8(bytes);
  return text === null ? { unreadable: "bytes that are not UTF-8", replacement: bytes as BodyInit } : { text, replacement: bytes as BodyInit };
}

/** Reads any fetch body as text (UTF-8, a byte-order mark dropped), or says why it cannot. */
async function readBody(body: unknown, max: number): Promise<BodyReading> {
  if (typeof body === "string") return { text: stripBom(body) };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const view = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (view.byteLength > max) return { unreadable: `a body of ${view.byteLength} bytes, more than ${max}` };
    const text = decodeUtf8(view);
    return text === null ? { unreadable: "bytes that are not UTF-8" } : { text };
  }
  if (typeof Blob !== "undefined" && body instanceof Blob) {
    if (body.size > max) return { unreadable: `a body of ${body.size} bytes, more than ${max}` };
    const text = decodeUtf8(await body.arrayBuffer());
    return text === null ? { unreadable: "bytes that are not UTF-8" } : { text };
  }
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) return bytesOfStream(body as ReadableStream<Uint8Array>, max);
  if (typeof FormData !== "undefined" && body instanceof FormData) return { unreadable: "a FormData body" };
  if (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams) return { unreadable: "a URL-encoded form body" };
  return { unreadable: `a body of type ${body === null ? "null" : typeof body === "object" ? ((body as object).constructor?.name ?? "object") : typeof body}` };
}

/** The guarded fetch: a fetch function with the budget and the records attached. */
export interface GuardedFetch extends BudgetReporter {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** The endpoint a URL posts to, if tokcost meters it (the one endpoint table: shape.ts). */
export function endpointOf(url: string): RequestKind | undefined {
  return endpointOfUrl(url)?.kind;
}

/** The OpenAI-shaped error response a refusal returns. */
export function refusalResponse(error: TokcostError): Response {
  const budget = error.code === "BUDGET_EXCEEDED";
  const status = budget ? 429 : 400;
  const param = (error as { param?: unknown }).param ?? (error.details?.param as string | undefined) ?? null;
  const apiCode = error instanceof ContextLimitError ? "context_length_exceeded" : `tokcost_${error.code.toLowerCase()}`;
  const body = {
    error: {
      message: `tokcost refused this request before sending it: ${error.message}`,
      type: budget ? "insufficient_quota" : "invalid_request_error",
      param: typeof param === "string" ? param : null,
      code: apiCode,
    },
  };
  return new Response(JSON.stringify(body), {
    status,
    statusText: budget ? "Too Many Requests" : "Bad Request",
    headers: { "content-type": "application/json", "x-should-retry": "false", "x-tokcost-refused": error.code },
  });
}

/**
 * Wraps an SSE body: passes every byte through unchanged, watching for usage; settles at the end
 * or on cancel. A stream that goes past what was reserved (output beyond max_tokens, an endless
 * stream, a line that never ends) is cut off with an error and settled at what was received.
 */
function meterStream(body: ReadableStream<Uint8Array>, kind: RequestKind, call: MeteredCall): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const parser = new SseParser();
  const watch = new StreamMeter(kind, call);
  const observe = (events: ReturnType<SseParser["push"]>) => {
    for (const event of events) {
      if (!event.data || event.data === "[DONE]") continue;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        continue; // not JSON: pass it through, nothing to meter
      }
      if (data && typeof data === "object" && !Array.isArray(data)) watch.observe(data as Record<string, unknown>);
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await watch.settle();
        controller.error(error);
        return;
      }
      try {
        if (chunk.done) {
          observe(parser.end());
          await watch.settle();
          controller.close();
          return;
        }
        watch.addBytes(chunk.value.byteLength);
        observe(parser.push(chunk.value));
      } catch (error) {
        watch.overrun ??= (error as Error).message;
      }
      if (watch.overrun) {
        await reader.cancel().catch(() => undefined);
        await watch.settle();
        controller.error(new StreamOverrunError(`${watch.overrun}; tokcost stopped reading it and settled the call at what was received`));
        return;
      }
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
      await watch.settle();
    },
  });
}

/**
 * A fetch that pre-flights and meters OpenAI API calls. Pass it to the official SDK:
 * `new OpenAI({ fetch: guardFetch({ budget: { usd: 5 } }) })`.
 *
 * @example
 * const guarded = guardFetch({ budget: { usd: 5 }, onUsage: (r) => console.log(r.model, r.actual?.usd) });
 * const openai = new OpenAI({ fetch: guarded });
 * await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [...], max_tokens: 100 });
 * guarded.spent(); // { usd: …, tokens: … }
 */
export function guardFetch(options: GuardFetchOptions = {}): GuardedFetch {
  options = optionsArg(options, "guardFetch");
  const meter = new Meter({ budget: options.budget, ledger: options.ledger, store: options.store, pricing: options.pricing, onEstimate: options.onEstimate, onUsage: options.onUsage });
  const includeUsage = options.includeUsage ?? true;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_BODY;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_BODY;
  for (const name of ["unmeasuredWorstCaseUsd", "unmeasuredWorstCaseTokens", "maxRequestBytes", "maxResponseBytes"] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new InvalidRequestError(`guardFetch: ${name} must be a non-negative number`, { param: name });
  }

  /** Reserves the caller's explicit worst case for a body that cannot be measured, or refuses it. */
  const openUnmeasured = async (reason: string, kind: RequestKind): Promise<MeteredCall> => {
    const usd = options.unmeasuredWorstCaseUsd;
    if (usd === undefined) throw new UnmeasuredBodyError(reason);
    const tokens = options.unmeasuredWorstCaseTokens;
    if (tokens === undefined && meter.budget.limits.tokens !== undefined) throw new UnmeasuredBodyError(`${reason}; under a token budget, set unmeasuredWorstCaseTokens too`);
    const worstCase = { completionTokens: tokens ?? 0, tokens: tokens ?? 0, usd, assumedRoom: false };
    const estimate = { kind, model: "(unmeasured request body)", promptTokens: 0, exact: false, encoding: "o200k_base", worstCase } as unknown as PreflightResult;
    return meter.openReserving(estimate, { usd, tokens: tokens ?? 0 });
  };

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const endpoint = method === "POST" ? endpointOfUrl(url) : undefined;
    const kind = endpoint?.kind;
    if (!kind) return doFetch(input, init);
    const given = init?.body !== undefined && init.body !== null ? init.body : undefined;
    if (given === undefined && !(input instanceof Request && input.body)) return doFetch(input, init); // no body: nothing the API bills
    // Multipart uploads (image edits, transcriptions): the FormData's fields, files measured
    // (multipart.ts). FormData to any other endpoint is a body tokcost cannot measure.
    const form = typeof FormData !== "undefined" && given instanceof FormData && MULTIPART_KINDS.has(kind) ? given : undefined;
    let sendInit: RequestInit | undefined = init;
    let sendInput: string | URL | Request = input;
    let reading: BodyReading = { unreadable: "" };
    let body: Record<string, unknown> | undefined;
    try {
      if (form) body = await measureFormData(form);
      else if (given !== undefined) {
        reading = await readBody(given, maxRequestBytes);
        // a one-shot stream that was read is sent as what was read
        if (reading.replacement !== undefined) sendInit = { ...init, body: reading.replacement };
      } else {
        reading = await bytesOfStream((input as Request).clone().body as ReadableStream<Uint8Array>, maxRequestBytes);
        delete reading.replacement;
        if ("text" in reading) reading.text = stripBom(reading.text);
      }
    } catch (error) {
      if (isTokcostError(error)) throw error;
      reading = { unreadable: `a body that could not be read: ${(error as Error)?.message ?? String(error)}` };
    }
    let unmeasured: string | undefined;
    if (body !== undefined) {
      // measured from the form's fields
    } else if ("text" in reading) {
      try {
        body = JSON.parse(reading.text) as Record<string, unknown>;
      } catch {
        unmeasured = "text that is not JSON";
      }
    } else unmeasured = reading.unreadable;
    // A legacy /engines/{engine}/… path names the model.
    if (endpoint?.model && body && typeof body === "object" && body.model === undefined) body = { ...body, model: endpoint.model };
    let call: MeteredCall;
    try {
      if (unmeasured !== undefined) call = await openUnmeasured(unmeasured, kind);
      else {
        const estimate = preflight(body, { ...options.preflight, kind, pricing: meter.pricing });
        call = await meter.open(estimate);
      }
    } catch (error) {
      if (!isTokcostError(error)) throw error;
      options.onRefuse?.(error, kind);
      return refusalResponse(error);
    }
    /** Sends the request; a call that never reached the API is released. */
    const send = async (): Promise<Response> => {
      try {
        return await fetchFollowingRedirects(doFetch, sendInput, sendInit, "text" in reading ? reading.text : undefined);
      } catch (error) {
        await call.release();
        throw error;
      }
    };
    if (unmeasured !== undefined || body === undefined) {
      // Sent as it is, settled at the caller's worst case as soon as the API answers 2xx.
      const response = await send();
      if (!response.ok) await call.release();
      else await call.settleAtReservation(`the request body could not be measured (${unmeasured}); settled at unmeasuredWorstCaseUsd`);
      return response;
    }
    if (includeUsage && body.stream === true && (kind === "chat" || kind === "completions")) {
      const streamOptions = (body.stream_options && typeof body.stream_options === "object" ? body.stream_options : {}) as Record<string, unknown>;
      if (streamOptions.include_usage !== true) {
        const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
        headers.delete("content-length");
        const newBody = JSON.stringify({ ...body, stream_options: { ...streamOptions, include_usage: true } });
        if (input instanceof Request) {
          sendInput = new Request(input, { body: newBody, headers });
          sendInit = init ? { ...init, body: newBody, headers } : undefined;
        } else sendInit = { ...init, body: newBody, headers };
      }
    }
    const response = await send();
    if (!response.ok) {
      await call.release();
      return response;
    }
    if (MEDIA_KINDS.has(kind)) {
      await settleMediaResponse(call, response, meter.pricing);
      return response;
    }
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && response.body) {
      return new Response(meterStream(response.body, kind, call), { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    // A 2xx was answered: the call is settled whatever happens to its body (at the worst case
    // when the body cannot be read: too large, not JSON, or the connection broke off).
    try {
      const capped = await readCapped(response.clone().body, maxResponseBytes);
      if (capped.over) await call.settleAtReservation(`the response body is larger than maxResponseBytes (${maxResponseBytes} bytes) and was not read for its usage`);
      else {
        const text = decodeUtf8(capped.bytes);
        let json: unknown;
        try {
          json = text === null ? undefined : JSON.parse(stripBom(text));
        } catch {
          json = undefined;
        }
        const usageReading =
          json && typeof json === "object" && !Array.isArray(json) ? readUsage((json as Record<string, unknown>).usage, kind) : { usage: null, problem: "the response is not a JSON object" };
        if (usageReading.usage) await call.settle(usageReading.usage);
        else await call.settleAtReservation(usageReading.problem);
      }
    } catch {
      await call.settleAtReservation("the response body could not be read (the connection broke off after the headers)");
    }
    return response;
  };

  return Object.assign(guarded, meter.reporter());
}

/** Most redirects followed for one request (fetch's own limit). */
const MAX_REDIRECTS = 20;

/**
 * `fetch`, with redirects followed here rather than by fetch: on a hop to another origin every
 * credential header (`isSecretName`: Authorization, Cookie, api-key, x-api-key, x-goog-api-key,
 * …) is dropped — fetch itself drops only Authorization, so an SDK's `api-key` header would
 * reach whatever host a server redirects to. A 303, or a 301/302 answer to a POST, becomes a
 * GET without a body, as in fetch. A caller's own `redirect` mode is kept as given; a response
 * whose redirect cannot be read (a browser's opaque redirect) or resent (a one-shot stream body)
 * is returned as it is.
 */
async function fetchFollowingRedirects(doFetch: typeof fetch, input: string | URL | Request, init: RequestInit | undefined, bodyText: string | undefined): Promise<Response> {
  const mode = init?.redirect ?? (input instanceof Request ? input.redirect : "follow");
  if (mode !== "follow") return doFetch(input, init);
  let response = await doFetch(input, { ...init, redirect: "manual" });
  let url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  let method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  const given = init?.body ?? undefined;
  let body: BodyInit | undefined = given !== undefined && !(typeof ReadableStream !== "undefined" && given instanceof ReadableStream) ? given : bodyText;
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
    const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    if (location === null) return response;
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return response;
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") return response;
    if (new URL(url).origin !== next.origin) {
      const credentials: string[] = [];
      headers.forEach((_value, name) => {
        if (isSecretName(name)) credentials.push(name);
      });
      for (const name of credentials) headers.delete(name);
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      if (method !== "HEAD") method = "GET";
      body = undefined;
      for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) headers.delete(name);
    } else if (method !== "GET" && method !== "HEAD" && body === undefined && given !== undefined) return response; // a stream body cannot be sent twice
    await response.body?.cancel().catch(() => undefined);
    url = next.href;
    response = await doFetch(url, { method, headers, body, signal, redirect: "manual" });
  }
  return response;
}
