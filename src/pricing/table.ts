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
  /** "exact" id, "alias", or a fallback with a note for the user ("provider": a provider-prefixed or host id such as `openai/gpt-4o`, `us.anthropic.claude-…-v1:0`, `azure/<deployment>`). */
  via: "id" | "alias" | "snapshot" | "fine-tune" | "provider";
  /** Human-readable note when the match is not exact (e.g. priced as the base model). */
  note?: string;
}

/** Routing prefixes (LiteLLM, OpenRouter, Vercel-style `vendor/model`) → the tokcost provider whose entry they name. */
const VENDOR_PREFIXES: Record<string, string> = {
  openai: "openai",
  anthropic: "anthropic",
  google: "google",
  gemini: "google",
  "google-ai-studio": "google",
  "x-ai": "xai",
  xai: "xai",
  mistralai: "mistral",
  mistral: "mistral",
  deepseek: "deepseek",
  cohere: "cohere",
};
/** Bedrock model ids: optional cross-region inference prefix, vendor, model, version suffix (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`). */
const BEDROCK_ID = /^(?:bedrock\/(?:converse\/)?)?(?:(?:us|eu|apac|global|jp|au|ca|us-gov)\.)?(anthropic|mistral|cohere|deepseek|openai)\.(.+?)(?:-v\d+(?::\d+)?)?$/;
const PROVIDER_NAMES: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google", xai: "xAI", mistral: "Mistral", deepseek: "DeepSeek", cohere: "Cohere" };

/** `claude-3.5-sonnet` → `claude-3-5-sonnet` (OpenRouter writes versions with dots where vendors use dashes). */
function dashedVersions(name: string): string {
  return name.replace(/(\d)\.(\d)/g, "$1-$2");
}

/** A set of pricing files, merged. */
export class PricingTable {
  /** Date of the newest file in the stack. */
  readonly asOf: string;
  private readonly byId = new Map<string, ModelEntry>();
  private readonly byAlias = new Map<string, ModelEntry>();
  /** Azure deployment ids (`azure/prod-4o`) → the model they deploy. */
  private readonly deployments = new Map<string, string>();

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
    for (const [k, v] of this.deployments) table.deployments.set(k, v);
    for (const model of file.models) {
      table.byId.set(model.id, model);
      for (const alias of model.aliases ?? []) table.byAlias.set(alias, model);
    }
    (table as { asOf: string }).asOf = file.asOf > this.asOf ? file.asOf : this.asOf;
    return table;
  }

  /**
   * A table that prices the Azure deployment `deployment` (`azure/prod-4o` or `prod-4o`) as `model`
   * (`gpt-4o`): Azure deployment names are chosen by their owner, so only the caller knows the model.
   */
  withAzureDeployment(deployment: string, model: string): PricingTable {
    const table = this.extend({ version: 1, asOf: this.asOf, models: [] });
    table.deployments.set(deployment.startsWith("azure/") ? deployment : `azure/${deployment}`, model);
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
    const routed = this.matchRouted(id);
    if (routed) return routed;
    // Dated snapshots: -2024-08-06 / -0613 (OpenAI), -20250929 (Anthropic).
    const snapshot = /^(.*?)-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/.exec(id);
    if (snapshot) {
      const family = this.byId.get(snapshot[1]) ?? this.byAlias.get(snapshot[1]);
      if (family) return { entry: family, via: "snapshot", note: `unknown snapshot "${id}" priced as ${family.id}` };
    }
    return undefined;
  }

  /**
   * Provider-prefixed and host ids that name a vendor's model: `openai/gpt-4o`, OpenRouter's
   * `anthropic/claude-3.5-sonnet` and `openrouter/…`, Bedrock's `us.anthropic.claude-…-v1:0`, and
   * `azure/<deployment>` (the deployment's model from {@link withAzureDeployment}, else the name
   * itself). Priced at the vendor's own entry, with a note saying so (a host's prices may differ).
   */
  private matchRouted(id: string): ModelMatch | undefined {
    const viaVendor = (name: string, provider: string | undefined, note: (entry: ModelEntry) => string): ModelMatch | undefined => {
      for (const candidate of [name, dashedVersions(name)]) {
        if (candidate.includes("/")) continue;
        const found = this.match(candidate);
        if (found && (!provider || found.entry.provider === provider)) return { entry: found.entry, via: "provider", note: [note(found.entry), found.note].filter(Boolean).join("; ") };
      }
      return undefined;
    };
    if (id.startsWith("azure/")) {
      const deployed = this.deployments.get(id);
      const name = deployed ?? id.slice("azure/".length);
      return viaVendor(
        name,
        "openai",
        (e) => `${id} is an Azure OpenAI ${deployed ? "deployment of" : "model,"} ${e.id}: priced at OpenAI's rates (Azure's may differ; tokcost pricing import --provider azure adds Azure's own)`,
      );
    }
    const bedrock = BEDROCK_ID.exec(id);
    if (bedrock) {
      const provider = VENDOR_PREFIXES[bedrock[1]];
      return viaVendor(bedrock[2], provider, (e) => `${id} is Bedrock's id for ${e.id}: priced at ${PROVIDER_NAMES[provider]}'s rates (Bedrock's, and regional, prices may differ)`);
    }
    const slash = /^(?:openrouter\/|vercel_ai_gateway\/)?([a-z-]+)\/(.+)$/.exec(id);
    if (slash && VENDOR_PREFIXES[slash[1]]) {
      const provider = VENDOR_PREFIXES[slash[1]];
      const router = /^(openrouter|vercel_ai_gateway)\//.exec(id)?.[1];
      return viaVendor(slash[2], provider, (e) => `${id} is ${PROVIDER_NAMES[provider]}'s ${e.id}${router ? `: priced at ${PROVIDER_NAMES[provider]}'s rates (${router}'s may differ)` : ""}`);
    }
    return undefined;
  }

  /** The entry for `id`, or throws UnknownModelError with suggestions. */
  get(id: string): ModelEntry {
    const found = this.match(id);
    if (found) return found.entry;
    throw this.unknown(id);
  }

  /** The error for an id the table cannot match, with suggestions (and, for `azure/…`, how to name the deployed model). */
  unknown(id: string): UnknownModelError {
    return new UnknownModelError(
      id,
      this.suggest(id),
      id.startsWith("azure/")
        ? "an Azure deployment name is its owner's choice: name the model it deploys with --azure-model gpt-4o (library: table.withAzureDeployment), or add it with --pricing <file>"
        : undefined,
    );
  }

  /**
   * Closest known ids and aliases to `id`. A family name with a `-latest` id (`mistral-large` →
   * `mistral-large-latest`, `chatgpt-4o` → `chatgpt-4o-latest`) suggests that first; a prefixed id
   * (`openrouter/mistralai/mistral-large`) is compared by its model name.
   */
  suggest(id: string): string[] {
    const names = [...this.byId.keys(), ...this.byAlias.keys()];
    const bare = id.replace(/^(?:openrouter\/)?[a-z-]+\//, "");
    const latest = [`${id}-latest`, `${bare}-latest`, `${dashedVersions(bare)}-latest`].filter((n, i, all) => all.indexOf(n) === i && (this.byId.has(n) || this.byAlias.has(n)));
    const near = closestMatches(bare !== id ? bare : id, names);
    return [...latest, ...near.filter((n) => !latest.includes(n))].slice(0, 3);
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
