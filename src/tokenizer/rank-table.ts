/**
 * Mergeable ranks as a compact, allocation-free lookup structure: all token bytes in one
 * `Uint8Array`, per-rank start/length, and an open-addressing hash table (FNV-1a, linear
 * probing) from byte sequence to rank. Lookups take a byte range of any buffer, so byte-pair
 * merging never creates strings.
 *
 * Built from js-tiktoken's rank modules (OpenAI's published ranks, re-packed as ES modules) by a
 * single pass base64 decoder: ~20–30 ms for o200k_base instead of ~150 ms for a `Map` of
 * `atob` strings.
 */

const B64 = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/** FNV-1a of `buf[start, end)`. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h ^ (h >>> 15);
}

/** Byte sequence ↔ rank for one encoding's mergeable ranks. */
export class RankTable {
  /** number of rank slots (highest rank + 1); slots without a token have length 0 */
  readonly size: number;
  /** all token bytes */
  readonly bytes: Uint8Array;
  /** start of each rank's bytes in {@link bytes} */
  readonly starts: Uint32Array;
  /** byte length of each rank's token (0 = no token with this rank) */
  readonly lengths: Uint16Array;
  /** rank of each 2-byte token, indexed by `b0 << 8 | b1`; -1 when not a token */
  readonly pairs: Int32Array;
  /** rank of each single byte (every byte is a token in OpenAI's encodings) */
  readonly singles: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(bytes: Uint8Array, starts: Uint32Array, lengths: Uint16Array) {
    this.bytes = bytes;
    this.starts = starts;
    this.lengths = lengths;
    this.size = starts.length;
    let cap = 1;
    while (cap < this.size * 2) cap <<= 1;
    this.mask = cap - 1;
    const slots = (this.slots = new Int32Array(cap).fill(-1));
    this.pairs = new Int32Array(65536).fill(-1);
    this.singles = new Int32Array(256).fill(-1);
    for (let r = 0; r < this.size; r++) {
      const len = lengths[r];
      if (len === 0) continue;
      const s = starts[r];
      if (len === 1) this.singles[bytes[s]] = r;
      else if (len === 2) this.pairs[(bytes[s] << 8) | bytes[s + 1]] = r;
      let h = hashBytes(bytes, s, s + len) & this.mask;
      while (slots[h] !== -1) h = (h + 1) & this.mask;
      slots[h] = r;
    }
  }

  /** Rank of the bytes `buf[start, end)`, or -1 if they are not a token. */
  get(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len === 2) return this.pairs[(buf[start] << 8) | buf[start + 1]];
    if (len === 1) return this.singles[buf[start]];
    const { slots, mask, lengths, starts, bytes } = this;
    let h = hashBytes(buf, start, end) & mask;
    for (;;) {
      const r = slots[h];
      if (r === -1) return -1;
      if (lengths[r] === len) {
        let s = starts[r];
        let i = start;
        while (i < end && bytes[s] === buf[i]) {
          s++;
          i++;
        }
        if (i === end) return r;
      }
      h = (h + 1) & mask;
    }
  }

  /** Bytes of a rank (a view), or undefined if no token has this rank. */
  tokenBytes(rank: number): Uint8Array | undefined {
    if (rank < 0 || rank >= this.size || this.lengths[rank] === 0) return undefined;
    const s = this.starts[rank];
    return this.bytes.subarray(s, s + this.lengths[rank]);
  }
}

/**
 * Parses js-tiktoken's rank format — lines of `<tag> <first rank> <base64 token> <base64 token>…`
 * with consecutive ranks — in one pass, straight into a {@link RankTable}.
 */
export function parseRankData(data: string): RankTable {
  const L = data.length;
  const bytes = new Uint8Array(Math.ceil((L * 3) / 4));
  let nBytes = 0;
  // first pass: highest rank (count tokens per line)
  let maxRank = -1;
  {
    let i = 0;
    while (i < L) {
      let lineEnd = data.indexOf("\n", i);
      if (lineEnd < 0) lineEnd = L;
      if (lineEnd > i) {
        const sp1 = data.indexOf(" ", i);
        const sp2 = data.indexOf(" ", sp1 + 1);
        const offset = Number.parseInt(data.slice(sp1 + 1, sp2 < 0 || sp2 > lineEnd ? lineEnd : sp2), 10);
        let n = 0;
        for (let k = sp2; k >= 0 && k < lineEnd; k = data.indexOf(" ", k + 1)) n++;
        if (n > 0) maxRank = Math.max(maxRank, offset + n - 1);
      }
      i = lineEnd + 1;
    }
  }
  const starts = new Uint32Array(maxRank + 1);
  const lengths = new Uint16Array(maxRank + 1);
  let i = 0;
  while (i < L) {
    // tag
    while (i < L && data.charCodeAt(i) !== 32 && data.charCodeAt(i) !== 10) i++;
    if (i >= L || data.charCodeAt(i) === 10) {
      i++;
      continue;
    }
    i++;
    let rank = 0;
    let c: number;
    while (i < L && (c = data.charCodeAt(i)) !== 32 && c !== 10) {
      rank = rank * 10 + c - 48;
      i++;
    }
    while (i < L && data.charCodeAt(i) === 32) {
      i++;
      const start = nBytes;
      let acc = 0;
      let bits = 0;
      while (i < L) {
        c = data.charCodeAt(i);
        if (c === 32 || c === 10) break;
        i++;
        if (c === 61) continue; // '=' padding
        acc = ((acc << 6) | B64[c]) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes[nBytes++] = (acc >> bits) & 0xff;
        }
      }
      starts[rank] = start;
      lengths[rank] = nBytes - start;
      rank++;
    }
    i++; // newline
  }
  return new RankTable(bytes.slice(0, nBytes), starts, lengths);
}
