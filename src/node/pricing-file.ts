/** Loading user pricing files (`--pricing <file>`, `TOKCOST_PRICING`) from disk. */
import { PricingError, isTokcostError } from "../errors.js";
import { readText, readTextIfExists } from "./io.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import type { PricingFile } from "../pricing/schema.js";
import { parseJsonText } from "../util/json.js";

/** Reads and validates a pricing file. @throws PricingError naming the file and the field path. */
export async function readPricingFile(path: string): Promise<PricingFile> {
  let text: string;
  try {
    text = await readText(path, `pricing file ${path}`);
  } catch (cause) {
    throw isTokcostError(cause) ? new PricingError(cause.message) : cause;
  }
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (cause) {
    throw new PricingError(`pricing file ${path}: not valid JSON (${(cause as Error).message.split("\n")[0]})`);
  }
  // zod is loaded only when there is a file to validate (it is a large part of start-up time).
  const { parsePricingFile } = await import("../pricing/parse.js");
  return parsePricingFile(data, `pricing file ${path}`);
}

/**
 * The prices in use where `path` may hold a pricing file (what `tokcost pricing update` compares
 * with before replacing it): the bundled table, with the file layered on top when it exists.
 * @throws PricingError when the file exists and is not a valid pricing file.
 */
export async function pricingTableWithFileIfExists(path: string): Promise<PricingTable> {
  const bundled = bundledPricingTable();
  return (await readTextIfExists(path, `pricing file ${path}`)) === undefined ? bundled : bundled.extend(await readPricingFile(path));
}

/**
 * The bundled table with user pricing files layered on top, in order (later files win).
 * `paths` usually comes from `--pricing` and the `TOKCOST_PRICING` environment variable.
 */
export async function loadPricingTable(paths: readonly (string | undefined)[]): Promise<PricingTable> {
  let table = bundledPricingTable();
  for (const path of paths) if (path) table = table.extend(await readPricingFile(path));
  return table;
}
