/**
 * What changed between two pricing tables, for `tokcost pricing update`'s printout: models
 * added, models the new list no longer has, and per model the limits and rates that moved.
 * Pure (no I/O).
 */
import type { ModelEntry } from "./schema.js";

/** One changed fact: `pricing.input` 2.5 → 2.25 (undefined = not published). */
export interface FieldChange {
  field: string;
  from?: number | string;
  to?: number | string;
}

/** What changed between two pricing tables: models added and removed, and each changed field with old → new. */
export interface PricingDiff {
  added: string[];
  /** Ids in `before` (of the providers `after` covers) that `after` does not have. */
  removed: string[];
  changed: { id: string; changes: FieldChange[] }[];
  unchanged: number;
}

function facts(m: ModelEntry): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const key of ["contextWindow", "maxInputTokens", "maxOutputTokens"] as const) if (m[key] !== undefined) out.set(key, m[key]!);
  out.set("status", m.status.state + (m.status.date ? ` ${m.status.date}` : ""));
  if (m.batch) out.set("batch", "yes");
  for (const [key, value] of Object.entries(m.pricing ?? {})) if (typeof value === "number") out.set(`pricing.${key}`, value);
  // Long-context levels and per-call fees change too: one line per rate ("pricing.longContext>128000.input").
  for (const level of m.pricing?.longContext ?? []) {
    for (const [key, value] of Object.entries(level)) if (key !== "aboveInputTokens" && typeof value === "number") out.set(`pricing.longContext>${level.aboveInputTokens}.${key}`, value);
  }
  for (const [size, value] of Object.entries(m.pricing?.webSearch ?? {})) if (typeof value === "number") out.set(`pricing.webSearch.${size}`, value);
  return out;
}

/** Differences from `before` to `after`, by model id (aliases are resolved to their entry). */
export function diffPricing(before: readonly ModelEntry[], after: readonly ModelEntry[]): PricingDiff {
  const old = new Map<string, ModelEntry>();
  for (const m of before) for (const name of [m.id, ...(m.aliases ?? [])]) if (!old.has(name)) old.set(name, m);
  const diff: PricingDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  const seen = new Set<ModelEntry>();
  for (const m of after) {
    const prev = old.get(m.id);
    if (!prev) {
      diff.added.push(m.id);
      continue;
    }
    seen.add(prev);
    const a = facts(prev);
    const b = facts(m);
    const changes: FieldChange[] = [];
    for (const field of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (a.get(field) !== b.get(field)) changes.push({ field, ...(a.has(field) ? { from: a.get(field) } : {}), ...(b.has(field) ? { to: b.get(field) } : {}) });
    }
    if (changes.length) diff.changed.push({ id: m.id, changes });
    else diff.unchanged++;
  }
  const providers = new Set(after.map((m) => m.provider));
  for (const m of before) if (!seen.has(m) && providers.has(m.provider) && !after.some((x) => x.id === m.id)) diff.removed.push(m.id);
  diff.added.sort();
  diff.removed.sort();
  diff.changed.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return diff;
}

function show(value: number | string | undefined, field: string): string {
  if (value === undefined) return "—";
  // Per-call fees are USD per call; other prices USD per 1M tokens.
  return field.startsWith("pricing.") && typeof value === "number" ? `$${value}` : String(value);
}

/** The diff as lines for people: a summary, then up to `limit` changed models. */
export function formatPricingDiff(diff: PricingDiff, limit = 20): string[] {
  const lines = [`${diff.changed.length} models changed, ${diff.added.length} added, ${diff.removed.length} not in the new list (their current entries stay in use), ${diff.unchanged} unchanged`];
  for (const { id, changes } of diff.changed.slice(0, limit)) lines.push(`  ~ ${id}: ${changes.map((c) => `${c.field} ${show(c.from, c.field)} → ${show(c.to, c.field)}`).join(", ")}`);
  if (diff.changed.length > limit) lines.push(`  … ${diff.changed.length - limit} more changed (--verbose lists all)`);
  const list = (sign: string, ids: string[]) => {
    if (!ids.length) return;
    lines.push(`  ${sign} ${ids.slice(0, limit).join(", ")}${ids.length > limit ? `, … ${ids.length - limit} more` : ""}`);
  };
  list("+", diff.added);
  list("-", diff.removed);
  return lines;
}
