/** Parsing JSON that people write: files saved by editors that add a UTF-8 byte-order mark. */

/**
 * Deepest nesting of arrays and objects read. Every walker over a parsed value (validation,
 * counting, schema checks) recurses, so 10,000 levels would end in "Maximum call stack size
 * exceeded"; real request bodies and configuration nest a few dozen levels at most (serde_json's
 * default limit is 128).
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Where `text` nests deeper than `limit` arrays and objects (the offset of the bracket that goes
 * too deep), or -1. Brackets inside strings do not count.
 */
export function jsonDepthOverflow(text: string, limit = MAX_JSON_DEPTH): number {
  if (text.length <= limit) return -1; // too short to nest that deep
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip the string: to the next quote that is not escaped
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** JSON nested deeper than {@link MAX_JSON_DEPTH}: a SyntaxError, so every reader reports it as it reports bad JSON. */
export class JsonDepthError extends SyntaxError {
  constructor(position: number) {
    super(`nested more than ${MAX_JSON_DEPTH} levels deep (at position ${position}); tokcost reads at most ${MAX_JSON_DEPTH}`);
    this.name = "JsonDepthError";
  }
}

/**
 * `JSON.parse`, ignoring a leading byte-order mark (which JSON.parse rejects). A syntax error's
 * message is made one line: V8 quotes the text around the error, line breaks included. JSON
 * nested deeper than {@link MAX_JSON_DEPTH} levels is a SyntaxError too.
 */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new SyntaxError(error.message.replace(/\s+/g, " "), { cause: error });
    // V8's parser itself runs out of stack at some depth
    const at = error instanceof RangeError ? jsonDepthOverflow(text) : -1;
    if (at >= 0) throw new JsonDepthError(at);
    throw error;
  }
  // after parsing: invalid JSON keeps its own message, and valid JSON is usually shallow
  const at = jsonDepthOverflow(text);
  if (at >= 0) throw new JsonDepthError(at);
  return value;
}
