/** docs/cli.md is generated from the commander definitions (scripts/cli-docs.mjs): it must be current. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";
// @ts-expect-error -- a plain ES module shared with `npm run docs:cli` (no type declarations)
import { cliMarkdown } from "../scripts/cli-docs.mjs";

describe("docs/cli.md", () => {
  it("equals the page generated from the CLI's own definitions (run npm run docs:cli after changing a command)", async () => {
    const page = (await cliMarkdown()) as string;
    expect(readFileSync(`${repoRoot}docs/cli.md`, "utf8")).toBe(page);
    for (const command of ["estimate", "count", "models", "check", "truncate", "pricing", "calibrate", "serve"]) expect(page).toContain(`## \`tokcost ${command}\``);
  });
});
