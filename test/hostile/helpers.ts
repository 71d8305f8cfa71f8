/** Shared pieces of the hostile-input tests: throw-away repos, FIFOs, one-line error checks. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { CliResult } from "../helpers/cli.js";

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
