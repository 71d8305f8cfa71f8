/**
 * Validation of pricing files against the zod schema, kept apart from the table so that lookups
 * (and the CLI commands that only need them) do not load zod.
 */
import { pricingFileSchema, type PricingFile } from "./schema.js";
import { PricingError } from "../errors.js";

/** Formats a zod issue path as `models[3].pricing.input`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "(root)";
}

/**
 * A zod issue in words a person can act on, with the field it concerns: an unknown field named
 * as such, a missing one as "is required", an enum with its values (config and calibration files).
 */
export function describeIssue(issue: { code: string; path: PropertyKey[]; message: string; keys?: string[]; values?: unknown[] }): { where: string; message: string } {
  let where = formatIssuePath(issue.path);
  let message = issue.message;
  if (issue.code === "unrecognized_keys" && issue.keys?.length) {
    where = issue.path.length ? `${where}.${issue.keys[0]}` : issue.keys[0];
    message = "unknown field";
  } else if (issue.code === "invalid_type" && /received undefined/i.test(issue.message)) {
    message = "is required";
  } else if (issue.code === "invalid_value" && issue.values?.length) {
    message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { where, message: message.replace(/\s*[\r\n]+\s*/g, " ") };
}

/**
 * Validates a parsed pricing file. `origin` names it in errors ("pricing.json").
 * @throws PricingError naming the first failing field path.
 */
export function parsePricingFile(data: unknown, origin = "pricing file"): PricingFile {
  const result = pricingFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = formatIssuePath(issue.path);
    throw new PricingError(`${origin}: ${where}: ${issue.message}`, { origin, path: where });
  }
  return result.data;
}
