import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { configJsonSchema, loadConfig, parseConfig, parseGrowth, parseTokenCount, parseUsd } from "../src/gate/index.js";

function expectConfigError(fn: () => unknown, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
    return;
  }
  throw new Error("expected a ConfigError");
}

describe("limits written for people", () => {
  it("parses token counts, dollars and growth", () => {
    expect(parseTokenCount("8k")).toBe(8000);
    expect(parseTokenCount("1.5M")).toBe(1_500_000);
    expect(parseTokenCount("8,000")).toBe(8000);
    expect(parseTokenCount("eight")).toBeUndefined();
    expect(parseUsd("$0.05")).toBe(0.05);
    expect(parseUsd(0.05)).toBe(0.05);
    expect(parseUsd("$1,200")).toBe(1200);
    expect(parseUsd("five")).toBeUndefined();
    expect(parseGrowth("10%")).toEqual({ percent: 10 });
    expect(parseGrowth("2k")).toEqual({ tokens: 2000 });
    expect(parseGrowth(500)).toEqual({ tokens: 500 });
    expect(parseGrowth("ten")).toBeUndefined();
  });

  it("the schema turns every human limit into a number and fills defaults", () => {
    const config = parseConfig({
      model: "gpt-4o",
      maxTokens: "1k",
      rules: [
        { files: "prompts/*.txt", limits: { maxPromptTokens: "8k", maxCostUsd: "$0.05", totalCostUsd: 2 } },
        { files: ["a.json"], kind: "request" },
      ],
      baseline: { maxGrowth: "10%" },
    });
    expect(config.maxTokens).toBe(1000);
    expect(config.rules[0].files).toEqual(["prompts/*.txt"]);
    expect(config.rules[0].limits).toEqual({ maxPromptTokens: 8000, maxCostUsd: 0.05, totalCostUsd: 2, mustFit: true });
    expect(config.rules[1].limits).toEqual({ mustFit: true });
    expect(config.baseline).toEqual({ file: "tokcost-baseline.json", maxGrowth: { percent: 10 } });
  });
});

describe("config errors name the file and the field path", () => {
  it("a bad limit", () => {
    expectConfigError(
      () => parseConfig({ model: "gpt-4o", rules: [{ files: "a", limits: { maxPromptTokens: "eight" } }] }, "tokcost.config.json"),
      /^tokcost\.config\.json: rules\[0\]\.limits\.maxPromptTokens: expected a token count such as 8000 or "8k"/,
    );
    expectConfigError(() => parseConfig({ rules: [{ files: "a", limits: { maxCostUsd: "lots" } }] }, "cfg.json"), /^cfg\.json: rules\[0\]\.limits\.maxCostUsd: expected a USD amount/);
    expectConfigError(() => parseConfig({ rules: [{ files: "a", maxTokens: -3 }] }, "cfg.json"), /^cfg\.json: rules\[0\]\.maxTokens: /);
    expectConfigError(() => parseConfig({ rules: [{ files: "a" }], baseline: { maxGrowth: "lots" } }, "cfg.json"), /^cfg\.json: baseline\.maxGrowth: expected a percentage/);
  });

  it("an unknown field (a typo) is named itself", () => {
    expectConfigError(() => parseConfig({ rules: [{ files: "a", limit: {} }] }, "cfg.json"), /^cfg\.json: rules\[0\]\.limit: unknown field/);
    expectConfigError(() => parseConfig({ rule: [] }, "cfg.json"), /^cfg\.json: (rules: is required|rule: unknown field)/);
  });

  it("missing or empty rules, an empty glob, a bad kind", () => {
    expectConfigError(() => parseConfig({ model: "gpt-4o" }, "cfg.json"), /^cfg\.json: rules: /);
    expectConfigError(() => parseConfig({ rules: [] }, "cfg.json"), /^cfg\.json: rules: list at least one rule/);
    expectConfigError(() => parseConfig({ rules: [{ files: [] }] }, "cfg.json"), /^cfg\.json: rules\[0\]\.files: /);
    expectConfigError(() => parseConfig({ rules: [{ files: "a", kind: "prose" }] }, "cfg.json"), /^cfg\.json: rules\[0\]\.kind: /);
  });
});

describe("loadConfig", () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), "tokcost-config-"));
  const rules = (glob: string) => ({ model: "gpt-4o", rules: [{ files: glob }] });

  it('prefers tokcost.config.json, then .tokcostrc.json, then package.json "tokcost"', async () => {
    const d = dir();
    writeFileSync(path.join(d, "package.json"), JSON.stringify({ name: "x", tokcost: rules("from-package") }));
    expect((await loadConfig(d)).config.rules[0].files).toEqual(["from-package"]);
    writeFileSync(path.join(d, ".tokcostrc.json"), JSON.stringify(rules("from-rc")));
    expect((await loadConfig(d)).config.rules[0].files).toEqual(["from-rc"]);
    writeFileSync(path.join(d, "tokcost.config.json"), JSON.stringify(rules("from-config")));
    const loaded = await loadConfig(d);
    expect(loaded.config.rules[0].files).toEqual(["from-config"]);
    expect(loaded.root).toBe(d);
  });

  it("reads a config saved with a UTF-8 byte-order mark (as some Windows editors save JSON)", async () => {
    const d = dir();
    writeFileSync(path.join(d, "tokcost.config.json"), "\uFEFF" + JSON.stringify(rules("with-bom")));
    expect((await loadConfig(d)).config.rules[0].files).toEqual(["with-bom"]);
  });

  it("skips a package.json without a tokcost key and looks in parents up to the repository root", async () => {
    const d = dir();
    mkdirSync(path.join(d, ".git"));
    writeFileSync(path.join(d, "tokcost.config.json"), JSON.stringify(rules("root")));
    mkdirSync(path.join(d, "pkg", "src"), { recursive: true });
    writeFileSync(path.join(d, "pkg", "package.json"), JSON.stringify({ name: "pkg" }));
    const loaded = await loadConfig(path.join(d, "pkg", "src"));
    expect(loaded.file).toBe(path.join(d, "tokcost.config.json"));
    expect(loaded.root).toBe(d);
  });

  it("--config names a file explicitly; errors are one line naming it", async () => {
    const d = dir();
    writeFileSync(path.join(d, "custom.json"), JSON.stringify(rules("custom")));
    expect((await loadConfig(d, { configPath: "custom.json" })).config.rules[0].files).toEqual(["custom"]);
    await expect(loadConfig(d, { configPath: "missing.json" })).rejects.toThrow(/^missing\.json: no such config file$/);
    writeFileSync(path.join(d, "broken.json"), "{ rules: [");
    await expect(loadConfig(d, { configPath: "broken.json" })).rejects.toThrow(/^broken\.json: not valid JSON/);
    writeFileSync(path.join(d, "package.json"), JSON.stringify({ tokcost: { rules: [{ files: "a", limits: { mustFit: "yes" } }] } }));
    await expect(loadConfig(d)).rejects.toThrow(/^package\.json "tokcost": rules\[0\]\.limits\.mustFit: /);
  });

  it("no config anywhere is a ConfigError with a way forward", async () => {
    const d = dir();
    mkdirSync(path.join(d, ".git"));
    await expect(loadConfig(d)).rejects.toBeInstanceOf(ConfigError);
    await expect(loadConfig(d)).rejects.toThrow(/no tokcost config found .*docs\/ci\.md/);
  });
});

describe("JSON Schema", () => {
  it("schema/tokcost.config.schema.json is up to date with the zod schema (run scripts/generate-config-schema.mjs)", () => {
    const committed = readFileSync(new URL("../schema/tokcost.config.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(JSON.stringify(configJsonSchema(), null, 2) + "\n");
  });

  it('describes what people write: strings like "8k" and "$0.05" are allowed, unknown keys are not', () => {
    const schema = configJsonSchema() as { additionalProperties: boolean; properties: Record<string, any> };
    expect(schema.additionalProperties).toBe(false);
    const rule = schema.properties.rules.items;
    expect(rule.additionalProperties).toBe(false);
    const maxPrompt = rule.properties.limits.properties.maxPromptTokens;
    const types = maxPrompt.anyOf.map((s: { type: string }) => s.type).sort();
    expect(types).toEqual(["integer", "string"]);
    expect(new RegExp(maxPrompt.anyOf.find((s: { type: string }) => s.type === "string").pattern).test("8k")).toBe(true);
    expect(rule.properties.kind.enum).toEqual(["text", "chat", "request"]);
  });

  it("the fixture config validates against the schema's shape and the zod schema", () => {
    const fixture = JSON.parse(readFileSync(new URL("./fixtures/gate/tokcost.config.json", import.meta.url), "utf8"));
    expect(() => parseConfig(fixture)).not.toThrow();
  });
});
