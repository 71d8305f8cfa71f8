/**
 * Model-family matching shared by the request data tables (parameters, chat format, tools,
 * images). Tables list family prefixes; the most specific (longest) prefix wins, so
 * `gpt-4o-mini` rules beat `gpt-4o` rules and `gpt-5.4` rules beat `gpt-5` rules.
 */
import { baseModelOf } from "../tokenizer/index.js";

/** Model id without a fine-tune wrapper (`ft:gpt-4o-mini-2024-07-18:org::x` → `gpt-4o-mini-2024-07-18`). */
export function normaliseModelId(model: string): string {
  return baseModelOf(model.trim()).toLowerCase();
}

/**
 * Does `family` name `model`'s family? Exact id, or the id continues with a separator
 * (`-`, `.`, `:`, `@`), so `gpt-4` matches `gpt-4-0613` but not `gpt-4o`.
 */
export function isInFamily(model: string, family: string): boolean {
  const id = normaliseModelId(model);
  const f = family.toLowerCase();
  if (id === f) return true;
  if (!id.startsWith(f)) return false;
  const next = id.charAt(f.length);
  return next === "-" || next === "." || next === ":" || next === "@" || f.endsWith("-") || f.endsWith(".");
}

/** The row of `rows` whose family prefix matches `model` most specifically, with the prefix that matched. */
export function matchFamily<T extends { models: readonly string[] }>(model: string, rows: readonly T[]): { row: T; family: string } | undefined {
  let best: { row: T; family: string } | undefined;
  for (const row of rows) {
    for (const family of row.models) {
      if (isInFamily(model, family) && (!best || family.length > best.family.length)) best = { row, family };
    }
  }
  return best;
}
