/** `tokcost completion bash|zsh|fish`: a completion script for the shell, printed to stdout. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { UsageError } from "../../errors.js";
import { bashCompletion, completionSpec, fishCompletion, zshCompletion } from "../completion.js";
import { listModels } from "../../pricing/index.js";

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/** Adds `tokcost completion` to the program. */
export function registerCompletion(program: Command, context: CommandContext): void {
  program
    .command("completion")
    .description("print a shell completion script (commands, options and model ids)")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      "\nExamples:\n  source <(tokcost completion bash)        # in ~/.bashrc\n  source <(tokcost completion zsh)         # in ~/.zshrc\n  tokcost completion fish > ~/.config/fish/completions/tokcost.fish",
    )
    .action(async (shell: string) => {
      const render = (SHELLS as Record<string, (typeof SHELLS)[keyof typeof SHELLS]>)[shell];
      if (!Object.hasOwn(SHELLS, shell) || !render) throw new UsageError(`unknown shell "${shell}": use bash, zsh or fish`);
      // The whole program, every command loaded, describes what to complete.
      const { buildProgram } = await import("../main.js");
      const full = await buildProgram(context);
      const models = listModels().flatMap((m) => [m.id, ...(m.aliases ?? [])]);
      process.stdout.write(render(completionSpec(full, models)));
    });
}
