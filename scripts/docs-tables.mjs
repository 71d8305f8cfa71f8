/**
 * Rewrites the generated tables in docs/ from the code and data they describe, so the docs cannot
 * drift (test/tool-framing.test.ts and test/conformance.test.ts check they are current):
 * `<!-- generated: NAME … -->` … `<!-- end -->` regions in docs/requests.md, docs/accuracy.md and
 * docs/pricing.md (its corrections table: test/pricing-corrections.test.ts).
 * Usage: npm run docs:tables (builds first).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { framingMarkdown, framingSources } from "./framing-table.mjs";
import { accuracyMarkdown, conformanceSummary, evaluate, loadCorpus } from "./conformance/evaluate.mjs";
import { correctionsMarkdown } from "./corrections-table.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const result = evaluate(loadCorpus());
const tables = {
  "framing-table": framingMarkdown(),
  "framing-sources": framingSources(),
  "accuracy-table": accuracyMarkdown(result.counts),
  "conformance-summary": conformanceSummary(result),
  "corrections-table": correctionsMarkdown(),
};

for (const doc of ["docs/requests.md", "docs/accuracy.md", "docs/pricing.md"]) {
  const path = `${root}${doc}`;
  const text = readFileSync(path, "utf8").replace(/(<!-- generated: ([\w-]+)[^>]*-->\n)[\s\S]*?(<!-- end -->)/g, (_m, open, name, close) => {
    if (!(name in tables)) throw new Error(`${doc}: no generator for "${name}"`);
    return `${open}${tables[name]}\n${close}`;
  });
  writeFileSync(path, text);
}
