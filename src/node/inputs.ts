/**
 * Checking input files before counting them, so every command reports bad inputs the same way:
 * missing, a directory, binary (NUL bytes), or not valid UTF-8 (counted, with a warning).
 */
import { stat } from "node:fs/promises";
import { InputError } from "../errors.js";
import { fileError, openRegular } from "./io.js";
import { concatBytes } from "../util/bytes.js";

/** What a usable input file looks like. */
export interface InputCheck {
  path: string;
  bytes: number;
  /** Non-fatal notes, e.g. invalid UTF-8 that was counted as U+FFFD. */
  warnings: string[];
}

const SNIFF_BYTES = 8192;
const READ_CHUNK = 256 * 1024;

/** Does this buffer look binary (a NUL byte in the first 8 KiB, as git and grep decide)? */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
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
      if (bytes === 0 && looksBinary(chunk)) throw new InputError(`${label} looks like a binary file (it contains NUL bytes); skipped`);
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

/** Reads all of a stream (e.g. stdin) into one buffer. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
  }
  return concatBytes(chunks, length);
}
