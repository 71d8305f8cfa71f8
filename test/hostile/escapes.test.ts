/**
 * Issue 14 items 10 and 11: a file name with a line break must not forge a GitHub workflow
 * command, and ESC/OSC bytes from file names, model ids and request JSON are escaped in human
 * output (JSON output stays exact).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { escapeGithubData, escapeGithubProperty } from "../../src/gate/reporters.js";
import { escapeControl, terminalSafe } from "../../src/util/text.js";
import { runCli } from "../helpers/cli.js";
import { tempRepo, writeFiles } from "./helpers.js";

const OSC = "\u001b]0;pwned\u0007";
const ESC_CLEAR = "\u001b[2J";

/** No raw control characters except line breaks and tabs. */
const expectNoRawControls = (text: string) => expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

describe("--format github: workflow-command injection", () => {
  it("a file name with a line break prints no standalone ::error line", () => {
    const dir = tempRepo();
    const evil = "a\n::error file=x::INJECTED.txt";
    writeFiles(dir, {
      "ok.txt": "hello",
      "tokcost.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.txt", limits: { maxPromptTokens: 1 } }], baseline: { file: "base.json" } }),
      "base.json": JSON.stringify({ version: 1, files: {} }),
    });
    writeFileSync(path.join(dir, evil), "hello there, this is more than one token");
    const r = runCli(["check", "--format", "github"], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines.filter((l) => l.includes("INJECTED")).every((l) => !/^::error file=x::INJECTED/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("::error file=a%0A%3A%3Aerror file=x%3A%3AINJECTED.txt,line=1,"))).toBe(true);
  });

  it("escapes data and properties by GitHub's rules", () => {
    expect(escapeGithubData("50% a\r\nb")).toBe("50%25 a%0D%0Ab");
    expect(escapeGithubProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });
});

describe("terminal escapes in human output", () => {
  it("the helpers make every control character visible (terminalSafe keeps line breaks and tokcost's colours)", () => {
    expect(escapeControl(`a${OSC}b\nc`)).toBe("a\\e]0;pwned\\x07b\\nc");
    expect(terminalSafe(`\u001b[31mred\u001b[39m ${ESC_CLEAR}x\ny\r`)).toBe("\u001b[31mred\u001b[39m \\e[2Jx\ny\\r");
  });

  it("count, estimate and check escape file names; JSON keeps them exact", () => {
    const dir = tempRepo();
    const name = `evil${OSC}${ESC_CLEAR}.txt`;
    writeFiles(dir, {
      [name]: "hello",
      "tokcost.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.txt", limits: { maxPromptTokens: 100 } }], baseline: { file: "base.json" } }),
      "base.json": JSON.stringify({ version: 1, files: {} }),
    });
    for (const args of [
      ["count", name],
      ["estimate", name, "-m", "gpt-4o"],
      ["estimate", name, "-m", "gpt-4o", "--format", "markdown"],
      ["check"],
      ["check", "--format", "github"],
      ["check", "--format", "markdown"],
    ]) {
      const r = runCli(args, { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expectNoRawControls(r.stdout);
      expectNoRawControls(r.stderr);
      if (args[0] !== "check") expect(r.stdout).toContain("evil\\e]0;pwned\\x07\\e[2J.txt");
    }
    const json = runCli(["count", name, "--json"], { cwd: dir });
    expect(JSON.parse(json.stdout).files[0].path).toBe(name);
  });

  it("a model id with escapes is escaped in the error line", () => {
    const r = runCli(["count", "-m", `gpt${OSC}x`, "-"], { input: "hi" });
    expect(r.code).toBe(2);
    expectNoRawControls(r.stderr);
    expect(r.stderr).toContain("\\e]0;pwned\\x07");
  });

  it("request JSON with escapes in a model id is escaped in the estimate table", () => {
    const dir = tempRepo();
    writeFiles(dir, { "req.json": JSON.stringify({ model: `gpt-4o${ESC_CLEAR}`, messages: [{ role: "user", content: `hi ${OSC}` }] }) });
    const r = runCli(["estimate", "req.json"], { cwd: dir });
    expectNoRawControls(r.stdout);
    expectNoRawControls(r.stderr);
  });
});

describe("--format markdown: file names that hold Markdown", () => {
  it("a backtick in a file name stays inside its code span (baseline) and its table cell; other markup is literal", () => {
    const dir = tempRepo();
    writeFiles(dir, { "ok.txt": "hello", "tokcost.config.json": JSON.stringify({ model: "gpt-4o", rules: [{ files: "*.txt" }], baseline: { file: "base.json" } }) });
    expect(runCli(["check", "--update-baseline"], { cwd: dir }).code).toBe(0);
    writeFiles(dir, { "a`b.txt": "hello there", "`lead.txt": "hi", "**bold**_x_[l](u).txt": "hi" });
    const r = runCli(["check", "--format", "markdown"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    // the fence is longer than any backtick run inside; a leading backtick gets a space
    expect(lines).toContain("- 🆕 new: ``a`b.txt``");
    expect(lines).toContain("- 🆕 new: `` `lead.txt ``");
    expect(lines).toContain("- 🆕 new: `**bold**_x_[l](u).txt`");
    // table cells: backticks and emphasis markers escaped, so no code span or emphasis opens
    expect(lines.some((l) => l.startsWith("| a\\`b.txt | "))).toBe(true);
    expect(lines.some((l) => l.startsWith("| \\*\\*bold\\*\\*\\_x\\_\\[l\\](u).txt | "))).toBe(true);
  });
});
