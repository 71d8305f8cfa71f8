import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodingForModel, tryEncodingForModel, baseModelOf, UnknownModelError } from "../src/index.js";
import { referencePath } from "./helpers/cli.js";

const facts = JSON.parse(readFileSync(referencePath("openai-api-facts.json"), "utf8"));

describe("model → encoding", () => {
  it("resolves every exact name in tiktoken's map", () => {
    const exact: Record<string, string> = facts.model_to_encoding.exact;
    for (const [model, encoding] of Object.entries(exact)) expect([model, encodingForModel(model)]).toEqual([model, encoding]);
  });

  it("resolves tiktoken's prefixes with a new snapshot suffix", () => {
    const prefixes: [string, string][] = facts.model_to_encoding["prefix (checked in this order after exact)"];
    for (const [prefix, encoding] of prefixes) {
      const model = prefix.startsWith("ft:") ? `${prefix}-2031-01-01:acme::x1` : `${prefix}2031-01-01`;
      expect([model, encodingForModel(model)]).toEqual([model, encoding]);
    }
  });

  it("resolves tiktoken's own test vectors", () => {
    for (const { model, encoding } of facts.model_to_encoding.test_vectors) expect(encodingForModel(model)).toBe(encoding);
  });

  it("resolves new family members and fine-tunes without a release", () => {
    expect(encodingForModel("gpt-5.7-mini")).toBe("o200k_base");
    expect(encodingForModel("gpt-4.1-nano-2025-04-14")).toBe("o200k_base");
    expect(encodingForModel("chatgpt-4o-latest")).toBe("o200k_base");
    expect(encodingForModel("gpt-oss-120b")).toBe("o200k_harmony");
    expect(encodingForModel("gpt-35-turbo-16k")).toBe("cl100k_base");
    expect(encodingForModel("ft:gpt-4o-mini-2024-07-18:org::abc123")).toBe("o200k_base");
    expect(encodingForModel("ft:gpt-3.5-turbo-0125:acme:support:9xyz")).toBe("cl100k_base");
    expect(encodingForModel("curie:ft-acme-2023-01-01")).toBe("r50k_base");
    expect(baseModelOf("ft:gpt-4o-mini-2024-07-18:org::abc123")).toBe("gpt-4o-mini-2024-07-18");
    expect(encodingForModel("text-embedding-3-large")).toBe("cl100k_base");
    // tiktoken's raw "ft:gpt-4" prefix would say cl100k_base; the base model says o200k_base.
    expect(encodingForModel("ft:gpt-4.1-mini-2025-04-14:acme::x1")).toBe("o200k_base");
  });

  it("names the closest known models for an unknown one", () => {
    expect(tryEncodingForModel("gtp-4o")).toBeUndefined();
    let error: unknown;
    try {
      encodingForModel("gpt4o");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as UnknownModelError).code).toBe("UNKNOWN_MODEL");
    expect((error as UnknownModelError).message).toContain("did you mean gpt-4o");
  });
});
