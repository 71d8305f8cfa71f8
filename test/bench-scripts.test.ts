/**
 * The exactness scripts in bench/ run against the build (they are not part of the suite because
 * of their size): a small run here keeps them working as the code changes.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("bench/check-random.js", () => {
  it("compares every encoding with tiktoken and finds no difference", () => {
    const out = execFileSync(process.execPath, ["bench/check-random.js", "--n=200", "--seed=7"], { encoding: "utf8" });
    const lines = out.trim().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual(["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"]);
    for (const line of lines) expect(line).toMatch(/: 200 random strings \(.+\), 0 differing from tiktoken$/);
  });
});

describe("bench/stores.js", () => {
  it("drives every budget store (memory, file ledger, Redis it starts) and checks each settled every call", () => {
    const out = execFileSync(process.execPath, ["bench/stores.js", "--quick"], { encoding: "utf8" });
    const rows = out.split("\n").filter((l) => /^\| (memory|file|Redis)/.test(l));
    expect(rows.map((r) => r.split("|")[1].trim())).toEqual([
      "memory",
      "memory",
      "file ledger (lock + fsync per step)",
      "file ledger (lock + fsync per step)",
      "Redis, AOF appendfsync always",
      "Redis, AOF appendfsync always",
      "Redis, AOF appendfsync everysec",
      "Redis, AOF appendfsync everysec",
    ]);
  });
});
