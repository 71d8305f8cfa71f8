/** `tokcost truncate <file> --tokens <n>`: cut plain text to a token budget on a token boundary. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { readAll } from "../../node/inputs.js";
import { jsonKindOf, truncateText } from "../../request/index.js";
import { resolveModel } from "../../estimate/index.js";
import { UsageError } from "../../errors.js";
import { readBytes } from "../../node/io.js";
import { notTextError } from "../../node/inputs.js";
import { parseChoice, parseCount } from "../options.js";
import { escapeControl } from "../../util/text.js";

interface TruncateFlags {
  tokens?: number;
  from: "start" | "end";
  model?: string;
  encoding?: string;
}

/** Adds `tokcost truncate` to the program. */
export function registerTruncate(program: Command, _context: CommandContext): void {
  program
    .command("truncate")
    .description("cut plain text to a token budget on a token boundary (prints the text that is kept); JSON is refused — use fit for conversations")
    .argument("[file]", "text file; - or nothing for stdin")
    .requiredOption("-t, --tokens <n>", "token budget", parseCount("--tokens"))
    .option("--from <end>", "which end to cut: end (keep the beginning) or start (keep the end)", parseChoice("--from", ["start", "end"] as const), "end")
    .option("-m, --model <id>", "count with this model's encoding (default: o200k_base)")
    .option("--encoding <name>", "count with this encoding")
    .addHelpText("after", "\nExamples:\n  tokcost truncate notes.md --tokens 1000 -m gpt-4o > notes-1k.md\n  cat log.txt | tokcost truncate --tokens 500 --from start")
    .action(async (file: string | undefined, flags: TruncateFlags) => {
      if (flags.tokens === undefined) throw new UsageError("--tokens is required");
      let text: string;
      if (file === undefined || file === "-") {
        if (file === undefined && process.stdin.isTTY) throw new UsageError("no input: pass a file, or pipe text on stdin");
        text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await readAll(process.stdin, { label: "<stdin>" }));
      } else {
        const bytes = await readBytes(file);
        const notText = notTextError(file, bytes);
        if (notText) throw notText;
        text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      }
      // Cut JSON is broken JSON: refuse, and point to fit, which drops whole turns.
      const json = jsonKindOf(text);
      if (json) {
        const name = file === undefined || file === "-" ? "<stdin>" : escapeControl(file);
        throw new UsageError(
          `${name} is ${json === "json" ? "JSON" : "JSON Lines"}: truncate cuts plain text and would leave invalid JSON; to shorten a conversation by whole turns use tokcost fit ${file && file !== "-" ? escapeControl(file) : "<file>"} -m <model> --max-tokens <n>`,
        );
      }
      const encoding = flags.encoding ?? (flags.model ? resolveModel(flags.model, { allowUnpriced: true }).encoding : undefined);
      const result = truncateText(text, { tokens: flags.tokens, from: flags.from, encoding });
      process.stdout.write(result.text);
      process.stderr.write(
        result.truncated
          ? `kept ${result.tokens} of ${result.originalTokens} tokens (${result.encoding}, cut from the ${flags.from})\n`
          : `unchanged: ${result.tokens} tokens fit the budget of ${flags.tokens} (${result.encoding})\n`,
      );
    });
}
