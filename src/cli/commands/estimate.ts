/** `tokcost estimate <files...>`: tokens, context-window fit and worst-case cost per model. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { estimateFiles, exitCodeOfResult, type EstimateFilesOptions } from "../../node/estimate-files.js";
import { estimateFilesJson } from "../../node/estimate-json.js";
import { collectList, parseChoice, parseCount, parseImageSize, parsePositive } from "../options.js";
import { painter, tableWidth, useColor } from "../format.js";
import { failureLine, pricingFrom, printWarnings, provenanceOf } from "../shared.js";
import { UsageError } from "../../errors.js";
import { escapeControl, terminalSafe } from "../../util/text.js";
import { errorLines, renderEstimateData, renderEstimateTables } from "./estimate-render.js";
import { addUnitOptions, billingFrom, printStaleNotice, runUnitEstimate, type UnitFlags } from "./estimate-units.js";

const FORMATS = ["table", "json", "markdown", "csv", "tsv"] as const;
type Format = (typeof FORMATS)[number];

interface EstimateFlags extends UnitFlags {
  model?: string[];
  maxTokens?: number;
  encoding?: string;
  pricing?: string;
  format: Format;
  json?: boolean;
  allowSpecial?: boolean;
  jobs?: number;
  chat?: boolean;
  imageSize?: { width: number; height: number };
  epochs?: number;
  strict?: boolean;
  remoteCount?: boolean;
  remoteTimeout?: number;
  calibration?: string;
  text?: string;
  azureModel?: string;
  wide?: boolean;
  allowUnpriced?: boolean;
}

export function registerEstimate(program: Command, context: CommandContext): void {
  const command = program
    .command("estimate")
    .description("tokens, context-window fit and cost of prompt files (or stdin) for one or more models")
    .argument("[files...]", "prompt files; - or nothing for stdin")
    .option("-m, --model <id>", "model id; repeat or comma-separate to compare (default: a few popular models)", collectList)
    .option("--max-tokens <n>", "completion budget (max_tokens) to check and price", parseCount("--max-tokens"))
    .option("--encoding <name>", "count with this encoding (for a model not in the table)")
    .option("--pricing <file>", "pricing file that overrides or extends the bundled table (also TOKCOST_PRICING)")
    .option("--format <format>", "table, json, markdown, csv or tsv (csv and tsv: one header for every kind of file, in command-line order)", parseChoice("--format", FORMATS), "table")
    .option("--json", "same as --format json")
    .option("--text <text>", "estimate this text instead of files")
    .option("--wide", "show every table column (by default tables narrow to the terminal's width)")
    .option("--allow-special", "encode special-token text such as <|endoftext|> as special tokens")
    .option("-j, --jobs <n>", "threads to count on (default: number of cores)", parsePositive("--jobs"))
    .option("--chat", "treat each plain text file as one user message of a chat request")
    .option("--image-size <WxH>", "size of remote images in requests (otherwise counted at their worst case, inexact)", parseImageSize)
    .option("--strict", "refuse request fields the API does not document (default: accept them with a warning)")
    .option("--epochs <n>", "epochs for a fine-tuning file (default: OpenAI's default for its size)", parsePositive("--epochs"))
    .option("--remote-count", "also ask the vendor's token-counting endpoint (OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY); on failure the local estimate stands")
    .option("--remote-timeout <ms>", "timeout of a vendor count in ms (default 30000)", parsePositive("--remote-timeout"))
    .option("--calibration <file>", "framing constants measured by tokcost calibrate (also TOKCOST_CALIBRATION)")
    .option("--allow-unpriced", "count models the pricing table does not list (tokens only: no price, no limits) instead of failing")
    .option("--azure-model <model>", "the OpenAI model an Azure deployment serves: -m azure/<deployment> --azure-model gpt-4o")
    .addHelpText(
      "after",
      '\nExit codes: 0 fits, 1 a request does not fit, 2 bad usage or input.\nExamples:\n  tokcost estimate prompt.txt -m gpt-4o --max-tokens 1000\n  tokcost estimate --text "Summarise this in one line" -m gpt-4o-mini\n  tokcost estimate prompts/*.md -m gpt-4o,gpt-4.1-mini --format markdown\n  tokcost estimate prompt.txt -m gpt-5 --tier batch --cache-hit 80% --reasoning-tokens 4000\n  tokcost estimate --model dall-e-3 --images 4 --size 1024x1792 --quality hd\n  tokcost estimate speech.txt -m tts-1        (characters)\n  tokcost estimate talk.mp3 -m whisper-1      (minutes from the file\'s headers)',
    );
  addUnitOptions(command).action(async (files: string[], flags: EstimateFlags) => {
    const format: Format = flags.json ? "json" : flags.format;
    let table = await pricingFrom(flags.pricing);
    if (flags.azureModel !== undefined) {
      const deployments = (flags.model ?? []).filter((id) => id.startsWith("azure/"));
      if (!deployments.length)
        throw new UsageError(`--azure-model names the model an Azure deployment serves: use it with -m azure/<deployment> (e.g. -m azure/prod-4o --azure-model ${flags.azureModel})`);
      const target = table.match(flags.azureModel);
      if (!target || target.entry.provider !== "openai") throw new UsageError(`--azure-model expects an OpenAI model id the table knows (e.g. gpt-4o), got "${flags.azureModel}"`);
      for (const id of deployments) table = table.withAzureDeployment(id, flags.azureModel);
    }
    // Image, speech and per-minute transcription models are priced in their own units.
    if (await runUnitEstimate(files, flags, table, format, context)) return;
    const billing = billingFrom(flags);
    const { calibration, remote } = await countingFrom(flags);
    const { results, notes } = await estimateFiles(files, {
      text: flags.text,
      models: flags.model,
      maxTokens: flags.maxTokens ?? null,
      encoding: flags.encoding,
      table,
      jobs: flags.jobs,
      allowedSpecial: flags.allowSpecial ? "all" : undefined,
      billing,
      allowUnpriced: flags.allowUnpriced,
      chat: flags.chat,
      imageSize: flags.imageSize,
      epochs: flags.epochs,
      strict: flags.strict,
      calibration,
      remote,
      minutes: flags.minutes,
    });
    const json = estimateFilesJson(results);
    const usedModels = json.estimates.map((e) => (e as { model?: string | null }).model);
    if (format === "json") {
      process.stdout.write(JSON.stringify({ estimates: json.estimates, pricing: provenanceOf(table, usedModels), ...(json.errors ? { errors: json.errors } : {}) }, null, 2) + "\n");
    } else {
      if (format === "csv" || format === "tsv") {
        // CSV and TSV are data, like JSON: one table, one header, every kind of input
        if (results.some((r) => r.kind !== "failure")) process.stdout.write(renderEstimateData(results, format) + "\n");
      } else {
        // tables and Markdown are for people (control characters escaped)
        for (const block of renderEstimateTables(results, format, useColor(process.stdout), tableWidth(flags.wide))) process.stdout.write(terminalSafe(block) + "\n");
      }
      printWarnings([...results.flatMap((r) => r.warnings), ...notes], useColor(process.stderr) ? painter(true).yellow : undefined);
      if (results.some((r) => r.kind !== "failure")) printStaleNotice(table, usedModels, flags.staleWarning);
    }
    for (const result of results) {
      for (const line of errorLines(result)) process.stderr.write(`tokcost: ${escapeControl(line)}\n`);
      if (result.kind === "failure") process.stderr.write(`tokcost: ${escapeControl(failureLine(result, "estimate"))}\n`);
      context.setExitCode(exitCodeOfResult(result));
    }
  });
}

/**
 * --calibration (or TOKCOST_CALIBRATION) and --remote-count as library options: the calibration
 * file read and validated, the count endpoints' keys and base URLs from the environment.
 */
async function countingFrom(flags: EstimateFlags): Promise<Pick<EstimateFilesOptions, "calibration" | "remote">> {
  const file = flags.calibration ?? (process.env.TOKCOST_CALIBRATION?.trim() || undefined);
  if (!file && !flags.remoteCount) return {};
  const { readCalibration, remoteCountEnv } = await import("../../node/calibration-file.js");
  return {
    calibration: file ? await readCalibration(file) : undefined,
    remote: flags.remoteCount ? { ...remoteCountEnv(), ...(flags.remoteTimeout !== undefined ? { timeoutMs: flags.remoteTimeout } : {}) } : undefined,
  };
}
