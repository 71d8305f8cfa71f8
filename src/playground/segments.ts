/**
 * Text split at token boundaries, for showing tokens (the playground page, `count --tokens`).
 * Portable: no Node or DOM APIs.
 *
 * A token may end inside a multi-byte character (an emoji is often two or three tokens). Such a
 * token cannot be shown as text on its own, so it joins the next tokens until the character is
 * complete: each segment holds one or more ids, and the segments' texts concatenate to the
 * input exactly.
 */
import type { AllowedSpecial, Encoding } from "../tokenizer/encoding.js";

/** One shown piece of text: the ids it is made of and the text they decode to. */
export interface TokenSegment {
  ids: number[];
  text: string;
  /** A special token (`<|endoftext|>` encoded as one id). */
  special: boolean;
}

/** The segments of `text` under `encoding` (one per token unless a character spans tokens). */
export function tokenSegments(encoding: Encoding, text: string, allowedSpecial?: AllowedSpecial): TokenSegment[] {
  const ids = encoding.encode(text, { allowedSpecial });
  const specialIds = new Set(Object.values(encoding.specialTokens));
  const decoder = new TextDecoder();
  const out: TokenSegment[] = [];
  let pending: number[] = [];
  let need = 0; // continuation bytes still expected by the current UTF-8 sequence
  for (const id of ids) {
    pending.push(id);
    for (const b of encoding.decodeBytes([id])) {
      if (need > 0 && (b & 0xc0) === 0x80) need -= 1;
      else need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    }
    if (need > 0) continue; // this token ends inside a character: it joins the next
    const piece = decoder.decode(encoding.decodeBytes(pending));
    out.push({ ids: pending, text: piece, special: pending.length === 1 && specialIds.has(id) && encoding.decode([id]) === piece && piece in encoding.specialTokens });
    pending = [];
  }
  if (pending.length) out.push({ ids: pending, text: decoder.decode(encoding.decodeBytes(pending)), special: false });
  return out;
}

/** How whitespace and control characters are shown: space ·, tab →, line break ↵ (kept as a break). */
export function visibleWhitespace(text: string): string {
  return text.replace(/[ \t\r\n]/g, (c) => (c === " " ? "·" : c === "\t" ? "→" : c === "\r" ? "␍" : "↵\n"));
}
