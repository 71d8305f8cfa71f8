/** Shared pieces of the hostile-input tests: throw-away repos, FIFOs, one-line error checks. */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { binPath, repoRoot, type CliResult } from "../helpers/cli.js";

/** A temp directory with a `.git` folder (config lookup stops there). */
export function tempRepo(prefix = "tokcost-hostile-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(dir, ".git"));
  return dir;
}

/** Writes files (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

/** Creates a FIFO (named pipe) at `file`. */
export function mkfifo(file: string): string {
  execFileSync("mkfifo", [file]);
  return file;
}

/** The run failed with exit `code` and exactly one line on stderr, without a stack trace. */
export function expectOneLineFailure(r: CliResult, code: 1 | 2 = 2): string {
  expect(r.code, `stderr: ${r.stderr}`).toBe(code);
  const lines = r.stderr.split("\n").filter((line) => line !== "");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tokcost: /);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error: /);
  return lines[0];
}

/**
 * Runs the CLI with stdin read from `stdin` (a file or a device such as /dev/zero; default
 * empty) and reports the child's peak resident memory, measured in the child (getrusage).
 */
export function runCliMeasured(args: string[], options: { cwd?: string; stdin?: string; env?: Record<string, string | undefined> } = {}): CliResult & { maxRssMb: number } {
  const rssFile = path.join(mkdtempSync(path.join(tmpdir(), "tokcost-rss-")), "rss");
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, TOKCOST_PRICING: undefined, TOKCOST_TEST_RSS_FILE: rssFile, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const stdin = options.stdin === undefined ? "ignore" : openSync(options.stdin, "r");
  try {
    const preload = fileURLToPath(new URL("./report-rss.mjs", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", preload, binPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: [stdin, "pipe", "pipe"],
      encoding: "utf8",
      timeout: 120_000,
    });
    const maxRssMb = Number(readFileSync(rssFile, "utf8")) / 1024;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, maxRssMb };
  } finally {
    if (typeof stdin === "number") closeSync(stdin);
    rmSync(path.dirname(rssFile), { recursive: true, force: true });
  }
}
