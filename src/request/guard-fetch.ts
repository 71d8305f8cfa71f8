/**
 * guardFetch(): a fetch-compatible function for the official `openai` SDK (or any client that
 * takes a custom fetch). Every POST to /chat/completions, /completions, /responses or
 * /embeddings is pre-flighted and metered; everything else passes through untouched.
 *
 *     const openai = new OpenAI({ fetch: guardFetch({ budget: { usd: 5 } }) });
 *
 * A request that would fail (invalid, does not fit) or overspend is refused before it leaves the
 * process: the SDK receives an OpenAI-shaped error response (400, or 429 `insufficient_quota`
 * for the budget) marked `x-should-retry: false` and `x-tokcost-refused: <CODE>`, so it throws
 * its usual BadRequestError / RateLimitError without retrying. Portable: no Node APIs.
 */
import { ContextLimitError, isTokcostError, type TokcostError } from "../errors.js";
import type { PricingTable } from "../pricing/table.js";
import { getEncoding } from "../tokenizer/index.js";
import type { BudgetLimits, BudgetStore, Ledger } from "./budget.js";
import type { RequestKind } from "./capabilities.js";
import { Meter, readUsage, streamOutputText, type MeteredCall, type MeterHooks, type BudgetReporter } from "./meter.js";
import { preflight, type PreflightOptions } from "./preflight.js";
import { SseParser } from "./sse.js";

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
}

/** The guarded fetch: a fetch function with the budget and the records attached. */
export interface GuardedFetch extends BudgetReporter {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

const ENDPOINTS: Array<[RegExp, RequestKind]> = [
  [/\/chat\/completions\/?$/, "chat"],
  [/\/completions\/?$/, "completions"],
  [/\/responses\/?$/, "responses"],
  [/\/embeddings\/?$/, "embeddings"],
];

/** The endpoint a URL posts to, if tokcost meters it. */
export function endpointOf(url: string): RequestKind | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split("?")[0];
  }
  for (const [pattern, kind] of ENDPOINTS) if (pattern.test(path)) return kind;
  return undefined;
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

/** Wraps an SSE body: passes every byte through unchanged, watching for usage; settles at the end or on cancel. */
function meterStream(body: ReadableStream<Uint8Array>, kind: RequestKind, call: MeteredCall): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const parser = new SseParser();
  let usage: ReturnType<typeof readUsage>["usage"] = null;
  let usageProblem: string | null = null;
  let text = "";
  const observe = (events: ReturnType<SseParser["push"]>) => {
    for (const event of events) {
      if (!event.data || event.data === "[DONE]") continue;
      try {
        const data = JSON.parse(event.data) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        const reading = readUsage(kind === "responses" ? data?.response?.usage : data?.usage, kind);
        if (reading.usage) usage = reading.usage;
        else if (reading.problem) usageProblem = reading.problem;
        text += streamOutputText(kind, data);
      } catch {
        // not JSON: pass it through, nothing to meter
      }
    }
  };
  const settle = async () => {
    if (call.ended) return;
    if (usage) await call.settle(usage, "usage");
    else if (usageProblem) await call.settleAtReservation(usageProblem);
    else {
      const completionTokens = text ? getEncoding(call.estimate.encoding).count(text) : 0;
      const promptTokens = call.estimate.promptTokens;
      await call.settle({ promptTokens, cachedTokens: 0, completionTokens, reasoningTokens: 0, totalTokens: promptTokens + completionTokens }, "counted");
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await settle();
        controller.error(error);
        return;
      }
      if (chunk.done) {
        observe(parser.end());
        await settle();
        controller.close();
        return;
      }
      observe(parser.push(chunk.value));
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
      await settle();
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
  const meter = new Meter({ budget: options.budget, ledger: options.ledger, store: options.store, pricing: options.pricing, onEstimate: options.onEstimate, onUsage: options.onUsage });
  const includeUsage = options.includeUsage ?? true;

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const kind = method === "POST" ? endpointOf(url) : undefined;
    if (!kind || (init?.body !== undefined && typeof init.body !== "string") || (init?.body === undefined && !(input instanceof Request))) return doFetch(input, init);
    const rawBody = init?.body !== undefined ? (init.body as string) : await (input as Request).clone().text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return doFetch(input, init);
    }
    let call: MeteredCall;
    let sendInit: RequestInit | undefined = init;
    let sendInput: string | URL | Request = input;
    try {
      const estimate = preflight(body, { ...options.preflight, kind, pricing: meter.pricing });
      call = await meter.open(estimate);
    } catch (error) {
      if (!isTokcostError(error)) throw error;
      options.onRefuse?.(error, kind);
      return refusalResponse(error);
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
    let response: Response;
    try {
      response = await doFetch(sendInput, sendInit);
    } catch (error) {
      await call.release();
      throw error;
    }
    if (!response.ok) {
      await call.release();
      return response;
    }
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && response.body) {
      return new Response(meterStream(response.body, kind, call), { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    try {
      const json = (await response.clone().json()) as unknown;
      const reading = json && typeof json === "object" ? readUsage((json as Record<string, unknown>).usage, kind) : { usage: null, problem: "the response is not a JSON object" };
      if (reading.usage) await call.settle(reading.usage);
      else await call.settleAtReservation(reading.problem);
    } catch {
      await call.settleAtReservation("the response is not JSON");
    }
    return response;
  };

  return Object.assign(guarded, {
    spent: () => meter.status().spent,
    remaining: () => meter.status().remaining,
    status: () => meter.status(),
    refresh: () => meter.budget.refresh(),
    calls: () => meter.calls(),
    summary: () => meter.summary(),
  });
}
