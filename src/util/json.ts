/** Parsing JSON that people write: files saved by editors that add a UTF-8 byte-order mark. */

/** `JSON.parse`, ignoring a leading byte-order mark (which JSON.parse rejects). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
