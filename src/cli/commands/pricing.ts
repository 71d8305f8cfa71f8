/**
 * `tokcost pricing import <file> [-o <out>]`: converts a LiteLLM-format pricing database
 * (`model_prices_and_context_window.json`, shared by many tools) into a validated tokcost pricing
 * file that `--pricing <file>` and `TOKCOST_PRICING` accept.
 */
import { basename } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { convertLiteLLM, canonicalJson } from "../../pricing/litellm.js";
import { PricingError, UsageError } from "../../errors.js";
import { atomicWrite, readText } from "../../node/io.js";
import { collectList } from "../options.js";
import { parseJsonText } from "../../util/json.js";

interface ImportFlags {
  output?: string;
  provider?: string[];
  asOf?: string;
  source?: string;
}

/** Today's date as YYYY-MM-DD (UTC). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function registerPricing(program: Command, _context: CommandContext): void {
  const pricing = program
    .command("pricing")
    .description("manage pricing data: import a LiteLLM-format price list as a tokcost pricing file")
    .addHelpText("after", "\nExamples:\n  tokcost pricing import model_prices_and_context_window.json -o prices.json\n  TOKCOST_PRICING=prices.json tokcost models gpt-4o");
  pricing
    .command("import")
    .description("convert a LiteLLM model_prices_and_context_window.json into a tokcost pricing file (validated)")
    .argument("<file>", "LiteLLM-format JSON file")
    .option("-o, --output <file>", "write the pricing file here (default: stdout)")
    .option("--provider <name>", "keep only these LiteLLM providers (repeat or comma-separate), e.g. openai,anthropic", collectList)
    .option("--as-of <date>", "date the prices were read, YYYY-MM-DD (default: a date in the file name, else today)")
    .option("--source <text>", "where the file comes from (URL or note), recorded on every entry")
    .addHelpText("after", "\nExamples:\n  tokcost pricing import model_prices_and_context_window.json -o prices.json\n  tokcost estimate prompt.txt -m gpt-4o --pricing prices.json\n  TOKCOST_PRICING=prices.json tokcost models")
    .action(async (file: string, flags: ImportFlags) => {
      const asOf = flags.asOf ?? /(\d{4}-\d{2}-\d{2})/.exec(basename(file))?.[1] ?? today();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) throw new UsageError(`--as-of expects a date as YYYY-MM-DD, got "${asOf}"`);
      const text = await readText(file);
      let data: unknown;
      try {
        data = parseJsonText(text);
      } catch (cause) {
        throw new PricingError(`${file}: not valid JSON (${(cause as Error).message.replace(/\s+/g, " ")})`);
      }
      const source = flags.source ? (/^https?:\/\//.test(flags.source) ? { url: flags.source, note: `imported from ${basename(file)}` } : { path: basename(file), note: flags.source }) : { path: basename(file), note: `LiteLLM-format price list imported with tokcost pricing import` };
      const converted = convertLiteLLM(data, { asOf, source, providers: flags.provider });
      if (converted.models.length === 0) {
        const known = new Set<string>();
        if (data && typeof data === "object") for (const entry of Object.values(data as Record<string, { litellm_provider?: unknown }>)) if (typeof entry?.litellm_provider === "string") known.add(entry.litellm_provider);
        throw new UsageError(`${file}: no models${flags.provider ? ` for provider ${flags.provider.join(", ")}` : ""}${known.size ? `; providers in the file include ${[...known].sort().slice(0, 12).join(", ")}` : ""}`);
      }
      const json = canonicalJson(converted, 1) + "\n";
      const counts = new Map<string, number>();
      for (const m of converted.models) counts.set(m.provider, (counts.get(m.provider) ?? 0) + 1);
      const summary = `${converted.models.length} models (${[...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([p, n]) => `${p} ${n}`).join(", ")}${counts.size > 8 ? ", …" : ""}), asOf ${asOf}`;
      if (flags.output) {
        await atomicWrite(flags.output, json);
        process.stderr.write(`wrote ${flags.output}: ${summary}\n`);
      } else {
        process.stdout.write(json);
        process.stderr.write(`${summary}\n`);
      }
    });
}
