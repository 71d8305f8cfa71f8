// Build step (run by `npm run build` after tsc): writes dist/ranks/<source>.bin, the binary form
// of each rank table, generated from js-tiktoken's rank modules with the same code the library
// uses to parse them (dist/src/tokenizer/rank-table.js). Never edit these files; they are not
// committed and are checked against a fresh parse in test/tokenizer-ranks.test.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { parseRankData, serializeRankTable, rankDataFingerprint } = await import("../dist/src/tokenizer/rank-table.js");
const { RANK_MODULES } = await import("../dist/src/tokenizer/ranks.js");

const outDir = join(root, "dist", "ranks");
mkdirSync(outDir, { recursive: true });
for (const [source, module] of Object.entries(RANK_MODULES)) {
  const table = parseRankData(module.bpe_ranks);
  const bin = serializeRankTable(table, rankDataFingerprint(module.bpe_ranks));
  writeFileSync(join(outDir, `${source}.bin`), bin);
}
console.log(`build-ranks: wrote ${Object.keys(RANK_MODULES).length} rank tables to dist/ranks/`);
