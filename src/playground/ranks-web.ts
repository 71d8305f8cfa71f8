/**
 * Rank tables for the browser page: the build's binary tables (dist/ranks/<source>.bin, the
 * same files the CLI reads) fetched over HTTP, one per rank source and only when an encoding
 * needs it. They come from the same package as the page, so the fingerprint in their header is
 * trusted (the CLI checks it against js-tiktoken's data; the browser has no copy of that data).
 */
import { deserializeRankTable, type RankTable } from "../tokenizer/rank-table.js";
import { ENCODING_RANK_SOURCE, RANK_FILE_ALIASES, setRankProvider, type EncodingName, type RankSource } from "../tokenizer/registry.js";

const tables = new Map<RankSource, RankTable>();
const loading = new Map<RankSource, Promise<void>>();
let base = "";

/** Installs the provider; tables are then loaded with {@link loadRanksFor} from `baseUrl`. */
export function installWebRanks(baseUrl: string): void {
  base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
  setRankProvider((source) => {
    const table = tables.get(source);
    if (!table) throw new Error(`rank table ${source} is not loaded yet`);
    return table;
  });
}

/** Fetches the rank table `encoding` needs (once). */
export function loadRanksFor(encoding: EncodingName): Promise<void> {
  const source = ENCODING_RANK_SOURCE[encoding];
  let promise = loading.get(source);
  if (!promise) {
    promise = (async () => {
      // gpt2 shares r50k_base's identical file (RANK_FILE_ALIASES).
      const file = `${RANK_FILE_ALIASES[source] ?? source}.bin`;
      const response = await fetch(`${base}${file}`);
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const fingerprint = bytes.byteLength >= 8 ? new Uint32Array(bytes.buffer, 0, 2)[1] : 0;
      const table = deserializeRankTable(bytes, fingerprint);
      if (!table) throw new Error(`${source}.bin is not a tokcost rank table`);
      tables.set(source, table);
    })();
    promise.catch(() => loading.delete(source));
    loading.set(source, promise);
  }
  return promise;
}

/** Is the table for `encoding` loaded? */
export function ranksLoaded(encoding: EncodingName): boolean {
  return tables.has(ENCODING_RANK_SOURCE[encoding]);
}
