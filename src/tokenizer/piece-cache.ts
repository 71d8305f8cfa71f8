/**
 * Bounded cache from a piece of text to its token count, keyed by the characters of a range of
 * the input string — no substring is created on a hit. Open addressing over typed arrays; when
 * the entry or character budget is used up the cache is cleared wholesale (O(1) amortised,
 * memory strictly bounded: ~2.5 MB per encoding).
 */

const SLOT_BITS = 17;
const SLOTS = 1 << SLOT_BITS; // 131072 slots
const MASK = SLOTS - 1;
const MAX_ENTRIES = SLOTS >> 1; // load factor ≤ 0.5
const POOL_CHARS = 1 << 20;

/** Longest piece (UTF-16 units) the cache stores. */
export const PIECE_CACHE_MAX_LENGTH = 64;

/** Piece → token count, bounded (see the module comment). One per encoding and thread. */
export class PieceCache {
  private readonly slots = new Int32Array(SLOTS); // entry index + 1; 0 = empty
  private readonly hashes = new Int32Array(MAX_ENTRIES);
  private readonly offsets = new Int32Array(MAX_ENTRIES);
  private readonly lengths = new Uint8Array(MAX_ENTRIES);
  private readonly counts = new Int32Array(MAX_ENTRIES);
  private readonly pool = new Uint16Array(POOL_CHARS);
  private entries = 0;
  private poolUsed = 0;
  /** slot found empty by the last missed {@link get} (where {@link set} inserts) */
  private missSlot = 0;
  private missHash = 0;

  /** Count cached for `t[start, end)`, or -1 (then {@link set} may be called for the same range). */
  get(t: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    const len = end - start;
    const { slots, hashes, lengths, offsets, pool } = this;
    let s = h & MASK;
    for (;;) {
      const e = slots[s];
      if (e === 0) break;
      const k = e - 1;
      if (hashes[k] === h && lengths[k] === len) {
        let p = offsets[k];
        let i = start;
        while (i < end && pool[p] === t.charCodeAt(i)) {
          p++;
          i++;
        }
        if (i === end) return this.counts[k];
      }
      s = (s + 1) & MASK;
    }
    this.missSlot = s;
    this.missHash = h;
    return -1;
  }

  /** Stores the count of the range that the last {@link get} missed. */
  set(t: string, start: number, end: number, count: number): void {
    const len = end - start;
    if (this.entries >= MAX_ENTRIES || this.poolUsed + len > POOL_CHARS) {
      this.clear();
      this.get(t, start, end); // recompute the insertion slot
    }
    const k = this.entries++;
    this.hashes[k] = this.missHash;
    this.lengths[k] = len;
    this.counts[k] = count;
    const off = this.poolUsed;
    this.offsets[k] = off;
    for (let i = 0; i < len; i++) this.pool[off + i] = t.charCodeAt(start + i);
    this.poolUsed += len;
    this.slots[this.missSlot] = k + 1;
  }

  /** Number of cached pieces. */
  get size(): number {
    return this.entries;
  }

  clear(): void {
    this.slots.fill(0);
    this.entries = 0;
    this.poolUsed = 0;
  }
}
