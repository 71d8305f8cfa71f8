/**
 * Measuring one prompt file in a single synchronous read: usable text (not binary), valid UTF-8
 * (a warning otherwise), SHA-256 for the cache, and token counts for each encoding asked for.
 * Shared by the gate's worker threads and its in-thread path for small runs.
 *
 * Synchronous on purpose: for thousands of small files, one `readFileSync` each is several times
 * faster than the thread-pool round trips of async open/stat/read/close (measured in
 * bench/check.mjs), and it runs on worker threads, so nothing else waits on it.
 */
import { constants } from "node:buffer";
import { createHash } from "node:crypto";
import type { TokcostError } from "../errors.js";
import { readBytesSync } from "../node/io.js";
import { getEncoding } from "../tokenizer/index.js";
import { invalidUtf8Warning, notTextError } from "../node/inputs.js";

/** What a worker is asked to measure. */
export interface TextJob {
  /** Absolute path. */
  path: string;
  /** Path shown to people. */
  label: string;
  encodings: string[];
}

/** A measured file, or why it could not be. `tokens[encoding]` is null when served from the cache. */
export type TextMeasure =
  | { ok: true; bytes: number; warnings: string[]; sha256?: string; tokens: Record<string, number | null> }
  | { ok: false; code: "FILE_NOT_FOUND" | "FILE_UNREADABLE" | "INVALID_INPUT"; message: string };

/** Cache key of a text count (see CountCache). */
export function textCacheKey(encoding: string, sha256: string): string {
  return `text:${encoding}:${sha256}`;
}

// ignoreBOM: keep a byte-order mark as text, as readFile(path, "utf8") and countFiles do, so every
// command counts a file the same way
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Measures one file. With `cachedKeys`, hashes it and skips counting the encodings whose count
 * is already cached for this content.
 */
export function measureTextSync(job: TextJob, options: { hash: boolean; cachedKeys?: ReadonlySet<string> }): TextMeasure {
  let data: Uint8Array;
  try {
    data = readBytesSync(job.path, job.label, constants.MAX_STRING_LENGTH); // decoded whole: refused by size first
  } catch (error) {
    const { code, message } = error as TokcostError;
    return { ok: false, code: code === "FILE_NOT_FOUND" || code === "INVALID_INPUT" ? code : "FILE_UNREADABLE", message };
  }
  const notText = notTextError(job.label, data);
  if (notText) return { ok: false, code: "INVALID_INPUT", message: notText.message };
  const warnings: string[] = [];
  let text: string;
  try {
    text = fatal.decode(data);
  } catch {
    warnings.push(invalidUtf8Warning(job.label));
    text = lenient.decode(data);
  }
  const sha256 = options.hash ? createHash("sha256").update(data).digest("hex") : undefined;
  const tokens: Record<string, number | null> = {};
  for (const encoding of job.encodings) {
    if (sha256 && options.cachedKeys?.has(textCacheKey(encoding, sha256))) tokens[encoding] = null;
    else tokens[encoding] = getEncoding(encoding).count(text);
  }
  return { ok: true, bytes: data.length, warnings, sha256, tokens };
}
