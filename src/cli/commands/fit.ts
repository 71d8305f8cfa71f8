/** `tokcost fit <file> -m <model> --max-tokens <n>`: drop the oldest turns of a conversation until it fits. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { fitFile } from "../../node/fit-file.js";
import { readAll } from "../../node/inputs.js";
import type { BufferedInputSource } from "../../node/measure.js";
import { parseCount } from "../options.js";
import { pricingFrom, printWarnings } from "../shared.js";
import { formatInt } from "../format.js";
import { EXIT } from "../render-error.js";
import { UsageError } from "../../errors.js";
import { escapeControl, terminalSafe } from "../../util/text.js";

interface FitFlags {
  model?: string;
  maxTokens?: number;
  output?: string;
  json?: boolean;
  contextWindow?: number;
  pricing?: string;
}

/** Adds `tokcost fit` to the program. */
export function registerFit(program: Command, context: CommandContext): void {
  program
    .command("fit")
    .description(
      "drop the oldest turns of a conversation (JSON array of messages or chat request body) until it fits the context window with the completion budget; keeps system/developer messages and tool calls with their results",
    )
    .argument("[file]", "conversation JSON file; - or nothing for stdin")
    .option("-m, --model <id>", "model whose window and tokenizer apply (default: the body's model)")
    .option("--max-tokens <n>", "completion budget to leave room for (default: the body's max_tokens / max_completion_tokens)", parseCount("--max-tokens"))
    .option("-o, --output <file>", "write the fitted conversation here (default: stdout)")
    .option("--json", 'print a JSON summary (what was kept and dropped) instead of the conversation; the conversation goes to --output, or into the summary as "conversation"')
    .option("--context-window <n>", "fit in this many tokens instead of the model's window (a safety margin)", parseCount("--context-window"))
    .option("--pricing <file>", "pricing file that overrides or extends the bundled table (also TOKCOST_PRICING)")
    .addHelpText(
      "after",
      "\nThe output has the shape of the input: a bare messages array stays one, a request body keeps its other fields.\nWhat was dropped is reported on stderr.\nExit codes: 0 fitted (or already fits), 1 even the system prompt and last user turn do not fit (nothing written), 2 bad usage or input.\nExamples:\n  tokcost fit history.json -m gpt-4o --max-tokens 1000 -o history-fit.json\n  tokcost fit request.json > request-fit.json\n  cat history.json | tokcost fit -m gpt-4o-mini --max-tokens 2k --json",
    )
    .action(async (file: string | undefined, flags: FitFlags) => {
      let source: BufferedInputSource;
      if (file === undefined || file === "-") {
        if (file === undefined && process.stdin.isTTY)
          throw new UsageError("no input: pass a conversation file, or pipe it on stdin (e.g. cat history.json | tokcost fit -m gpt-4o --max-tokens 1000)");
        source = { name: "<stdin>", bytes: await readAll(process.stdin, { label: "<stdin>" }) };
      } else source = { path: file };
      const table = await pricingFrom(flags.pricing);
      const result = await fitFile(source, { model: flags.model, maxTokens: flags.maxTokens, output: flags.output, contextWindow: flags.contextWindow, table });
      const total = result.kept.length + result.dropped.length;
      if (flags.json) {
        const summary = {
          path: result.path,
          model: result.model,
          shape: result.shape,
          exact: result.exact,
          fits: result.fits,
          promptTokens: result.promptTokens,
          maxTokens: result.maxTokens,
          limit: result.limit,
          messages: total,
          kept: result.kept.length,
          dropped: result.dropped.length,
          droppedIndexes: result.droppedIndexes,
          output: result.written,
          warnings: result.warnings,
          ...(flags.output === undefined && result.fits ? { conversation: result.conversation } : {}),
        };
        process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
      } else if (result.fits && flags.output === undefined) {
        process.stdout.write(result.text);
      }
      const approx = result.exact ? "" : "≈";
      const where = result.written ? `; wrote ${escapeControl(result.written)}` : "";
      if (!result.fits) {
        process.stderr.write(
          `tokcost: ${escapeControl(result.path)} does not fit ${result.model} even with every droppable turn dropped: the system/developer messages and the last user turn take ${approx}${formatInt(result.promptTokens)} tokens, and ${formatInt(result.promptTokens + result.maxTokens)} with ${formatInt(result.maxTokens)} for the completion is over ${formatInt(result.limit)}; nothing written (shorten the system prompt, lower --max-tokens or use a larger model)\n`,
        );
        context.setExitCode(EXIT.limit);
        return;
      }
      if (!flags.json) {
        const dropped = result.dropped.length
          ? `dropped the oldest ${formatInt(result.dropped.length)} of ${formatInt(total)} messages (indexes ${rangesOf(result.droppedIndexes)})`
          : `nothing dropped: all ${formatInt(total)} messages fit`;
        process.stderr.write(
          terminalSafe(
            `${dropped}; prompt ${approx}${formatInt(result.promptTokens)} tokens + ${formatInt(result.maxTokens)} for the completion ≤ ${formatInt(result.limit)} (${result.model})${where}\n`,
          ),
        );
      }
      printWarnings(result.warnings);
    });
}

/** [1, 2, 3, 7, 8] → "1–3, 7–8". */
function rangesOf(indexes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; i++) {
    const start = indexes[i];
    while (i + 1 < indexes.length && indexes[i + 1] === indexes[i] + 1) i++;
    parts.push(start === indexes[i] ? String(start) : `${start}–${indexes[i]}`);
  }
  return parts.join(", ");
}
