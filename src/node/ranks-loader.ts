/**
 * Node entry point's rank loading: the precomputed binary rank tables that the build writes to
 * `dist/ranks/` (`scripts/build-ranks.mjs`, generated from js-tiktoken's ranks, never edited),
 * read with one `readFileSync` and used without parsing. A missing or stale file (its
 * fingerprint does not match the installed js-tiktoken data) falls back to parsing.
 */
import { readFileSync } from "node:fs";
import { deserializeRankTable, rankDataFingerprint } from "../tokenizer/rank-table.js";
import { setRankLoader, type RankSource } from "../tokenizer/registry.js";

let installed = false;

/** Directory of the binary rank tables (dist/ranks, next to dist/src). */
export function rankFileUrl(source: RankSource): URL {
  return new URL(`../../ranks/${source}.bin`, import.meta.url);
}

/** Makes encodings load from the precomputed binary tables when they are present. */
export function installFastRanks(): void {
  if (installed) return;
  installed = true;
  setRankLoader((source, data) => {
    let buf: Buffer;
    try {
      buf = readFileSync(rankFileUrl(source));
    } catch {
      return undefined;
    }
    // typed-array views need an 8-byte aligned offset; copy in the (unlikely) other case
    const bytes = buf.byteOffset % 8 === 0 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(buf);
    return deserializeRankTable(bytes, rankDataFingerprint(data));
  });
}
