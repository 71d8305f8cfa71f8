/**
 * Issue 14 item 2: cache, baseline and -o files are replaced atomically only when the target is a
 * regular file (or nothing). A FIFO, device, directory or a symlink to one is refused with one
 * line. Never touches the real /dev/null: a symlink in a temp directory points at it, and the
 * test checks it is still a character device afterwards.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atomicWrite } from "../../src/node/io.js";
import { referencePath, runCli } from "../helpers/cli.js";
import { expectOneLineFailure, mkfifo, tempRepo, writeFiles } from "./helpers.js";

const devNullIsIntact = () => expect(statSync("/dev/null").isCharacterDevice()).toBe(true);

describe("atomicWrite", () => {
  it("creates and replaces a regular file", async () => {
    const dir = tempRepo();
    const file = path.join(dir, "out.json");
    await atomicWrite(file, "one");
    await atomicWrite(file, "two");
    expect(readFileSync(file, "utf8")).toBe("two");
  });

  it("refuses a FIFO and leaves it a FIFO", async () => {
    const dir = tempRepo();
    const fifo = mkfifo(path.join(dir, "pipe"));
    await expect(atomicWrite(fifo, "x")).rejects.toMatchObject({ code: "FILE_UNWRITABLE", message: expect.stringContaining("FIFO") });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("refuses a directory", async () => {
    const dir = tempRepo();
    mkdirSync(path.join(dir, "d"));
    await expect(atomicWrite(path.join(dir, "d"), "x")).rejects.toMatchObject({ code: "FILE_UNWRITABLE", message: expect.stringContaining("is a directory") });
    expect(lstatSync(path.join(dir, "d")).isDirectory()).toBe(true);
  });

  it("refuses a symlink to a character device and keeps both", async () => {
    const dir = tempRepo();
    const link = path.join(dir, "null-link");
    symlinkSync("/dev/null", link);
    await expect(atomicWrite(link, "x")).rejects.toMatchObject({ code: "FILE_UNWRITABLE", message: expect.stringContaining("character device") });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    devNullIsIntact();
  });

  it("writes through a symlink to a regular file, keeping the link", async () => {
    const dir = tempRepo();
    writeFileSync(path.join(dir, "real.json"), "old");
    symlinkSync("real.json", path.join(dir, "link.json"));
    await atomicWrite(path.join(dir, "link.json"), "new");
    expect(readlinkSync(path.join(dir, "link.json"))).toBe("real.json");
    expect(readFileSync(path.join(dir, "real.json"), "utf8")).toBe("new");
  });
});

describe("the CLI's writers refuse non-regular targets with one line (exit 2)", () => {
  const config = { model: "gpt-4o", rules: [{ files: "*.txt", limits: { maxPromptTokens: 100 } }] };

  it("check --cache <symlink to /dev/null>", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": JSON.stringify(config) });
    symlinkSync("/dev/null", path.join(dir, "cache.json"));
    const line = expectOneLineFailure(runCli(["check", "--cache", "cache.json"], { cwd: dir }));
    expect(line).toContain("character device");
    expect(lstatSync(path.join(dir, "cache.json")).isSymbolicLink()).toBe(true);
    devNullIsIntact();
  });

  it("check --cache <FIFO> neither hangs nor replaces it", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": JSON.stringify(config) });
    const fifo = mkfifo(path.join(dir, "cache.json"));
    expect(expectOneLineFailure(runCli(["check", "--cache", "cache.json"], { cwd: dir }))).toContain("FIFO");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("check --update-baseline --baseline <FIFO>", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": JSON.stringify(config) });
    const fifo = mkfifo(path.join(dir, "base.json"));
    expect(expectOneLineFailure(runCli(["check", "--update-baseline", "--baseline", "base.json"], { cwd: dir }))).toContain("FIFO");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("pricing import -o <symlink to /dev/null> and -o <FIFO>", () => {
    const dir = tempRepo();
    symlinkSync("/dev/null", path.join(dir, "null-link"));
    const fifo = mkfifo(path.join(dir, "pipe"));
    for (const target of ["null-link", "pipe"]) {
      const r = runCli(["pricing", "import", referencePath("litellm-model-prices-2026-08-01.json"), "--provider", "openai", "-o", target], { cwd: dir });
      expect(expectOneLineFailure(r)).toContain("refusing to replace it");
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    devNullIsIntact();
  });

  it("a writable target still works: the cache and the baseline are written", () => {
    const dir = tempRepo();
    writeFiles(dir, { "a.txt": "hello", "tokcost.config.json": JSON.stringify(config) });
    const r = runCli(["check", "--cache", "c/cache.json", "--update-baseline", "--baseline", "base.json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, "c/cache.json"), "utf8")).version).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dir, "base.json"), "utf8")).files["a.txt"].tokens).toBeGreaterThan(0);
  });
});
