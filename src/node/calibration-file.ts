/**
 * Node-only pieces of vendor counts and calibration: reading a calibration file
 * (`--calibration`, `TOKCOST_CALIBRATION`, the gate's `calibration` key) and the environment's
 * keys and base URLs for the count endpoints (the core reads no environment).
 */
import { readFile, writeFile } from "node:fs/promises";
import { ConfigError } from "../errors.js";
import type { Calibration } from "../request/calibration.js";
import type { CountProvider, RemoteCountOptions } from "../request/remote-count.js";
import { parseJsonText } from "../util/json.js";

/**
 * Reads and validates a calibration file (written by `tokcost calibrate`).
 * @throws ConfigError naming the file and the field ("calibration file cal.json: constants.tokensPerMessage: …").
 */
export async function readCalibration(path: string): Promise<Calibration> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(code === "ENOENT" ? `calibration file ${path}: no such file (write one with tokcost calibrate -m <model> -o ${path})` : `calibration file ${path}: cannot read (${code ?? String(cause)})`);
  }
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (cause) {
    throw new ConfigError(`calibration file ${path}: not valid JSON (${(cause as Error).message})`);
  }
  // zod (with the request schemas' module) is loaded only when there is a file to validate.
  const [{ calibrationSchema }, { formatIssuePath }] = await Promise.all([import("../request/calibration.js"), import("../pricing/parse.js")]);
  const result = calibrationSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue.path.length ? formatIssuePath(issue.path) : "";
  const where = issue.code === "unrecognized_keys" ? [at, issue.keys[0]].filter(Boolean).join(".") : at || "(top level)";
  const message = issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
  throw new ConfigError(`calibration file ${path}: ${where}: ${message}`.replace(/\s*[\r\n]+\s*/g, " "), { path: where });
}

/** Writes a calibration file (pretty JSON, trailing newline). */
export async function writeCalibration(path: string, calibration: Calibration): Promise<void> {
  await writeFile(path, JSON.stringify(calibration, null, 2) + "\n");
}

const KEY_ENV: Record<CountProvider, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY", google: "GEMINI_API_KEY" };
const BASE_ENV: Record<CountProvider, string> = { openai: "OPENAI_BASE_URL", anthropic: "ANTHROPIC_BASE_URL", google: "GEMINI_BASE_URL" };

/**
 * Keys and base URLs for the count endpoints from the environment: OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, GEMINI_API_KEY and OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL.
 */
export function remoteCountEnv(env: Record<string, string | undefined> = process.env): Pick<RemoteCountOptions, "apiKeys" | "baseURLs"> {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const apiKeys: Partial<Record<CountProvider, string>> = {};
  const baseURLs: Partial<Record<CountProvider, string>> = {};
  for (const provider of Object.keys(KEY_ENV) as CountProvider[]) {
    const key = value(KEY_ENV[provider]);
    if (key) apiKeys[provider] = key;
    const base = value(BASE_ENV[provider]);
    if (base) baseURLs[provider] = base;
  }
  return { apiKeys, baseURLs };
}
