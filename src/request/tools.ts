/**
 * Function and tool definitions as the model sees them: rendered into the TypeScript-like text
 * the models are trained on, then tokenized, plus the family's constants (framing.ts).
 *
 *   namespace functions {
 *
 *   // <function description>
 *   type <name> = (_: {
 *   // <property description>
 *   <key>?: <type>,          (no `?` when required)
 *   }) => any;
 *
 *   } // namespace functions
 *
 * Types: string enums as `"a" | "b"`, numbers as `number` (enums bare), arrays as `T[]`, nested
 * objects as `{ … }` (closing brace at column 0), `anyOf` joined with ` | `, a missing type `any`.
 * The published measurements behind each choice are listed in framing.ts.
 */
import type { Encoding } from "../tokenizer/index.js";
import { InputError } from "../errors.js";
import { framingFor, unmeasuredWarning, type DefinitionStyle, type FramingFeature, type FramingRule } from "./framing.js";

/** A function definition as counted: name, description and JSON Schema parameters. */
export interface FunctionLike {
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
}

/** Result of {@link countFunctionDefinitions}. */
export interface ToolTokenCount {
  /** Rendered definitions + the family's overhead (system-message adjustments are the caller's). */
  tokens: number;
  exact: boolean;
  warnings: string[];
  /** The framing features the definitions use. */
  features: FramingFeature[];
}

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keywords the rendering reads; anything else in a property schema is dropped from the text. */
const RENDERED_KEYWORDS = new Set(["type", "description", "enum", "properties", "required", "items", "anyOf"]);
/** Dropped keywords whose dropping is measured (framing.ts "definitions.const"). */
const DROPPED_MEASURED = new Set(["const", "additionalProperties"]);

function keywordFeature(key: string, value: unknown): FramingFeature | undefined {
  if (RENDERED_KEYWORDS.has(key)) return undefined;
  if (key === "title") return "definitions.titles";
  // `additionalProperties: true` is billed (recorded: +7 on gpt-4o); `false` is not.
  if (key === "additionalProperties" && value !== false) return "definitions.keywords";
  return DROPPED_MEASURED.has(key) ? "definitions.const" : "definitions.keywords";
}

function propertiesOf(schema: unknown): Schema {
  return isObject(schema) && isObject(schema.properties) ? schema.properties : {};
}

/**
 * Renders function definitions into the `namespace functions { … }` text the model is given.
 *
 * @example
 * renderFunctionNamespace([{ name: "f", parameters: { type: "object", properties: { a: { type: "string" } } } }], style);
 * // "namespace functions {\n\ntype f = (_: {\na?: string,\n}) => any;\n\n} // namespace functions"
 */
export function renderFunctionNamespace(functions: readonly FunctionLike[], style: DefinitionStyle): string {
  const lines = ["namespace functions {", ""];
  for (const fn of functions) {
    // Descriptions are trimmed: a trailing space costs nothing (recorded on gpt-3.5-turbo-0613, dd-trace-py, test/conformance).
    // The 2024 rendering comments every line, trimmed, a blank one as "//" (recorded on gpt-4o: langchaingo, Mirascope).
    const description = typeof fn.description === "string" ? fn.description.trim() : "";
    if (description)
      lines.push(
        style.commentEveryLine
          ? description
              .split("\n")
              .map((line) => `// ${line.trim()}`.trimEnd())
              .join("\n")
          : `// ${description}`,
      );
    const parameters = fn.parameters ?? {};
    if (Object.keys(propertiesOf(parameters)).length > 0) {
      lines.push(`type ${fn.name} = (_: {`, renderProperties(parameters, 0, style), "}) => any;");
    } else {
      lines.push(`type ${fn.name} = () => any;`);
    }
    lines.push("");
  }
  lines.push("} // namespace functions");
  return lines.join("\n");
}

function renderProperties(schema: Schema, depth: number, style: DefinitionStyle): string {
  const required = Array.isArray(schema.required) ? schema.required : [];
  const indent = " ".repeat(depth * style.nestedIndent);
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(propertiesOf(schema))) {
    const property = isObject(raw) ? raw : {};
    const description = typeof property.description === "string" ? property.description.trim() : "";
    const comments = depth === 0 || style.nestedDescriptions;
    if (comments && style.titleComments && typeof property.title === "string" && property.title) lines.push(`${indent}// ${property.title}`, `${indent}//`);
    if (description && comments) lines.push(`${indent}// ${description}`);
    // A nested object's text spans lines; only its first line carries this level's indent.
    lines.push(
      `${indent}${key}${required.includes(key) ? "" : "?"}: ${renderType(property, depth, style)},${style.defaultComments && "default" in property ? ` // default: ${renderDefault(property)}` : ""}`,
    );
  }
  return lines.join("\n");
}

/** A default as the comment shows it: an enum's string bare, other values as JSON (openai/harmony's rendering). */
function renderDefault(property: Schema): string {
  const value = property.default;
  return typeof value === "string" && Array.isArray(property.enum) ? value : JSON.stringify(value);
}

function renderType(schema: Schema, depth: number, style: DefinitionStyle): string {
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map((variant) => renderType(isObject(variant) ? variant : {}, depth, style)).join(" | ");
  const values = Array.isArray(schema.enum) ? schema.enum : undefined;
  switch (schema.type) {
    case "string":
      return values ? values.map((v) => `"${String(v)}"`).join(" | ") : "string";
    case "number":
    case "integer":
      return values ? values.map((v) => (style.quoteNumberEnums ? `"${String(v)}"` : String(v))).join(" | ") : "number";
    case "boolean":
    case "null":
      return schema.type;
    case "object":
      return ["{", renderProperties(schema, depth + 1, style), "}"].join("\n");
    case "array":
      return isObject(schema.items) ? `${renderType(schema.items, depth, style)}[]` : "any[]";
    default:
      return "any";
  }
}

/** The framing features a set of definitions uses (which decide whether their count is exact). */
export function definitionFeatures(functions: readonly FunctionLike[]): FramingFeature[] {
  const found = new Set<FramingFeature>(["definitions"]);
  const visitProperty = (property: Schema): void => {
    if (typeof property.description !== "string" || property.description === "") found.add("definitions.undescribed");
    for (const key of Object.keys(property)) {
      const feature = keywordFeature(key, property[key]);
      if (feature) found.add(feature);
    }
    if (Array.isArray(property.anyOf)) {
      found.add("definitions.any-of");
      for (const variant of property.anyOf) if (isObject(variant)) visitType(variant);
      return;
    }
    visitType(property);
  };
  const visitType = (schema: Schema): void => {
    switch (schema.type) {
      case "object":
        found.add("definitions.nested");
        for (const key of Object.keys(schema)) {
          const feature = keywordFeature(key, schema[key]);
          if (feature) found.add(feature);
        }
        for (const child of Object.values(propertiesOf(schema))) visitProperty(isObject(child) ? child : {});
        break;
      case "array":
        if (!isObject(schema.items)) found.add("definitions.untyped");
        else if (schema.items.type === "object" || Array.isArray(schema.items.anyOf)) visitType(schema.items);
        else found.add("definitions.arrays");
        break;
      case "number":
      case "integer":
        if (Array.isArray(schema.enum)) found.add("definitions.number-enum");
        break;
      case "string":
      case "boolean":
      case "null":
        break;
      default:
        if (!Array.isArray(schema.anyOf)) found.add("definitions.untyped");
    }
  };
  for (const fn of functions) {
    const properties = propertiesOf(fn.parameters);
    if (Object.keys(properties).length === 0) found.add("definitions.empty");
    if (typeof fn.description !== "string" || fn.description.trim() === "") found.add("definitions.no-description");
    // A top-level `description` is not rendered either (hmarr case 36 measures that).
    if (isObject(fn.parameters))
      for (const key of Object.keys(fn.parameters))
        if (key !== "description") {
          // A title on the parameters object itself is billed (recorded: +3 on gpt-4o), unlike a property's.
          const feature = key === "title" ? "definitions.keywords" : keywordFeature(key, fn.parameters[key]);
          if (feature) found.add(feature);
        }
    for (const property of Object.values(properties)) visitProperty(isObject(property) ? property : {});
  }
  return [...found];
}

/** Objects (at any depth) whose last property has no description and is not a string enum. */
function undescribedLastCount(functions: readonly FunctionLike[]): number {
  let n = 0;
  const visit = (schema: unknown): void => {
    if (!isObject(schema)) return;
    const properties = Object.values(propertiesOf(schema));
    const last = properties[properties.length - 1];
    if (isObject(last) && !(typeof last.description === "string" && last.description.trim()) && !(last.type === "string" && Array.isArray(last.enum))) n++;
    for (const p of properties) if (isObject(p)) visit(p.type === "array" ? p.items : p);
  };
  for (const fn of functions) visit(fn.parameters);
  return n;
}

/** Checks a definition has a string name (counting `undefined` would invent tokens). */
function checkDefinitions(functions: readonly FunctionLike[]): void {
  functions.forEach((fn, i) => {
    if (typeof fn?.name !== "string") throw new InputError(`function definition ${i} needs a name (a string): counting \`undefined\` would invent tokens`);
  });
}

/**
 * Tokens of a list of function definitions (the `function` objects of `tools`, or the legacy
 * `functions`): the rendered namespace plus the family's overhead. Zero functions cost nothing.
 * `exact` is true only when the family's measurements cover every feature the definitions use.
 */
export function countFunctionDefinitions(functions: readonly FunctionLike[], options: { model: string; encoding: Encoding; rule?: FramingRule }): ToolTokenCount {
  if (functions.length === 0) return { tokens: 0, exact: true, warnings: [], features: [] };
  checkDefinitions(functions);
  const rule = options.rule ?? framingFor(options.model);
  const features = definitionFeatures(functions);
  const style = rule.definitions;
  const tokens = options.encoding.count(renderFunctionNamespace(functions, style)) + rule.definitionsOverhead + style.undescribedLast * undescribedLastCount(functions);
  const unmeasured = features.filter((f) => rule.measured[f] === undefined);
  const warnings = unmeasured.map((f) => unmeasuredWarning(f, options.model));
  return { tokens, exact: unmeasured.length === 0, warnings, features };
}
