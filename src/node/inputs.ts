/**
 * Checking input files before counting them, so every command reports bad inputs the same way:
 * missing, a directory, binary (NUL bytes), or not valid UTF-8 (counted, with a warning).
 */
import { open, stat } from "node:fs/promises";
import { InputError } from "../errors.js";

/** What a usable input file looks like. */
export interface InputCheck {
  path: string;
  bytes: number;
  /** Non-fatal notes, e.g. invalid UTF-8 that was counted as U+FFFD. */
  warnings: string[];
}

const SNIFF_BYTES = 8192;
const READ_CHUNK = 1 << 20;

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

/**
 * Checks that `path` is a readable text file.
 * @throws InputError (missing, a directory, unreadable, or binary).
 */
export async function checkInputFile(path: string): Promise<InputCheck> {
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") throw new InputError(`${path}: no such file`, { code: "FILE_NOT_FOUND" });
    throw new InputError(`${path}: cannot read (${cause.code ?? cause.message})`, { code: "FILE_UNREADABLE" });
  });
  if (info.isDirectory()) throw new InputError(`${path} is a directory; pass the files in it (e.g. "${path.replace(/\/$/, "")}/*.txt")`);
  if (!info.isFile()) throw new InputError(`${path} is not a regular file`, { code: "FILE_UNREADABLE" });
  const warnings: string[] = [];
  const handle = await open(path, "r").catch((cause: NodeJS.ErrnoException) => {
    throw new InputError(`${path}: cannot read (${cause.code ?? cause.message})`, { code: "FILE_UNREADABLE" });
  });
  try {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const buffer = new Uint8Array(Math.min(READ_CHUNK, Math.max(info.size, 1)));
    let first = true;
    let valid = true;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (first && looksBinary(chunk)) throw new InputError(`${path} looks like a binary file (it contains NUL bytes); skipped`);
      first = false;
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
    if (!valid) warnings.push(invalidUtf8Warning(path));
  } finally {
    await handle.close();
  }
  return { path, bytes: info.size, warnings };
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
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
