/**
 * Retry policy of the request helper: 429 and 5xx (and 408/409, as the official SDK does) are
 * retried with exponential backoff and jitter, honouring `retry-after-ms` and `Retry-After`
 * (seconds or an HTTP date); other 4xx are not retried.
 */
import { RequestAbortedError } from "./http-errors.js";

/** Backoff settings. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** First backoff delay in ms (default 500). */
  initialDelayMs: number;
  /** Longest backoff delay in ms (default 8000). */
  maxDelayMs: number;
  /** Longest server-requested wait that is honoured, in ms (default 60000); longer waits fall back to backoff. */
  maxRetryAfterMs: number;
}

/** The default policy: 2 retries, 0.5 s doubling to at most 8 s, up to 25 % jitter. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

/** Is this status worth another attempt? 408, 409, 429 and 5xx; an explicit `x-should-retry` wins. */
export function isRetryableStatus(status: number, headers?: Headers): boolean {
  const explicit = headers?.get("x-should-retry");
  if (explicit === "true") return true;
  if (explicit === "false") return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait the server asked for, in ms: `retry-after-ms`, else `Retry-After` as seconds or as an
 * HTTP date. undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get("retry-after");
  if (after !== null && after.trim() !== "") {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * Delay before retry number `retry` (0-based): the server's wait when it gave one (and it is not
 * absurd), otherwise `initialDelayMs · 2^retry` capped at `maxDelayMs`, minus up to 25 % jitter.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, serverWaitMs?: number, random: () => number = Math.random): number {
  if (serverWaitMs !== undefined && serverWaitMs <= policy.maxRetryAfterMs) return serverWaitMs;
  const base = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
  return base * (1 - random() * 0.25);
}

/** Waits `ms`, or rejects with RequestAbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RequestAbortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
