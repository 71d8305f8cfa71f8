/** The JSON Schema of the gate configuration, generated from the zod schema (so the two cannot drift). */
import { z } from "zod";
import { gateConfigSchema } from "./config.js";

/** Where the published schema lives (for `$schema` in a config). */
export const CONFIG_SCHEMA_URL = "https://unpkg.com/tokcost/schema/tokcost.config.schema.json";

/**
 * The JSON Schema (draft 2020-12) of tokcost.config.json, describing what a person may write
 * ("8k", "$0.05", "10%") rather than the parsed numbers. Editors use it for completion.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(gateConfigSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...schema, $id: CONFIG_SCHEMA_URL };
}
