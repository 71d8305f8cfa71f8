/**
 * What a file holds — a request body, a Batch API file, a fine-tuning file, or plain text —
 * recognised by shape from its first line (or the whole file when it is one pretty-printed JSON
 * document). Light on purpose: no schemas, so `tokcost estimate` on plain text never loads zod.
 */
import { detectRequestKind, isBatchLine, isFineTuningExample, isMessageArray } from "../request/shape.js";
import { openRegular, readText } from "./io.js";
import { InputError } from "../errors.js";
import { JsonDepthError, parseJsonText } from "../util/json.js";

/**
 * What a file holds (`requests`: bare request bodies, one per line; `messages`: a bare JSON array
 * of chat messages, a saved conversation).
 */
export type RequestFileKind = "request" | "requests" | "batch" | "fine-tune" | "messages" | "text";

const PEEK_BYTES = 1 << 20;

/** Classifies one parsed JSON value (a whole file or a JSONL line). */
function classify(value: unknown): RequestFileKind | undefined {
  if (isBatchLine(value)) return "batch";
  if (isFineTuningExample(value)) return "fine-tune";
  if (detectRequestKind(value)) return "request";
  return undefined;
}

/**
 * Recognises a file by its shape: a JSON request body, a JSONL of request bodies, a Batch API
 * JSONL file, a chat fine-tuning JSONL file, or plain text (anything else). Reads at most the
 * first MiB unless the file is one pretty-printed JSON document.
 */
export async function detectRequestFile(path: string): Promise<RequestFileKind> {
  const { handle, info } = await openRegular(path);
  let head: string;
  try {
    const buffer = new Uint8Array(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = new TextDecoder().decode(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  const trimmed = head.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("[")) {
    if (info.size > 64 * PEEK_BYTES) return "text";
    return parseMessagesText(await readText(path)) ? "messages" : "text";
  }
  if (!trimmed.startsWith("{")) return "text";
  const firstLine = trimmed.split(/\r?\n/, 1)[0];
  try {
    const kind = classify(parseJsonText(firstLine));
    // A request body on the first line and more after it: a JSONL of request bodies.
    if (kind === "request" && /\S/.test(trimmed.slice(firstLine.length))) return "requests";
    if (kind) return kind;
  } catch (error) {
    // JSON too deep to read: a request file (or JSONL, with more lines) whose reading reports
    // it, naming the line; never text to count
    if (error instanceof JsonDepthError) return /\S/.test(trimmed.slice(firstLine.length)) ? "batch" : "request";
    // Not one object per line: maybe a pretty-printed document.
  }
  try {
    if (info.size > 64 * PEEK_BYTES) return "text";
    return classify(parseJsonText(await readText(path))) === "request" ? "request" : "text";
  } catch (error) {
    if (error instanceof JsonDepthError) return "request";
    return "text";
  }
}

/** Is this text (e.g. piped on stdin) a JSON request body? Returns the parsed body if so. */
export function parseRequestText(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text.replace(/^\uFEFF/, ""))) return undefined;
  try {
    const value = parseJsonText(text);
    return classify(value) === "request" ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    if (error instanceof JsonDepthError) throw new InputError(`<stdin>: ${error.message}`);
    return undefined;
  }
}

/** Is this text a bare JSON array of chat messages (a saved conversation)? Returns the messages if so. */
export function parseMessagesText(text: string): Array<{ role: string; [key: string]: unknown }> | undefined {
  if (!/^\s*\[/.test(text.replace(/^\uFEFF/, ""))) return undefined;
  try {
    const value = parseJsonText(text);
    return isMessageArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
