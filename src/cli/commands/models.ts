/** `tokcost models [filter]`: the pricing table. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import type { ModelEntry } from "../../pricing/schema.js";
import { formatInt, formatPerMillion, renderTable, useColor } from "../format.js";
import { pricingFrom } from "../shared.js";

interface ModelsFlags {
  json?: boolean;
  pricing?: string;
}

/** Does an entry match a free-text filter (id, alias, provider)? */
export function matchesFilter(entry: ModelEntry, filter: string | undefined): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return entry.id.toLowerCase().includes(needle) || (entry.aliases ?? []).some((a) => a.toLowerCase().includes(needle)) || entry.provider.toLowerCase() === needle;
}

export function registerModels(program: Command, _context: CommandContext): void {
  program
    .command("models")
    .description("list models: context window, max output, prices per 1M tokens, encoding, status")
    .argument("[filter]", "substring of a model id or alias, or a provider name")
    .option("--json", "JSON output: { asOf, models: [...] } with the table's fields")
    .option("--pricing <file>", "pricing file that overrides or extends the bundled table (also TOKCOST_PRICING)")
    .action(async (filter: string | undefined, flags: ModelsFlags) => {
      const table = await pricingFrom(flags.pricing);
      const models = table.list().filter((m) => matchesFilter(m, filter)).sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
      if (flags.json) {
        process.stdout.write(JSON.stringify({ asOf: table.asOf, models }, null, 2) + "\n");
        return;
      }
      const head = ["Model", "Provider", "Mode", "Context", "Max out", "Input $/1M", "Cached $/1M", "Output $/1M", "Encoding", "Status", "As of"];
      const numeric = [false, false, false, true, true, true, true, true, false, false, false];
      const rows = models.map((m) => [
        m.id,
        m.provider,
        m.mode,
        formatInt(m.contextWindow),
        formatInt(m.maxOutputTokens),
        formatPerMillion(m.pricing.input),
        formatPerMillion(m.pricing.cachedInput),
        formatPerMillion(m.pricing.output),
        m.encoding ? `${m.exactTokenizer === false ? "≈" : ""}${m.encoding}` : "—",
        m.status.state === "active" ? "active" : `${m.status.state}${m.status.date ? ` ${m.status.date}` : ""}`,
        m.asOf,
      ]);
      process.stdout.write(rows.length ? renderTable(head, rows, numeric, useColor(process.stdout)) + "\n" : `no models match "${filter}"\n`);
    });
}
