/**
 * Reading a LiteLLM-format price list for `tokcost pricing import/update`: from a file (through
 * io.ts) or over HTTP(S) with a timeout and a size cap, so a slow or huge answer never hangs or
 * fills memory. The date the prices are "as of" is decided here, once, for both commands.
 */
import { basename } from "node:path";
import { InputError, PricingError, UsageError } from "../errors.js";
import { NetworkError, RequestTimeoutError, describeFetchFailure } from "../request/http-errors.js";
import { readCapped } from "../request/body.js";
import { readText } from "./io.js";
import { parseJsonText } from "../util/json.js";

/** LiteLLM's price list on its default branch (what `tokcost pricing update` reads by default). */
export const LITELLM_PRICES_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";
/** Default download limits: the 2026-08 list is 1.4 MB. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** A price list read from a file or a URL. */
export interface PriceListText {
  text: string;
  /** The file name or URL, as the user gave it. */
  origin: string;
  isUrl: boolean;
}

export function isUrl(from: string): boolean {
  return /^https?:\/\//i.test(from);
}

/** Downloads `url` as text: refuses non-2xx answers, stops at `maxBytes`, gives up after `timeoutMs`. */
export async function fetchText(url: string, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: "follow", headers: { accept: "application/json" } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new InputError(`${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}; check the address or pass --from <file>`);
    }
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new InputError(`${url}: ${declared} bytes is more than the ${maxBytes}-byte limit; raise --max-bytes if the list really is that large`);
    }
    const { bytes, over } = await readCapped(response.body, maxBytes);
    if (over) throw new InputError(`${url}: the answer is more than the ${maxBytes}-byte limit; raise --max-bytes if the list really is that large`);
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (timedOut) throw new RequestTimeoutError(timeoutMs, `downloading ${url} (--timeout)`);
    if (error instanceof InputError) throw error;
    throw new NetworkError(`${url}: ${describeFetchFailure(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a price list from a file or URL. */
export async function readPriceList(from: string, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<PriceListText> {
  if (isUrl(from)) return { text: await fetchText(from, options), origin: from, isUrl: true };
  return { text: await readText(from), origin: from, isUrl: false };
}

/** Parses a price list's JSON. @throws PricingError naming the origin. */
export function parsePriceList(list: PriceListText): unknown {
  try {
    return parseJsonText(list.text);
  } catch (cause) {
    throw new PricingError(`${list.origin}: not valid JSON (${(cause as Error).message.replace(/\s+/g, " ")})`);
  }
}

/** Today's date as YYYY-MM-DD (UTC). */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function validDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * The date a price list is "as of", in this order: `--as-of`; the list's own `last_updated`
 * (a date or an ISO timestamp); a YYYY-MM-DD in the file name; for a download, today (the day it
 * was read). An undated file is refused: guessing today would make old prices look fresh.
 */
export function priceListDate(list: PriceListText, data: unknown, asOfFlag: string | undefined): { asOf: string; from: "--as-of" | "last_updated" | "file name" | "download" } {
  if (asOfFlag !== undefined) {
    if (!validDate(asOfFlag)) throw new UsageError(`--as-of expects a date as YYYY-MM-DD, got "${asOfFlag}"`);
    return { asOf: asOfFlag, from: "--as-of" };
  }
  const stamp = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>).last_updated : undefined;
  if (typeof stamp === "string") {
    const date = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(stamp)?.[1];
    if (!date || !validDate(date)) throw new PricingError(`${list.origin}: last_updated "${stamp.slice(0, 40)}" is not a date (YYYY-MM-DD or an ISO timestamp); fix it or pass --as-of YYYY-MM-DD`);
    return { asOf: date, from: "last_updated" };
  }
  const named = /(\d{4}-\d{2}-\d{2})/.exec(list.isUrl ? (new URL(list.origin).pathname.split("/").pop() ?? "") : basename(list.origin))?.[1];
  if (named && validDate(named)) return { asOf: named, from: "file name" };
  if (list.isUrl) return { asOf: todayIso(), from: "download" };
  throw new UsageError(`${list.origin}: cannot tell when these prices were read (no last_updated field, no date in the file name); pass --as-of YYYY-MM-DD`);
}
