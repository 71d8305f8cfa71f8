/**
 * Issue 14 item 1: only tokcost's own errors are tokcost errors. A Node fs error (ENOENT, EISDIR)
 * has an upper-case `code` too, but no exit class: it used to print one line and exit 0.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, TokcostError, isTokcostError } from "../../src/errors.js";
import { errorLine, exitCodeOf } from "../../src/cli/render-error.js";
import { referencePath, runCli } from "../helpers/cli.js";
import { expectOneLineFailure, tempRepo, writeFiles } from "./helpers.js";

function enoent(): NodeJS.ErrnoException {
  return Object.assign(new Error("ENOENT: no such file or directory, open '/x/missing/base.json.123.tmp'"), { code: "ENOENT", errno: -2, syscall: "open", path: "/x/missing/base.json.123.tmp" });
}

describe("isTokcostError: a brand, not the shape of the code", () => {
  it("rejects Node's fs errors and anything else with an upper-case code", () => {
    expect(isTokcostError(enoent())).toBe(false);
    expect(isTokcostError(Object.assign(new Error("x"), { code: "EISDIR" }))).toBe(false);
    expect(isTokcostError(Object.assign(new Error("x"), { code: "INVALID_INPUT" }))).toBe(false);
    expect(isTokcostError({ code: "INVALID_INPUT", name: "InputError", message: "x" })).toBe(false);
  });

  it("accepts tokcost errors, including one from another copy of the module (same brand)", () => {
    expect(isTokcostError(new InputError("x"))).toBe(true);
    const foreign = Object.create(Object.getPrototypeOf(new TokcostError("INVALID_INPUT", "x"))) as Error;
    expect(isTokcostError(foreign)).toBe(true);
  });

  it("maps a stray fs error to exit 2 and one plain line", () => {
    expect(exitCodeOf(enoent())).toBe(2);
    expect(errorLine(enoent())).toBe("tokcost: /x/missing/base.json.123.tmp: no such file");
  });
});

describe("failures writing files exit 2 with one line", () => {
  const config = (baselineFile: string) => JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.txt", limits: { maxPromptTokens: 100 } }], baseline: { file: baselineFile } });

  it("check --update-baseline with baseline.file in a missing directory", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": config("missing/dir/base.json") });
    const line = expectOneLineFailure(runCli(["check", "--update-baseline"], { cwd: dir }));
    expect(line).toContain("missing/dir/base.json");
    expect(line).toContain("does not exist");
  });

  it("check --update-baseline with baseline.file naming a directory", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": config("out") });
    mkdirSync(path.join(dir, "out"));
    const line = expectOneLineFailure(runCli(["check", "--update-baseline"], { cwd: dir }));
    expect(line).toContain("is a directory");
  });

  it("pricing import -o into a missing directory", () => {
    const dir = tempRepo();
    const r = runCli(["pricing", "import", referencePath("litellm-model-prices-2026-08-01.json"), "--provider", "openai", "-o", path.join(dir, "missing-dir", "out.json")]);
    expect(expectOneLineFailure(r)).toContain("does not exist");
  });

  it("pricing import -o onto a directory", () => {
    const dir = tempRepo();
    writeFileSync(path.join(dir, "x"), "");
    const r = runCli(["pricing", "import", referencePath("litellm-model-prices-2026-08-01.json"), "--provider", "openai", "-o", dir]);
    expect(expectOneLineFailure(r)).toContain("is a directory");
  });
});
