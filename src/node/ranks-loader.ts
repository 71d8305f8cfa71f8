/**
 * The Node entry's rank provider: the precomputed binary rank tables that the build writes to
 * `dist/ranks/` (`scripts/build-ranks.mjs`, generated from js-tiktoken's ranks, never edited),
 * read in one piece into shared memory and used without parsing. A table is trusted only if its
 * fingerprint matches the installed js-tiktoken rank file; a missing or stale table falls back
 * to `require`-ing and parsing js-tiktoken's data. Either way nothing is loaded until an encoding
 * is used, which keeps `tokcost count` starting fast.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { deserializeRankTable, parseRankData, rankDataFingerprint, type RankTable } from "../tokenizer/rank-table.js";
import { setRankProvider, type RankSource } from "../tokenizer/registry.js";
import type { RankModule } from "../tokenizer/ranks.js";

const require = createRequire(import.meta.url);
let installed = false;

import { RANK_FILE_ALIASES } from "../tokenizer/registry.js";
export { RANK_FILE_ALIASES };

/** Directory of the binary rank tables (dist/ranks, next to dist/src). */
export function rankFileUrl(source: RankSource): URL {
  return new URL(`../../ranks/${source}.bin`, import.meta.url);
}

/** Path of js-tiktoken's (CommonJS) rank module for `source`. */
function rankModulePath(source: RankSource): string {
  return require.resolve(`js-tiktoken/ranks/${source}`);
}

/**
 * Fingerprint of the installed js-tiktoken rank file for `source`, taken from the file's bytes
 * without evaluating it (a few milliseconds, against tens for evaluating the module).
 */
export function installedRankFingerprint(source: RankSource): number {
  return rankDataFingerprint(readFileSync(rankModulePath(source), "latin1"));
}

/** Parses js-tiktoken's rank data for `source` (the slow path). */
export function parseInstalledRanks(source: RankSource): RankTable {
  return parseRankData((require(rankModulePath(source)) as RankModule).bpe_ranks);
}

/**
 * Bytes of the binary tables in use, by source. They live in `SharedArrayBuffer`s, so worker
 * threads can view the very same memory instead of loading copies ({@link sharedRankData}).
 */
const binaries = new Map<RankSource, Uint8Array>();

/** Reads a whole file into a new `SharedArrayBuffer` (offset 0, so typed-array views fit). */
function readShared(url: URL): Uint8Array {
  const fd = openSync(url, "r");
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size;) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) throw new Error(`${url.pathname}: unexpected end of file`);
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function loadBinary(source: RankSource): RankTable | undefined {
  const adopted = binaries.get(source);
  // checked against js-tiktoken's data by the thread that loaded it: trust its fingerprint
  if (adopted) return deserializeRankTable(adopted, new Uint32Array(adopted.buffer, adopted.byteOffset, 2)[1]);
  let bytes: Uint8Array;
  try {
    bytes = readShared(rankFileUrl(source));
  } catch {
    const alias = RANK_FILE_ALIASES[source];
    if (!alias) return undefined;
    try {
      bytes = readShared(rankFileUrl(alias));
    } catch {
      return undefined;
    }
  }
  const table = deserializeRankTable(bytes, installedRankFingerprint(source));
  if (table) binaries.set(source, bytes);
  return table;
}

/**
 * The binary rank tables this thread has loaded (shared memory), for {@link adoptSharedRankData}
 * in worker threads: a worker then uses the same bytes, already checked against js-tiktoken's
 * data, instead of reading and holding its own copy.
 */
export function sharedRankData(): Array<[RankSource, Uint8Array]> {
  return [...binaries];
}

/** Uses rank tables loaded by another thread of this process (see {@link sharedRankData}). */
export function adoptSharedRankData(data: ReadonlyArray<[RankSource, Uint8Array]>): void {
  for (const [source, bytes] of data) if (!binaries.has(source)) binaries.set(source, bytes);
}

/** Makes encodings load from the precomputed binary tables (falling back to js-tiktoken's data). */
export function installFastRanks(): void {
  if (installed) return;
  installed = true;
  setRankProvider((source) => loadBinary(source) ?? parseInstalledRanks(source));
}
