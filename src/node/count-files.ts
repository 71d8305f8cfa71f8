/**
 * Node-only counting of files: streaming (bounded memory), many files on worker threads.
 * (Initial sequential version; see worker pool below once available.)
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { getEncoding, type AllowedSpecial, type Encoding } from "../tokenizer/index.js";
import { InputError, TokcostError } from "../errors.js";

/** Options for counting streams and files. */
export interface CountStreamOptions {
  /** Encoding name (e.g. "o200k_base") or an Encoding instance. */
  encoding: string | Encoding;
  /** Special tokens to recognise (default: none). */
  allowedSpecial?: AllowedSpecial;
}

/** Progress of a multi-file run. */
export interface CountProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

/** Options for {@link countFiles}. */
export interface CountFilesOptions extends CountStreamOptions {
  /** Worker threads to use (default: number of cores). */
  jobs?: number;
  /** Called as files (or parts of files) finish. */
  onProgress?: (progress: CountProgress) => void;
}

/** Result for one file. `error` is set (and tokens is 0) when the file could not be counted. */
export interface FileCount {
  path: string;
  tokens: number;
  bytes: number;
  error?: TokcostError;
}

function resolve(encoding: string | Encoding): Encoding {
  return typeof encoding === "string" ? getEncoding(encoding) : encoding;
}

/** Counts tokens of a byte stream (UTF-8). */
export async function countStream(source: AsyncIterable<Uint8Array>, options: CountStreamOptions): Promise<number> {
  const enc = resolve(options.encoding);
  const decoder = new TextDecoder("utf-8");
  let text = "";
  for await (const chunk of source) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  return enc.count(text, { allowedSpecial: options.allowedSpecial });
}

/** Counts tokens of one file. */
export async function countFile(path: string, options: CountStreamOptions): Promise<{ tokens: number; bytes: number }> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new InputError(`cannot read ${path}: ${(cause as Error).message}`, { code: "FILE_NOT_FOUND", cause });
  });
  const tokens = await countStream(createReadStream(path), options);
  return { tokens, bytes: info.size };
}

/** Counts many files; results are in input order, per-file errors are reported, not thrown. */
export async function countFiles(paths: readonly string[], options: CountFilesOptions): Promise<FileCount[]> {
  const results: FileCount[] = [];
  let bytesDone = 0;
  for (const path of paths) {
    try {
      const { tokens, bytes } = await countFile(path, options);
      results.push({ path, tokens, bytes });
      bytesDone += bytes;
    } catch (error) {
      const err = error instanceof TokcostError ? error : new InputError(`cannot read ${path}: ${(error as Error).message}`, { code: "FILE_UNREADABLE", cause: error });
      results.push({ path, tokens: 0, bytes: 0, error: err });
    }
    options.onProgress?.({ bytesDone, bytesTotal: 0, filesDone: results.length, filesTotal: paths.length });
  }
  return results;
}
