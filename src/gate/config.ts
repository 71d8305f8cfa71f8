/**
 * The gate's configuration: a zod schema (the single source of truth — the published JSON Schema
 * is generated from it), and the loader that finds and validates tokcost.config.json,
 * .tokcostrc.json or the "tokcost" key of package.json.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ConfigError, isTokcostError } from "../errors.js";
import { readTextIfExists } from "../node/io.js";
import { describeIssue } from "../pricing/parse.js";
import { closestMatches } from "../util/suggest.js";
import { parseGrowth, parseTokenCount, parseUsd, type Growth } from "./human.js";
import { parseJsonText } from "../util/json.js";

const COUNT_HELP = 'expected a token count such as 8000 or "8k"';
const USD_HELP = 'expected a USD amount such as 0.05 or "$0.05"';
const GROWTH_HELP = 'expected a percentage such as "10%" or a token count such as 500 or "2k"';

/** A token count written for people: 8000, "8k", "1.5M", "8,000". */
const tokenCount = z
  .union([z.number().int({ error: COUNT_HELP }).nonnegative({ error: COUNT_HELP }), z.string().regex(/^\s*[0-9][0-9_,]*(?:\.[0-9]+)?\s*[kKmM]?\s*$/, { error: COUNT_HELP })], { error: COUNT_HELP })
  .transform((value, ctx) => {
    const parsed = parseTokenCount(value);
    if (parsed === undefined || !Number.isSafeInteger(parsed) || parsed < 0) {
      ctx.addIssue({ code: "custom", message: `${COUNT_HELP} (a non-negative whole number), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ description: 'Tokens: a whole number, or a string such as "8k", "1.5M", "8,000".' });

/** A USD amount: 0.05 or "$0.05". */
const usd = z
  .union([z.number().nonnegative({ error: USD_HELP }), z.string().regex(/^\s*\$?\s*(?:[0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?:USD)?\s*$/i, { error: USD_HELP })], { error: USD_HELP })
  .transform((value, ctx) => {
    const parsed = parseUsd(value);
    if (parsed === undefined || parsed < 0) {
      ctx.addIssue({ code: "custom", message: `${USD_HELP} (not negative), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ description: 'US dollars: a number such as 0.05, or a string such as "$0.05".' });

const growth = z
  .union([z.number(), z.string().regex(/^\s*(?:[0-9]+(?:\.[0-9]+)?\s*%|[0-9][0-9_,]*(?:\.[0-9]+)?\s*[kKmM]?)\s*$/, { error: GROWTH_HELP })], { error: GROWTH_HELP })
  .transform((value, ctx): Growth => {
    const parsed = parseGrowth(value);
    if (!parsed) {
      ctx.addIssue({ code: "custom", message: `${GROWTH_HELP}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ description: 'How much a file may grow over its baseline: a percentage ("10%") or tokens (500, "2k").' });

/** File kinds the gate understands. */
export const FILE_KINDS = ["text", "chat", "request"] as const;
/** How a file is read: plain prompt text, chat messages (JSON), or API request bodies (JSON / JSONL). */
export type FileKind = (typeof FILE_KINDS)[number];

const nonEmpty = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} must not be empty` });

const limitsSchema = z
  .strictObject({
    maxPromptTokens: tokenCount.optional().meta({ description: "Per file: the prompt may use at most this many tokens." }),
    maxCostUsd: usd.optional().meta({ description: "Per file: worst-case cost of one call (prompt + maxTokens completion tokens) in USD." }),
    mustFit: z.boolean().default(true).meta({ description: "Per file: prompt + maxTokens must fit the model's context window (default true)." }),
    totalCostUsd: usd.optional().meta({ description: "Per rule: the worst-case cost of all its files together, in USD." }),
  })
  .meta({ description: "Limits checked for each file the rule matches (and totalCostUsd for the rule as a whole)." });

const ruleSchema = z
  .strictObject({
    name: nonEmpty("name").optional().meta({ description: "Name shown in reports (default: its globs)." }),
    files: z
      .union([nonEmpty("a glob"), z.array(nonEmpty("a glob")).min(1, { error: "list at least one glob" })])
      .transform((value) => (typeof value === "string" ? [value] : value))
      .meta({ description: 'Globs relative to the config file: "prompts/**/*.txt", "*.{md,txt}", "[ab].json"; a leading "!" excludes.' }),
    model: nonEmpty("model").optional().meta({ description: "Model for this rule (default: the top-level model)." }),
    encoding: nonEmpty("encoding").optional().meta({ description: "Count with this encoding (for a model the pricing table does not know)." }),
    maxTokens: tokenCount.optional().meta({ description: "Completion budget (max_tokens) of one call; priced and checked against the window." }),
    kind: z.enum(FILE_KINDS).optional().meta({ description: "How files are read (default by extension: .json/.jsonl → request, anything else → text)." }),
    limits: limitsSchema.default({ mustFit: true }),
  })
  .meta({ description: "A set of files and the limits they must stay within." });

const baselineSchema = z
  .strictObject({
    file: nonEmpty("baseline.file").default("tokcost-baseline.json").meta({ description: "Stored per-file counts, relative to the config file (default tokcost-baseline.json)." }),
    maxGrowth: growth.optional().meta({ description: 'Fail when a file grows more than this over the baseline: "10%" or a token count.' }),
  })
  .meta({ description: "Compare counts against a stored baseline (write it with --update-baseline)." });

/** The zod schema of the gate configuration (the JSON Schema in schema/ is generated from it). */
export const gateConfigSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "Path or URL of the JSON Schema, for editors." }),
    model: nonEmpty("model").optional().meta({ description: 'Default model for every rule, e.g. "gpt-4o".' }),
    encoding: nonEmpty("encoding").optional().meta({ description: "Default encoding override for every rule." }),
    maxTokens: tokenCount.optional().meta({ description: "Default completion budget (max_tokens) for every rule." }),
    pricing: nonEmpty("pricing").optional().meta({ description: "A pricing file (relative to the config) that overrides or extends the bundled table." }),
    calibration: nonEmpty("calibration")
      .optional()
      .meta({ description: "A calibration file written by `tokcost calibrate` (relative to the config): chat and request files of its model are counted with its measured framing constants." }),
    azureDeployments: z
      .record(nonEmpty("a deployment name"), nonEmpty("the model a deployment serves"))
      .optional()
      .meta({ description: 'Azure OpenAI deployments and the OpenAI model each serves, e.g. { "prod-4o": "gpt-4o" }: rules use "model": "azure/prod-4o" (like --azure-model on estimate).' }),
    maxPriceAgeDays: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: "Fail the check (exit 1) when the prices it used are older than this many days; refresh them with `tokcost pricing update`." }),
    rules: z.array(ruleSchema).min(1, { error: "list at least one rule" }).meta({ description: "What to check." }),
    baseline: baselineSchema.optional(),
  })
  .meta({ title: "tokcost configuration", description: "Configuration of `tokcost check`, the CI budget gate." });

/** The configuration as written (limits may be "8k" strings). */
export type GateConfigInput = z.input<typeof gateConfigSchema>;
/** The validated configuration (every limit is a number). */
export type GateConfig = z.output<typeof gateConfigSchema>;
/** One validated rule. */
export type GateRule = GateConfig["rules"][number];

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  config: GateConfig;
  /** Absolute path of the file it was read from. */
  file: string;
  /** Directory globs, the baseline and the pricing file are relative to (the config file's directory). */
  root: string;
}

/**
 * Validates a parsed configuration. `origin` names it in errors.
 * @throws ConfigError naming the origin and the field path ("tokcost.config.json: rules[0].limits.maxPromptTokens: …").
 */
export function parseConfig(data: unknown, origin = "config"): GateConfig {
  const result = gateConfigSchema.safeParse(data);
  if (result.success) return result.data;
  // an unknown key usually explains a "required" one next to it (a typo): report it first
  const issue = result.error.issues.find((i) => i.code === "unrecognized_keys") ?? result.error.issues[0];
  const described = describeIssue(issue);
  const where = described.where;
  let message = described.message;
  if (issue.code === "unrecognized_keys") {
    // name the unknown key itself: "rules[0].limit" reads better than "rules[0]: Unrecognized key"
    const key = issue.keys[0];
    const known = knownKeysAt(issue.path);
    const suggestions = closestMatches(key, known, 1);
    message = `unknown field${issue.keys.length > 1 ? `s ${issue.keys.map((k) => `"${k}"`).join(", ")}` : ""}${suggestions.length ? ` (did you mean "${suggestions[0]}"?)` : known.length ? `; known fields: ${known.join(", ")}` : ""}`;
  } else if (issue.path.length === 0 && issue.code === "invalid_type") {
    message = 'expected a JSON object with "rules"';
  }
  throw new ConfigError(`${origin}: ${where}: ${message}`, { origin, path: where });
}

/** The fields allowed at a path of the config, for "did you mean" hints. */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  const named = path.filter((key) => typeof key === "string");
  const last = named[named.length - 1];
  if (last === undefined) return Object.keys(gateConfigSchema.shape);
  if (last === "rules") return Object.keys(ruleSchema.shape);
  if (last === "limits") return Object.keys(limitsSchema.shape);
  if (last === "baseline") return Object.keys(baselineSchema.shape);
  return [];
}

/** The config files looked for, in order, in each directory from the working directory up. */
export const CONFIG_FILES = ["tokcost.config.json", ".tokcostrc.json", "package.json"] as const;

async function readJson(file: string, label: string): Promise<unknown | undefined> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(file, label);
  } catch (cause) {
    throw isTokcostError(cause) ? new ConfigError(cause.message) : cause;
  }
  if (text === undefined) return undefined;
  try {
    return parseJsonText(text);
  } catch (cause) {
    throw new ConfigError(`${label}: not valid JSON (${(cause as Error).message})`);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Finds and validates the configuration: `configPath` when given, otherwise the first of
 * tokcost.config.json, .tokcostrc.json, or a "tokcost" key in package.json, looking in `cwd` and
 * then its parents up to the repository root (the directory holding `.git`).
 * @throws ConfigError when there is none, it is not JSON, or it does not match the schema.
 */
export async function loadConfig(cwd: string, options: { configPath?: string } = {}): Promise<LoadedConfig> {
  if (options.configPath) {
    const file = path.resolve(cwd, options.configPath);
    const label = path.relative(cwd, file) || file;
    const data = await readJson(file, label);
    if (data === undefined) throw new ConfigError(`${label}: no such config file`);
    const body = path.basename(file) === "package.json" ? (data as Record<string, unknown>)?.tokcost : data;
    if (body === undefined) throw new ConfigError(`${label}: has no "tokcost" key`);
    return { config: parseConfig(body, path.basename(file) === "package.json" ? `${label} "tokcost"` : label), file, root: path.dirname(file) };
  }
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const file = path.join(dir, name);
      const label = path.relative(cwd, file) || name;
      const data = await readJson(file, label);
      if (data === undefined) continue;
      if (name === "package.json") {
        if (typeof data !== "object" || data === null || !("tokcost" in data)) continue;
        return { config: parseConfig((data as Record<string, unknown>).tokcost, `${label} "tokcost"`), file, root: dir };
      }
      return { config: parseConfig(data, label), file, root: dir };
    }
    const parent = path.dirname(dir);
    if (parent === dir || (await exists(path.join(dir, ".git")))) break;
    dir = parent;
  }
  throw new ConfigError(
    `no tokcost config found in ${cwd} or its parents (looked for tokcost.config.json, .tokcostrc.json, a "tokcost" key in package.json); create one (see docs/ci.md) or pass --config <file>`,
  );
}
