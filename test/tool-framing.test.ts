/**
 * Tool and function framing against every API-measured count published by two public test
 * suites (test/reference/tool-framing-cases.json, with repo, path and commit per case):
 * hmarr/openai-chat-tokens (36 counts, gpt-3.5-turbo-0613, the 2023 `functions` API) and
 * pamelafox/openai-messages-token-helper (18 `tools` counts on a 2024 gpt-3.5-turbo snapshot, and
 * one-message counts on gpt-3.5-turbo, gpt-4o and gpt-4o-mini).
 *
 * The rule: every count tokcost calls exact equals the API's; the counts that differ say
 * `exact: false`; and the number reproduced is pinned so a regression shows.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimateRequest, FRAMING_RULES, FEATURE_NAMES, framingFor, renderFunctionNamespace, type FramingFeature } from "../src/index.js";
import { referencePath, repoRoot } from "./helpers/cli.js";
// @ts-expect-error -- a plain ES module shared with `npm run docs:tables` (no type declarations)
import { framingMarkdown, framingSources } from "../scripts/framing-table.mjs";

interface MeasuredCase {
  id: string;
  model: string;
  request: Record<string, unknown>;
  tokens: number;
}
const cases = (JSON.parse(readFileSync(referencePath("tool-framing-cases.json"), "utf8")) as { cases: MeasuredCase[] }).cases;

/** The snapshot each suite measured on (see the cases' notes). */
function modelFor(c: MeasuredCase): string | undefined {
  if (c.id.startsWith("hmarr:")) return "gpt-3.5-turbo-0613";
  if (c.model === "gpt-35-turbo") return c.id.includes("image") ? undefined : "gpt-3.5-turbo-0125";
  return c.model;
}

const results = cases.flatMap((c) => {
  const model = modelFor(c);
  if (!model) return [];
  const e = estimateRequest({ model, ...c.request });
  return [{ id: c.id, model, api: c.tokens, local: e.promptTokens, exact: e.exact, warnings: e.warnings }];
});

describe("published API-measured tool and message counts", () => {
  it("no count that says exact: true differs from the API's", () => {
    const lies = results.filter((r) => r.exact && r.local !== r.api);
    expect(lies).toEqual([]);
  });

  it("reproduces all 36 hmarr/openai-chat-tokens counts (functions, function_call, function messages) exactly", () => {
    const hmarr = results.filter((r) => r.id.startsWith("hmarr:"));
    expect(hmarr).toHaveLength(36);
    expect(hmarr.filter((r) => r.local !== r.api).map((r) => `${r.id}: ${r.local} vs ${r.api}`)).toEqual([]);
    expect(hmarr.every((r) => r.exact)).toBe(true);
  });

  it("reproduces all 18 pamelafox tools counts (tools, tool_choice, nested objects, enums, parameters without a description) exactly", () => {
    const tools = results.filter((r) => r.id.startsWith("pamelafox:functions/"));
    expect(tools).toHaveLength(18);
    expect(tools.filter((r) => r.local !== r.api).map((r) => `${r.id}: ${r.local} vs ${r.api}`)).toEqual([]);
    expect(tools.filter((r) => !r.exact).map((r) => r.id)).toEqual([]);
  });

  it("reproduces every pamelafox one-message count (gpt-3.5-turbo, gpt-4o, gpt-4o-mini, images included)", () => {
    const messages = results.filter((r) => r.id.startsWith("pamelafox:messages/") || r.id.startsWith("pamelafox:image_messages/"));
    expect(messages.length).toBeGreaterThanOrEqual(34);
    expect(messages.filter((r) => r.local !== r.api).map((r) => `${r.id}: ${r.local} vs ${r.api}`)).toEqual([]);
  });
});

describe("the exact flag follows the framing table", () => {
  const parts: Array<{ feature: FramingFeature; body: Record<string, unknown> }> = [
    { feature: "messages", body: { messages: [{ role: "user", content: "hi" }] } },
    {
      feature: "assistant-messages",
      body: {
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: "hello" },
        ],
      },
    },
    { feature: "name", body: { messages: [{ role: "system", name: "bob", content: "hi" }] } },
    { feature: "name.other-roles", body: { messages: [{ role: "user", name: "bob", content: "hi" }] } },
    { feature: "function-messages", body: { messages: [{ role: "function", name: "f", content: "{}" }] } },
    {
      feature: "tool-messages",
      body: {
        messages: [
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "c", content: "{}" },
        ],
      },
    },
    { feature: "assistant-function-call", body: { messages: [{ role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } }] } },
    {
      feature: "assistant-parallel-tool-calls",
      body: {
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "c", type: "function", function: { name: "f", arguments: "{}" } },
              { id: "d", type: "function", function: { name: "f", arguments: "{}" } },
            ],
          },
        ],
      },
    },
    {
      feature: "assistant-text-and-tool-calls",
      body: { messages: [{ role: "assistant", content: "Let me check.", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }] },
    },
    { feature: "assistant-tool-calls", body: { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }] } },
    {
      feature: "definitions",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string", description: "A" } } } } }],
      },
    },
    {
      feature: "definitions.functions-api",
      body: { messages: [{ role: "user", content: "hi" }], functions: [{ name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string", description: "A" } } } }] },
    },
    {
      feature: "definitions.no-description",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { a: { type: "string", description: "A" } } } } }],
      },
    },
    { feature: "definitions.empty", body: { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", description: "F" } }] } },
    {
      feature: "definitions.undescribed",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string" } } } } }],
      },
    },
    {
      feature: "definitions.nested",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [
          {
            type: "function",
            function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "object", description: "A", properties: { b: { type: "string", description: "B" } } } } } },
          },
        ],
      },
    },
    {
      feature: "definitions.arrays",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "array", description: "A", items: { type: "string" } } } } } }],
      },
    },
    {
      feature: "definitions.number-enum",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "integer", description: "A", enum: [1, 2] } } } } }],
      },
    },
    {
      feature: "definitions.any-of",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [
          { type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { description: "A", anyOf: [{ type: "string" }, { type: "number" }] } } } } },
        ],
      },
    },
    {
      feature: "definitions.untyped",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { description: "A" } } } } }],
      },
    },
    {
      feature: "definitions.titles",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string", description: "A", title: "A" } } } } }],
      },
    },
    {
      feature: "definitions.const",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string", description: "A", const: "x" } } } } }],
      },
    },
    {
      feature: "definitions.keywords",
      body: {
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "string", description: "A", default: "x" } } } } }],
      },
    },
    { feature: "function_call.none", body: { messages: [{ role: "user", content: "hi" }], functions: [{ name: "f", description: "F" }], function_call: "none" } },
    { feature: "function_call.auto", body: { messages: [{ role: "user", content: "hi" }], functions: [{ name: "f", description: "F" }], function_call: "auto" } },
    { feature: "function_call.named", body: { messages: [{ role: "user", content: "hi" }], functions: [{ name: "f", description: "F" }], function_call: { name: "f" } } },
    { feature: "tool_choice.none", body: { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", description: "F" } }], tool_choice: "none" } },
    { feature: "tool_choice.auto", body: { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", description: "F" } }], tool_choice: "auto" } },
    {
      feature: "tool_choice.named",
      body: { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", description: "F" } }], tool_choice: { type: "function", function: { name: "f" } } },
    },
    { feature: "tool_choice.required", body: { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", description: "F" } }], tool_choice: "required" } },
  ];
  const families = [...FRAMING_RULES.map((r) => r.models[0]), "gpt-4.1", "gpt-5", "o4-mini"];

  it("covers every feature the table knows", () => {
    expect(new Set(parts.map((p) => p.feature))).toEqual(new Set(Object.keys(FEATURE_NAMES)));
  });

  for (const model of families) {
    it(`${model}: a request is exact exactly when the family measured every feature it uses`, () => {
      const rule = framingFor(model);
      for (const { feature, body } of parts) {
        const e = estimateRequest({ model, ...body });
        const used = new Set<FramingFeature>(["messages", feature]);
        if (feature.startsWith("definitions.") || feature.startsWith("function_call") || feature.startsWith("tool_choice")) used.add("definitions");
        if (feature.startsWith("function_call") || feature.startsWith("tool_choice")) used.add("definitions.empty");
        if (feature.startsWith("function_call") || feature === "definitions.functions-api") used.add("definitions.functions-api");
        if (feature === "function-messages") used.add("name");
        if (feature.startsWith("assistant-") || feature === "tool-messages") used.add("assistant-messages");
        if (feature === "tool-messages" || feature === "assistant-text-and-tool-calls") used.add("assistant-tool-calls");
        const expected = [...used].every((f) => rule.measured[f] !== undefined);
        expect({ model, feature, exact: e.exact }).toEqual({ model, feature, exact: expected });
        if (!expected) expect(e.warnings.join("\n")).toContain(`for ${model}: not measured`);
      }
    });
  }
});

describe("rendering", () => {
  it("renders the cookbook weather tool as the models see it", () => {
    const text = renderFunctionNamespace(
      [
        {
          name: "get_current_weather",
          description: "Get the current weather in a given location",
          parameters: {
            type: "object",
            properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
            required: ["location"],
          },
        },
      ],
      framingFor("gpt-4o").definitions,
    );
    expect(text).toBe(
      'namespace functions {\n\n// Get the current weather in a given location\ntype get_current_weather = (_: {\n// The city and state, e.g. San Francisco, CA\nlocation: string,\nunit?: "celsius" | "fahrenheit",\n}) => any;\n\n} // namespace functions',
    );
  });

  it("the 2023 rendering drops nested descriptions and indents nesting; the 2024 rendering keeps them", () => {
    const fn = { name: "f", parameters: { type: "object", properties: { o: { type: "object", description: "outer", properties: { i: { type: "string", description: "inner" } } } } } };
    expect(renderFunctionNamespace([fn], framingFor("gpt-3.5-turbo-0613").definitions)).toContain("// outer\no?: {\n  i?: string,\n},");
    expect(renderFunctionNamespace([fn], framingFor("gpt-3.5-turbo-0125").definitions)).toContain("// outer\no?: {\n// inner\ni?: string,\n},");
  });
});

describe("docs", () => {
  it("docs/requests.md shows the current framing table and sources", () => {
    const doc = readFileSync(`${repoRoot}docs/requests.md`, "utf8");
    expect(doc).toContain(framingMarkdown());
    expect(doc).toContain(framingSources());
  });
});
