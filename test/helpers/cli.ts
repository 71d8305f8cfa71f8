/** Runs the built CLI as a user would: `node bin/tokcost.js ...` in a child process. */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const binPath = path.join(repoRoot, "bin", "tokcost.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tokcost with `args`; `input` is piped to stdin. Colour is off unless the test asks. */
export function runCli(args: string[], options: { input?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, TOKCOST_PRICING: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input ?? "",
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Path of a reference fact file (test/reference/: copied from the project's shared reference
 * facts — tiktoken vectors, OpenAI's counting rules and error texts, a LiteLLM price snapshot —
 * so the suite runs from any clone).
 */
export function referencePath(name: string): string {
  return path.join(repoRoot, "test", "reference", name);
}

/**
 * {@link runCli} without blocking the event loop: for tests whose servers run in the test's own
 * process (a spawnSync child could never reach them).
 */
export function runCliAsync(args: string[], options: { input?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, TOKCOST_PRICING: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd ?? repoRoot, env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
