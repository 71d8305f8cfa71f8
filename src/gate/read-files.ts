/**
 * Reading prompt files for the gate: one pass that checks a file is usable text (not binary, with
 * a warning for invalid UTF-8) and hashes it for the cache, with bounded memory (fixed-size reads,
 * a bounded number of files open at once).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { InputError, TokcostError } from "../errors.js";
import { invalidUtf8Warning, looksBinary } from "../node/inputs.js";

/** A text file that passed inspection. */
export interface Inspected {
  bytes: number;
  warnings: string[];
  /** SHA-256 of the bytes (hex), when asked for. */
  sha256?: string;
}

const CHUNK = 256 * 1024;

function statError(label: string, cause: NodeJS.ErrnoException): InputError {
  if (cause.code === "ENOENT") return new InputError(`${label}: no such file`, { code: "FILE_NOT_FOUND" });
  return new InputError(`${label}: cannot read (${cause.code ?? cause.message})`, { code: "FILE_UNREADABLE" });
}

/**
 * Checks `file` is readable text and optionally hashes it. `label` is the path shown to people.
 * @throws InputError when it is missing, unreadable, or binary.
 */
export async function inspectFile(file: string, label: string, options: { hash?: boolean } = {}): Promise<Inspected> {
  const info = await stat(file).catch((cause: NodeJS.ErrnoException) => {
    throw statError(label, cause);
  });
  if (!info.isFile()) throw new InputError(`${label} is not a regular file`, { code: "FILE_UNREADABLE" });
  const handle = await open(file, "r").catch((cause: NodeJS.ErrnoException) => {
    throw statError(label, cause);
  });
  const hash = options.hash ? createHash("sha256") : undefined;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let valid = true;
  let bytes = 0;
  try {
    // +1 so a file that fits is read in one call and the next read sees its end
    const buffer = new Uint8Array(Math.min(CHUNK, info.size + 1));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (bytes === 0 && looksBinary(chunk)) throw new InputError(`${label} looks like a binary file (it contains NUL bytes); skipped`);
      bytes += bytesRead;
      hash?.update(chunk);
      if (valid) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          valid = false;
        }
      }
    }
    if (valid) {
      try {
        decoder.decode();
      } catch {
        valid = false;
      }
    }
  } catch (error) {
    if (error instanceof TokcostError) throw error;
    throw new InputError(`${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { code: "FILE_UNREADABLE" });
  } finally {
    await handle.close();
  }
  return { bytes, warnings: valid ? [] : [invalidUtf8Warning(label)], sha256: hash?.digest("hex") };
}

/** Reads a whole text file (request JSON, JSONL). @throws InputError when missing, unreadable or binary. */
export async function readTextFile(file: string, label: string): Promise<{ text: string; bytes: number; warnings: string[] }> {
  let data: Uint8Array;
  try {
    // synchronous: request files are small, and async reads cost a thread-pool round trip each
    data = readFileSync(file);
  } catch (cause) {
    throw statError(label, cause as NodeJS.ErrnoException);
  }
  if (looksBinary(data)) throw new InputError(`${label} looks like a binary file (it contains NUL bytes); skipped`);
  const warnings: string[] = [];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    warnings.push(invalidUtf8Warning(label));
    text = new TextDecoder("utf-8").decode(data);
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
