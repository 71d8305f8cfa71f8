/** `tokcost completion bash|zsh|fish`: scripts generated from the CLI's definitions and the model table. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/** Runs the bash completion function for `words` (the last one being completed) and returns the candidates. */
function complete(script: string, words: string[]): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "tokcost-completion-"));
  const file = path.join(dir, "tokcost.bash");
  writeFileSync(file, script);
  const r = spawnSync("bash", ["-c", `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _tokcost; printf '%s\\n' "\${COMPREPLY[@]}"`, "_", file], {
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe("tokcost completion", () => {
  const bash = runCli(["completion", "bash"]);

  it("bash: commands, each command's options and model ids complete", () => {
    expect(bash.code).toBe(0);
    expect(spawnSync("bash", ["-n"], { input: bash.stdout }).status).toBe(0);
    expect(complete(bash.stdout, ["tokcost", "est"])).toEqual(["estimate"]);
    expect(complete(bash.stdout, ["tokcost", "count", "--for"])).toEqual(["--format"]);
    expect(complete(bash.stdout, ["tokcost", "estimate", "-m", "gpt-4o-mi"])).toContain("gpt-4o-mini");
    expect(complete(bash.stdout, ["tokcost", "estimate", "--model", "claude-sonnet-4-5"])).toContain("claude-sonnet-4-5");
  });

  it("zsh and fish: the same commands and models", () => {
    const zsh = runCli(["completion", "zsh"]);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain("bashcompinit");
    expect(zsh.stdout).toContain("complete -o default -F _tokcost tokcost");
    const fish = runCli(["completion", "fish"]);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain('complete -c tokcost -n __fish_use_subcommand -a "estimate count models check');
    expect(fish.stdout).toContain('-n "__fish_seen_subcommand_from estimate" -l max-tokens');
    expect(fish.stdout).toMatch(/complete -c tokcost -s m -l model -x -a ".*gpt-4o-mini/);
  });

  it("an unknown shell is one line, exit 2", () => {
    const r = runCli(["completion", "tcsh"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown shell "tcsh": use bash, zsh or fish');
  });
});
