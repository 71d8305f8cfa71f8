/**
 * Request validation: recognise which endpoint a body is for, check it against that endpoint's
 * schema and the model's parameter rules, and reject it in the API's own words, so a user sees
 * before sending the 400 the API would have returned.
 */
import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { closestMatches } from "../util/suggest.js";
import { parameterRulesFor, type RequestKind } from "./capabilities.js";
import { detectRequestKind, isPlainObject } from "./shape.js";
import { findUnknownFields, isIntegerField, knownKeys } from "./schema-walk.js";
import { checkApiRules } from "./api-rules.js";
import { chatRequestSchema, type ChatRequest } from "./schemas/chat.js";
import { completionsRequestSchema, type CompletionsRequest } from "./schemas/completions.js";
import { embeddingsRequestSchema, type EmbeddingsRequest } from "./schemas/embeddings.js";
import { responsesRequestSchema, type ResponsesRequest } from "./schemas/responses.js";
import {
  imageEditRequestSchema,
  imageGenerationRequestSchema,
  imageVariationRequestSchema,
  moderationRequestSchema,
  speechRequestSchema,
  transcriptionRequestSchema,
  translationRequestSchema,
  type ImageEditRequest,
  type ImageGenerationRequest,
  type ImageVariationRequest,
  type ModerationRequest,
  type SpeechRequest,
  type TranscriptionRequest,
  type TranslationRequest,
} from "./schemas/media.js";
import { MEDIA_KINDS } from "./capabilities.js";
import { imageModelRules, DEFAULT_MODELS } from "./media-rules.js";

export type { RequestKind } from "./capabilities.js";

/**
 * Something about an accepted request worth telling the user: a stable `code` to branch on, the
 * field it concerns, and the words. Codes: `UNKNOWN_FIELD` (a nested field the API does not
 * document; accepted, not counted).
 */
export interface RequestNotice {
  code: "UNKNOWN_FIELD";
  /** The field path in the API's notation (`messages[1].foo`). */
  param: string;
  text: string;
}

/** A request body that passed validation, tagged with its endpoint. */
export type ValidatedRequest = (
  | { kind: "chat"; body: ChatRequest }
  | { kind: "completions"; body: CompletionsRequest }
  | { kind: "responses"; body: ResponsesRequest }
  | { kind: "embeddings"; body: EmbeddingsRequest }
  | { kind: "images"; body: ImageGenerationRequest }
  | { kind: "image-edits"; body: ImageEditRequest }
  | { kind: "image-variations"; body: ImageVariationRequest }
  | { kind: "speech"; body: SpeechRequest }
  | { kind: "transcriptions"; body: TranscriptionRequest }
  | { kind: "translations"; body: TranslationRequest }
  | { kind: "moderations"; body: ModerationRequest }
) & {
  /** Accepted, but worth knowing (e.g. nested fields the API does not document). */
  notices: RequestNotice[];
};

/** Options for {@link validateRequest}. */
export interface ValidateOptions {
  /** Model to validate against when the body has none (or to override it). */
  model?: string;
  /** Endpoint, when known (e.g. from a batch line's `url`); otherwise recognised from the body's shape. */
  kind?: RequestKind;
  /**
   * Refuse nested fields the API does not document (default false: they are accepted with a
   * notice, because the API accepts or ignores many of them — an echoed assistant message's
   * `annotations`, a streamed tool call's `index`).
   */
  strict?: boolean;
}

const SCHEMAS = {
  chat: chatRequestSchema,
  completions: completionsRequestSchema,
  responses: responsesRequestSchema,
  embeddings: embeddingsRequestSchema,
  images: imageGenerationRequestSchema,
  "image-edits": imageEditRequestSchema,
  "image-variations": imageVariationRequestSchema,
  speech: speechRequestSchema,
  transcriptions: transcriptionRequestSchema,
  translations: translationRequestSchema,
  moderations: moderationRequestSchema,
} as const satisfies Record<RequestKind, z.ZodType>;

export { ENDPOINT_URLS, kindOfUrl, endpointOfUrl, detectRequestKind, type UrlEndpoint } from "./shape.js";

/** Endpoints that answer an unknown top-level parameter in the current wording ("Unknown parameter: 'quality'." — recorded 400 on /v1/images/generations, traceloop/openllmetry, test/conformance). */
const currentWording = new Set<z.ZodType>([
  imageGenerationRequestSchema,
  imageEditRequestSchema,
  imageVariationRequestSchema,
  speechRequestSchema,
  transcriptionRequestSchema,
  translationRequestSchema,
  moderationRequestSchema,
]);

/** Formats a path in the API's notation: `messages[2].content`. */
export function formatParam(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

/** "a string", "an integer", … — how the API names the type of a value it got. */
function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a decimal";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

const EXPECTED_NAMES: Record<string, string> = { string: "a string", number: "a number", int: "an integer", boolean: "a boolean", array: "an array", object: "an object", null: "null" };

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const names = new Set<string>();
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.path.length === 0 && sub.code === "invalid_type") names.add(EXPECTED_NAMES[sub.expected] ?? sub.expected);
    }
  }
  const list = [...names];
  if (list.length === 0) return "a valid value";
  if (list.length === 1) return list[0];
  return `one of ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

function listValues(values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")}, and ${quoted[quoted.length - 1]}` : quoted.join("");
}

/** Endpoints whose range errors keep the older JSON Schema wording. */
const legacyRanges = new Set<z.ZodType>([embeddingsRequestSchema]);

/** Converts the first zod issue to an InvalidRequestError in the API's wording. */
function toRequestError(issues: readonly z.core.$ZodIssue[], body: unknown, schema: z.ZodType): InvalidRequestError {
  // The API reports unknown top-level arguments before anything else.
  const rootUnknown = issues.find((i) => i.code === "unrecognized_keys" && i.path.length === 0);
  const missing = issues.find((i) => i.code === "invalid_type" && valueAt(body, i.path) === undefined);
  const issue = rootUnknown ?? missing ?? issues[0];
  const param = formatParam(issue.path);
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const suggestion = closestMatches(key, knownKeys(schema, body, issue.path), 1)[0];
      const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
      if (issue.path.length === 0 && currentWording.has(schema)) return new InvalidRequestError(`Unknown parameter: '${key}'.${hint}`, { param: key, suggestion });
      if (issue.path.length === 0) return new InvalidRequestError(`Unrecognized request argument supplied: ${key}${hint}`, { param: key, suggestion });
      const full = `${param}.${key}`;
      return new InvalidRequestError(`Unknown parameter: '${full}'.${hint}`, { param: full, suggestion });
    }
    case "invalid_type":
      if (value === undefined) return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param });
      return new InvalidRequestError(`Invalid type for '${param}': expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}, but got ${describeType(value)} instead.`, { param });
    case "invalid_union": {
      if (value === undefined) return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param });
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) return new InvalidRequestError(`Invalid value: '${String(value)}'. Supported values are: ${listValues(options)}.`, { param });
      // Branches whose type matched but which failed deeper (or on a range) say what is really wrong.
      const matched = issue.errors.filter((branch) => branch.length > 0 && !branch.every((s) => s.path.length === 0 && s.code === "invalid_type"));
      if (matched.length >= 1) {
        // The branch that came closest (fewest problems; the first declared on a tie).
        const closest = matched.reduce((a, b) => (b.length < a.length ? b : a));
        return toRequestError(
          closest.map((s) => ({ ...s, path: [...issue.path, ...s.path] })),
          body,
          schema,
        );
      }
      return new InvalidRequestError(`Invalid type for '${param}': expected ${describeUnion(issue)}, but got ${describeType(value)} instead.`, { param });
    }
    case "invalid_value":
      return new InvalidRequestError(`Invalid value: '${String(value)}'. Supported values are: ${listValues(issue.values)}.`, { param });
    case "too_small":
    case "too_big": {
      const below = issue.code === "too_small";
      const bound = below ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
      if ((issue.origin === "number" || issue.origin === "int") && legacyRanges.has(schema)) {
        // The embeddings endpoint still answers in JSON Schema's words: "-42 is less than the minimum of 1 - 'dimensions'" (recorded 400s, openai-dotnet, test/conformance).
        return new InvalidRequestError(`${String(value)} is ${below ? "less than the minimum" : "greater than the maximum"} of ${String(bound)} - '${param}'`, { param });
      }
      if (issue.origin === "number" || issue.origin === "int") {
        // The API names the parameter's type, not the value's: temperature -1 is a "decimal" (recorded 400, test/conformance).
        const kind = isIntegerField(schema, body, issue.path) ? "integer" : "decimal";
        return new InvalidRequestError(
          `Invalid '${param}': ${kind} ${below ? "below minimum" : "above maximum"} value. Expected a value ${below ? ">=" : "<="} ${String(bound)}, but got ${String(value)} instead.`,
          { param },
        );
      }
      if (issue.origin === "array") {
        const length = Array.isArray(value) ? value.length : 0;
        return new InvalidRequestError(
          `Invalid '${param}': array too ${below ? "short" : "long"}. Expected an array with ${below ? "minimum" : "maximum"} length ${String(bound)}, but got an array with length ${length} instead.`,
          { param },
        );
      }
      if (issue.origin === "string") {
        const length = typeof value === "string" ? value.length : 0;
        return new InvalidRequestError(
          `Invalid '${param}': string too ${below ? "short" : "long"}. Expected a string with ${below ? "minimum" : "maximum"} length ${String(bound)}, but got ${length === 0 ? "an empty string" : `a string with length ${length}`} instead.`,
          { param },
        );
      }
      return new InvalidRequestError(`Invalid '${param}': ${issue.message}.`, { param });
    }
    default:
      return new InvalidRequestError(`Invalid '${param}': ${issue.message}.`, { param });
  }
}

/** Number formatting as the API prints values in messages (0.01, 1, 0.5). */
function show(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : String(value);
}

/** Applies the model's parameter rules (capabilities.ts) to a schema-valid body. */
function checkModelRules(kind: RequestKind, body: Record<string, unknown>, model: string): void {
  const rules = parameterRulesFor(model);
  if (!rules) return;
  const effort = (kind === "chat" ? body.reasoning_effort : kind === "responses" && isPlainObject(body.reasoning) ? body.reasoning.effort : undefined) ?? rules.defaultReasoningEffort;
  const allowedNow = effort === "none" ? new Set(rules.allowedWithReasoningNone) : new Set<string>();
  if (effort !== undefined && effort !== null && rules.reasoningEfforts && !rules.reasoningEfforts.includes(String(effort))) {
    const param = kind === "chat" ? "reasoning_effort" : "reasoning.effort";
    throw new InvalidRequestError(`Unsupported value: '${String(effort)}' is not supported with the '${model}' model. Supported values are: ${listValues(rules.reasoningEfforts)}.`, {
      param,
      details: { code: "unsupported_value", model },
    });
  }
  for (const [param, replacement] of Object.entries(rules.unsupported[kind] ?? {})) {
    if (body[param] === undefined || body[param] === null || allowedNow.has(param)) continue;
    if (Array.isArray(body[param]) && (body[param] as unknown[]).length === 0) continue;
    if (param === "logprobs" && body[param] === false) continue;
    const use = replacement ? ` Use '${replacement}' instead.` : "";
    throw new InvalidRequestError(`Unsupported parameter: '${param}' is not supported with this model.${use}`, { param, details: { code: "unsupported_parameter", model } });
  }
  if (kind === "chat" || kind === "responses") {
    for (const [param, defaultValue] of Object.entries(rules.defaultOnly)) {
      const value = body[param];
      if (value === undefined || value === null || value === defaultValue || allowedNow.has(param)) continue;
      throw new InvalidRequestError(`Unsupported value: '${param}' does not support ${show(value)} with this model. Only the default (${defaultValue}) value is supported.`, {
        param,
        details: { code: "unsupported_value", model },
      });
    }
  }
  if (kind === "chat" && rules.rejectedRoles.length > 0 && Array.isArray(body.messages)) {
    body.messages.forEach((message: unknown, i: number) => {
      const role = isPlainObject(message) ? message.role : undefined;
      if (typeof role === "string" && rules.rejectedRoles.includes(role)) {
        throw new InvalidRequestError(`Unsupported value: 'messages[${i}].role' does not support '${role}' with this model.`, {
          param: `messages[${i}].role`,
          details: { code: "unsupported_value", model },
        });
      }
    });
  }
}

/**
 * The per-model rules of the media endpoints (media-rules.ts), in the API's words: dall-e-3
 * makes one image per request, each image model offers its own sizes, variations are dall-e-2's.
 * Only what the API is known to refuse is refused.
 */
function checkMediaRules(kind: RequestKind, body: Record<string, unknown>, model: string | undefined): void {
  if (kind !== "images" && kind !== "image-edits" && kind !== "image-variations") return;
  if (model === undefined) return;
  if (kind === "image-variations" && !/^dall-e-2($|-)/i.test(model)) {
    // Variations are offered for dall-e-2 only (API reference, images/createVariation).
    throw new InvalidRequestError(`Invalid value: '${model}'. Supported values are: 'dall-e-2'.`, { param: "model", details: { code: "unsupported_value", model } });
  }
  const rules = imageModelRules(model);
  if (!rules) return;
  const n = typeof body.n === "number" ? body.n : 1;
  if (n > rules.maxImages) {
    // dall-e-3: one image per request (API reference: "For dall-e-3, only n=1 is supported").
    throw new InvalidRequestError(
      `Invalid 'n': integer above maximum value. Expected a value <= ${rules.maxImages}, but got ${n} instead. (${model} makes ${rules.maxImages === 1 ? "one image" : `at most ${rules.maxImages} images`} per request)`,
      { param: "n", details: { code: "invalid_value", model } },
    );
  }
  const size = typeof body.size === "string" ? body.size : undefined;
  if (size !== undefined && rules.sizes && !rules.sizes.includes(size)) {
    // "The size is not supported by this model." (code invalid_size: redevrx/chat_gpt_sdk#93, dall-e-3 with 256x256).
    throw new InvalidRequestError(`The size is not supported by this model. (${model} offers ${rules.sizes.join(", ")})`, { param: "size", details: { code: "invalid_size", model } });
  }
  const quality = typeof body.quality === "string" ? body.quality : undefined;
  if (quality !== undefined && rules.qualities && !rules.qualities.includes(quality)) {
    throw new InvalidRequestError(`Invalid value: '${quality}'. Supported values are: ${listValues(rules.qualities)}.`, { param: "quality", details: { code: "invalid_value", model } });
  }
  if (typeof body.prompt === "string" && rules.maxPromptChars !== undefined && body.prompt.length > rules.maxPromptChars) {
    throw new InvalidRequestError(`Invalid 'prompt': string too long. Expected a string with maximum length ${rules.maxPromptChars}, but got a string with length ${body.prompt.length} instead.`, {
      param: "prompt",
      details: { model },
    });
  }
}

/**
 * Parses `value` with `schema`, throwing the first problem as an {@link InvalidRequestError} in
 * the API's wording (used for request bodies and for fine-tuning examples).
 */
export function parseWithSchema<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw toRequestError(result.error.issues, value, schema);
  return result.data;
}

/**
 * Validates a request body as the API would: endpoint recognised from its shape (or
 * `options.kind`), unknown parameters rejected with a suggestion, types and ranges checked with
 * the failing field's path, and the model's parameter rules applied (reasoning models reject
 * `max_tokens` and non-default sampling parameters).
 *
 * @example
 * validateRequest({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_token: 5 });
 * // throws InvalidRequestError: Unrecognized request argument supplied: max_token (did you mean max_tokens?)
 * @throws InvalidRequestError with `param` set to the field path (`messages[2].content`).
 */
export function validateRequest(body: unknown, options: ValidateOptions = {}): ValidatedRequest {
  if (!isPlainObject(body)) throw new InvalidRequestError(`Invalid request body: expected a JSON object, but got ${describeType(body)} instead.`, { param: null });
  const input = options.model !== undefined && (body.model === undefined || typeof body.model === "string") ? { ...body, model: options.model } : body;
  const kind = options.kind ?? detectRequestKind(input);
  if (!kind) {
    throw new InvalidRequestError(
      "Cannot tell which endpoint this request is for: expected 'messages' (chat completions), 'prompt' (completions, images), 'input' (responses, embeddings, moderations, speech with 'voice') or 'file' (transcriptions).",
      { param: null },
    );
  }
  const schema = SCHEMAS[kind];
  const result = schema.safeParse(input);
  if (!result.success) throw toRequestError(result.error.issues, input, schema);
  const model = (result.data as { model?: string | null }).model ?? undefined;
  if (MEDIA_KINDS.has(kind)) checkMediaRules(kind, input, model ?? DEFAULT_MODELS[kind]);
  else if (model !== undefined) checkModelRules(kind, input, model);
  checkApiRules(kind, input, model);
  const notices = unknownFieldNotices(schema, input, options.strict === true);
  return { kind, body: result.data, notices } as ValidatedRequest;
}

/**
 * Nested fields no schema declares: notices, or under `strict` the API's "Unknown parameter"
 * error for the first one. Top-level unknowns never get here: the root schemas refuse them.
 */
export function unknownFieldNotices(schema: z.ZodType, body: unknown, strict: boolean): RequestNotice[] {
  const unknown = findUnknownFields(schema, body);
  if (unknown.length > 0 && strict) {
    const { path, key } = unknown[0];
    const param = formatParam([...path, key]);
    const suggestion = closestMatches(key, knownKeys(schema, body, path), 1)[0];
    throw new InvalidRequestError(`Unknown parameter: '${param}'.${suggestion ? ` (did you mean ${suggestion}?)` : ""} (refused because strict mode is on; the API may accept or ignore it)`, {
      param,
      suggestion,
    });
  }
  return unknown.map(({ path, key }) => {
    const param = formatParam([...path, key]);
    return { code: "UNKNOWN_FIELD", param, text: `'${param}' is not a documented field: accepted and not counted (the API ignores fields it does not use); --strict refuses it` };
  });
}
