/**
 * Text that reaches a terminal. File names, model ids and request JSON are untrusted: an ESC or
 * OSC sequence in them could recolour, retitle or rewrite the terminal, and a line break could
 * forge a line (`::error …` in a GitHub Actions log). Human output goes through these two
 * helpers; JSON output is never changed.
 */

/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function visible(ch: string): string {
  switch (ch) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\u001b":
      return "\\e";
    default:
      return `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
  }
}

/** Every control character (line breaks and tabs included) as a visible escape: ESC → `\e`, LF → `\n`. For one field (a path, an id). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, visible);
}

/**
 * Text for a terminal: control characters become visible escapes, except line breaks, tabs and
 * the colour codes tokcost itself writes (SGR bold, dim, red, green, yellow, grey and their resets).
 */
export function terminalSafe(text: string): string {
  return text.replace(/\u001b\[(?:0|1|2|22|31|32|33|39|90)m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (m) => (m.length > 1 ? m : visible(m)));
}
