/**
 * Counting inputs (files and stdin) for one or more encodings, with every input's problems
 * reported per input — one bad file never stops the others.
 */
import { countFiles } from "./count-files.js";
import { checkInputFile, invalidUtf8Warning, isValidUtf8, notTextError } from "./inputs.js";
import { getEncoding, type AllowedSpecial } from "../tokenizer/index.js";
import { StreamingCounter } from "../tokenizer/stream.js";
import { InputError, TokcostError } from "../errors.js";

/**
 * An input: a file path, in-memory bytes with a display name, or a stream (stdin) with a display
 * name — counted as it arrives, in bounded memory. The same stream given twice is read once.
 */
export type InputSource = BufferedInputSource | { name: string; stream: AsyncIterable<Uint8Array | string> };

/** An input that is a file path or in-memory bytes. */
export type BufferedInputSource = { path: string } | { name: string; bytes: Uint8Array };

/** Measured input: bytes, tokens per encoding, warnings — or the error that stopped it. */
export interface MeasuredInput {
  path: string;
  bytes: number;
  tokens: Record<string, number>;
  warnings: string[];
  error?: TokcostError;
}

/** Options for {@link measureInputs}. */
export interface MeasureOptions {
  allowedSpecial?: AllowedSpecial;
  /** Worker threads for file counting (default: cores). */
  jobs?: number;
  onProgress?: Parameters<typeof countFiles>[1]["onProgress"];
}

function asTokcostError(error: unknown, path: string): TokcostError {
  return error instanceof TokcostError ? error : new InputError(`${path}: ${(error as Error).message}`, { code: "FILE_UNREADABLE" });
}

/**
 * Counts every input with every encoding in `encodings`. Results are in input order; an input
 * that cannot be read carries `error` and no tokens.
 */
export async function measureInputs(inputs: readonly InputSource[], encodings: readonly string[], options: MeasureOptions = {}): Promise<MeasuredInput[]> {
  const results: MeasuredInput[] = [];
  const files: { index: number; path: string }[] = [];
  const streams = new Map<AsyncIterable<Uint8Array | string>, MeasuredInput>();
  for (const input of inputs) {
    if ("stream" in input) {
      const seen = streams.get(input.stream);
      const result = seen ? { ...seen, path: input.name } : await measureStream(input.name, input.stream, encodings, options.allowedSpecial);
      streams.set(input.stream, result);
      results.push(result);
      continue;
    }
    if ("bytes" in input) {
      const result: MeasuredInput = { path: input.name, bytes: input.bytes.length, tokens: {}, warnings: [] };
      const notText = notTextError(input.name, input.bytes);
      if (notText) result.error = notText;
      else {
        if (!isValidUtf8(input.bytes)) result.warnings.push(invalidUtf8Warning(input.name));
        const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(input.bytes);
        for (const encoding of encodings) result.tokens[encoding] = getEncoding(encoding).count(text, { allowedSpecial: options.allowedSpecial });
      }
      results.push(result);
      continue;
    }
    const result: MeasuredInput = { path: input.path, bytes: 0, tokens: {}, warnings: [] };
    try {
      const check = await checkInputFile(input.path);
      result.bytes = check.bytes;
      result.warnings.push(...check.warnings);
      files.push({ index: results.length, path: input.path });
    } catch (error) {
      result.error = asTokcostError(error, input.path);
    }
    results.push(result);
  }
  for (const encoding of encodings) {
    if (files.length === 0) break;
    const counts = await countFiles(
      files.map((f) => f.path),
      { encoding, allowedSpecial: options.allowedSpecial, jobs: options.jobs, onProgress: options.onProgress },
    );
    counts.forEach((count, i) => {
      const target = results[files[i].index];
      if (count.error) target.error ??= count.error;
      else target.tokens[encoding] = count.tokens;
    });
  }
  return results;
}

/**
 * Counts a stream with every encoding in one pass, in bounded memory (text is held only up to a
 * safe cut). Content that is not text (a NUL byte anywhere, or UTF-16) ends the reading at once.
 */
async function measureStream(name: string, stream: AsyncIterable<Uint8Array | string>, encodings: readonly string[], allowedSpecial: AllowedSpecial | undefined): Promise<MeasuredInput> {
  const result: MeasuredInput = { path: name, bytes: 0, tokens: {}, warnings: [] };
  const counters = encodings.map((encoding) => new StreamingCounter(getEncoding(encoding), { allowedSpecial }));
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const check = new TextDecoder("utf-8", { fatal: true });
  let valid = true;
  const validate = (bytes?: Uint8Array): void => {
    if (!valid) return;
    try {
      check.decode(bytes, { stream: bytes !== undefined });
    } catch {
      valid = false;
    }
  };
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      const notText = notTextError(name, bytes, result.bytes === 0);
      if (notText) throw notText; // leaving the loop closes the stream: nothing more is read
      result.bytes += bytes.length;
      validate(bytes);
      const text = decoder.decode(bytes, { stream: true });
      for (const counter of counters) counter.push(text);
    }
    validate();
    const rest = decoder.decode();
    encodings.forEach((encoding, i) => {
      counters[i].push(rest);
      result.tokens[encoding] = counters[i].total();
    });
    if (!valid) result.warnings.push(invalidUtf8Warning(name));
  } catch (error) {
    result.error = asTokcostError(error, name);
    result.tokens = {};
  }
  return result;
}
