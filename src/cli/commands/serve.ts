/** `tokcost serve [--port N] [--open]`: the token playground page on 127.0.0.1. */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { parseCount } from "../options.js";
import { UsageError } from "../../errors.js";
import { startPlayground } from "../../node/serve.js";

interface ServeFlags {
  port: number;
  open?: boolean;
}

/** The platform's "open this URL" command. */
function opener(url: string): [string, string[]] {
  if (process.platform === "darwin") return ["open", [url]];
  if (process.platform === "win32") return ["cmd", ["/c", "start", "", url]];
  return ["xdg-open", [url]];
}

export function registerServe(program: Command, _context: CommandContext): void {
  program
    .command("serve")
    .description("serve the token playground page on 127.0.0.1 (all counting happens in the page; nothing leaves it)")
    .option("-p, --port <n>", "port to listen on (0 = any free port)", parseCount("--port"), 8177)
    .option("--open", "open the page in the default browser")
    .addHelpText("after", "\nExamples:\n  tokcost serve                # then open http://127.0.0.1:8177/\n  tokcost serve --port 0 --open")
    .action(async (flags: ServeFlags) => {
      if (flags.port > 65535) throw new UsageError(`--port expects a port number up to 65535, got ${flags.port}`);
      const playground = await startPlayground(flags.port);
      process.stdout.write(`tokcost playground: ${playground.url}  (Ctrl-C to stop)\n`);
      if (flags.open) {
        const [cmd, args] = opener(playground.url);
        const child = spawn(cmd, args, { stdio: "ignore", detached: true });
        child.on("error", () => process.stderr.write(`warning: could not open a browser (${cmd} failed); open ${playground.url} yourself\n`));
        child.unref();
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void playground.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
