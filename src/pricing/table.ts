/**
 * The pricing table: the bundled `data/models.json` plus any user-supplied files layered on top
 * (later files override earlier ones by model id). Pure data and lookups — no I/O, so it runs in
 * browsers too; reading a `--pricing` file from disk is the CLI's / Node entry's job. It does not
 * import zod (validation lives in `parse.ts`), so `tokcost count -m …` starts fast.
 */
import bundled from "../../data/models.json" with { type: "json" };
import type { ModelEntry, PricingFile } from "./schema.js";
import { UnknownModelError } from "../errors.js";
import { closestMatches } from "../util/suggest.js";
import { baseModelOf } from "../tokenizer/models.js";

/** How a model id was matched to a table entry. */
export interface ModelMatch {
  entry: ModelEntry;
  /** "exact" id, "alias", or a fallback with a warning for the user. */
  via: "id" | "alias" | "snapshot" | "fine-tune";
  /** Human-readable note when the match is not exact (e.g. priced as the base model). */
  note?: string;
}

/** A set of pricing files, merged. */
export class PricingTable {
  /** Date of the newest file in the stack. */
  readonly asOf: string;
  private readonly byId = new Map<string, ModelEntry>();
  private readonly byAlias = new Map<string, ModelEntry>();

  constructor(files: readonly PricingFile[]) {
    let asOf = "0000-00-00";
    for (const file of files) {
      if (file.asOf > asOf) asOf = file.asOf;
      for (const model of file.models) {
        this.byId.set(model.id, model);
        for (const alias of model.aliases ?? []) this.byAlias.set(alias, model);
      }
    }
    this.asOf = asOf;
  }

  /** A new table with `file` layered on top (its entries win). */
  extend(file: PricingFile): PricingTable {
    const table = new PricingTable([]);
    for (const [k, v] of this.byId) table.byId.set(k, v);
    for (const [k, v] of this.byAlias) table.byAlias.set(k, v);
    for (const model of file.models) {
      table.byId.set(model.id, model);
      for (const alias of model.aliases ?? []) table.byAlias.set(alias, model);
    }
    (table as { asOf: string }).asOf = file.asOf > this.asOf ? file.asOf : this.asOf;
    return table;
  }

  /** All entries, in table order. */
  list(): ModelEntry[] {
    return [...this.byId.values()];
  }

  /**
   * The entry for `id`: exact id, then alias, then (for ids the table does not list) the
   * fine-tune's own price (`ft:gpt-4o-mini-2024-07-18:org::x` → `ft:gpt-4o-mini-2024-07-18`), the
   * fine-tune's base model, or an unknown dated snapshot's family (`gpt-4o-2031-01-01` → `gpt-4o`,
   * `claude-sonnet-4-5-20310101` → `claude-sonnet-4-5`).
   */
  match(id: string): ModelMatch | undefined {
    const direct = this.byId.get(id);
    if (direct) return { entry: direct, via: "id" };
    const alias = this.byAlias.get(id);
    if (alias) return { entry: alias, via: "alias" };
    if (id.startsWith("ft:")) {
      const base = baseModelOf(id);
      const ftEntry = this.byId.get(`ft:${base}`) ?? this.byAlias.get(`ft:${base}`);
      if (ftEntry) return { entry: ftEntry, via: "fine-tune", note: `fine-tuned model priced at ${ftEntry.id}'s fine-tuned rates` };
      const baseMatch = this.match(base);
      if (baseMatch) return { entry: baseMatch.entry, via: "fine-tune", note: `fine-tuned model priced as its base model ${baseMatch.entry.id} (fine-tuned inference rates may be higher)` };
      return undefined;
    }
    // Dated snapshots: -2024-08-06 / -0613 (OpenAI), -20250929 (Anthropic).
    const snapshot = /^(.*?)-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/.exec(id);
    if (snapshot) {
      const family = this.byId.get(snapshot[1]) ?? this.byAlias.get(snapshot[1]);
      if (family) return { entry: family, via: "snapshot", note: `unknown snapshot "${id}" priced as ${family.id}` };
    }
    return undefined;
  }

  /** The entry for `id`, or throws UnknownModelError with suggestions. */
  get(id: string): ModelEntry {
    const found = this.match(id);
    if (found) return found.entry;
    throw new UnknownModelError(id, this.suggest(id));
  }

  /** Closest known ids and aliases to `id`. */
  suggest(id: string): string[] {
    return closestMatches(id, [...this.byId.keys(), ...this.byAlias.keys()]);
  }
}

let defaultTable: PricingTable | undefined;

/**
 * The bundled table (validated by the test suite and the generator, so not re-validated at
 * start-up: that keeps `tokcost count` fast).
 */
export function bundledPricingTable(): PricingTable {
  return (defaultTable ??= new PricingTable([bundled as unknown as PricingFile]));
}

/** Entry for a model id in the bundled table (or `table`). @throws UnknownModelError */
export function getModel(id: string, table: PricingTable = bundledPricingTable()): ModelEntry {
  return table.get(id);
}

/** All models of the bundled table (or `table`). */
export function listModels(table: PricingTable = bundledPricingTable()): ModelEntry[] {
  return table.list();
}
