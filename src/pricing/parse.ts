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
