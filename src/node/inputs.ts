/**
 * Checking input files before counting them, so every command reports bad inputs the same way:
 * missing, a directory, binary (NUL bytes), or not valid UTF-8 (counted, with a warning).
 */
import { constants } from "node:buffer";
import { stat } from "node:fs/promises";
import { InputError } from "../errors.js";
import { fileError, openRegular, tooLargeError } from "./io.js";
import { concatBytes } from "../util/bytes.js";

/** What a usable input file looks like. */
export interface InputCheck {
  path: string;
  bytes: number;
  /** Non-fatal notes, e.g. invalid UTF-8 that was counted as U+FFFD. */
  warnings: string[];
}

const READ_CHUNK = 256 * 1024;

/** Does this buffer hold a NUL byte anywhere (text never does)? */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) !== -1;
}

/**
 * Does this look like UTF-16 (a UTF-16 byte-order mark, or a NUL byte in every other place of
 * the first bytes, as UTF-16 writes ASCII)? `bytes` is the start of the content.
 */
export function looksUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const half = n / 2;
  return (even === half && odd === 0) || (odd === half && even === 0);
}

/**
 * The error for content that is not text, or undefined: UTF-16 (with how to convert it) or
 * binary (a NUL byte anywhere). `start` says the chunk is the start of the content (where a
 * UTF-16 byte-order mark would be); call it on every chunk of a stream.
 */
export function notTextError(label: string, chunk: Uint8Array, start = true): InputError | undefined {
  if (start && looksUtf16(chunk)) {
    const how = label.startsWith("<") ? "pipe it through iconv -f UTF-16 -t UTF-8" : `e.g. iconv -f UTF-16 -t UTF-8 ${JSON.stringify(label)} > converted.txt`;
    return new InputError(`${label} is UTF-16 text, not UTF-8: convert it first (${how}); skipped`, { code: "INVALID_INPUT" });
  }
  if (looksBinary(chunk)) return new InputError(`${label} looks like ${label.startsWith("<") ? "binary data" : "a binary file"} (it contains NUL bytes); skipped`, { code: "INVALID_INPUT" });
  return undefined;
}

/** Is the whole buffer valid UTF-8? */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The warning for text that is not valid UTF-8. */
export function invalidUtf8Warning(path: string): string {
  return `${path} is not valid UTF-8: invalid bytes were counted as U+FFFD, as a client that decodes it sends them`;
}

/** Options for {@link checkInputFile}. */
export interface CheckInputOptions {
  /** The name shown to people in messages (default: the path). */
  label?: string;
  /** Sees every chunk of the file as it is read (e.g. to hash it in the same pass). */
  onChunk?: (chunk: Uint8Array) => void;
}

export { fileError } from "./io.js";

/**
 * Checks that `path` is a readable text file, in one bounded-memory pass: not a directory, not
 * binary, and valid UTF-8 (invalid UTF-8 is a warning, not an error).
 * @throws InputError (missing, a directory, unreadable, or binary).
 */
export async function checkInputFile(path: string, options: CheckInputOptions = {}): Promise<InputCheck> {
  const label = options.label ?? path;
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    throw fileError(label, cause);
  });
  if (info.isDirectory()) throw new InputError(`${label} is a directory; pass the files in it (e.g. "${label.replace(/\/$/, "")}/*.txt")`);
  // opened without blocking and checked again on the handle: a FIFO or device is refused, never waited on
  const { handle } = await openRegular(path, label);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let valid = true;
  let bytes = 0;
  try {
    // +1 so a file that fits is read in one call and the next read sees its end
    const buffer = new Uint8Array(Math.min(READ_CHUNK, info.size + 1));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      // every chunk: a file of text and then NULs is binary too (and is refused without reading on)
      const notText = notTextError(label, chunk, bytes === 0);
      if (notText) throw notText;
      bytes += bytesRead;
      options.onChunk?.(chunk);
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
    throw fileError(label, error);
  } finally {
    await handle.close();
  }
  return { path, bytes, warnings: valid ? [] : [invalidUtf8Warning(label)] };
}

/**
 * Reads all of a stream (e.g. stdin) into one buffer. With `label`, it is text to be decoded
 * whole: content that is not text (a NUL byte anywhere, or UTF-16) is refused as soon as it
 * arrives, without reading on (`tokcost estimate < /dev/zero` ends at once), and so is more than
 * one string can hold (~512 MiB).
 * @throws InputError (with `label`) for content that is not text, or too large.
 */
export async function readAll(stream: AsyncIterable<Uint8Array | string>, options: { label?: string } = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (options.label !== undefined) {
      const notText = notTextError(options.label, bytes, length === 0);
      if (notText) throw notText; // leaving the loop closes the stream
      if (length + bytes.length > constants.MAX_STRING_LENGTH) throw tooLargeError(options.label, length + bytes.length, constants.MAX_STRING_LENGTH);
    }
    chunks.push(bytes);
    length += bytes.length;
  }
  return concatBytes(chunks, length);
}
