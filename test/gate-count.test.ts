import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { countTextFiles, BIG_FILE_BYTES } from "../src/gate/count-text.js";
import { textCacheKey } from "../src/gate/text-measure.js";

const o200k = get_encoding("o200k_base");
const cl100k = get_encoding("cl100k_base");

describe("countTextFiles: worker batches, in-thread, and big files streamed by countFiles agree with tiktoken", () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tokcost-count-text-"));
    files = [];
    // enough small files (> 2 MiB together) that the worker path is taken with jobs 2
    for (let i = 0; i < 40; i++) {
      const file = path.join(dir, `p${i}.txt`);
      const body = `Prompt ${i}: ` + Array.from({ length: 9000 }, (_, k) => ["naïve", "café", "🙂", "tokens", "   ", "\n", String(k * i), "don't", "ÆØÅ"][(k * 7 + i) % 9]).join(" ");
      writeFileSync(file, body);
      files.push(file);
    }
    const bom = path.join(dir, "bom.txt");
    writeFileSync(bom, "\uFEFFHello with a byte-order mark");
    files.push(bom);
    const big = path.join(dir, "big.txt");
    writeFileSync(big, "All work and no play makes Jack a dull boy. 1234 5678\n".repeat(Math.ceil((BIG_FILE_BYTES + 1000) / 53)));
    files.push(big);
    files.push(path.join(dir, "missing.txt"));
    writeFileSync(path.join(dir, "nul.bin"), Buffer.from([1, 2, 0, 3]));
    files.push(path.join(dir, "nul.bin"));
  });

  const expected = (file: string, enc = o200k) => enc.encode(readFileSync(file, "utf8")).length;
  const jobsFor = () => files.map((f) => ({ path: f, label: path.basename(f), encodings: ["o200k_base", "cl100k_base"] }));

  it.each([1, 2])("jobs %i", async (jobs) => {
    const results = await countTextFiles(jobsFor(), { jobs, hash: true });
    for (let i = 0; i < files.length - 2; i++) {
      const r = results[i];
      if (!r.ok) throw new Error(`${files[i]}: ${r.message}`);
      expect(r.tokens.o200k_base).toBe(expected(files[i]));
      expect(r.tokens.cl100k_base).toBe(expected(files[i], cl100k));
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(results[files.length - 2]).toEqual({ ok: false, code: "FILE_NOT_FOUND", message: "missing.txt: no such file" });
    expect(results[files.length - 1]).toMatchObject({ ok: false, code: "INVALID_INPUT" });
  });

  it("skips counting what the cache already has (null), small and big files alike", async () => {
    const first = await countTextFiles(jobsFor(), { jobs: 2, hash: true });
    const keys = new Set<string>();
    for (const r of first) if (r.ok) keys.add(textCacheKey("o200k_base", r.sha256!));
    const second = await countTextFiles(jobsFor(), { jobs: 2, hash: true, cachedKeys: keys });
    for (let i = 0; i < files.length - 2; i++) {
      const r = second[i];
      if (!r.ok) throw new Error(r.message);
      expect(r.tokens.o200k_base).toBeNull();
      expect(r.tokens.cl100k_base).toBe(expected(files[i], cl100k));
    }
  });
});
