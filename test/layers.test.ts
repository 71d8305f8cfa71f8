/**
 * The layering is enforced by the linter (eslint.config.js) and by type-checking the core without
 * Node types (tsconfig.core.json); both run in `npm test`. These tests show the lint rules fire.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";

const eslint = new ESLint({ cwd: repoRoot });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}${filePath}` });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("layers the linter enforces", () => {
  it("the core imports no Node built-ins and no Node, gate or CLI module", async () => {
    expect((await problems("src/request/x.ts", 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n')).join("\n")).toMatch(/no-restricted-imports.*Node APIs belong/);
    expect((await problems("src/pricing/x.ts", 'import { readText } from "../node/io.js";\nexport const x = readText;\n')).join("\n")).toMatch(/no-restricted-imports.*Node, gate or CLI/);
    expect((await problems("src/tokenizer/x.ts", "export const x = process.env.HOME;\n")).join("\n")).toMatch(/no-restricted-globals/);
  });

  it("nothing imports the CLI; the Node layer may use Node", async () => {
    expect((await problems("src/gate/x.ts", 'import { main } from "../cli/main.js";\nexport const x = main;\n')).join("\n")).toMatch(/Nothing imports the CLI/);
    expect(await problems("src/node/x.ts", 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n')).toEqual([]);
  });
});
