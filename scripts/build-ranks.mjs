// Build step (run by `npm run build` after tsc): writes dist/ranks/<source>.bin, the binary form
// of each rank table, generated from js-tiktoken's rank data with the same code the library
// uses to parse it (dist/src/tokenizer/rank-table.js), stamped with the fingerprint of the
// installed js-tiktoken rank file. Never edit these files; they are not committed and are
// checked against a fresh parse in test/tokenizer-ranks.test.ts.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { serializeRankTable } = await import("../dist/src/tokenizer/rank-table.js");
const { RANK_SOURCES } = await import("../dist/src/tokenizer/registry.js");
const { installedRankFingerprint, parseInstalledRanks, RANK_FILE_ALIASES } = await import("../dist/src/node/ranks-loader.js");

const outDir = join(root, "dist", "ranks");
mkdirSync(outDir, { recursive: true });
let written = 0;
for (const source of RANK_SOURCES) {
  const file = join(outDir, `${source}.bin`);
  // A source whose data is identical to its alias's shares the alias's file (the loader falls back to it).
  const alias = RANK_FILE_ALIASES[source];
  if (alias && installedRankFingerprint(alias) === installedRankFingerprint(source)) {
    rmSync(file, { force: true });
    continue;
  }
  writeFileSync(file, serializeRankTable(parseInstalledRanks(source), installedRankFingerprint(source)));
  written++;
}
console.log(`build-ranks: wrote ${written} rank tables to dist/ranks/`);
