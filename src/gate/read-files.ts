/**
 * Reading prompt files for the gate: one pass that checks a file is usable text (not binary, with
 * a warning for invalid UTF-8) and hashes it for the cache, with bounded memory (fixed-size reads,
 * a bounded number of files open at once).
 */
import { constants } from "node:buffer";
import { createHash } from "node:crypto";
import { checkInputFile, invalidUtf8Warning, notTextError } from "../node/inputs.js";
import { readBytesSync } from "../node/io.js";

/** A text file that passed inspection. */
export interface Inspected {
  bytes: number;
  warnings: string[];
  /** SHA-256 of the bytes (hex), when asked for. */
  sha256?: string;
}

/**
 * Checks `file` is readable text and optionally hashes it in the same pass. `label` is the path
 * shown to people.
 * @throws InputError when it is missing, unreadable, or binary.
 */
export async function inspectFile(file: string, label: string, options: { hash?: boolean } = {}): Promise<Inspected> {
  const hash = options.hash ? createHash("sha256") : undefined;
  const check = await checkInputFile(file, { label, onChunk: hash ? (chunk) => hash.update(chunk) : undefined });
  return { bytes: check.bytes, warnings: check.warnings, sha256: hash?.digest("hex") };
}

/** Reads a whole text file (request JSON, JSONL). @throws InputError when missing, unreadable or binary. */
export async function readTextFile(file: string, label: string): Promise<{ text: string; bytes: number; warnings: string[] }> {
  // synchronous: request files are small, and async reads cost a thread-pool round trip each
  // held whole as one string: a larger file is refused by its size, before it is read
  const data = readBytesSync(file, label, constants.MAX_STRING_LENGTH);
  const notText = notTextError(label, data);
  if (notText) throw notText;
  const warnings: string[] = [];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    warnings.push(invalidUtf8Warning(label));
    text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(data);
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes: data.length, warnings };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
