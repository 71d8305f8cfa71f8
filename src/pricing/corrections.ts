/**
 * Corrections to an upstream price list (data/corrections.json): a field of one entry replaced by
 * the vendor's published number, with that number's own source and date. Applied after the
 * LiteLLM conversion by the generator (the bundled table) and by `tokcost pricing import/update`,
 * so a known upstream error is fixed in one place. A correction names the value it corrects
 * (`from`); once upstream no longer has that value (fixed, or changed again), the correction is
 * reported as no longer applying and left out. Pure (no I/O).
 */
import { z } from "zod";
import correctionsData from "../../data/corrections.json" with { type: "json" };
import { PricingError } from "../errors.js";
import { formatIssuePath } from "./parse.js";
import { isoDate, jsonValueSchema, sourceSchema, type JsonValue, type PricingFile } from "./schema.js";

/** A corrected value: a number, string, flag, list or object (long-context levels), or null (the field is removed: unknown). */
const value = jsonValueSchema;

/** A JSON value a correction can name. */
export type CorrectionValue = JsonValue;

/**
 * Fields a correction may change, each with the shape its value must have. Anything else is
 * refused when the corrections file is read, so a typo never silently adds an unknown field.
 */
const CORRECTABLE: { field: RegExp; check: (v: CorrectionValue) => boolean; expected: string }[] = [
  {
    field:
      /^pricing\.(?:(?:batch|flex|priority)?(?:[Ii]nput|[Oo]utput|[Cc]achedInput|[Cc]acheWriteInput)|reasoningOutput|imageInput|imageOutput|audioInput|audioOutput|characterInput|audioInputPerMinute|audioOutputPerMinute|perQuery|training)$/,
    check: (v) => v === null || (typeof v === "number" && v >= 0),
    expected: "a price (a non-negative number) or null",
  },
  { field: /^(?:contextWindow|maxInputTokens|maxOutputTokens)$/, check: (v) => v === null || (typeof v === "number" && Number.isInteger(v) && v > 0), expected: "a whole number of tokens or null" },
  { field: /^(?:batch|reasoning)$/, check: (v) => v === null || typeof v === "boolean", expected: "true, false or null" },
  {
    field: /^pricing\.longContext$/,
    check: (v) => v === null || (Array.isArray(v) && v.every((l) => !!l && typeof l === "object" && !Array.isArray(l) && typeof (l as Record<string, unknown>).aboveInputTokens === "number")),
    expected: "a list of levels, each with aboveInputTokens",
  },
  {
    field: /^pricing\.webSearch$/,
    check: (v) => v === null || (!!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "number" && x >= 0)),
    expected: "USD per call by search context size ({ low, medium, high })",
  },
];

/** The rule for a correctable field, or undefined. */
function correctable(field: string) {
  return CORRECTABLE.find((c) => c.field.test(field));
}

/** A correction or rule may change only the fields {@link correctable} knows, to a value of that field's shape. */
function checkCorrectable(c: { field: string; to: JsonValue }, ctx: z.RefinementCtx): void {
  const rule = correctable(c.field);
  if (!rule)
    ctx.addIssue({
      code: "custom",
      path: ["field"],
      message: `"${c.field}" is not a field a correction can change (prices under pricing.*, contextWindow, maxInputTokens, maxOutputTokens, batch, reasoning, pricing.longContext, pricing.webSearch)`,
    });
  else if (!rule.check(c.to)) ctx.addIssue({ code: "custom", path: ["to"], message: `${c.field} must be ${rule.expected}` });
}

/** One correction: `field` of the entry `id` (id or alias) becomes `to` (`null`: unknown, the field is removed). */
export const correctionSchema = z
  .object({
    id: z.string().min(1),
    /** tokcost provider name of the entry (guards against an id another provider also uses). */
    provider: z.string().min(1).optional(),
    /** Dotted path inside the entry: `pricing.input`, `contextWindow`, `maxOutputTokens`. */
    field: z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, "expected a dotted field path such as pricing.input"),
    /** The upstream value being corrected; the correction applies only while upstream still has it. */
    from: value.optional(),
    to: value,
    /** Why: what the vendor publishes and what went wrong upstream. */
    reason: z.string().min(1),
    source: sourceSchema,
    asOf: isoDate,
  })
  .superRefine(checkCorrectable);

/**
 * A vendor-wide rule: `field` becomes `to` on every entry of `provider` (in `modes`, not retired)
 * that has no value for it upstream. For facts a vendor publishes once for all its models
 * (Anthropic: every active model takes the Message Batches API at 50%).
 */
export const correctionRuleSchema = z
  .object({
    provider: z.string().min(1),
    /** Model modes the rule covers (`chat`, `embedding`, ...). */
    modes: z.array(z.string().min(1)).min(1),
    field: z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, "expected a dotted field path such as batch"),
    to: value,
    reason: z.string().min(1),
    source: sourceSchema,
    asOf: isoDate,
  })
  .superRefine(checkCorrectable);

/** data/corrections.json, or a file given with `--corrections`. */
export const correctionsFileSchema = z.object({
  version: z.literal(1),
  source: z.string().optional(),
  corrections: z.array(correctionSchema),
  rules: z.array(correctionRuleSchema).default([]),
});

/** One correction to an upstream price or limit, with its source (see {@link correctionSchema}). */
export type Correction = z.infer<typeof correctionSchema>;
/** A vendor-wide rule (see {@link correctionRuleSchema}). */
export type CorrectionRule = z.infer<typeof correctionRuleSchema>;
/** The corrections file (`data/corrections.json`): corrections and vendor-wide rules. */
export type CorrectionsFile = z.infer<typeof correctionsFileSchema>;

/** A correction as recorded on the entry it changed (`entry.corrections`). */
export interface AppliedCorrection {
  field: string;
  /** The upstream value (absent: upstream had none). */
  from?: CorrectionValue;
  to: CorrectionValue;
  reason: string;
  source: Correction["source"];
  asOf: string;
}

/** What {@link applyCorrections} did. */
export interface CorrectionsResult {
  file: PricingFile;
  applied: { id: string; field: string; from?: unknown; to: unknown }[];
  /** Corrections whose entry is in the file but whose `from` no longer matches upstream. */
  outdated: { id: string; field: string; expected: unknown; found: unknown }[];
  /** Corrections for entries the file does not have (other providers, filtered out). */
  notInFile: number;
}

/** Validates a parsed corrections file. @throws PricingError naming the field path. */
export function parseCorrectionsFile(data: unknown, origin = "corrections file"): CorrectionsFile {
  const result = correctionsFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PricingError(`${origin}: ${formatIssuePath(issue.path)}: ${issue.message}`, { origin });
  }
  return result.data;
}

let bundled: CorrectionsFile | undefined;

/** tokcost's own corrections (data/corrections.json). */
export function bundledCorrections(): CorrectionsFile {
  return (bundled ??= parseCorrectionsFile(correctionsData, "data/corrections.json"));
}

/** Deep equality of JSON values (object key order ignored). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== "object" || typeof b !== "object" || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!cur || typeof cur !== "object" || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string[], to: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(cur, key) ? cur[key] : undefined;
    const copy = next && typeof next === "object" ? { ...(next as Record<string, unknown>) } : {};
    cur[key] = copy;
    cur = copy;
  }
  const last = path[path.length - 1];
  if (to === null) delete cur[last];
  else cur[last] = to;
}

/**
 * Applies `corrections` to a pricing file (a copy; the input is not changed). Each corrected entry
 * lists its corrections in `corrections`, so the override and its source travel with the data.
 */
export function applyCorrections(file: PricingFile, correctionsOrFile: readonly Correction[] | Pick<CorrectionsFile, "corrections" | "rules">): CorrectionsResult {
  const corrections = "corrections" in correctionsOrFile ? correctionsOrFile.corrections : (correctionsOrFile as readonly Correction[]);
  const rules = "corrections" in correctionsOrFile ? (correctionsOrFile.rules ?? []) : [];
  const result: CorrectionsResult = { file, applied: [], outdated: [], notInFile: 0 };
  const models = file.models.map((m) => ({ ...m }));
  const index = new Map<string, (typeof models)[number]>();
  for (const m of models) for (const name of [m.id, ...(m.aliases ?? [])]) if (!index.has(name)) index.set(name, m);
  for (const c of corrections) {
    const entry = index.get(c.id);
    if (!entry || (c.provider && entry.provider !== c.provider)) {
      result.notInFile++;
      continue;
    }
    const path = c.field.split(".");
    const found = getPath(entry as Record<string, unknown>, path);
    if (c.from !== undefined && !sameValue(found, c.from ?? undefined)) {
      result.outdated.push({ id: entry.id, field: c.field, expected: c.from, found: found ?? null });
      continue;
    }
    setPath(entry as Record<string, unknown>, path, c.to);
    const note: AppliedCorrection = { field: c.field, ...(found === undefined ? {} : { from: found as CorrectionValue }), to: c.to, reason: c.reason, source: c.source, asOf: c.asOf };
    (entry as { corrections?: AppliedCorrection[] }).corrections = [...((entry as { corrections?: AppliedCorrection[] }).corrections ?? []), note];
    result.applied.push({ id: entry.id, field: c.field, from: found, to: c.to });
  }
  for (const rule of rules) {
    const path = rule.field.split(".");
    for (const entry of models) {
      if (entry.provider !== rule.provider || !rule.modes.includes(entry.mode) || entry.status.state === "retired") continue;
      if (getPath(entry as Record<string, unknown>, path) !== undefined) continue;
      setPath(entry as Record<string, unknown>, path, rule.to);
      const note: AppliedCorrection = { field: rule.field, to: rule.to, reason: rule.reason, source: rule.source, asOf: rule.asOf };
      (entry as { corrections?: AppliedCorrection[] }).corrections = [...((entry as { corrections?: AppliedCorrection[] }).corrections ?? []), note];
      result.applied.push({ id: entry.id, field: rule.field, to: rule.to });
    }
  }
  result.file = { ...file, models };
  return result;
}

/** One line per outdated correction, for generator and import output. */
export function outdatedCorrectionNotice(o: CorrectionsResult["outdated"][number]): string {
  return `correction for ${o.id} ${o.field} no longer applies: upstream now has ${JSON.stringify(o.found)}, not ${JSON.stringify(o.expected)}; check the vendor's price and update data/corrections.json`;
}
