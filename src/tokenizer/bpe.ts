/**
 * Byte-pair merging, exactly as tiktoken's `_byte_pair_merge`: repeatedly merge the adjacent
 * pair whose concatenation has the lowest rank (the leftmost one on ties) until no adjacent pair
 * is a token.
 *
 * Short pieces use tiktoken's simple scan (fast for the common case). Long pieces — minified
 * code, base64, hashes — use a binary heap over candidate merges with lazy invalidation, which
 * is O(n log n) instead of O(n²), so a megabyte without a space cannot stall a request path.
 */

/** Pieces at least this long (in bytes) are merged with the heap. */
export const HEAP_THRESHOLD = 128;

/** Token boundaries after merging: `starts[i]` .. `starts[i+1]`, ending with the piece length. */
export function bytePairSplit(piece: string, ranks: Map<string, number>): number[] {
  return piece.length < HEAP_THRESHOLD ? mergeSimple(piece, ranks) : mergeWithHeap(piece, ranks);
}

/** Number of tokens the piece merges into, without materialising ranks. */
export function bytePairCount(piece: string, ranks: Map<string, number>): number {
  if (piece.length === 1) return 1;
  return bytePairSplit(piece, ranks).length - 1;
}

/** Token ranks of a piece. */
export function bytePairEncode(piece: string, ranks: Map<string, number>, out: number[]): void {
  if (piece.length === 1) {
    out.push(ranks.get(piece)!);
    return;
  }
  const bounds = bytePairSplit(piece, ranks);
  for (let i = 0; i < bounds.length - 1; i++) out.push(ranks.get(piece.slice(bounds[i], bounds[i + 1]))!);
}

const NO_RANK = 0x7fffffff;

function mergeSimple(piece: string, ranks: Map<string, number>): number[] {
  // parts[i] = start of part i; pairRank[i] = rank of parts i and i+1 merged (NO_RANK if none).
  const n = piece.length;
  const starts: number[] = new Array(n + 1);
  const pairRank: number[] = new Array(n);
  for (let i = 0; i <= n; i++) starts[i] = i;
  for (let i = 0; i < n - 1; i++) pairRank[i] = ranks.get(piece.slice(i, i + 2)) ?? NO_RANK;
  pairRank[n - 1] = NO_RANK;
  let len = n; // number of parts
  const rankAt = (i: number): number => (i + 2 <= len ? ranks.get(piece.slice(starts[i], starts[i + 2])) ?? NO_RANK : NO_RANK);
  while (len > 1) {
    let minRank = NO_RANK;
    let minIndex = -1;
    for (let i = 0; i < len - 1; i++) {
      if (pairRank[i] < minRank) {
        minRank = pairRank[i];
        minIndex = i;
      }
    }
    if (minIndex < 0) break;
    // merge part minIndex with minIndex+1
    starts.splice(minIndex + 1, 1);
    pairRank.splice(minIndex + 1, 1);
    len--;
    pairRank[minIndex] = rankAt(minIndex);
    if (minIndex > 0) pairRank[minIndex - 1] = rankAt(minIndex - 1);
  }
  starts.length = len + 1;
  return starts;
}

/**
 * Heap-based merge. Parts form a doubly linked list; the heap holds (rank, leftStart) candidates.
 * A candidate is stale when either side changed since it was pushed; stale entries are skipped.
 * Ordering by (rank, position) reproduces tiktoken's leftmost-lowest choice.
 */
function mergeWithHeap(piece: string, ranks: Map<string, number>): number[] {
  const n = piece.length;
  const next = new Int32Array(n + 1); // next part start, n = end
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1);
  const version = new Uint32Array(n + 1); // bumped when the part starting here changes length
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    alive[i] = 1;
  }
  // heap arrays: rank, start, versionLeft, versionRight
  let hRank = new Int32Array(n);
  let hPos = new Int32Array(n);
  let hVerL = new Uint32Array(n);
  let hVerR = new Uint32Array(n);
  let size = 0;
  const less = (a: number, b: number): boolean => hRank[a] < hRank[b] || (hRank[a] === hRank[b] && hPos[a] < hPos[b]);
  const swap = (a: number, b: number): void => {
    let t = hRank[a]; hRank[a] = hRank[b]; hRank[b] = t;
    t = hPos[a]; hPos[a] = hPos[b]; hPos[b] = t;
    let u = hVerL[a]; hVerL[a] = hVerL[b]; hVerL[b] = u;
    u = hVerR[a]; hVerR[a] = hVerR[b]; hVerR[b] = u;
  };
  const push = (rank: number, pos: number): void => {
    if (size === hRank.length) {
      const grow = <T extends Int32Array | Uint32Array>(arr: T): T => {
        const bigger = new (arr.constructor as new (len: number) => T)(arr.length * 2);
        bigger.set(arr);
        return bigger;
      };
      hRank = grow(hRank); hPos = grow(hPos); hVerL = grow(hVerL); hVerR = grow(hVerR);
    }
    let i = size++;
    hRank[i] = rank; hPos[i] = pos; hVerL[i] = version[pos]; hVerR[i] = version[next[pos]];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): void => {
    size--;
    if (size === 0) return;
    swap(0, size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
  };
  const pairRankAt = (start: number): number => {
    const mid = next[start];
    if (mid >= n) return NO_RANK;
    return ranks.get(piece.slice(start, next[mid])) ?? NO_RANK;
  };
  for (let i = 0; i < n - 1; i++) {
    const r = ranks.get(piece.slice(i, i + 2));
    if (r !== undefined) push(r, i);
  }
  while (size > 0) {
    const pos = hPos[0];
    const verL = hVerL[0];
    const verR = hVerR[0];
    pop();
    if (!alive[pos] || version[pos] !== verL) continue;
    const mid = next[pos];
    if (mid >= n || !alive[mid] || version[mid] !== verR) continue;
    // merge pos with mid
    const after = next[mid];
    alive[mid] = 0;
    next[pos] = after;
    if (after <= n) prev[after] = pos;
    version[pos]++;
    const r1 = pairRankAt(pos);
    if (r1 !== NO_RANK) push(r1, pos);
    const before = prev[pos];
    if (before >= 0) {
      const r0 = pairRankAt(before);
      if (r0 !== NO_RANK) push(r0, before);
    }
  }
  const bounds: number[] = [];
  for (let i = 0; i < n; i = next[i]) bounds.push(i);
  bounds.push(n);
  return bounds;
}
