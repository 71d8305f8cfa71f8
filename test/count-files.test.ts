/** countFiles: per-file counts equal single-pass counts, in input order, with and without workers. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countFile, countFiles, type FileCount } from "../src/node/count-files.js";
import { getEncoding } from "../src/tokenizer/index.js";
import { deserializeRankTable } from "../src/tokenizer/rank-table.js";

let dir: string;
const files: string[] = [];
const enc = getEncoding("o200k_base");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokcost-count-"));
  const texts = [
    "hello world\n",
    "",
    "\ufeffBOM first line\nsecond line\n",
    "中文字符和日本語のテキスト\n한국어 😀👍🏽\n".repeat(300),
    "function f(x) {\n  return x * 2; // double\n}\n".repeat(5000),
    JSON.stringify({ a: [1, 2, 3], b: 'text with "quotes"', c: { d: null } }, null, 2).repeat(2000),
    "a".repeat(20_000),
    Array.from({ length: 40_000 }, (_, i) => `line ${i}: ${"xyz".repeat(i % 7)} /path/${i}\n${i % 3 === 0 ? " " : ""}`).join(""),
  ];
  texts.forEach((t, i) => {
    const p = join(dir, `f${i}.txt`);
    writeFileSync(p, t);
    files.push(p);
  });
  // invalid UTF-8 (counts like TextDecoder's replacement characters)
  const bad = join(dir, "bad.bin");
  writeFileSync(bad, Buffer.from([0x61, 0xe4, 0xb8, 0x0a, 0x62, 0xff, 0xc3, 0x28, 0x0a, 0x63]));
  files.push(bad);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const expected = (path: string): number => enc.count(new TextDecoder("utf-8", { ignoreBOM: true }).decode(readFileSync(path)));

describe("countFile", () => {
  it("equals counting the whole file at once", async () => {
    for (const f of files) expect((await countFile(f, { encoding: "o200k_base", bufferChars: 64 })).tokens).toBe(expected(f));
  });
});

describe("countFiles", () => {
  it.each([1, 2, 3])("jobs=%i: totals equal single-pass counts, in input order, errors per file", async (jobs) => {
    const missing = join(dir, "missing.txt");
    const sub = join(dir, "sub");
    mkdirSync(sub, { recursive: true });
    const paths = [files[3], missing, ...files.slice(0, 3), sub, ...files.slice(4)];
    const progress: number[] = [];
    const results = await countFiles(paths, { encoding: "o200k_base", jobs, partBytes: 64 * 1024, bufferChars: 4096, onProgress: (p) => progress.push(p.filesDone) });
    expect(results.map((r) => r.path)).toEqual(paths);
    for (const r of results) {
      if (r.path === missing) {
        expect(r.error?.code).toBe("FILE_NOT_FOUND");
        expect(r.tokens).toBe(0);
      } else if (r.path === sub) {
        expect(r.error?.code).toBe("FILE_UNREADABLE");
      } else {
        expect(r.error).toBeUndefined();
        expect(r.tokens).toBe(expected(r.path));
        expect(r.bytes).toBe(readFileSync(r.path).length);
      }
    }
    expect(progress.at(-1)).toBe(paths.length);
  });

  it("this thread and the workers together give the same per-file results and errors as one thread", async () => {
    // Enough bytes for the parallel path (> 2 MiB), files of equal size (copies, handed out
    // together) and of distinct sizes, a file cut into parts, unreadable entries, bad UTF-8.
    const many = join(dir, "many");
    mkdirSync(many, { recursive: true });
    const paths: string[] = [];
    for (let i = 0; i < 24; i++) {
      const p = join(many, `m${i}.txt`);
      const body = i % 3 === 0 ? "shared copy: naïve café — 東京 😀\n".repeat(4000) : `file ${i} ${"word ".repeat(i)}\n`.repeat(1500 + i * 400);
      writeFileSync(p, body);
      paths.push(p);
    }
    paths.splice(5, 0, join(many, "missing.txt"), many, files.at(-1)!, files[1]);
    const big = join(many, "big.txt");
    writeFileSync(big, Array.from({ length: 60_000 }, (_, i) => `row ${i}: ${"αβγ ".repeat(i % 5)}value\n`).join(""));
    paths.push(big);
    const special = join(many, "special.txt");
    writeFileSync(special, "before <|endoftext|> after\n".repeat(5000));
    paths.push(special);
    type Progress = { bytesDone: number; bytesTotal: number; filesDone: number; filesTotal: number };
    const run = async (jobs: number, allowedSpecial?: "all" | string[]): Promise<{ results: FileCount[]; last: Progress | undefined }> => {
      let last: Progress | undefined;
      const results = await countFiles(paths, { encoding: "o200k_base", jobs, allowedSpecial, partBytes: 256 * 1024, onProgress: (p) => (last = p) });
      return { results, last };
    };
    const summary = (rs: FileCount[]) => rs.map((r) => ({ path: r.path, tokens: r.tokens, bytes: r.bytes, code: r.error?.code, message: r.error?.message }));
    const one = await run(1);
    for (const r of one.results) if (!r.error) expect(r.tokens).toBe(expected(r.path));
    expect(one.results.filter((r) => r.error).map((r) => r.error!.code)).toEqual(["FILE_NOT_FOUND", "FILE_UNREADABLE"]);
    const oneAll = await run(1, "all");
    expect(oneAll.results.at(-1)!.tokens).toBe(enc.count(readFileSync(special, "utf8"), { allowedSpecial: "all" }));
    expect(oneAll.results.at(-1)!.tokens).toBeLessThan(one.results.at(-1)!.tokens);
    // an unknown special token: an error for every non-empty file, the same whichever thread counts it
    const oneBad = await run(1, ["<|nope|>"]);
    expect(oneBad.results.filter((r) => r.error?.code === "INVALID_INPUT").length).toBeGreaterThan(20);
    for (const jobs of [2, 3]) {
      const { results, last } = await run(jobs);
      expect(summary(results)).toEqual(summary(one.results));
      expect(last).toEqual({ bytesDone: last!.bytesTotal, bytesTotal: one.last!.bytesTotal, filesDone: paths.length, filesTotal: paths.length });
      expect(summary((await run(jobs, "all")).results)).toEqual(summary(oneAll.results));
      expect(summary((await run(jobs, ["<|nope|>"])).results)).toEqual(summary(oneBad.results));
    }
  });

  it("as built, shares its rank table with the workers (shared memory, no copy) and counts the same", async () => {
    // the build, as the CLI runs it: the binary rank tables are found next to dist/src
    const dist = { ...(await import("../dist/src/node/count-files.js")), ...(await import("../dist/src/node/ranks-loader.js")), ...(await import("../dist/src/tokenizer/index.js")) };
    const table = dist.getEncoding("o200k_base").ranks;
    const entry = dist.sharedRankData().find(([source]) => source === "o200k_base");
    expect(entry).toBeDefined();
    const [, bytes] = entry!;
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(table.slots.buffer).toBe(bytes.buffer);
    const copy = deserializeRankTable(bytes, new Uint32Array(bytes.buffer, bytes.byteOffset, 2)[1])!;
    expect(copy.size).toBe(table.size);
    for (const rank of [0, 1000, 50_000, 150_000, table.size - 1]) expect(copy.tokenBytes(rank)).toEqual(table.tokenBytes(rank));
    dist.adoptSharedRankData([["o200k_base", new Uint8Array(8)]]); // already loaded: kept
    expect(dist.sharedRankData().find(([source]) => source === "o200k_base")![1]).toBe(bytes);
    const paths = [...files, join(dir, "missing.txt")];
    const one = await dist.countFiles(paths, { encoding: "o200k_base", jobs: 1 });
    const two = await dist.countFiles(paths, { encoding: "o200k_base", jobs: 2, partBytes: 64 * 1024 });
    expect(two.map((r) => [r.tokens, r.bytes, r.error?.code])).toEqual(one.map((r) => [r.tokens, r.bytes, r.error?.code]));
    for (const r of one.slice(0, -1)) expect(r.tokens).toBe(expected(r.path));
  });

  it("splits a big file across workers and the total equals the single-pass count", async () => {
    const big = join(dir, "big.txt");
    const text = Array.from({ length: 30_000 }, (_, i) => `${i % 5 === 0 ? " " : ""}row ${i}, 中文 ${"é".repeat(i % 4)}\n${i % 11 === 0 ? "/" : ""}`).join("");
    writeFileSync(big, text);
    for (const name of ["cl100k_base", "o200k_base", "r50k_base"]) {
      const [r] = await countFiles([big], { encoding: name, jobs: 2, partBytes: 32 * 1024 });
      expect(r.tokens).toBe(getEncoding(name).count(text));
    }
  });

  it("rejects a bad --jobs value", async () => {
    await expect(countFiles(files, { encoding: "o200k_base", jobs: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
