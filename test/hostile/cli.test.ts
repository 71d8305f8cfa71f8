/**
 * Hostile input × command, table-driven: every case must fail with the right exit code, exactly
 * one line on stderr, no stack trace — and nothing outside the test's temp directory changes
 * (HOME points into it; the repository's git status and /dev/null are checked after). The FIFO
 * cases must not hang: non-regular files are refused, never opened for a blocking read.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referencePath, repoRoot, runCli } from "../helpers/cli.js";
import { expectOneLineFailure, mkfifo, tempRepo, writeFiles } from "./helpers.js";

let dir: string;
let gitStatusBefore: string;
const gitStatus = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repoRoot, encoding: "utf8" });

beforeAll(() => {
  gitStatusBefore = gitStatus();
  dir = tempRepo("tokcost-hostile-cli-");
  writeFiles(dir, { "ok.txt": "hello world", "tokcost.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.txt" }] }) });
  mkdirSync(path.join(dir, "folder"));
  mkfifo(path.join(dir, "fifo"));
  symlinkSync("loop-b", path.join(dir, "loop-a"));
  symlinkSync("loop-a", path.join(dir, "loop-b"));
  writeFileSync(path.join(dir, "binary.dat"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
});

afterAll(() => {
  expect(gitStatus()).toBe(gitStatusBefore);
  expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
});

const LITELLM = referencePath("litellm-model-prices-2026-08-01.json");

/** [case, args, expected stderr fragment]; every one exits 2. */
const CASES: Array<[string, string[], RegExp]> = [
  // missing files
  ["count: missing file", ["count", "missing.txt"], /missing\.txt: no such file/],
  ["estimate: missing file", ["estimate", "missing.txt", "-m", "gpt-4o"], /missing\.txt: no such file/],
  ["truncate: missing file", ["truncate", "missing.txt", "--tokens", "3"], /missing\.txt: no such file/],
  ["pricing import: missing file", ["pricing", "import", "missing.json"], /missing\.json: no such file/],
  ["estimate --pricing: missing file", ["estimate", "ok.txt", "-m", "gpt-4o", "--pricing", "missing.json"], /pricing file missing\.json: no such file/],
  ["check --config: missing file", ["check", "--config", "missing.json"], /no such/],
  // directories
  ["count: directory", ["count", "folder"], /folder is a directory/],
  ["estimate: directory", ["estimate", "folder", "-m", "gpt-4o"], /folder is a directory/],
  ["truncate: directory", ["truncate", "folder", "--tokens", "3"], /folder is a directory/],
  ["pricing import: directory", ["pricing", "import", "folder"], /folder is a directory/],
  ["check --config: directory", ["check", "--config", "folder"], /folder is a directory/],
  // FIFOs (must not hang)
  ["count: FIFO", ["count", "fifo"], /fifo is a FIFO/],
  ["estimate: FIFO", ["estimate", "fifo", "-m", "gpt-4o"], /fifo is a FIFO/],
  ["estimate --chat: FIFO", ["estimate", "fifo", "-m", "gpt-4o", "--chat"], /fifo is a FIFO/],
  ["truncate: FIFO", ["truncate", "fifo", "--tokens", "3"], /fifo is a FIFO/],
  ["pricing import: FIFO", ["pricing", "import", "fifo"], /fifo is a FIFO/],
  ["pricing import -o: FIFO", ["pricing", "import", LITELLM, "--provider", "openai", "-o", "fifo"], /refusing to replace it/],
  ["estimate --pricing: FIFO", ["estimate", "ok.txt", "-m", "gpt-4o", "--pricing", "fifo"], /fifo is a FIFO/],
  ["check --config: FIFO", ["check", "--config", "fifo"], /fifo is a FIFO/],
  ["check --cache: FIFO", ["check", "--cache", "fifo"], /refusing to replace it/],
  // symlink loops
  ["count: symlink loop", ["count", "loop-a"], /symlink loop/],
  ["estimate: symlink loop", ["estimate", "loop-a", "-m", "gpt-4o"], /symlink loop/],
  ["truncate: symlink loop", ["truncate", "loop-a", "--tokens", "3"], /symlink loop/],
  ["pricing import: symlink loop", ["pricing", "import", "loop-a"], /symlink loop/],
  ["check --config: symlink loop", ["check", "--config", "loop-a"], /symlink loop/],
  // binary
  ["count: binary", ["count", "binary.dat"], /binary/],
  ["estimate: binary", ["estimate", "binary.dat", "-m", "gpt-4o"], /binary/],
  ["truncate: binary", ["truncate", "binary.dat", "--tokens", "3"], /binary/],
  ["pricing import: binary", ["pricing", "import", "binary.dat"], /not valid JSON/],
  // control characters in names and ids
  ["count: escape in a file name", ["count", "evil\u001b]0;x\u0007.txt"], /evil\\e\]0;x\\x07\.txt: no such file/],
  ["estimate: escape in a model id", ["estimate", "ok.txt", "-m", "gpt\u001b[2J"], /unknown model "gpt\\e\[2J"/],
  ["count: line break in a model id", ["count", "ok.txt", "-m", "gpt\n4o"], /unknown model/],
  // prototype names
  ["count: -m constructor", ["count", "ok.txt", "-m", "constructor"], /unknown model "constructor"/],
  ["estimate: -m hasOwnProperty", ["estimate", "ok.txt", "-m", "hasOwnProperty"], /unknown model "hasOwnProperty"/],
  ["count: -m __proto__", ["count", "ok.txt", "-m", "__proto__"], /unknown model "__proto__"/],
  ["count: --encoding constructor", ["count", "ok.txt", "--encoding", "constructor"], /unknown encoding "constructor"/],
  // bad numbers
  ["estimate: --max-tokens 1,0,0", ["estimate", "ok.txt", "-m", "gpt-4o", "--max-tokens", "1,0,0"], /--max-tokens expects/],
  ["estimate: --max-tokens -3", ["estimate", "ok.txt", "-m", "gpt-4o", "--max-tokens", "-3"], /--max-tokens expects/],
  ["estimate: --max-tokens 1e400", ["estimate", "ok.txt", "-m", "gpt-4o", "--max-tokens", "1e400"], /--max-tokens expects/],
  ["truncate: --tokens NaN", ["truncate", "ok.txt", "--tokens", "NaN"], /--tokens expects/],
  ["count: --jobs 0", ["count", "ok.txt", "--jobs", "0"], /--jobs expects/],
  ["check: --jobs 1.5", ["check", "--jobs", "1.5"], /--jobs expects/],
];

describe("hostile input × command: exit 2, one line, no stack trace", () => {
  for (const [name, args, expected] of CASES) {
    it(name, () => {
      const r = runCli(args, { cwd: dir, env: { HOME: dir, XDG_CACHE_HOME: dir, TOKCOST_DEBUG: undefined } });
      expect(expectOneLineFailure(r, 2)).toMatch(expected);
      expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    });
  }

  it("the FIFO is still a FIFO and nothing was written next to the inputs", () => {
    expect(statSync(path.join(dir, "fifo")).isFIFO()).toBe(true);
    expect(execFileSync("ls", ["-A", dir], { encoding: "utf8" }).split("\n").filter(Boolean).sort()).toEqual([".git", "binary.dat", "fifo", "folder", "loop-a", "loop-b", "ok.txt", "tokcost.config.json"]);
  });
});
