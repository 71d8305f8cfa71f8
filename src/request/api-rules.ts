/**
 * Refusals the API makes beyond a body's schema and the model's parameter rules, each reproduced
 * in the API's own words from a recorded 400 (test/conformance, cited per rule) and checked not to
 * refuse any recorded 200:
 *
 * - strict function schemas: every object needs `additionalProperties: false` and a `required`
 *   list naming every property (structured outputs);
 * - completions prompts given as token ids must be ids of the model's encoding;
 * - `web_search_options` only on the search models;
 * - `input_audio` content only on audio models.
 */
import { InvalidRequestError } from "../errors.js";
import { getEncoding, tryEncodingForModel } from "../tokenizer/index.js";
import type { RequestKind } from "./capabilities.js";
import { isPlainObject } from "./shape.js";

type Body = Record<string, unknown>;

/** The first strict-schema violation of a function's parameters: `[context path, message tail]`. */
function strictSchemaProblem(schema: unknown, context: string[]): [string[], string] | undefined {
  if (!isPlainObject(schema)) return undefined;
  if (schema.type === "object" || isPlainObject(schema.properties) || context.length === 0) {
    if (schema.additionalProperties !== false) return [context, "'additionalProperties' is required to be supplied and to be false."];
    const properties = isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = properties.find((p) => !required.includes(p));
    if (missing !== undefined) return [context, `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`];
    for (const p of properties) {
      const found = strictSchemaProblem((schema.properties as Body)[p], [...context, "properties", p]);
      if (found) return found;
    }
  }
  if (isPlainObject(schema.items)) return strictSchemaProblem(schema.items, [...context, "items"]);
  for (const key of ["anyOf", "oneOf"]) {
    const variants = schema[key];
    if (Array.isArray(variants)) {
      for (let i = 0; i < variants.length; i++) {
        const found = strictSchemaProblem(variants[i], [...context, key, String(i)]);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * Strict function tools (recorded 400s: DataDog/dd-trace-py and openai-dotnet chat cassettes,
 * "Invalid schema for function 'get_current_weather': In context=(), 'additionalProperties' is
 * required to be supplied and to be false."; a Responses one naming a missing required key).
 */
function checkStrictTools(kind: RequestKind, body: Body): void {
  if (!Array.isArray(body.tools)) return;
  body.tools.forEach((tool: unknown, i: number) => {
    if (!isPlainObject(tool) || tool.type !== "function") return;
    const fn = kind === "chat" ? tool.function : tool;
    if (!isPlainObject(fn) || fn.strict !== true) return;
    const problem = strictSchemaProblem(fn.parameters ?? {}, []);
    if (!problem) return;
    const [context, tail] = problem;
    const param = kind === "chat" ? `tools[${i}].function.parameters` : `tools[${i}].parameters`;
    const where = context.length ? `(${context.map((c) => `'${c}'`).join(", ")}${context.length === 1 ? "," : ""})` : "()";
    throw new InvalidRequestError(`Invalid schema for function '${String(fn.name)}': In context=${where}, ${tail}`, { param, details: { code: "invalid_function_parameters" } });
  });
}

/**
 * Token-id prompts (recorded 400, openai-dotnet: "Invalid token in prompt: 123456. Minimum value
 * is 0, maximum value is 100257 (inclusive)." — 100257 is cl100k's <|endoftext|>).
 */
function checkPromptTokenIds(body: Body, model: string): void {
  const prompt = body.prompt;
  if (!Array.isArray(prompt) || prompt.length === 0) return;
  const lists = typeof prompt[0] === "number" ? [prompt] : prompt.filter(Array.isArray);
  const name = tryEncodingForModel(model);
  if (!name) return;
  const max = getEncoding(name).specialTokens["<|endoftext|>"];
  if (max === undefined) return;
  for (const list of lists) {
    for (const id of list as unknown[]) {
      if (typeof id === "number" && id > max) throw new InvalidRequestError(`Invalid token in prompt: ${id}. Minimum value is 0, maximum value is ${max} (inclusive).`, { param: null });
    }
  }
}

/** `web_search_options` on a model that does not search (recorded 400, pydantic-ai, gpt-4o; 200s only on *-search-* models). */
function checkWebSearchOptions(body: Body, model: string): void {
  if (body.web_search_options === undefined || body.web_search_options === null) return;
  if (!/search/i.test(model)) throw new InvalidRequestError("Web search options not supported with this model.", { param: "web_search_options" });
}

/**
 * Audio content on a model without audio input (recorded 400s, pydantic-ai, gpt-5-mini:
 * "Invalid 'messages[3]'. Content blocks are expected to be either text or image_url type.";
 * 200s only on gpt-4o-audio-preview, gpt-audio, gpt-audio-1.5).
 */
function checkAudioContent(body: Body, model: string): void {
  if (!Array.isArray(body.messages) || /audio|realtime/i.test(model)) return;
  body.messages.forEach((message: unknown, i: number) => {
    if (!isPlainObject(message) || !Array.isArray(message.content)) return;
    if (message.content.some((part: unknown) => isPlainObject(part) && part.type === "input_audio")) {
      throw new InvalidRequestError(`Invalid 'messages[${i}]'. Content blocks are expected to be either text or image_url type.`, { param: `messages[${i}]`, details: { code: "invalid_value" } });
    }
  });
}

/** Applies the rules above to a schema-valid body. */
export function checkApiRules(kind: RequestKind, body: Body, model: string | undefined): void {
  if (kind === "chat" || kind === "responses") checkStrictTools(kind, body);
  if (model === undefined) return;
  if (kind === "completions") checkPromptTokenIds(body, model);
  if (kind === "chat") {
    checkWebSearchOptions(body, model);
    checkAudioContent(body, model);
  }
}
