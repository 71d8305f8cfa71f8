/**
 * `tokcost pricing import <file>` and `tokcost pricing update [--from <url|file>]`: convert a
 * LiteLLM-format price list (`model_prices_and_context_window.json`, shared by many tools) into a
 * validated tokcost pricing file that `--pricing <file>` and `TOKCOST_PRICING` accept. Both apply
 * tokcost's corrections (data/corrections.json) and say what happened to every key; `update`
 * downloads the list (timeout, size cap) and prints what changed against the prices in use.
 */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { BUNDLED_PROVIDERS, canonicalJson, importLiteLLM, type LiteLLMImportReport } from "../../pricing/litellm.js";
import { applyCorrections, bundledCorrections, outdatedCorrectionNotice, type CorrectionsResult } from "../../pricing/corrections.js";
import { diffPricing, formatPricingDiff } from "../../pricing/diff.js";
import { bundledPricingTable } from "../../pricing/table.js";
import type { PricingFile } from "../../pricing/schema.js";
import { UsageError } from "../../errors.js";
import { atomicWrite } from "../../node/io.js";
import { pricingTableWithFileIfExists } from "../../node/pricing-file.js";
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_BYTES, LITELLM_PRICES_URL, parsePriceList, priceListDate, readPriceList, type PriceListText } from "../../node/pricing-source.js";
import { collectList, parsePositive } from "../options.js";
import { escapeControl } from "../../util/text.js";

interface ImportFlags {
  output?: string;
  provider?: string[];
  allProviders?: boolean;
  asOf?: string;
  source?: string;
  corrections?: boolean;
  verbose?: boolean;
  from?: string;
  timeout?: number;
  maxBytes?: number;
}

function providersIn(data: unknown): string[] {
  const known = new Set<string>();
  if (data && typeof data === "object")
    for (const entry of Object.values(data as Record<string, { litellm_provider?: unknown }>)) if (typeof entry?.litellm_provider === "string") known.add(entry.litellm_provider);
  return [...known].sort();
}

/** Converts a read price list: date, source, providers, corrections; refuses an empty result. */
function convertList(list: PriceListText, flags: ImportFlags, defaultProviders?: readonly string[]): { file: PricingFile; report: LiteLLMImportReport; fixes: CorrectionsResult; dateFrom: string } {
  const data = parsePriceList(list);
  const { asOf, from: dateFrom } = priceListDate(list, data, flags.asOf);
  const name = list.isUrl ? list.origin : list.origin.split(/[\\/]/).pop()!;
  const source = list.isUrl
    ? { url: list.origin, note: flags.source ?? "LiteLLM-format price list downloaded with tokcost pricing update" }
    : flags.source
      ? /^https?:\/\//.test(flags.source)
        ? { url: flags.source, note: `imported from ${name}` }
        : { path: name, note: flags.source }
      : { path: name, note: "LiteLLM-format price list imported with tokcost pricing import" };
  const providers = flags.provider ?? (flags.allProviders ? undefined : defaultProviders);
  const bundled = bundledPricingTable().list();
  const reservedIds = bundled.flatMap((m) => [m.id, ...(m.aliases ?? [])]);
  const { file, report } = importLiteLLM(data, { asOf, source, providers, reservedIds });
  if (file.models.length === 0) {
    const known = providersIn(data);
    throw new UsageError(
      `${escapeControl(list.origin)}: no models${providers ? ` for provider ${providers.join(", ")}` : ""}${known.length ? `; providers in the file include ${known.slice(0, 12).join(", ")}` : ""}`,
    );
  }
  const fixes = applyCorrections(file, flags.corrections === false ? [] : bundledCorrections());
  return { file: fixes.file, report, fixes, dateFrom };
}

/** What happened to the keys, in a few lines (every key with --verbose). */
function reportLines(report: LiteLLMImportReport, fixes: CorrectionsResult, verbose: boolean): string[] {
  const lines: string[] = [];
  const reasons = new Map<string, number>();
  for (const s of report.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  lines.push(
    `${report.keys} entries read: ${report.models} models, ${report.aliased} kept as aliases, ${report.images} image sizes folded into their model${report.filtered ? `, ${report.filtered} of other providers left out` : ""}${report.skipped.length ? `, ${report.skipped.length} skipped (${[...reasons].map(([r, n]) => `${n} ${r}`).join("; ")})` : ""}`,
  );
  if (report.renamed.length) {
    const shown = verbose ? report.renamed : report.renamed.slice(0, 3);
    lines.push(
      `${report.renamed.length} host entries reuse a vendor's model name and were prefixed so they do not replace the vendor's prices: ${shown.map((r) => `${r.key} → ${r.id}`).join(", ")}${shown.length < report.renamed.length ? ", …" : ""}`,
    );
  }
  if (verbose) for (const s of report.skipped) lines.push(`  skipped ${s.key}: ${s.reason}`);
  if (fixes.applied.length)
    lines.push(
      `${fixes.applied.length} corrections applied (tokcost models --corrections lists them): ${fixes.applied.map((a) => `${a.id} ${a.field} ${a.from === undefined ? "—" : JSON.stringify(a.from)} → ${a.to === null ? "unknown" : JSON.stringify(a.to)}`).join(", ")}`,
    );
  for (const o of fixes.outdated) lines.push(`warning: ${outdatedCorrectionNotice(o)}`);
  return lines.map(escapeControl);
}

function summary(file: PricingFile): string {
  const counts = new Map<string, number>();
  for (const m of file.models) counts.set(m.provider, (counts.get(m.provider) ?? 0) + 1);
  return `${file.models.length} models (${[...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([p, n]) => `${p} ${n}`)
    .join(", ")}${counts.size > 8 ? ", …" : ""}), asOf ${file.asOf}`;
}

export function registerPricing(program: Command, _context: CommandContext): void {
  const pricing = program
    .command("pricing")
    .description("manage pricing data: import or download a LiteLLM-format price list as a tokcost pricing file")
    .addHelpText(
      "after",
      "\nExamples:\n  tokcost pricing import model_prices_and_context_window.json -o prices.json\n  tokcost pricing update -o prices.json\n  TOKCOST_PRICING=prices.json tokcost models gpt-4o",
    );
  pricing
    .command("import")
    .description("convert a LiteLLM model_prices_and_context_window.json into a tokcost pricing file (validated, corrections applied)")
    .argument("<file>", "LiteLLM-format JSON file")
    .option("-o, --output <file>", "write the pricing file here (default: stdout)")
    .option("--provider <name>", "keep only these LiteLLM providers (repeat or comma-separate), e.g. openai,anthropic", collectList)
    .option("--as-of <date>", "date the prices were read, YYYY-MM-DD (default: the file's last_updated, else a date in the file name; required otherwise)")
    .option("--source <text>", "where the file comes from (URL or note), recorded on every entry")
    .option("--no-corrections", "do not apply tokcost's corrections (data/corrections.json)")
    .option("--verbose", "list every skipped and renamed key")
    .addHelpText(
      "after",
      "\nExamples:\n  tokcost pricing import model_prices_and_context_window.json --as-of 2026-11-01 -o prices.json\n  tokcost estimate prompt.txt -m gpt-4o --pricing prices.json\n  TOKCOST_PRICING=prices.json tokcost models",
    )
    .action(async (file: string, flags: ImportFlags) => {
      if (flags.asOf !== undefined) priceListDate({ text: "", origin: file, isUrl: false }, undefined, flags.asOf); // a bad --as-of before reading
      const list = await readPriceList(file);
      const { file: converted, report, fixes } = convertList(list, flags);
      const json = canonicalJson(converted, 1) + "\n";
      const details = reportLines(report, fixes, flags.verbose === true);
      if (flags.output) {
        await atomicWrite(flags.output, json);
        process.stderr.write(`wrote ${escapeControl(flags.output)}: ${summary(converted)}\n`);
      } else {
        process.stdout.write(json);
        process.stderr.write(`${summary(converted)}\n`);
      }
      for (const line of details) process.stderr.write(`${line}\n`);
    });

  pricing
    .command("update")
    .description("download LiteLLM's current price list (or read --from), convert it, show what changed and write a pricing file")
    .option("--from <url|file>", `where to read the list (default: ${LITELLM_PRICES_URL})`)
    .option("-o, --output <file>", "pricing file to write (default: tokcost-pricing.json); use it with --pricing or TOKCOST_PRICING", "tokcost-pricing.json")
    .option("--provider <name>", `LiteLLM providers to keep (default: the bundled ones: ${BUNDLED_PROVIDERS.join(", ")})`, collectList)
    .option("--all-providers", "keep every provider in the list (hosts keep their prefixed ids)")
    .option("--as-of <date>", "date the prices were read, YYYY-MM-DD (default for a download: today)")
    .option("--source <text>", "a note recorded on every entry")
    .option("--timeout <ms>", `give up a download after this many milliseconds (default ${DEFAULT_FETCH_TIMEOUT_MS})`, parsePositive("--timeout"))
    .option("--max-bytes <n>", `refuse a download larger than this (default ${DEFAULT_MAX_BYTES})`, parsePositive("--max-bytes"))
    .option("--no-corrections", "do not apply tokcost's corrections (data/corrections.json)")
    .option("--dry-run", "show what would change; write nothing")
    .option("--verbose", "list every change, skipped and renamed key")
    .addHelpText(
      "after",
      "\nExamples:\n  tokcost pricing update -o prices.json && TOKCOST_PRICING=prices.json tokcost check\n  tokcost pricing update --from ./model_prices_and_context_window.json --as-of 2026-11-01 --dry-run",
    )
    .action(async (flags: ImportFlags & { dryRun?: boolean }) => {
      if (flags.provider && flags.allProviders) throw new UsageError("--provider and --all-providers contradict each other; pass one");
      if (flags.asOf !== undefined) priceListDate({ text: "", origin: "", isUrl: true }, undefined, flags.asOf);
      const from = flags.from ?? LITELLM_PRICES_URL;
      const list = await readPriceList(from, { timeoutMs: flags.timeout, maxBytes: flags.maxBytes });
      const { file, report, fixes, dateFrom } = convertList(list, flags, BUNDLED_PROVIDERS);
      // Compare with the prices in use: the bundled table, with the output file layered on top when it exists.
      const output = flags.output!;
      const before = await pricingTableWithFileIfExists(output);
      const diff = diffPricing(before.list(), file.models);
      const out = (line: string) => process.stdout.write(`${escapeControl(line)}\n`);
      out(`${escapeControl(from)}: ${summary(file)} (date from ${dateFrom})`);
      for (const line of formatPricingDiff(diff, flags.verbose ? Infinity : 20)) out(line);
      for (const line of reportLines(report, fixes, flags.verbose === true)) process.stderr.write(`${line}\n`);
      if (flags.dryRun) {
        out(`dry run: ${output} not written`);
        return;
      }
      await atomicWrite(output, canonicalJson(file, 1) + "\n");
      out(`wrote ${output}; use it with --pricing ${output} or TOKCOST_PRICING=${output}`);
    });
}
