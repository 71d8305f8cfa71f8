/**
 * `tokcost fit` as a library call: a saved conversation (a bare JSON array of chat messages, or
 * a chat request body) read from a file or stdin, fitted into the model's context window with
 * {@link fitConversation}, and written back as valid JSON of the same shape (atomically).
 */
import { InputError, isTokcostError, paramOf, withParam } from "../errors.js";
import { fitConversation, type FitConversationOptions, type FitConversationResult } from "../request/fit.js";
import { parseJsonText } from "../util/json.js";
import { atomicWrite, readBytes } from "./io.js";
import type { BufferedInputSource } from "./measure.js";

/** Options for {@link fitFile}. */
export interface FitFileOptions extends FitConversationOptions {
  /** Write the fitted conversation here (atomically); nothing is written when it does not fit. */
  output?: string;
}

/** Result of {@link fitFile}. */
export interface FitFileResult extends FitConversationResult {
  /** Where the input came from (a path, or `<stdin>`). */
  path: string;
  /** The fitted conversation as JSON text (indented as the input was), ending in a newline. */
  text: string;
  /** The file written, or null (no `output`, or it did not fit). */
  written: string | null;
}

/**
 * Reads a conversation, fits it and (with `output`) writes it.
 * @throws InputError naming the input when it cannot be read, is not JSON or not a conversation.
 */
export async function fitFile(source: BufferedInputSource, options: FitFileOptions = {}): Promise<FitFileResult> {
  const path = "path" in source ? source.path : source.name;
  const bytes = "bytes" in source ? source.bytes : await readBytes(source.path);
  const json = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  let value: unknown;
  try {
    value = parseJsonText(json);
  } catch (cause) {
    throw new InputError(`${path}: not valid JSON (${(cause as Error).message.split("\n")[0]}); fit takes a JSON array of chat messages or a chat request body`, { cause });
  }
  let fitted: FitConversationResult;
  try {
    const { output: _output, ...fitOptions } = options;
    fitted = fitConversation(value, fitOptions);
  } catch (error) {
    if (isTokcostError(error) && (error.code === "INVALID_INPUT" || error.code === "INVALID_REQUEST") && !error.message.startsWith(path))
      throw new InputError(`${path}: ${withParam(error.message, paramOf(error))}`, { cause: error });
    throw error;
  }
  // Keep the file's look: indented in, indented out.
  const indent = /^\s*[[{]\s*\r?\n/.test(json.replace(/^\uFEFF/, "")) ? 2 : undefined;
  const text = JSON.stringify(fitted.conversation, null, indent) + "\n";
  let written: string | null = null;
  if (options.output !== undefined && fitted.fits) {
    await atomicWrite(options.output, text);
    written = options.output;
  }
  return { ...fitted, path, text, written };
}
