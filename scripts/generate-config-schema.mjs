#!/usr/bin/env node
/**
 * Writes schema/tokcost.config.schema.json from the zod schema of the gate configuration
 * (src/gate/config.ts), so editors can complete tokcost.config.json. Run after `npm run build`:
 *
 *   node scripts/generate-config-schema.mjs          # write the file
 *   node scripts/generate-config-schema.mjs --check  # exit 1 when the file is out of date
 *
 * test/gate-config.test.ts fails when the committed file differs from what this would write.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = path.join(root, "schema", "tokcost.config.schema.json");
const { configJsonSchema } = await import(new URL("../dist/src/gate/json-schema.js", import.meta.url).href);
const text = JSON.stringify(configJsonSchema(), null, 2) + "\n";

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    process.stderr.write("schema/tokcost.config.schema.json is out of date: run npm run build && node scripts/generate-config-schema.mjs\n");
    process.exit(1);
  }
  process.stdout.write("schema/tokcost.config.schema.json is up to date\n");
} else {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
