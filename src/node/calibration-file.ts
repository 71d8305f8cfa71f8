/**
 * Node-only pieces of vendor counts and calibration: reading a calibration file
 * (`--calibration`, `TOKCOST_CALIBRATION`, the gate's `calibration` key) and the environment's
 * keys and base URLs for the count endpoints (the core reads no environment).
 */
import { ConfigError, isTokcostError } from "../errors.js";
import { atomicWrite, readJson } from "./io.js";
import type { Calibration } from "../request/calibration.js";
import type { CountProvider, RemoteCountOptions } from "../request/remote-count.js";

/**
 * Reads and validates a calibration file (written by `tokcost calibrate`).
 * @throws ConfigError naming the file and the field ("calibration file cal.json: constants.tokensPerMessage: …").
 */
export async function readCalibration(path: string): Promise<Calibration> {
  const label = `calibration file ${path}`;
  let data: unknown;
  try {
    data = await readJson(path, label);
  } catch (error) {
    if (isTokcostError(error) && error.code === "FILE_NOT_FOUND") throw new ConfigError(`${label}: no such file (write one with tokcost calibrate -m <model> -o ${path})`);
    throw error;
  }
  // zod (with the request schemas' module) is loaded only when there is a file to validate.
  const [{ calibrationSchema }, { describeIssue }] = await Promise.all([import("../request/calibration.js"), import("../pricing/parse.js")]);
  const result = calibrationSchema.safeParse(data);
  if (result.success) return result.data;
  const { where, message } = describeIssue(result.error.issues[0]);
  throw new ConfigError(`${label}: ${where}: ${message}`, { path: where });
}

/** Writes a calibration file (pretty JSON, trailing newline). */
export async function writeCalibration(path: string, calibration: Calibration): Promise<void> {
  await atomicWrite(path, JSON.stringify(calibration, null, 2) + "\n", { label: `calibration file ${path}` });
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
