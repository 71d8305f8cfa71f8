/**
 * Model resolution: which table entry prices a model id and which encoding counts it.
 */
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import type { ModelEntry } from "../pricing/schema.js";
import { tryEncodingForModel, isEncodingName, type EncodingName, ENCODING_NAMES } from "../tokenizer/index.js";
import { InputError, UnknownEncodingError, UnknownModelError } from "../errors.js";
import { notice, type Notice } from "./notice.js";
import { describeValue, modelIdArg, optionsArg } from "../util/args.js";

/** A model id resolved to its pricing entry (if any) and the encoding that counts it. */
export interface ResolvedModel {
  /** The id the user asked for. */
  id: string;
  /** The table entry that prices and limits it, if the table knows it. */
  entry?: ModelEntry;
  encoding: EncodingName;
  /** true when `encoding` is the model's own tokenizer, so counts are exact. */
  exact: boolean;
  /** Why counts are approximate (also in `warnings`); present exactly when `exact` is false. */
  approximation?: string;
  /** What to tell the user about the model, as text (the `text` of each of `notices`). */
  warnings: string[];
  /** What to tell the user about the model, as data: PRICED_AS, APPROXIMATE_TOKENIZER, UNPRICED_MODEL, MODEL_RETIRED, MODEL_DEPRECATED. */
  notices: Notice[];
  /** The table entry's id when `id` is a provider-prefixed or host id (`openai/gpt-4o` → `gpt-4o`). */
  pricedAs?: string;
}

/** Options for {@link resolveModel}. */
export interface ResolveOptions {
  /** Pricing table to use (default: the bundled one). */
  table?: PricingTable;
  /** Encoding to count with, for a model the table and tiktoken's rules do not know (or to override). */
  encoding?: string;
  /**
   * Accept an id the pricing table does not list when tiktoken's rules know its encoding: it is
   * counted (tokens only, no price, no limits) with an UNPRICED_MODEL warning. Default false: such
   * an id is an {@link UnknownModelError} with suggestions — a typo (`gpt-4o-mni`) must not pass
   * as a model without a price. An explicit `encoding` also counts any id.
   */
  allowUnpriced?: boolean;
}

/** The error for an id the table does not list (with the table's suggestions). */
export function unpricedModelError(id: string, table: PricingTable = bundledPricingTable()): UnknownModelError {
  if (id.startsWith("azure/")) return table.unknown(id);
  return new UnknownModelError(
    id,
    table.suggest(id),
    "it is not in the pricing table: fix the id, add it with --pricing <file>, or count its tokens only with --allow-unpriced (library: allowUnpriced)",
  );
}

/**
 * Resolves a model id. Table first (with its fallbacks for snapshots and fine-tunes), then
 * tiktoken's model → encoding rules (only with `allowUnpriced`); an explicit `encoding` makes any
 * id countable.
 * @throws {@link UnknownModelError} when the table does not list the model, unless an encoding is
 * given or `allowUnpriced` is set and tiktoken's rules know it.
 */
export function resolveModel(id: string, options: ResolveOptions = {}): ResolvedModel {
  modelIdArg(id);
  options = optionsArg(options, "resolveModel");
  if (options.table !== undefined && typeof (options.table as { match?: unknown } | null)?.match !== "function")
    throw new InputError(`table must be a pricing table (bundledPricingTable(), loadPricingTable()), got ${describeValue(options.table)}`);
  const table = options.table ?? bundledPricingTable();
  const notices: Notice[] = [];
  if (options.encoding !== undefined && !isEncodingName(options.encoding)) throw new UnknownEncodingError(options.encoding, ENCODING_NAMES);
  const match = table.match(id);
  const entry = match?.entry;
  if (match?.note) notices.push(notice("PRICED_AS", match.note, id, { pricedAs: match.entry.id }));
  const modelEncoding = entry?.encoding && isEncodingName(entry.encoding) ? entry.encoding : tryEncodingForModel(id);
  let encoding: EncodingName;
  let exact: boolean;
  let approximation: string | undefined;
  if (options.encoding !== undefined) {
    encoding = options.encoding as EncodingName;
    exact = modelEncoding === encoding && entry?.exactTokenizer !== false;
    if (!exact && entry?.exactTokenizer !== false)
      approximation = modelEncoding ? `counted with ${encoding} as asked, but ${id} uses ${modelEncoding}` : `counted with ${encoding} as asked; tokcost cannot confirm it is ${id}'s tokenizer`;
  } else if (modelEncoding && (entry || options.allowUnpriced)) {
    encoding = modelEncoding;
    exact = entry?.exactTokenizer !== false;
  } else if (modelEncoding) {
    throw unpricedModelError(id, table);
  } else {
    throw table.unknown(id);
  }
  if (entry && entry.exactTokenizer === false) approximation = `${entry.provider} does not publish ${entry.id}'s tokenizer: counts use ${encoding} and are approximate`;
  if (approximation) notices.push(notice("APPROXIMATE_TOKENIZER", approximation, id, { encoding }));
  if (!entry) {
    // A prefix rule (tiktoken's) accepted the id, but the table does not list it: a new snapshot, or a typo.
    const near = table.suggest(id);
    notices.push(
      notice("UNPRICED_MODEL", `no pricing or limits for "${id}" in the table: tokens only${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}; add it with --pricing <file>`, id, {
        suggestions: near,
      }),
    );
  }
  if (entry?.status.state === "retired") {
    notices.push(
      notice(
        "MODEL_RETIRED",
        `${entry.id} was retired${entry.status.date ? ` on ${entry.status.date}` : ""} and is no longer served by the API${entry.status.replacement ? `; use ${entry.status.replacement}` : ""}`,
        entry.id,
        { date: entry.status.date ?? null, replacement: entry.status.replacement ?? null },
      ),
    );
  } else if (entry?.status.state === "deprecated") {
    notices.push(
      notice(
        "MODEL_DEPRECATED",
        `${entry.id} is deprecated${entry.status.date ? ` and shuts down on ${entry.status.date}` : ""}${entry.status.replacement ? `; use ${entry.status.replacement}` : ""}`,
        entry.id,
        { date: entry.status.date ?? null, replacement: entry.status.replacement ?? null },
      ),
    );
  }
  return { id, entry, encoding, exact, ...(approximation ? { approximation } : {}), warnings: notices.map((n) => n.text), notices, ...(match?.via === "provider" ? { pricedAs: match.entry.id } : {}) };
}
