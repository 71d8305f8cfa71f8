/**
 * Walking a request schema alongside a value: which object schema applies at a path (for
 * "did you mean …?" suggestions) and which nested fields the schema does not declare.
 *
 * Three kinds of object schema carry three policies (see docs/requests.md, "What is refused"):
 * - `z.strictObject` (request roots): the API refuses unknown top-level parameters, so zod does.
 * - `z.object` (nested shapes): the API accepts or ignores fields it does not document in many
 *   places (an echoed assistant message's `annotations`, a streamed tool call's `index`), so an
 *   unknown field passes; {@link findUnknownFields} lists it so the caller can warn, or refuse
 *   under `strict`.
 * - `z.looseObject` (open shapes such as built-in tools): any field is expected, none reported.
 */
import type { z } from "zod";
import { isPlainObject } from "./shape.js";

interface SchemaDef {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
  element?: unknown;
  shape?: Record<string, unknown>;
  catchall?: unknown;
  discriminator?: string;
  values?: unknown[];
  getter?: () => unknown;
}
type Node = { def?: SchemaDef } | undefined;

/** Schemas that choose their shape by `type` at parse time, with their chooser. */
export const TYPE_DISPATCH = new WeakMap<object, (type: unknown) => z.ZodType>();

/** Strips optional / nullable / default / pipe / lazy wrappers. */
function unwrap(schema: unknown): Node {
  let cur = schema as Node;
  for (let i = 0; i < 16 && cur?.def; i++) {
    const t = cur.def.type;
    if (t === "optional" || t === "nullable" || t === "default" || t === "prefault" || t === "readonly" || t === "catch") cur = cur.def.innerType as Node;
    else if (t === "pipe") cur = cur.def.in as Node;
    else if (t === "lazy" && cur.def.getter) cur = cur.def.getter() as Node;
    else break;
  }
  return cur;
}

/** The branch of a union (or type-dispatched schema) that `value` selects. */
function pickBranch(schema: unknown, value: unknown): Node {
  const dispatch = typeof schema === "object" && schema !== null ? TYPE_DISPATCH.get(schema) : undefined;
  if (dispatch) return unwrap(dispatch(isPlainObject(value) ? value.type : undefined));
  const cur = unwrap(schema);
  if (cur?.def?.type !== "union") return cur;
  const options = cur.def.options ?? [];
  // Cheap choices first (this runs for every message of a request): the discriminator's value,
  // then the one option of the value's JSON type; trial parses only when several remain.
  const discriminator = cur.def.discriminator;
  if (discriminator !== undefined && isPlainObject(value)) {
    const chosen = options.map(unwrap).find((o) => (unwrap(o?.def?.shape?.[discriminator])?.def?.values ?? []).includes(value[discriminator]));
    if (chosen) return chosen;
  }
  const jsonType = value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value;
  const sameType = options.map(unwrap).filter((o) => {
    const t = o?.def?.type;
    return t === jsonType || (jsonType === "number" && (t === "int" || t === "bigint")) || (t === "literal" && (o?.def?.values ?? []).includes(value)) || (t === "enum" && typeof value === "string");
  });
  if (sameType.length === 1) return sameType[0];
  for (const option of options) {
    const o = unwrap(option);
    if ((o as unknown as z.ZodType).safeParse(value).success) return o;
  }
  // No branch fits as a whole: an array value takes the array branch, an object the object
  // branch whose literal fields (type, role) match.
  if (Array.isArray(value)) for (const option of options) if (unwrap(option)?.def?.type === "array") return unwrap(option);
  for (const option of options) {
    const o = unwrap(option);
    if (o?.def?.type !== "object" || !isPlainObject(value)) continue;
    const literalsMatch = Object.entries(o.def.shape ?? {}).every(([k, f]) => {
      const field = unwrap(f);
      return field?.def?.type !== "literal" || (field.def.values ?? []).includes(value[k]);
    });
    if (literalsMatch) return o;
  }
  return cur;
}

/** The schema that applies at `path` in `body` (following the branches the value selects), if any. */
function schemaAt(schema: z.ZodType, body: unknown, path: ReadonlyArray<PropertyKey>): Node {
  let node = pickBranch(schema, body);
  let value: unknown = body;
  for (const key of path) {
    const cur = unwrap(node);
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
    if (cur?.def?.type === "object" && typeof key === "string") node = pickBranch(cur.def.shape?.[key], value);
    else if (cur?.def?.type === "array" && typeof key === "number") node = pickBranch(cur.def.element, value);
    else return undefined;
  }
  return unwrap(node);
}

/** Known field names of the object schema at `path` in `body` (for suggestions). */
export function knownKeys(schema: z.ZodType, body: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  const node = schemaAt(schema, body, path);
  return node?.def?.type === "object" ? Object.keys(node.def.shape ?? {}) : [];
}

/** Is the field at `path` an integer parameter? (The API says "integer" for those, "decimal" for other numbers.) */
export function isIntegerField(schema: z.ZodType, body: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  const node = schemaAt(schema, body, path) as { def?: { checks?: Array<{ _zod?: { def?: { format?: string } } }> } } | undefined;
  return node?.def?.checks?.some((c) => c._zod?.def?.format === "safeint") ?? false;
}

/** A field present in a value that its (nested, non-open) object schema does not declare. */
export interface UnknownField {
  /** Path of the object holding the field. */
  path: PropertyKey[];
  key: string;
}

/**
 * Fields of `value` that the schema's nested `z.object` shapes do not declare, in document
 * order. Call it on a value the schema accepted: it follows the branches that value selects.
 */
export function findUnknownFields(schema: z.ZodType, value: unknown, limit = 100): UnknownField[] {
  const found: UnknownField[] = [];
  const visit = (node: unknown, v: unknown, path: PropertyKey[]): void => {
    if (found.length >= limit) return;
    const cur = pickBranch(node, v);
    const def = cur?.def;
    if (!def) return;
    if (def.type === "object" && isPlainObject(v)) {
      const shape = def.shape ?? {};
      // catchall: undefined for z.object (report), z.unknown() for looseObject (open), z.never() for strictObject (zod refuses).
      const reports = def.catchall === undefined;
      for (const [key, child] of Object.entries(v)) {
        if (Object.prototype.hasOwnProperty.call(shape, key)) visit(shape[key], child, [...path, key]);
        else if (reports) found.push({ path, key });
      }
    } else if (def.type === "array" && Array.isArray(v)) {
      v.forEach((item, i) => visit(def.element, item, [...path, i]));
    }
  };
  visit(schema, value, []);
  return found;
}
