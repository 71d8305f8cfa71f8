/** countFiles: per-file counts equal single-pass counts, in input order, with and without workers. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countFile, countFiles } from "../src/node/count-files.js";
import { getEncoding } from "../src/tokenizer/index.js";

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
    JSON.stringify({ a: [1, 2, 3], b: "text with \"quotes\"", c: { d: null } }, null, 2).repeat(2000),
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
