/**
 * Tokens of tool (function) definitions, by the rule OpenAI's cookbook published
 * (chat-counting.json → tools_counting_rules; openai-cookbook c81359c,
 * How_to_count_tokens_with_tiktoken.ipynb, cell 16), which reproduces the API-measured counts
 * of the weather example (105 on gpt-3.5-turbo/gpt-4, 101 on gpt-4o/gpt-4o-mini).
 *
 * The published rule covers a flat parameter object (type, description, enum per property).
 * Nested objects, arrays, missing descriptions and non-string enums are counted by extending
 * the same rule recursively, and reported as inexact: OpenAI has published no measurement for them.
 */
import type { Encoding } from "../tokenizer/index.js";
import { matchFamily, normaliseModelId } from "./family.js";
import { InputError } from "../errors.js";

/** The per-model constants of the cookbook's rule. */
export interface ToolCountingConstants {
  funcInit: number;
  propInit: number;
  propKey: number;
  enumInit: number;
  enumItem: number;
  funcEnd: number;
}

/** Constants per model family; `measured` lists the ids the API-measured counts were taken on. */
export const TOOL_COUNTING_RULES: ReadonlyArray<{ models: readonly string[]; constants: ToolCountingConstants; measured: readonly string[]; source: string }> = [
  {
    models: ["gpt-4o", "gpt-4o-mini", "chatgpt-4o"],
    constants: { funcInit: 7, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
    measured: ["gpt-4o", "gpt-4o-mini"],
    source: "chat-counting.json tools_counting_rules (gpt-4o, gpt-4o-mini)",
  },
  {
    models: ["gpt-3.5-turbo", "gpt-4"],
    constants: { funcInit: 10, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
    measured: ["gpt-3.5-turbo", "gpt-4"],
    source: "chat-counting.json tools_counting_rules (gpt-3.5-turbo, gpt-4)",
  },
];

/** The o200k-era constants, used (inexactly) for o200k models the cookbook does not list. */
const O200K_FALLBACK = TOOL_COUNTING_RULES[0].constants;
const CL100K_FALLBACK = TOOL_COUNTING_RULES[1].constants;

/** A function definition as counted: name, description and JSON Schema parameters. */
export interface FunctionLike {
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
}

/** Result of {@link countToolTokens}. */
export interface ToolTokenCount {
  tokens: number;
  exact: boolean;
  warnings: string[];
}

const SNAPSHOT = /-(\d{4}-\d{2}-\d{2}|\d{4})$/;

/** The constants for `model`, and whether the API has confirmed the rule for it. */
export function toolConstantsFor(model: string, encoding: string): { constants: ToolCountingConstants; measured: boolean } {
  const id = normaliseModelId(model).replace(SNAPSHOT, "");
  const match = matchFamily(id, TOOL_COUNTING_RULES);
  if (match && match.row.measured.includes(id)) return { constants: match.row.constants, measured: true };
  return { constants: encoding === "o200k_base" ? O200K_FALLBACK : CL100K_FALLBACK, measured: false };
}

const stripPeriod = (text: string) => (text.endsWith(".") ? text.slice(0, -1) : text);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Tokens of a list of function definitions (the `function` objects of `tools`, or the legacy
 * `functions`). Zero functions cost nothing (the cookbook adds `func_end` only when there are some).
 */
export function countFunctionDefinitions(functions: readonly FunctionLike[], options: { model: string; encoding: Encoding }): ToolTokenCount {
  const { constants: c, measured } = toolConstantsFor(options.model, options.encoding.name);
  const enc = options.encoding;
  const warnings: string[] = [];
  let extended = false;
  if (functions.length === 0) return { tokens: 0, exact: true, warnings };

  const countProperties = (properties: Record<string, unknown>): number => {
    let n = c.propInit;
    for (const [key, raw] of Object.entries(properties)) {
      n += c.propKey;
      const prop = isObject(raw) ? raw : {};
      const enumValues = prop.enum;
      if (Array.isArray(enumValues)) {
        n += c.enumInit;
        for (const item of enumValues) {
          if (typeof item !== "string") extended = true;
          n += c.enumItem + enc.count(typeof item === "string" ? item : JSON.stringify(item));
        }
      }
      let type = prop.type;
      if (typeof type !== "string") {
        extended = true;
        type = Array.isArray(type) ? type.join(" | ") : type === undefined ? "" : JSON.stringify(type);
      }
      if (typeof prop.description !== "string") extended = true;
      const description = typeof prop.description === "string" ? stripPeriod(prop.description) : "";
      n += enc.count(`${key}:${String(type)}:${description}`);
      // Beyond the published rule: nested object properties and array item schemas.
      if (isObject(prop.properties) && Object.keys(prop.properties).length > 0) {
        extended = true;
        n += countProperties(prop.properties);
      }
      if (isObject(prop.items)) {
        extended = true;
        const items = prop.items;
        if (isObject(items.properties) && Object.keys(items.properties).length > 0) n += countProperties(items.properties);
        else if (Array.isArray(items.enum)) {
          n += c.enumInit;
          for (const item of items.enum) n += c.enumItem + enc.count(typeof item === "string" ? item : JSON.stringify(item));
        } else if (typeof items.type === "string") n += enc.count(items.type);
      }
      for (const k of ["anyOf", "oneOf", "allOf", "$ref", "additionalProperties", "default", "format", "minimum", "maximum", "pattern"]) if (k in prop) extended = true;
    }
    return n;
  };

  let tokens = 0;
  for (const fn of functions) {
    if (typeof fn?.name !== "string") throw new InputError("a function definition needs a name (a string): counting `undefined` would invent tokens");
    tokens += c.funcInit;
    if (typeof fn.description !== "string") extended = true;
    tokens += enc.count(`${fn.name}:${stripPeriod(fn.description ?? "")}`);
    const properties = isObject(fn.parameters) && isObject(fn.parameters.properties) ? fn.parameters.properties : {};
    if (Object.keys(properties).length > 0) tokens += countProperties(properties);
  }
  tokens += c.funcEnd;

  if (!measured) warnings.push(`OpenAI has published tool-definition counts only for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini: the tools of ${options.model} are counted with the ${options.encoding.name === "o200k_base" ? "gpt-4o" : "gpt-4"} constants and may differ`);
  if (extended) warnings.push("tool parameters use nested objects, arrays, unions or missing descriptions, which OpenAI's published counting rule does not cover: their tokens are an approximation");
  return { tokens, exact: measured && !extended, warnings };
}
