/**
 * The Node entry's rank provider: the precomputed binary rank tables that the build writes to
 * `dist/ranks/` (`scripts/build-ranks.mjs`, generated from js-tiktoken's ranks, never edited),
 * read with one `readFileSync` and used without parsing. A table is trusted only if its
 * fingerprint matches the installed js-tiktoken rank file; a missing or stale table falls back
 * to `require`-ing and parsing js-tiktoken's data. Either way nothing is loaded until an encoding
 * is used, which keeps `tokcost count` starting fast.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deserializeRankTable, parseRankData, rankDataFingerprint, type RankTable } from "../tokenizer/rank-table.js";
import { setRankProvider, type RankSource } from "../tokenizer/registry.js";
import type { RankModule } from "../tokenizer/ranks.js";

const require = createRequire(import.meta.url);
let installed = false;

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

function loadBinary(source: RankSource): RankTable | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(rankFileUrl(source));
  } catch {
    return undefined;
  }
  // typed-array views need an 8-byte aligned offset; copy in the (unlikely) other case
  const bytes = buf.byteOffset % 8 === 0 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(buf);
  return deserializeRankTable(bytes, installedRankFingerprint(source));
}

/** Makes encodings load from the precomputed binary tables (falling back to js-tiktoken's data). */
export function installFastRanks(): void {
  if (installed) return;
  installed = true;
  setRankProvider((source) => loadBinary(source) ?? parseInstalledRanks(source));
}
