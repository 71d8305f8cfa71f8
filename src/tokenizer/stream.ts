/**
 * Incremental counting of text that arrives in pieces (no Node APIs: works with any source of
 * strings, e.g. a `TextDecoderStream`). Text is buffered only until a *safe cut*: a position
 * where no piece of the split pattern can span and where counting the two sides separately
 * gives the same total as counting the whole text. Memory is bounded by the distance between
 * safe cuts (a few lines in ordinary text).
 *
 * A safe cut is the position p right after a line feed when
 * - the character before the line feed is not white space (so the line feed is a one-character
 *   whitespace run, and the pieces before it cannot look past it), and
 * - the character at p is not white space (and, for o200k, not `/`, which `[\r\n/]*` would
 *   absorb), or it is a single space followed by a character that is not white space.
 * Then in every family the line feed ends a piece at p whether or not text follows it, and
 * every pattern restarts at p. (Checked against whole-text counts on random text cut at random
 * places in `test/count-stream.test.ts`.)
 *
 * A line can be megabytes long (minified code, one-line JSON), so there is a second kind of
 * safe cut, inside a line: the position p when the character before it is an ASCII letter and
 * the character at p is ASCII but not a letter and not `'`. No piece of any family continues a
 * letter run with such a character (letter runs absorb only letters, marks and, in o200k, a
 * contraction starting with `'`), and no piece holds a letter followed by anything else (spaces
 * and punctuation only ever lead a piece), so a piece ends at p in the whole text and in the
 * text before p alone; the patterns have no look-behind, so matching restarts at p either way.
 * Special tokens are matched before the split and may hold such a position (`<|endoftext|>`),
 * so with special tokens allowed only line-feed cuts are made.
 */
import { normaliseAllowed, type AllowedSpecial, type Encoding } from "./encoding.js";

/** Is the UTF-16 unit white space (Unicode White_Space; all such characters are in the BMP)? */
export function isWhiteSpaceUnit(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/**
 * Is p (with 2 ≤ p and p + 1 < text.length) a safe cut for the family? See the module comment.
 * `slashAbsorbs`: the family's punctuation pieces absorb a following `/` (o200k).
 */
export function isSafeCut(text: string, p: number, slashAbsorbs: boolean): boolean {
  if (text.charCodeAt(p - 1) !== 0x0a) return false;
  if (isWhiteSpaceUnit(text.charCodeAt(p - 2))) return false;
  const c = text.charCodeAt(p);
  if (c === 0x20) return !isWhiteSpaceUnit(text.charCodeAt(p + 1));
  if (isWhiteSpaceUnit(c)) return false;
  return !(slashAbsorbs && c === 0x2f);
}

const isAsciiLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** Is p (with 1 ≤ p < text.length) a safe cut inside a line? See the module comment. */
export function isInLineCut(text: string, p: number): boolean {
  if (!isAsciiLetter(text.charCodeAt(p - 1))) return false;
  const c = text.charCodeAt(p);
  return c < 0x80 && c !== 0x27 && !isAsciiLetter(c);
}

/** Last safe cut inside a line in `text[from, text.length - 1)`, or -1 (scans back from the end). */
export function lastInLineCut(text: string, from: number): number {
  for (let p = text.length - 2; p >= Math.max(1, from + 1); p--) if (isInLineCut(text, p)) return p;
  return -1;
}

/** Last safe cut in `text[from, text.length - 1)`, or -1. */
export function lastSafeCut(text: string, from: number, slashAbsorbs: boolean): number {
  let i = text.length - 2;
  while (i >= from + 1) {
    const nl = text.lastIndexOf("\n", i);
    if (nl < from + 1) return -1;
    const p = nl + 1;
    if (p + 1 < text.length && isSafeCut(text, p, slashAbsorbs)) return p;
    i = nl - 1;
  }
  return -1;
}

/** Counts text fed in arbitrary pieces; `total()` equals `encoding.count(wholeText)`. */
export class StreamingCounter {
  private readonly encoding: Encoding;
  private readonly allowedSpecial: AllowedSpecial | undefined;
  private readonly slashAbsorbs: boolean;
  private readonly canCut: boolean;
  private readonly canCutInLine: boolean;
  private readonly flushAt: number;
  private buffer = "";
  private searched = 0;
  private counted = 0;
  /** Number of safe cuts made so far (each counted the text before it and dropped it). */
  cuts = 0;
  /** Largest number of UTF-16 units held at once. */
  maxBuffered = 0;

  /** `flushAt`: buffered UTF-16 units at which a cut is looked for (default 1 Mi). */
  constructor(encoding: Encoding, options: { allowedSpecial?: AllowedSpecial; flushAt?: number } = {}) {
    this.encoding = encoding;
    this.allowedSpecial = normaliseAllowed(options.allowedSpecial);
    this.slashAbsorbs = encoding.family === "o200k";
    this.flushAt = options.flushAt ?? 1 << 20;
    // A special token containing a line feed could span a cut: then never cut.
    const allowed = this.allowedSpecial === "all" ? Object.keys(encoding.specialTokens) : (this.allowedSpecial ?? []);
    this.canCut = !allowed.some((s) => s.includes("\n"));
    this.canCutInLine = allowed.length === 0;
  }

  /** Adds text. */
  push(text: string): void {
    this.buffer = this.buffer.length === 0 ? text : this.buffer + text;
    if (this.buffer.length > this.maxBuffered) this.maxBuffered = this.buffer.length;
    if (this.buffer.length >= this.flushAt && this.canCut) this.flush();
  }

  /** Counts everything before the last safe cut in the buffer. */
  private flush(): void {
    const buf = this.buffer;
    const from = Math.max(0, this.searched - 2);
    // a cut inside a line is usually a few characters from the end; line feeds may be far apart
    const inLine = this.canCutInLine ? lastInLineCut(buf, from) : -1;
    const cut = inLine >= 0 ? inLine : lastSafeCut(buf, from, this.slashAbsorbs);
    if (cut < 0) {
      // no cut yet (e.g. a long run of digits or CJK text): look only at new text next time
      this.searched = buf.length;
      return;
    }
    this.counted += this.encoding.count(buf.slice(0, cut), { allowedSpecial: this.allowedSpecial });
    // copy the rest so the counted prefix can be freed (slices keep their parent alive)
    this.buffer = buf.length - cut > 0 ? flat(buf.slice(cut)) : "";
    this.searched = 0;
    this.cuts++;
  }

  /** Count of all text pushed so far (counts the buffered rest; call once, at the end). */
  total(): number {
    if (this.buffer.length > 0) {
      this.counted += this.encoding.count(this.buffer, { allowedSpecial: this.allowedSpecial });
      this.buffer = "";
    }
    return this.counted;
  }
}

/** A copy of a string that does not share storage with its parent. */
function flat(s: string): string {
  if (s.length < 64) return s;
  return (" " + s).slice(1);
}
