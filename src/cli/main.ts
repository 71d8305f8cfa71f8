/**
 * The `tokcost` command line. Commands only parse arguments, call the library and render; all
 * errors go through `render-error.ts`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { reportError, EXIT } from "./render-error.js";
import { registerEstimate } from "./commands/estimate.js";
import { registerCount } from "./commands/count.js";
import { registerModels } from "./commands/models.js";
import { registerCheck } from "./commands/check.js";
import { registerTruncate } from "./commands/truncate.js";
import { registerPricing } from "./commands/pricing.js";

/** A command's action reports its exit code here. */
export interface CommandContext {
  setExitCode(code: number): void;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Builds the program (exported for tests and embedding). */
export function buildProgram(context: CommandContext): Command {
  const program = new Command("tokcost")
    .description("Exact OpenAI token counts, context-window fit and cost — before you send the request.")
    .version(version(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      // Commander's own usage errors ("unknown option") become one tokcost line.
      outputError: (text, write) => write(`tokcost: ${text.replace(/^error: /, "").trimEnd()}\n`),
    });
  registerEstimate(program, context);
  registerCount(program, context);
  registerModels(program, context);
  registerCheck(program, context);
  registerTruncate(program, context);
  registerPricing(program, context);
  for (const command of program.commands) command.exitOverride().showHelpAfterError(`(run "tokcost ${command.name()} --help" for usage)`);
  return program;
}

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const context: CommandContext = {
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    await buildProgram(context).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is bad usage (already printed).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(error);
  }
}
