/** Parsing JSON that people write: files saved by editors that add a UTF-8 byte-order mark. */

/**
 * `JSON.parse`, ignoring a leading byte-order mark (which JSON.parse rejects). A syntax error's
 * message is made one line: V8 quotes the text around the error, line breaks included.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new SyntaxError(error.message.replace(/\s+/g, " "), { cause: error });
    throw error;
  }
}
