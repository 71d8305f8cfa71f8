/**
 * One rule for Batch API lines (src/request/batch.ts): `tokcost estimate`, the library's
 * `estimateBatchFile` and `tokcost check` refuse the same lines with the same words (issue 16:
 * a GET line and a duplicate custom_id passed `check` while `estimate` refused them).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimateBatchFile } from "../src/node/index.js";
import { loadConfig, runCheck } from "../src/gate/index.js";
import { runCli } from "./helpers/cli.js";

const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 10 };
const line = (extra: Record<string, unknown>) => JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body, ...extra });

const FIXTURES: Array<{ name: string; lines: string[]; bad: { line: number; words: RegExp } | null }> = [
  { name: "valid", lines: [line({}), line({ custom_id: "b" })], bad: null },
  { name: "GET method", lines: [line({}), line({ custom_id: "b", method: "GET" })], bad: { line: 2, words: /Invalid value: 'GET'\. Supported values are: 'POST'\./ } },
  { name: "duplicate custom_id", lines: [line({}), line({})], bad: { line: 2, words: /duplicate custom_id 'a'/ } },
  { name: "unknown endpoint", lines: [line({}), line({ custom_id: "b", url: "/v1/assistants" })], bad: { line: 2, words: /url '\/v1\/assistants' is not an endpoint tokcost estimates/ } },
];

describe("Batch lines: the same verdict in estimate, estimateBatchFile and check", () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "tokcost-batch-"));
      const file = path.join(dir, "batch.jsonl");
      writeFileSync(file, fixture.lines.join("\n") + "\n");
      writeFileSync(path.join(dir, "tokcost.config.json"), JSON.stringify({ model: "gpt-4o-mini", rules: [{ files: "*.jsonl", limits: { maxCostUsd: 1 } }] }));

      const library = await estimateBatchFile(file);
      const report = await runCheck(await loadConfig(dir), { jobs: 1 });
      const cli = runCli(["estimate", file, "--json"]);
      const [result] = report.results;

      if (!fixture.bad) {
        expect(library.errors).toEqual([]);
        expect(library.totals.requests).toBe(2);
        expect(result.status).toBe("pass");
        expect(cli.code).toBe(0);
        return;
      }
      expect(library.errors.map((e) => [e.line, e.message])).toEqual([[fixture.bad.line, expect.stringMatching(fixture.bad.words)]]);
      expect(result.status).toBe("error");
      expect(result.error?.message).toMatch(fixture.bad.words);
      expect(result.error?.message).toContain(`:${fixture.bad.line}:`);
      expect(report.exitCode).not.toBe(0);
      expect(cli.code).not.toBe(0);
      expect(cli.stderr).toMatch(fixture.bad.words);
    });
  }
});
