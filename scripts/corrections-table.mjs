/**
 * The corrections table of docs/pricing.md (`<!-- generated: corrections-table -->`), from
 * data/corrections.json: every correction and vendor-wide rule with its source and date.
 * Written by scripts/docs-tables.mjs; test/pricing-corrections.test.ts checks it is current.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function show(field, value) {
  if (value === undefined) return "none";
  if (value === null) return "unknown (removed)";
  if (typeof value === "number") return field.startsWith("pricing.") ? `$${value.toLocaleString("en-US", { maximumFractionDigits: 10 })} / 1M` : value.toLocaleString("en-US");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function source(s) {
  if (typeof s === "string") return s;
  return [s.url ? `<${s.url}>` : undefined, s.note].filter(Boolean).join(" — ");
}

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown table of data/corrections.json (or `data`). */
export function correctionsMarkdown(data = JSON.parse(readFileSync(`${root}data/corrections.json`, "utf8"))) {
  const rows = [
    "| model | field | upstream | corrected | source (as of) |",
    "| --- | --- | --- | --- | --- |",
    ...data.corrections.map(
      (c) => `| \`${c.id}\`${c.provider ? ` (${c.provider})` : ""} | \`${c.field}\` | ${show(c.field, c.from ?? undefined)} | ${show(c.field, c.to)} | ${cell(source(c.source))} (${c.asOf}) |`,
    ),
    ...(data.rules ?? []).map((r) => `| every ${r.provider} ${r.modes.join("/")} model not retired (rule) | \`${r.field}\` | none | ${show(r.field, r.to)} | ${cell(source(r.source))} (${r.asOf}) |`),
  ];
  return rows.join("\n");
}
