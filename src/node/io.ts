/**
 * Node file I/O in one place, for every command and writer: reading files that must be regular
 * files (a FIFO, a device or a directory is refused with one line, never waited on), mapping
 * Node's fs errors (`ENOENT`, `EISDIR`, `ELOOP`, …) to one-line {@link InputError}s, and atomic
 * writes that replace only a regular file (or nothing).
 *
 * Files are opened with O_NONBLOCK and checked with fstat on the open handle, so a FIFO never
 * blocks the open and a path swapped between a check and the read is still caught.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { lstat, mkdir, open, realpath, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { InputError, isTokcostError, type TokcostError } from "../errors.js";
import { parseJsonText } from "../util/json.js";

/** What Node's fs error codes mean, in words (the code alone is jargon). */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links (a symlink loop?)",
  ENAMETOOLONG: "the name is too long",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EBUSY: "the file is busy",
  EEXIST: "it already exists",
  EXDEV: "it is on another file system",
  EIO: "input/output error",
  ENXIO: "no such device",
  ENODEV: "no such device",
  EINVAL: "invalid argument",
  ETXTBSY: "the file is busy",
  EAGAIN: "the file is not ready to be read (a pipe or device?)",
};

/** Is this one of Node's system errors (`code` like `ENOENT`, with a `syscall`)? */
export function isSystemError(value: unknown): value is NodeJS.ErrnoException {
  if (!(value instanceof Error)) return false;
  const { code, syscall } = value as NodeJS.ErrnoException;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) && typeof syscall === "string";
}

/** A system error's reason in words ("no such file", "permission denied"). */
export function fsReason(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && Object.hasOwn(REASONS, code)) return REASONS[code];
  if (typeof code === "string") return code;
  return firstLine(cause instanceof Error ? cause.message : String(cause));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0];
}

/**
 * The error for a file that cannot be read or written, naming it by `label`. A tokcost error
 * passes through unchanged; a missing file to read is FILE_NOT_FOUND.
 */
export function fileError(label: string, cause: unknown, action: "read" | "write" = "read"): TokcostError {
  if (isTokcostError(cause)) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (action === "read") {
    if (code === "ENOENT") return new InputError(`${label}: no such file`, { code: "FILE_NOT_FOUND", cause });
    return new InputError(`${label}: cannot read (${fsReason(cause)})`, { code: "FILE_UNREADABLE", cause });
  }
  return new InputError(`${label}: cannot write (${fsReason(cause)})`, { code: "FILE_UNWRITABLE", cause });
}

/** What a non-regular file is, in words ("a FIFO (named pipe)"); undefined for a regular file. */
export function fileKindOf(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  if (info.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/** The error for a path that exists but is not a regular file. */
export function notRegularError(label: string, info: Stats, action: "read" | "write" = "read"): InputError {
  const kind = fileKindOf(info) ?? "not a regular file";
  if (action === "write") return new InputError(`${label} is ${kind}, not a regular file: refusing to replace it; write to a regular file instead`, { code: "FILE_UNWRITABLE" });
  return new InputError(`${label} is ${kind}, not a regular file`, { code: "FILE_UNREADABLE" });
}

/** Read-only, and never blocking in open() (a FIFO without a writer would wait forever). */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Stats `path` (following links) and checks it is a regular file.
 * @throws InputError when it is missing, unreadable, a directory, a FIFO, a device or a socket.
 */
export async function statRegular(file: string, label = file): Promise<Stats> {
  const info = await stat(file).catch((cause: unknown) => {
    throw fileError(label, cause);
  });
  if (!info.isFile()) throw notRegularError(label, info);
  return info;
}

/**
 * Opens a regular file for reading (checked on the open handle).
 * @throws InputError as {@link statRegular}.
 */
export async function openRegular(file: string, label = file): Promise<{ handle: import("node:fs/promises").FileHandle; info: Stats }> {
  const handle = await open(file, READ_FLAGS).catch((cause: unknown) => {
    throw fileError(label, cause);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegularError(label, info);
    return { handle, info };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw fileError(label, error);
  }
}

/** Reads all of a regular file. @throws InputError (missing, unreadable, not a regular file). */
export async function readBytes(file: string, label = file): Promise<Uint8Array> {
  const { handle } = await openRegular(file, label);
  try {
    return await handle.readFile();
  } catch (cause) {
    throw fileError(label, cause);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The error for a file too large to be read whole (as one string, or at all). */
export function tooLargeError(label: string, size: number, maxBytes: number): InputError {
  const split = label.startsWith("<") ? "pass it as a file" : "split the file";
  return new InputError(
    `${label}: ${size.toLocaleString("en-US")} bytes is more than tokcost reads whole (${maxBytes.toLocaleString("en-US")} bytes, the longest string JavaScript can hold); ${split}`,
    { code: "INVALID_INPUT" },
  );
}

/**
 * Reads all of a regular file, synchronously (many small files: no thread-pool round trips).
 * @throws InputError as {@link readBytes}, or when it is larger than `maxBytes`.
 */
export function readBytesSync(file: string, label = file, maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (cause) {
    throw fileError(label, cause);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegularError(label, info);
    if (info.size > maxBytes) throw tooLargeError(label, info.size, maxBytes);
    let buffer = Buffer.allocUnsafe(info.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLargeError(label, length, maxBytes); // grew while read (/proc)
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } catch (cause) {
    throw fileError(label, cause);
  } finally {
    closeSync(fd);
  }
}

/** A regular file as UTF-8 text (invalid bytes become U+FFFD, a byte-order mark is kept). */
export async function readText(file: string, label = file): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await readBytes(file, label));
}

/** Like {@link readText}, but undefined when the file does not exist. */
export async function readTextIfExists(file: string, label = file): Promise<string | undefined> {
  try {
    return await readText(file, label);
  } catch (error) {
    if (isTokcostError(error) && error.code === "FILE_NOT_FOUND") return undefined;
    throw error;
  }
}

/**
 * A regular file parsed as JSON (a leading byte-order mark ignored).
 * @throws InputError when it cannot be read or is not valid JSON.
 */
export async function readJson(file: string, label = file): Promise<unknown> {
  const text = await readText(file, label);
  try {
    return parseJsonText(text);
  } catch (cause) {
    throw new InputError(`${label}: not valid JSON (${(cause as Error).message})`, { cause });
  }
}

let tmpCounter = 0;

/**
 * Where a write to `file` must go: the file itself, or the regular file a symbolic link points
 * to (so the link stays). Refuses a directory, FIFO, device or socket, and a link to one.
 */
async function writeTarget(file: string, label: string): Promise<string> {
  const link = await lstat(file).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") return undefined;
    throw fileError(label, cause, "write");
  });
  if (!link) return file;
  if (!link.isSymbolicLink()) {
    if (!link.isFile()) throw notRegularError(label, link, "write");
    return file;
  }
  const info = await stat(file).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") return undefined; // a dangling link: it would be replaced by the file
    throw fileError(label, cause, "write");
  });
  if (info && !info.isFile()) throw notRegularError(label, info, "write");
  return info ? await realpath(file) : file;
}

/**
 * Writes `content` to `file` atomically (a temporary file in the same directory, renamed over the
 * target), so a crash never leaves half a file. Only a regular file (or nothing) is replaced:
 * a directory, FIFO, device or socket — or a symbolic link to one — is refused; a link to a
 * regular file is followed, so the link stays. `label` names the file in messages.
 * @throws InputError (code FILE_UNWRITABLE) with one line saying why.
 */
export async function atomicWrite(file: string, content: string | Uint8Array, options: { label?: string; mkdir?: boolean; sync?: boolean } = {}): Promise<void> {
  const label = options.label ?? file;
  const dir = path.dirname(file);
  if (options.mkdir) {
    await mkdir(dir, { recursive: true }).catch((cause: unknown) => {
      throw fileError(label, cause, "write");
    });
  } else {
    const parent = await stat(dir).catch((cause: NodeJS.ErrnoException) => {
      throw cause.code === "ENOENT" ? new InputError(`${label}: cannot write (directory ${dir} does not exist)`, { code: "FILE_UNWRITABLE" }) : fileError(label, cause, "write");
    });
    if (!parent.isDirectory()) throw new InputError(`${label}: cannot write (${dir} is not a directory)`, { code: "FILE_UNWRITABLE" });
  }
  const target = await writeTarget(file, label);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${globalThis.process?.pid ?? 0}.${++tmpCounter}.tmp`);
  try {
    const handle = await open(tmp, "wx", 0o666);
    try {
      await handle.writeFile(content);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw fileError(label, cause, "write");
  }
}

/**
 * The URL of a worker script beside the calling module (`here` is its `import.meta.url`):
 * `src/<dir>/<name>.ts` running from sources (under vitest) uses the compiled
 * `dist/src/<dir>/<name>.js`, since a worker thread cannot load TypeScript.
 */
export function workerUrl(here: string, dir: "node" | "gate", name: string): URL {
  return here.endsWith(".ts") ? new URL(`../../dist/src/${dir}/${name}.js`, here) : new URL(`./${name}.js`, here);
}
