/**
 * Hostile input × command, table-driven: every case must fail with the right exit code, exactly
 * one line on stderr, no stack trace — and nothing outside the test's temp directory changes
 * (HOME points into it; the repository's git status and /dev/null are checked after). The FIFO
 * cases must not hang: non-regular files are refused, never opened for a blocking read.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referencePath, repoRoot, runCli } from "../helpers/cli.js";
import { getEncoding } from "../../src/tokenizer/index.js";
import { expectOneLineFailure, mkfifo, runCliMeasured, tempRepo, writeFiles } from "./helpers.js";

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
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  const batchLine = JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] } });
  writeFiles(dir, {
    "deep/request.json": `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":${deep}}`,
    "deep/batch.jsonl": `${batchLine}\n{"custom_id":"b","method":"POST","url":"/v1/chat/completions","body":${deep}}\n`,
    "deep/pricing.json": `{"models":${deep}}`,
    "deep/config.json": `{"model":"gpt-4o","rules":[{"files":"*.txt"}],"x":${deep}}`,
    "deep/baseline.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "../ok.txt" }], baseline: { file: "baseline.json" } }),
    "deep/baseline.json": `{"files":${deep}}`,
  });
  writeFileSync(path.join(dir, "utf16.txt"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("hello there, UTF-16\n", "utf16le")]));
  // 12 KB of text, then NULs: binary, though the first 8 KiB (what git and grep look at) are text
  writeFileSync(path.join(dir, "nul-tail.txt"), Buffer.concat([Buffer.from("All work and no play. ".repeat(600)), Buffer.alloc(1 << 20)]));
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
  ["check --cache: directory", ["check", "--cache", "folder"], /cache folder is a directory, not a regular file: refusing to replace it/],
  // JSON nested 10,000 levels deep: one line, not "Maximum call stack size exceeded"
  ["estimate: deep request JSON", ["estimate", "deep/request.json"], /deep\/request\.json: not valid JSON \(nested more than 256 levels deep/],
  ["estimate --pricing: deep JSON", ["estimate", "ok.txt", "-m", "gpt-4o", "--pricing", "deep/pricing.json"], /pricing file deep\/pricing\.json: not valid JSON \(nested more than 256 levels deep/],
  ["pricing import: deep JSON", ["pricing", "import", "deep/pricing.json"], /deep\/pricing\.json: not valid JSON \(nested more than 256 levels deep/],
  ["check --config: deep JSON", ["check", "--config", "deep/config.json"], /deep\/config\.json: not valid JSON \(nested more than 256 levels deep/],
  // NULs after the first 8 KiB
  ["count: text then NULs", ["count", "nul-tail.txt"], /nul-tail\.txt looks like a binary file/],
  ["estimate: text then NULs", ["estimate", "nul-tail.txt", "-m", "gpt-4o"], /nul-tail\.txt looks like a binary file/],
  ["truncate: text then NULs", ["truncate", "nul-tail.txt", "--tokens", "3"], /nul-tail\.txt looks like a binary file/],
  // UTF-16: named, with how to convert it (not "binary")
  ["count: UTF-16", ["count", "utf16.txt"], /utf16\.txt is UTF-16 text, not UTF-8: convert it first \(e\.g\. iconv -f UTF-16 -t UTF-8 /],
  ["estimate: UTF-16", ["estimate", "utf16.txt", "-m", "gpt-4o"], /utf16\.txt is UTF-16 text.*iconv -f UTF-16 -t UTF-8/],
  ["truncate: UTF-16", ["truncate", "utf16.txt", "--tokens", "3"], /utf16\.txt is UTF-16 text.*iconv -f UTF-16 -t UTF-8/],
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

  it("a JSONL line 10,000 levels deep is reported with its line number; the other lines are estimated", () => {
    const r = runCli(["estimate", "deep/batch.jsonl", "--json"], { cwd: dir, env: { HOME: dir } });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/not valid JSON \(nested more than 256 levels deep/);
    expect(r.stdout + r.stderr).not.toMatch(/call stack/);
    expect(r.stderr).toMatch(/batch\.jsonl:2: not valid JSON/);
    expect(JSON.parse(r.stdout)).toMatchObject({ estimates: [{ kind: "batch", batch: { requests: 1, invalid: 1 } }] });
  });

  it("a baseline 10,000 levels deep is a configuration problem naming the file", () => {
    const r = runCli(["check", "--config", "deep/baseline.config.json", "--format", "json"], { cwd: dir, env: { HOME: dir } });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { problems: Array<{ message: string }> };
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^baseline baseline\.json: not valid JSON \(nested more than 256 levels deep/));
  });

  it("the FIFO is still a FIFO and nothing was written next to the inputs", () => {
    expect(statSync(path.join(dir, "fifo")).isFIFO()).toBe(true);
    expect(execFileSync("ls", ["-A", dir], { encoding: "utf8" }).split("\n").filter(Boolean).sort()).toEqual([
      ".git",
      "binary.dat",
      "deep",
      "fifo",
      "folder",
      "loop-a",
      "loop-b",
      "nul-tail.txt",
      "ok.txt",
      "tokcost.config.json",
      "utf16.txt",
    ]);
  });
});

/** Peak memory a run may reach (the rank tables and Node itself take ~100 MB). */
const BOUNDED_MB = 400;

describe("hostile input × command: bounded memory, measured in the child", () => {
  it("count < /dev/zero is refused as binary at once (it grew without bound: 7.2 GB in 15 s)", () => {
    const r = runCliMeasured(["count"], { cwd: dir, stdin: "/dev/zero" });
    expect(expectOneLineFailure(r, 2)).toMatch(/<stdin> looks like binary data/);
    expect(r.maxRssMb).toBeLessThan(BOUNDED_MB);
  });

  it("estimate < /dev/zero and truncate < /dev/zero too", () => {
    for (const args of [
      ["estimate", "-m", "gpt-4o"],
      ["truncate", "--tokens", "3"],
    ]) {
      const r = runCliMeasured(args, { cwd: dir, stdin: "/dev/zero" });
      expect(expectOneLineFailure(r, 2)).toMatch(/<stdin> looks like binary data/);
      expect(r.maxRssMb).toBeLessThan(BOUNDED_MB);
    }
  });

  it("stdin of text then NULs is binary (the whole stream is checked, not the first 8 KiB)", () => {
    const r = runCliMeasured(["count"], { cwd: dir, stdin: path.join(dir, "nul-tail.txt") });
    expect(expectOneLineFailure(r, 2)).toMatch(/<stdin> looks like binary data/);
  });

  it("stdin in UTF-16 says so and how to convert it", () => {
    const r = runCliMeasured(["count"], { cwd: dir, stdin: path.join(dir, "utf16.txt") });
    expect(expectOneLineFailure(r, 2)).toMatch(/<stdin> is UTF-16 text, not UTF-8: convert it first \(pipe it through iconv -f UTF-16 -t UTF-8\)/);
  });

  it("a /proc file that reports size 0 is read to its end, never counted as 0 tokens", () => {
    const r = runCliMeasured(["count", "/proc/self/status"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.stdout.split(" ")[0])).toBeGreaterThan(20);
  });

  it("a 64 MB one-line file (count -j 1, and the same on stdin) is counted exactly in bounded memory (it took 992 MB)", { timeout: 240_000 }, () => {
    const file = path.join(dir, "one-line.txt");
    const content = Buffer.alloc(64_000_000, 'var a=function(b){return b.x+"y"},c=[1,2,3];if(a(c))d.push({k:"v",n:12}); ');
    writeFileSync(file, content);
    try {
      const expected = getEncoding("o200k_base").count(content.toString("utf8"));
      const fromFile = runCliMeasured(["count", "-j", "1", "one-line.txt"], { cwd: dir });
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(fromFile.stdout).toBe(`${expected} one-line.txt\n`);
      expect(fromFile.maxRssMb).toBeLessThan(BOUNDED_MB);
      const fromStdin = runCliMeasured(["count"], { cwd: dir, stdin: file });
      expect(fromStdin.stdout).toBe(`${expected}\n`);
      expect(fromStdin.maxRssMb).toBeLessThan(BOUNDED_MB);
    } finally {
      rmSync(file);
    }
  });
});
