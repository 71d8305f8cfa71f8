/**
 * One Batch API input line (`{ custom_id, method, url, body }`), read by one rule wherever batch
 * files are read — `tokcost estimate`, `estimateBatchFile` and `tokcost check`: the line's schema,
 * a `custom_id` unique in its file, and an endpoint tokcost estimates.
 */
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { RequestKind } from "./capabilities.js";
import { ENDPOINT_URLS, kindOfUrl } from "./shape.js";
import { parseWithSchema } from "./validate.js";

/** The Batch API input line's schema. */
export const batchLineSchema = z.strictObject({
  custom_id: z.string().min(1),
  method: z.literal("POST"),
  url: z.string().min(1),
  body: z.record(z.string(), z.unknown()),
});

/** A batch line that passed {@link readBatchLine}. */
export interface BatchLine {
  customId: string;
  url: string;
  kind: RequestKind;
  body: Record<string, unknown>;
}

/**
 * Validates one parsed batch line; `seenIds` holds the file's custom_ids so far (the line's is added).
 * @throws InvalidRequestError naming the field, in the API's words where it has them.
 */
export function readBatchLine(value: unknown, seenIds: Set<string>): BatchLine {
  const entry = parseWithSchema(batchLineSchema, value);
  if (seenIds.has(entry.custom_id)) throw new InvalidRequestError(`duplicate custom_id '${entry.custom_id}': each line needs a unique custom_id`, { param: "custom_id" });
  seenIds.add(entry.custom_id);
  const kind = kindOfUrl(entry.url);
  if (!kind) throw new InvalidRequestError(`url '${entry.url}' is not an endpoint tokcost estimates (${Object.values(ENDPOINT_URLS).join(", ")})`, { param: "url" });
  return { customId: entry.custom_id, url: entry.url, kind, body: entry.body };
}
