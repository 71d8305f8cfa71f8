/**
 * Byte-pair merging, exactly as tiktoken's `_byte_pair_merge`: repeatedly merge the adjacent
 * pair whose concatenation has the lowest rank (the leftmost one on ties) until no adjacent pair
 * is a token.
 *
 * Input is a piece's UTF-8 bytes in a buffer; rank lookups take byte ranges of that buffer (no
 * strings are created). Short pieces use tiktoken's simple scan (fast for the common case).
 * Long pieces — minified code, base64, hashes — use a heap over candidate merges with lazy
 * invalidation, which is O(n log n) instead of O(n²), as tiktoken's Rust core does for long
 * pieces, so a megabyte without a space cannot stall a request path. Very long pieces take the
 * initial candidates (pairs of bytes) in order from a counting sort and keep only the merges'
 * new candidates in the heap ({@link mergeWithSortedPairs}).
 */
import type { RankTable } from "./rank-table.js";

/** Pieces at least this long (in bytes) are merged with the heap. */
export const HEAP_THRESHOLD = 128;

/**
 * Pieces at least this long are merged by {@link mergeWithSortedPairs} (below it, its fixed cost
 * — a pass over the encoding's few thousand two-byte tokens — outweighs what it saves).
 */
export const SORTED_THRESHOLD = 1024;

const NO_RANK = 0x7fffffff;

let partStart = new Int32Array(HEAP_THRESHOLD + 2);
let partRank = new Int32Array(HEAP_THRESHOLD + 2);
let partToken = new Int32Array(HEAP_THRESHOLD + 2);

/**
 * Token boundaries of `buf[0, n)` after merging, written to `out` (`out[0] = 0`, …, last = n);
 * returns the number of tokens. `out` must hold n + 1 entries.
 */
export function bytePairSplit(buf: Uint8Array, n: number, table: RankTable, out: Int32Array, useHeap = n >= HEAP_THRESHOLD): number {
  if (n <= 1) {
    out[0] = 0;
    out[1] = n;
    return n;
  }
  return useHeap ? mergeLong(buf, n, table, out) : mergeSimple(buf, n, table, out);
}

function mergeLong(buf: Uint8Array, n: number, table: RankTable, out: Int32Array): number {
  return n >= SORTED_THRESHOLD ? mergeWithSortedPairs(buf, n, table, out) : mergeWithHeap(buf, n, table, out);
}

let boundScratch = new Int32Array(256);

/** Number of tokens the bytes merge into. */
export function bytePairCount(buf: Uint8Array, n: number, table: RankTable, useHeap = n >= HEAP_THRESHOLD): number {
  if (n <= 1) return n;
  if (n < HEAP_THRESHOLD && !useHeap) return mergeSimple(buf, n, table, undefined);
  if (boundScratch.length < n + 1) boundScratch = new Int32Array(n + 1);
  return mergeLong(buf, n, table, boundScratch);
}

/** Appends the token ranks of the bytes to `out`. */
export function bytePairEncode(buf: Uint8Array, n: number, table: RankTable, out: number[], useHeap = n >= HEAP_THRESHOLD): void {
  if (n === 1) {
    out.push(table.singles[buf[0]]);
    return;
  }
  if (boundScratch.length < n + 1) boundScratch = new Int32Array(n + 1);
  const bounds = boundScratch;
  const k = bytePairSplit(buf, n, table, bounds, useHeap);
  for (let i = 0; i < k; i++) out.push(table.get(buf, bounds[i], bounds[i + 1]));
}

/**
 * tiktoken's simple O(n²) merge over an array of parts; returns the token count and, if `out`
 * is given, the part boundaries. Each part carries its token rank, so the rank of a candidate
 * merge is looked up by the two ranks ({@link RankTable.merge}).
 */
function mergeSimple(buf: Uint8Array, n: number, table: RankTable, out: Int32Array | undefined): number {
  if (partStart.length < n + 2) {
    partStart = new Int32Array(n + 2);
    partRank = new Int32Array(n + 2);
    partToken = new Int32Array(n + 2);
  }
  const ps = partStart;
  const pr = partRank;
  const tk = partToken;
  const pairs = table.pairs;
  const singles = table.singles;
  // parts 0..n-1 (+ end sentinel n): part i starts at ps[i], is token tk[i]; pr[i] = rank of
  // parts i and i+1 merged (NO_RANK if not a token)
  let minRank = NO_RANK;
  let minIndex = -1;
  for (let i = 0; i < n - 1; i++) {
    ps[i] = i;
    tk[i] = singles[buf[i]];
    const r = pairs[(buf[i] << 8) | buf[i + 1]];
    const rr = r < 0 ? NO_RANK : r;
    pr[i] = rr;
    if (rr < minRank) {
      minRank = rr;
      minIndex = i;
    }
  }
  ps[n - 1] = n - 1;
  tk[n - 1] = singles[buf[n - 1]];
  pr[n - 1] = NO_RANK;
  ps[n] = n;
  let parts = n;
  while (minRank !== NO_RANK) {
    const i = minIndex;
    tk[i] = minRank;
    // remove part i + 1
    for (let k = i + 1; k < parts; k++) {
      ps[k] = ps[k + 1];
      tk[k] = tk[k + 1];
      pr[k] = pr[k + 1];
    }
    parts--;
    if (i > 0) {
      const r = table.merge(tk[i - 1], minRank, buf, ps[i - 1], ps[i + 1]);
      pr[i - 1] = r < 0 ? NO_RANK : r;
    }
    if (i + 1 < parts) {
      const r = table.merge(minRank, tk[i + 1], buf, ps[i], ps[i + 2]);
      pr[i] = r < 0 ? NO_RANK : r;
    } else pr[i] = NO_RANK;
    minRank = NO_RANK;
    minIndex = -1;
    for (let k = 0; k < parts - 1; k++) {
      if (pr[k] < minRank) {
        minRank = pr[k];
        minIndex = k;
      }
    }
  }
  if (out !== undefined) for (let k = 0; k <= parts; k++) out[k] = ps[k];
  return parts;
}

/**
 * Heap-based merge. Parts form a doubly linked list over their start offsets (-1 for
 * merged-away parts); the heap holds candidate merges keyed `rank * 2^32 + position` in one
 * Float64Array, so the minimum is tiktoken's leftmost-lowest choice. Entries are never updated,
 * only invalidated: a candidate (rank, pos) is still current iff the pair starting at pos spans
 * exactly the token's length (the input bytes never change, so the same span means the same
 * bytes and therefore the same rank). O(n log n) for a piece of n bytes.
 */
function mergeWithHeap(buf: Uint8Array, n: number, table: RankTable, out: Int32Array): number {
  // links[2i] = start of the part after the part starting at i (-1: merged away), links[2i+1] =
  // start of the part before it; interleaved so one cache line serves both
  const links = new Int32Array(2 * (n + 1));
  for (let i = 0; i <= n; i++) {
    links[2 * i] = i + 1;
    links[2 * i + 1] = i - 1;
  }
  const lengths = table.lengths;
  let heap = new Float64Array(Math.max(16, n));
  let size = 0;
  const SHIFT = 4294967296; // 2^32: positions are < 2^32, ranks < 2^20
  const push = (key: number): void => {
    heap = heapPush(heap, size++, key);
  };
  const pairs = table.pairs;
  // initial candidates are in position order: build the heap bottom-up in O(n)
  for (let i = 0; i < n - 1; i++) {
    const r = pairs[(buf[i] << 8) | buf[i + 1]];
    if (r >= 0) heap[size++] = r * SHIFT + i;
  }
  for (let start = (size - 2) >> 2; start >= 0; start--) siftDown(heap, size, start, heap[start]);
  while (size > 0) {
    const top = heap[0];
    // pop
    size--;
    if (size > 0) siftDown(heap, size, 0, heap[size]);
    const rank = Math.floor(top / SHIFT);
    const pos = top - rank * SHIFT;
    const mid = links[2 * pos];
    if (mid < 0 || mid >= n) continue; // merged away, or the last part
    const after = links[2 * mid];
    if (after - pos !== lengths[rank]) continue; // stale
    // merge pos with mid
    links[2 * mid] = -1;
    links[2 * pos] = after;
    links[2 * after + 1] = pos;
    if (after < n) {
      const r = table.get(buf, pos, links[2 * after]);
      if (r >= 0) push(r * SHIFT + pos);
    }
    const before = links[2 * pos + 1];
    if (before >= 0) {
      const r = table.get(buf, before, after);
      if (r >= 0) push(r * SHIFT + before);
    }
  }
  let k = 0;
  for (let i = 0; i < n; i = links[2 * i]) out[k++] = i;
  out[k] = n;
  return k;
}

/**
 * Inserts `key` into a 4-ary min-heap (half the levels of a binary heap, and siblings share a
 * cache line) that holds `size` keys; returns the heap, grown when it was full.
 */
function heapPush(heap: Float64Array<ArrayBuffer>, size: number, key: number): Float64Array<ArrayBuffer> {
  if (size === heap.length) {
    const bigger = new Float64Array(heap.length * 2);
    bigger.set(heap);
    heap = bigger;
  }
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pk = heap[parent];
    if (pk <= key) break;
    heap[i] = pk;
    i = parent;
  }
  heap[i] = key;
  return heap;
}

/** Moves `key` down from slot i of a 4-ary min-heap of `size` entries. */
function siftDown(heap: Float64Array, size: number, i: number, key: number): void {
  for (;;) {
    const first = 4 * i + 1;
    if (first >= size) break;
    let m = first;
    let mk = heap[first];
    const last = first + 4 < size ? first + 4 : size;
    for (let c = first + 1; c < last; c++) {
      const ck = heap[c];
      if (ck < mk) {
        mk = ck;
        m = c;
      }
    }
    if (key <= mk) break;
    heap[i] = mk;
    i = m;
  }
  heap[i] = key;
}

/** Per rank table: the two-byte tokens in rank order ({@link mergeWithSortedPairs}). */
interface PairOrder {
  /** index of each two-byte token (by `b0 << 8 | b1`) in rank order; -1 when not a token */
  readonly index: Int32Array;
  /** rank of the two-byte token at each index (increasing) */
  readonly ranks: Int32Array;
  /** length of the table's longest token */
  readonly maxLength: number;
}

const pairOrders = new WeakMap<RankTable, PairOrder>();

function pairOrder(table: RankTable): PairOrder {
  let order = pairOrders.get(table);
  if (order === undefined) {
    const pairs = table.pairs;
    const codes: number[] = [];
    for (let c = 0; c < 65536; c++) if (pairs[c] >= 0) codes.push(c);
    codes.sort((a, b) => pairs[a] - pairs[b]);
    const index = new Int32Array(65536).fill(-1);
    const ranks = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      index[codes[i]] = i;
      ranks[i] = pairs[codes[i]];
    }
    let maxLength = 0;
    for (let r = 0; r < table.size; r++) if (table.lengths[r] > maxLength) maxLength = table.lengths[r];
    order = { index, ranks, maxLength };
    pairOrders.set(table, order);
  }
  return order;
}

/**
 * The same merge as {@link mergeWithHeap} (n ≥ 2), organised for very long pieces, where the
 * heap's size and scattered memory accesses dominate. Candidates come from two sources, and each
 * step takes the smaller `(rank, position)` of their two minimums, so merges happen in exactly
 * tiktoken's order:
 *
 * - the initial candidates, the pairs of adjacent bytes, counting-sorted by rank (two-byte tokens
 *   in rank order, {@link pairOrder}) and by position within a rank, then read in order;
 * - the candidates that merges create, in a 4-ary heap as in {@link mergeWithHeap}. Usually a
 *   fraction of the initial ones, so the heap stays small. (They normally rank above the merge
 *   that made them, but nothing here relies on that.)
 *
 * Parts are recorded in one byte per position, `len[i]` = length of the part starting at i, 0
 * when no part starts there (tokens are at most 255 bytes long — checked, otherwise the heap merge
 * is used). The part before `pos` starts at the nearest `i < pos` with `len[i] > 0`. Candidates are
 * invalidated lazily as in {@link mergeWithHeap}: (rank, pos) is current iff a part starts at pos
 * and it and the next part span exactly the token's length.
 */
export function mergeWithSortedPairs(buf: Uint8Array, n: number, table: RankTable, out: Int32Array): number {
  const { index, ranks, maxLength } = pairOrder(table);
  if (maxLength > 255) return mergeWithHeap(buf, n, table, out);
  const lengths = table.lengths;
  const P = ranks.length;
  // counting sort of the initial candidates: ends[t + 1] = end of two-byte token t's run in `sorted`
  const ends = new Int32Array(P + 1);
  for (let i = 0; i < n - 1; i++) {
    const t = index[(buf[i] << 8) | buf[i + 1]];
    if (t >= 0) ends[t + 1]++;
  }
  for (let t = 0; t < P; t++) ends[t + 1] += ends[t];
  const m = ends[P];
  const fill = ends.slice(0, P);
  const sorted = new Int32Array(m);
  for (let i = 0; i < n - 1; i++) {
    const t = index[(buf[i] << 8) | buf[i + 1]];
    if (t >= 0) sorted[fill[t]++] = i;
  }
  const len = new Uint8Array(n + 1).fill(1);
  let heap = new Float64Array(256);
  let size = 0;
  const SHIFT = 4294967296; // 2^32: positions are < 2^32, ranks < 2^20
  const push = (key: number): void => {
    heap = heapPush(heap, size++, key);
  };
  let next = 0; // next initial candidate: sorted[next], two-byte token t
  let t = 0;
  for (;;) {
    let rank: number;
    let pos: number;
    if (next < m) {
      while (next >= ends[t + 1]) t++;
      rank = ranks[t];
      pos = sorted[next];
      if (size > 0 && heap[0] < rank * SHIFT + pos) {
        const top = heap[0];
        size--;
        if (size > 0) siftDown(heap, size, 0, heap[size]);
        rank = Math.floor(top / SHIFT);
        pos = top - rank * SHIFT;
      } else next++;
    } else if (size > 0) {
      const top = heap[0];
      size--;
      if (size > 0) siftDown(heap, size, 0, heap[size]);
      rank = Math.floor(top / SHIFT);
      pos = top - rank * SHIFT;
    } else break;
    const first = len[pos];
    if (first === 0) continue; // merged away
    const mid = pos + first;
    if (mid >= n) continue; // the last part
    const merged = first + len[mid];
    if (merged !== lengths[rank]) continue; // stale
    // merge pos with mid
    len[mid] = 0;
    len[pos] = merged;
    const after = pos + merged;
    if (after < n) {
      const r = table.get(buf, pos, after + len[after]);
      if (r >= 0) push(r * SHIFT + pos);
    }
    if (pos > 0) {
      let before = pos - 1;
      while (len[before] === 0) before--;
      const r = table.get(buf, before, after);
      if (r >= 0) push(r * SHIFT + before);
    }
  }
  let k = 0;
  for (let i = 0; i < n; i += len[i]) out[k++] = i;
  out[k] = n;
  return k;
}
