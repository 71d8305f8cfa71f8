import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileGlob, compileGlobSet, findFiles, staticBase } from "../src/gate/index.js";

const matches = (pattern: string, file: string) => compileGlob(pattern).test(file);

describe("compileGlob", () => {
  it("* stays within one directory; ** spans any number, including none", () => {
    expect(matches("prompts/*.txt", "prompts/a.txt")).toBe(true);
    expect(matches("prompts/*.txt", "prompts/sub/a.txt")).toBe(false);
    expect(matches("prompts/**/*.txt", "prompts/a.txt")).toBe(true);
    expect(matches("prompts/**/*.txt", "prompts/x/y/z/a.txt")).toBe(true);
    expect(matches("prompts/**/*.txt", "other/prompts/a.txt")).toBe(false);
    expect(matches("**/*.md", "README.md")).toBe(true);
    expect(matches("**/*.md", "docs/a/b.md")).toBe(true);
    expect(matches("prompts/**", "prompts/a/b/c")).toBe(true);
    expect(matches("prompts/**", "promptsx/a")).toBe(false);
    expect(matches("a/**/b/*.txt", "a/b/x.txt")).toBe(true);
    expect(matches("a/**/b/*.txt", "a/q/r/b/x.txt")).toBe(true);
    expect(matches("a/**/b/*.txt", "a/qb/x.txt")).toBe(false);
  });

  it("? is one character but never a slash", () => {
    expect(matches("p?.txt", "p1.txt")).toBe(true);
    expect(matches("p?.txt", "p12.txt")).toBe(false);
    expect(matches("a?b", "a/b")).toBe(false);
  });

  it("{a,b} alternatives, nested and with globs inside", () => {
    expect(matches("*.{txt,md}", "a.md")).toBe(true);
    expect(matches("*.{txt,md}", "a.json")).toBe(false);
    expect(matches("{prompts,requests}/**/*.json", "requests/x/y.json")).toBe(true);
    expect(matches("x.{a,{b,c}d}", "x.cd")).toBe(true);
    expect(matches("x.{a,{b,c}d}", "x.c")).toBe(false);
    expect(matches("{a/**/*.txt,b/*.md}", "a/q/r.txt")).toBe(true);
    expect(matches("{single}", "{single}")).toBe(true); // no comma: literal, as in bash
  });

  it("[...] classes, ranges and negation never match a slash", () => {
    expect(matches("[ab].txt", "a.txt")).toBe(true);
    expect(matches("[ab].txt", "c.txt")).toBe(false);
    expect(matches("v[0-9].md", "v7.md")).toBe(true);
    expect(matches("[!a].txt", "b.txt")).toBe(true);
    expect(matches("[!a].txt", "a.txt")).toBe(false);
    expect(matches("x[!a]y", "x/y")).toBe(false);
    expect(matches("[^a].txt", "b.txt")).toBe(true);
    expect(matches("[]].txt", "].txt")).toBe(true);
    expect(matches("[a-].txt", "-.txt")).toBe(true);
  });

  it("treats regex characters literally and honours backslash escapes", () => {
    expect(matches("a+b (1).txt", "a+b (1).txt")).toBe(true);
    expect(matches("a.txt", "abtxt")).toBe(false);
    expect(matches("\\*.txt", "*.txt")).toBe(true);
    expect(matches("\\*.txt", "a.txt")).toBe(false);
    expect(matches("un[closed.txt", "un[closed.txt")).toBe(true);
    expect(matches("un{closed.txt", "un{closed.txt")).toBe(true);
  });

  it("ignores ./ prefixes and matches dotfiles with *", () => {
    expect(matches("./prompts/*.txt", "prompts/a.txt")).toBe(true);
    expect(matches("prompts/*", "prompts/.hidden")).toBe(true);
  });

  it("finds the static base to walk", () => {
    expect(staticBase("prompts/system/**/*.txt")).toBe("prompts/system");
    expect(staticBase("**/*.txt")).toBe("");
    expect(staticBase("{a,b}/*.txt")).toBe("");
    expect(staticBase("a/b.txt")).toBe("a");
  });

  it("a leading ! excludes, whatever its position in the list", () => {
    const set = compileGlobSet(["!prompts/drafts/**", "prompts/**/*.txt"]);
    expect(set.test("prompts/a.txt")).toBe(true);
    expect(set.test("prompts/drafts/a.txt")).toBe(false);
  });
});

describe("findFiles", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "tokcost-glob-"));
    for (const file of ["prompts/a.txt", "prompts/b.md", "prompts/sub/c.txt", "prompts/drafts/d.txt", "node_modules/pkg/e.txt", "prompts/node_modules/f.txt", ".git/g.txt", "top.txt"]) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), "x");
    }
  });

  it("walks sorted, skips node_modules and .git, applies exclusions", async () => {
    const found = await findFiles(root, ["**/*.txt", "!prompts/drafts/**"]);
    expect(found.files).toEqual(["prompts/a.txt", "prompts/sub/c.txt", "top.txt"]);
    expect(found.unmatched).toEqual([]);
  });

  it("reports patterns that match nothing", async () => {
    const found = await findFiles(root, ["prompts/*.txt", "missing/**/*.txt", "nope.txt"]);
    expect(found.files).toEqual(["prompts/a.txt"]);
    expect(found.unmatched).toEqual(["missing/**/*.txt", "nope.txt"]);
  });

  it("a literal path names a file (even under node_modules) or a whole directory", async () => {
    expect((await findFiles(root, ["node_modules/pkg/e.txt"])).files).toEqual(["node_modules/pkg/e.txt"]);
    expect((await findFiles(root, ["prompts/sub"])).files).toEqual(["prompts/sub/c.txt"]);
  });
});
