/**
 * Counting inputs (files and stdin) for one or more encodings, with every input's problems
 * reported per input — one bad file never stops the others.
 */
import { countFiles } from "./count-files.js";
import { checkInputFile, invalidUtf8Warning, isValidUtf8, looksBinary } from "./inputs.js";
import { getEncoding, type AllowedSpecial } from "../tokenizer/index.js";
import { InputError, TokcostError } from "../errors.js";

/** An input: a file path, or in-memory bytes (stdin) with a display name. */
export type InputSource = { path: string } | { name: string; bytes: Uint8Array };

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
  for (const input of inputs) {
    if ("bytes" in input) {
      const result: MeasuredInput = { path: input.name, bytes: input.bytes.length, tokens: {}, warnings: [] };
      if (looksBinary(input.bytes)) result.error = new InputError(`${input.name} looks like binary data (it contains NUL bytes); skipped`);
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
    const counts = await countFiles(files.map((f) => f.path), { encoding, allowedSpecial: options.allowedSpecial, jobs: options.jobs, onProgress: options.onProgress });
    counts.forEach((count, i) => {
      const target = results[files[i].index];
      if (count.error) target.error ??= count.error;
      else target.tokens[encoding] = count.tokens;
    });
  }
  return results;
}
