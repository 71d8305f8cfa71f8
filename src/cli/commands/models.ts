/** `tokcost models [filter]`: the pricing table. */
import { escapeControl, terminalSafe } from "../../util/text.js";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import type { ModelEntry } from "../../pricing/schema.js";
import { formatInt, formatPerMillion, renderTable, tableWidth, useColor } from "../format.js";
import { pricingFrom, printWarnings, staleWarningWanted } from "../shared.js";
import { collectList } from "../options.js";
import { effectiveStatus, pricingUnitOf, stalePricingNotice } from "../../pricing/cost.js";
import { UsageError } from "../../errors.js";
import { EXIT } from "../render-error.js";
import { closestMatches } from "../../util/suggest.js";
import { parseChoice } from "../options.js";
import { renderCsv } from "../format.js";
import { OUTPUT_FORMATS, renderTsv, type OutputFormat } from "../shared.js";

interface ModelsFlags {
  json?: boolean;
  format?: OutputFormat;
  pricing?: string;
  provider?: string[];
  mode?: string[];
  status?: string[];
  corrections?: boolean;
  staleWarning?: boolean;
  wide?: boolean;
}

const STATUSES = ["active", "deprecated", "retired"];

/** Input price for people: per 1M tokens, or the model's own unit (image, 1M characters, minute). */
function inputPrice(m: ModelEntry): string {
  const unit = pricingUnitOf(m);
  if (unit === "image") {
    const prices = (m.pricing.images ?? []).map((p) => p.usd);
    const low = Math.min(...prices);
    const high = Math.max(...prices);
    return `$${low}${high !== low ? `–$${high}` : ""}/image`;
  }
  if (unit === "character") return `${formatPerMillion(m.pricing.characterInput)}/1M chars`;
  if (unit === "minute") return `$${m.pricing.audioInputPerMinute}/min`;
  if (m.pricing.input === undefined && m.pricing.perQuery !== undefined) return `$${m.pricing.perQuery}/query`;
  return formatPerMillion(m.pricing.input);
}

/** Does an entry match a free-text filter (id, alias, provider)? */
export function matchesFilter(entry: ModelEntry, filter: string | undefined): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return entry.id.toLowerCase().includes(needle) || (entry.aliases ?? []).some((a) => a.toLowerCase().includes(needle)) || entry.provider.toLowerCase() === needle;
}

export function registerModels(program: Command, context: CommandContext): void {
  program
    .command("models")
    .description("list models: context window, max output, prices per 1M tokens, encoding, status")
    .argument("[filter]", "substring of a model id or alias, or a provider name")
    .option("--format <format>", "table, json, csv or tsv", parseChoice("--format", OUTPUT_FORMATS), "table")
    .option("--json", "same as --format json: { asOf, models: [...] } with the table's fields")
    .option("--pricing <file>", "pricing file that overrides or extends the bundled table (also TOKCOST_PRICING)")
    .option("--provider <name>", "only these providers (repeat or comma-separate): openai, anthropic, google, mistral, deepseek, xai, cohere, …", collectList)
    .option("--mode <mode>", "only these modes (repeat or comma-separate): chat, completion, responses, embedding, image_generation, audio_speech, audio_transcription, …", collectList)
    .option("--status <state>", "only these statuses (repeat or comma-separate): active, deprecated, retired (as of today)", collectList)
    .option("--no-stale-warning", "do not warn when the table is more than 90 days old (also TOKCOST_NO_STALE_WARNING=1)")
    .option("--wide", "show every table column (by default the table narrows to the terminal's width)")
    .option("--corrections", "list the corrections applied to upstream prices (field, upstream value, corrected value, why, source)")
    .addHelpText(
      "after",
      "\nExit codes: 0 models listed, 1 none match, 2 bad usage.\nExamples:\n  tokcost models gpt-4.1\n  tokcost models --provider anthropic --status active\n  tokcost models --mode embedding --format csv > embeddings.csv",
    )
    .action(async (filter: string | undefined, flags: ModelsFlags) => {
      const format: OutputFormat = flags.json ? "json" : (flags.format ?? "table");
      for (const s of flags.status ?? []) if (!STATUSES.includes(s)) throw new UsageError(`--status must be one of ${STATUSES.join(", ")}, got "${s}"`);
      const table = await pricingFrom(flags.pricing);
      const today = new Date();
      const providers = flags.provider?.map((p) => p.toLowerCase());
      // A misspelt provider or mode would otherwise just list nothing.
      const known = (values: string[]) => [...new Set(values)].sort();
      const knownProviders = known(table.list().map((m) => m.provider.toLowerCase()));
      const knownModes = known(table.list().map((m) => m.mode));
      for (const p of providers ?? []) if (!knownProviders.includes(p)) throw new UsageError(`unknown provider "${p}"; the table has: ${knownProviders.join(", ")}`);
      for (const m of flags.mode ?? []) if (!knownModes.includes(m)) throw new UsageError(`unknown mode "${m}"; the table has: ${knownModes.join(", ")}`);
      const models = table
        .list()
        .filter((m) => matchesFilter(m, filter))
        .filter((m) => !providers || providers.includes(m.provider.toLowerCase()))
        .filter((m) => !flags.mode || flags.mode.includes(m.mode))
        .filter((m) => !flags.status || flags.status.includes(effectiveStatus(m.status, today).state))
        .sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
      if (models.length === 0) {
        // Nothing to list is a failed lookup (exit 1), with where to look instead.
        const near = filter
          ? closestMatches(
              filter,
              table.list().flatMap((m) => [m.id, ...(m.aliases ?? [])]),
              3,
            )
          : [];
        process.stderr.write(
          `tokcost: no models match${filter ? ` "${escapeControl(filter)}"` : " these filters"}; ${near.length ? `did you mean ${near.map(escapeControl).join(", ")}? ` : ""}try a shorter part of the id, a provider (--provider openai) or "tokcost models" to list all\n`,
        );
        context.setExitCode(EXIT.limit);
        return;
      }
      if (flags.corrections) {
        printCorrections(models, format === "json");
        return;
      }
      if (format === "json") {
        process.stdout.write(JSON.stringify({ asOf: table.asOf, models }, null, 2) + "\n");
        return;
      }
      if (format === "csv" || format === "tsv") {
        const head = [
          "id",
          "provider",
          "mode",
          "context_window",
          "max_output_tokens",
          "input_usd_per_1m",
          "cached_input_usd_per_1m",
          "output_usd_per_1m",
          "encoding",
          "exact_tokenizer",
          "status",
          "as_of",
        ];
        const perM = (n: number | undefined) => n ?? null; // the table holds USD per 1M tokens
        const rows = models.map((m) => [
          m.id,
          m.provider,
          m.mode,
          m.contextWindow ?? null,
          m.maxOutputTokens ?? null,
          perM(m.pricing.input),
          perM(m.pricing.cachedInput),
          perM(m.pricing.output),
          m.encoding ?? null,
          m.exactTokenizer !== false,
          effectiveStatus(m.status, today).state,
          m.asOf,
        ]);
        process.stdout.write((format === "csv" ? renderCsv(head, rows) : renderTsv(head, rows)) + "\n");
        return;
      }
      const head = ["Model", "Provider", "Mode", "Context", "Max out", "Input $/1M (or unit)", "Cached $/1M", "Output $/1M", "Encoding", "Status", "As of"];
      const numeric = [false, false, false, true, true, true, true, true, false, false, false];
      const rows = models.map((m) => [
        m.id,
        m.provider,
        m.mode,
        formatInt(m.contextWindow),
        formatInt(m.maxOutputTokens),
        inputPrice(m),
        formatPerMillion(m.pricing.cachedInput),
        formatPerMillion(m.pricing.output),
        m.encoding ? `${m.exactTokenizer === false ? "≈" : ""}${m.encoding}` : "—",
        statusText(effectiveStatus(m.status, today)),
        m.asOf,
      ]);
      process.stdout.write(
        terminalSafe(
          rows.length
            ? renderTable(head, rows, numeric, useColor(process.stdout), { width: tableWidth(flags.wide), drop: [10, 8, 6, 1, 2, 4, 9], shrink: 0 }) + "\n"
            : `no models match${filter ? ` "${escapeControl(filter)}"` : " these filters"}\n`,
        ),
      );
      const stale = staleWarningWanted(flags.staleWarning) ? stalePricingNotice(table.asOf, today) : undefined;
      if (stale) printWarnings([stale]);
    });
}

/** "active", "deprecated (shuts down 2026-09-28)", "retired 2024-01-04". */
function statusText(status: ModelEntry["status"]): string {
  if (status.state === "active") return "active";
  if (status.state === "deprecated") return `deprecated${status.date ? ` (shuts down ${status.date})` : ""}`;
  return `retired${status.date ? ` ${status.date}` : ""}`;
}

/** `models --corrections`: every correction carried by the listed entries (bundled or from a --pricing file). */
function printCorrections(models: ModelEntry[], json: boolean): void {
  const rows = models.flatMap((m) => (m.corrections ?? []).map((c) => ({ id: m.id, provider: m.provider, ...c })));
  if (json) {
    process.stdout.write(JSON.stringify({ corrections: rows }, null, 2) + "\n");
    return;
  }
  if (!rows.length) {
    process.stdout.write("no corrections apply to these models\n");
    return;
  }
  // Upstream had no value (a rule or an added fact) reads "none"; a corrected value of null is "unknown" (not published).
  const value = (field: string, v: unknown) =>
    v === undefined
      ? "none"
      : v === null
        ? "unknown"
        : field.startsWith("pricing.") && typeof v === "number"
          ? `$${v}`
          : typeof v === "number"
            ? v.toLocaleString("en-US")
            : typeof v === "object"
              ? JSON.stringify(v)
              : String(v);
  const sourceText = (s: unknown) => (typeof s === "string" ? s : [(s as { url?: string }).url, (s as { note?: string }).note].filter(Boolean).join(" — "));
  const lines = rows.flatMap((r) => [`${r.id} ${r.field}: ${value(r.field, r.from)} → ${value(r.field, r.to)} (as of ${r.asOf})`, `  why: ${r.reason}`, `  source: ${sourceText(r.source)}`]);
  process.stdout.write(terminalSafe(lines.join("\n") + "\n"));
}
