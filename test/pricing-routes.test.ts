/** Provider-prefixed and host ids (openai/, anthropic/, google/, OpenRouter, Bedrock, azure/ with --azure-model) and -latest suggestions. */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { bundledPricingTable, estimate, UnknownModelError } from "../src/index.js";

const table = bundledPricingTable();

describe("PricingTable.match: ids that name a vendor's model through a prefix or a host", () => {
  it.each([
    ["openai/gpt-4o", "gpt-4o", "openai/gpt-4o is OpenAI's gpt-4o"],
    ["anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic/claude-sonnet-4-5 is Anthropic's claude-sonnet-4-5"],
    ["anthropic/claude-sonnet-4.5", "claude-sonnet-4-5", "anthropic/claude-sonnet-4.5 is Anthropic's claude-sonnet-4-5"],
    ["google/gemini-2.5-pro", "gemini-2.5-pro", "google/gemini-2.5-pro is Google's gemini-2.5-pro"],
    ["x-ai/grok-4", "grok-4", "x-ai/grok-4 is xAI's grok-4"],
    ["openrouter/google/gemini-2.5-pro", "gemini-2.5-pro", "openrouter/google/gemini-2.5-pro is Google's gemini-2.5-pro: priced at Google's rates (openrouter's may differ)"],
    [
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0 is Bedrock's id for claude-sonnet-4-5: priced at Anthropic's rates (Bedrock's, and regional, prices may differ)",
    ],
    ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0 is Bedrock's id for claude-sonnet-4-5"],
    ["anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "anthropic.claude-sonnet-4-5-20250929-v1:0 is Bedrock's id for claude-sonnet-4-5"],
    ["azure/gpt-4o", "gpt-4o", "azure/gpt-4o is an Azure OpenAI model, gpt-4o: priced at OpenAI's rates"],
  ])("%s → %s", (id, entry, note) => {
    const m = table.match(id)!;
    expect(m.entry.id).toBe(entry);
    expect(m.via).toBe("provider");
    expect(m.note).toContain(note);
  });

  it("a prefix must name the entry's own provider; an unknown snapshot behind a prefix falls back to its family", () => {
    expect(table.match("openai/claude-sonnet-4-5")).toBeUndefined();
    expect(table.match("anthropic/gpt-4o")).toBeUndefined();
    expect(table.match("us.anthropic.gpt-4o-v1:0")).toBeUndefined();
    const future = table.match("openai/gpt-4o-2031-01-01")!;
    expect(future.entry.id).toBe("gpt-4o");
    expect(future.note).toContain('unknown snapshot "gpt-4o-2031-01-01" priced as gpt-4o');
  });

  it("an Azure deployment name resolves only through withAzureDeployment; unknown ones say how", () => {
    expect(table.match("azure/prod-4o")).toBeUndefined();
    expect(() => table.get("azure/prod-4o")).toThrow(/--azure-model gpt-4o/);
    const withDeployment = table.withAzureDeployment("prod-4o", "gpt-4o");
    expect(withDeployment.match("azure/prod-4o")).toMatchObject({ entry: { id: "gpt-4o" }, via: "provider", note: expect.stringContaining("azure/prod-4o is an Azure OpenAI deployment of gpt-4o") });
    expect(table.match("azure/prod-4o")).toBeUndefined(); // the original table is unchanged
  });

  it("the estimate counts with the entry's encoding and says what priced it", () => {
    const e = estimate({ model: "openai/gpt-4o", prompt: "Hello", maxTokens: 10 });
    const plain = estimate({ model: "gpt-4o", prompt: "Hello", maxTokens: 10 });
    expect(e).toMatchObject({ model: "openai/gpt-4o", pricedAs: "gpt-4o", encoding: "o200k_base", exact: true, promptTokens: plain.promptTokens, cost: plain.cost });
    expect(plain.pricedAs).toBeUndefined();
    const bedrock = estimate({ model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", prompt: "Hello" });
    expect(bedrock).toMatchObject({ pricedAs: "claude-sonnet-4-5", exact: false, contextWindow: table.get("claude-sonnet-4-5").contextWindow });
  });

  it("a family name suggests its -latest id first", () => {
    expect(table.suggest("mistral-large")[0]).toBe("mistral-large-latest");
    expect(table.suggest("chatgpt-4o")[0]).toBe("chatgpt-4o-latest");
    expect(table.suggest("mistralai/mistral-large")[0]).toBe("mistral-large-latest");
    try {
      table.get("mistral-large");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownModelError);
      expect((error as Error).message).toMatch(/^unknown model "mistral-large" \(did you mean mistral-large-latest/);
    }
  });
});

describe("tokcost estimate with prefixed ids", () => {
  it("shows the id as given and what priced it; --json adds pricedAs; --azure-model names a deployment's model", () => {
    const human = runCli(["estimate", "-", "-m", "openai/gpt-4o", "--max-tokens", "100", "--no-stale-warning"], { input: "hi" });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("openai/gpt-4o");
    expect(human.stderr).toBe("warning: openai/gpt-4o is OpenAI's gpt-4o\n");
    const azure = JSON.parse(runCli(["estimate", "-", "-m", "azure/prod-4o", "--azure-model", "gpt-4o", "--json"], { input: "hi" }).stdout);
    expect(azure.estimates[0]).toMatchObject({ model: "azure/prod-4o", pricedAs: "gpt-4o", encoding: "o200k_base", exact: true });
    expect(azure.pricing.sources).toEqual([expect.objectContaining({ model: "gpt-4o" })]);
    const missing = runCli(["estimate", "-", "-m", "azure/prod-4o"], { input: "hi" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'tokcost: unknown model "azure/prod-4o"; an Azure deployment name is its owner\'s choice: name the model it deploys with --azure-model gpt-4o (library: table.withAzureDeployment), or add it with --pricing <file>\n',
    );
    expect(runCli(["estimate", "-", "-m", "gpt-4o", "--azure-model", "gpt-4o"], { input: "hi" }).stderr).toContain("--azure-model names the model an Azure deployment serves");
    expect(runCli(["estimate", "-", "-m", "azure/x", "--azure-model", "claude-sonnet-4-5"], { input: "hi" }).stderr).toContain(
      '--azure-model expects an OpenAI model id the table knows (e.g. gpt-4o), got "claude-sonnet-4-5"',
    );
    const latest = runCli(["estimate", "-", "-m", "chatgpt-4o"], { input: "hi" });
    expect(latest.code).toBe(2);
    expect(latest.stderr).toContain('unknown model "chatgpt-4o" (did you mean chatgpt-4o-latest?)');
  });
});
