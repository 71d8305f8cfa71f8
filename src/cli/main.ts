/**
 * The `tokcost` command line. Commands only parse arguments, call the library and render; all
 * errors go through `render-error.ts`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { reportError, EXIT } from "./render-error.js";
import { installFastRanks } from "../node/ranks-loader.js";

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

type Register = (program: Command, context: CommandContext) => void;

/**
 * The commands, in help order, each loaded only when needed: `tokcost count` should not pay for
 * zod, the request schemas or the gate (start-up time is a measured target, docs/benchmarks.md).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  estimate: async () => (await import("./commands/estimate.js")).registerEstimate,
  count: async () => (await import("./commands/count.js")).registerCount,
  models: async () => (await import("./commands/models.js")).registerModels,
  check: async () => (await import("./commands/check.js")).registerCheck,
  truncate: async () => (await import("./commands/truncate.js")).registerTruncate,
  fit: async () => (await import("./commands/fit.js")).registerFit,
  pricing: async () => (await import("./commands/pricing.js")).registerPricing,
  calibrate: async () => (await import("./commands/calibrate.js")).registerCalibrate,
  serve: async () => (await import("./commands/serve.js")).registerServe,
  completion: async () => (await import("./commands/completion.js")).registerCompletion,
};

/**
 * Which commands `argv` needs: the one it names first, or all of them (for help, a typo's
 * suggestion, or no command at all).
 */
function commandsFor(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  const first = args.find((arg) => !arg.startsWith("-"));
  if (first === undefined && args.length > 0 && args.every((arg) => arg === "-V" || arg === "--version")) return [];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

/**
 * Commander's own usage errors ("unknown option", with its "(Did you mean …?)" suggestion) as
 * one tokcost line: "tokcost: unknown command 'cuont'; did you mean count? (see tokcost --help)".
 */
function usageLine(help: string): (text: string, write: (s: string) => void) => void {
  return (text, write) => {
    const lines = text
      .replace(/^error: /, "")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const suggestion = lines
      .slice(1)
      .map((l) => /^\(Did you mean (.+)\?\)$/.exec(l)?.[1])
      .find(Boolean);
    const rest = lines.slice(1).filter((l) => !/^\(Did you mean/.test(l));
    write(`tokcost: ${[lines[0], ...rest].join(" ")}${suggestion ? `; did you mean ${suggestion}?` : ""} (see ${help})\n`);
  };
}

/** Builds the program with all commands, or only `only` (exported for tests and embedding). */
export async function buildProgram(context: CommandContext, only: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command("tokcost")
    .description("Exact OpenAI token counts, context-window fit and cost — before you send the request.")
    .version(version(), "-V, --version")
    .exitOverride()
    .configureOutput({ outputError: usageLine("tokcost --help") });
  const registers = await Promise.all(only.map((name) => COMMANDS[name]()));
  for (const register of registers) register(program, context);
  for (const command of program.commands) command.exitOverride().configureOutput({ outputError: usageLine(`tokcost ${command.name()} --help`) });
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
  // A reader that stops early (`tokcost count … | head -1`) closes the pipe: stop quietly, as
  // Unix tools do, instead of dying on EPIPE with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(exitCode);
    throw error;
  });
  try {
    installFastRanks();
    await (await buildProgram(context, commandsFor(argv))).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is bad usage (already printed).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(error);
  }
}
