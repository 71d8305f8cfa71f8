/**
 * A JSONL line longer than a string can hold (V8: 2^29 − 24 units, ~512 MiB) crashed `estimate`
 * with a Node stack trace, and `check` reported the failure without the file's name. The limit
 * is tested at a small size through readJsonlLines' maxLineBytes, and once for real on a sparse
 * file (nothing big is written to disk).
 */
import { closeSync, ftruncateSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTokcostError } from "../../src/errors.js";
import { MAX_JSONL_LINE_BYTES, readJsonlLines } from "../../src/node/request-files.js";
import { readAll } from "../../src/node/inputs.js";
import { runCli } from "../helpers/cli.js";
import { expectOneLineFailure, tempRepo, writeFiles } from "./helpers.js";

const BATCH_LINE = JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] } });

let dir: string;
beforeAll(() => {
  dir = tempRepo("tokcost-hostile-lines-");
  writeFiles(dir, { "tokcost.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.jsonl" }] }) });
  // line 2 runs past the limit: a sparse file, so the disk holds only the first bytes
  const fd = openSync(path.join(dir, "huge.jsonl"), "w");
  writeSync(fd, `${BATCH_LINE}\n{"custom_id":"b","body":"`);
  ftruncateSync(fd, MAX_JSONL_LINE_BYTES + 4096);
  closeSync(fd);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lines(file: string, maxLineBytes?: number) {
  const out: Array<[number, string]> = [];
  for await (const { line, text } of readJsonlLines(file, { maxLineBytes })) out.push([line, text]);
  return out;
}

describe("readJsonlLines", () => {
  it("yields non-blank lines with their numbers (CRLF, a byte-order mark and a last line without a line feed)", async () => {
    const file = path.join(dir, "small.jsonl");
    writeFileSync(file, '\uFEFF{"a":1}\r\n\n  \n{"b":"é中😀"}\r\n{"c":3}');
    expect(await lines(file)).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":"é中😀"}'],
      [5, '{"c":3}'],
    ]);
  });

  it("a line longer than maxLineBytes is refused naming the file and the line", async () => {
    const file = path.join(dir, "long.jsonl");
    writeFileSync(file, `{"a":1}\n\n{"b":"${"x".repeat(100)}"}\n{"c":3}\n`);
    const error = await lines(file, 64).catch((e: unknown) => e);
    expect(isTokcostError(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: line 3 is longer than 64 bytes, more than one string can hold; a JSONL line is one request (split the file, or shorten the line)`);
    expect(await lines(file, 200)).toHaveLength(3);
  });
});

describe("a JSONL line over the limit, for real", () => {
  it("estimate: one line naming the file and the line, exit 2, no stack trace", () => {
    const r = runCli(["estimate", "huge.jsonl"], { cwd: dir });
    expect(expectOneLineFailure(r, 2)).toMatch(/huge\.jsonl: line 2 is longer than 536,870,888 bytes/);
  });

  it("check: the error names the file", () => {
    const r = runCli(["check", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { results: Array<{ path: string; error?: { message: string } }> };
    expect(report.results[0].path).toBe("huge.jsonl");
    expect(report.results[0].error?.message).toMatch(/^huge\.jsonl: [\d,]+ bytes is more than tokcost reads whole/);
  });
});

describe("stdin read whole (estimate, truncate)", () => {
  it("more than one string can hold is refused with one line, before it is joined (it failed with 'Cannot create a string longer than 0x1fffffe8 characters')", async () => {
    const chunk = new Uint8Array(64 << 20).fill(0x61); // the same 64 MiB, nine times: nothing big is allocated
    async function* stdin() {
      for (let i = 0; i < 9; i++) yield chunk;
    }
    await expect(readAll(stdin(), { label: "<stdin>" })).rejects.toThrow(
      /^<stdin>: 536,870,912 bytes is more than tokcost reads whole \(536,870,888 bytes, the longest string JavaScript can hold\); pass it as a file$/,
    );
  });
});
