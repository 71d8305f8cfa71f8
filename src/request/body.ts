/**
 * Bounded reading of HTTP bodies and UTF-8 decoding, for the request helpers (no Node APIs).
 * Nothing a server or a caller sends is read whole without a limit.
 */

/** What {@link readCapped} read: the bytes (at most the limit) and whether there was more. */
export interface CappedBody {
  bytes: Uint8Array;
  /** true when the body was longer than the limit (reading stopped there and the stream was cancelled). */
  over: boolean;
}

import { concatBytes } from "../util/bytes.js";

/**
 * Reads a byte stream up to `maxBytes`: stops (and cancels the stream) as soon as it passes the
 * limit. Errors of the stream (a reset connection) propagate.
 */
export async function readCapped(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBody> {
  if (!stream) return { bytes: new Uint8Array(0), over: false };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: concatBytes(chunks, length), over: false };
      const chunk = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
      if (length + chunk.byteLength > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - length));
        length = maxBytes;
        // not awaited: cancelling one branch of a cloned (tee'd) body settles only when the other is cancelled too
        void reader.cancel().catch(() => undefined);
        return { bytes: concatBytes(chunks, length), over: true };
      }
      chunks.push(chunk);
      length += chunk.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The text of UTF-8 bytes (a leading byte-order mark dropped), or null when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array | ArrayBuffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** `text` without a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
