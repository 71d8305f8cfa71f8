/** `tokcost estimate <files...>`: tokens, context-window fit and worst-case cost per model. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { estimateInputs, type FileEstimate, type ModelFailure } from "../../node/estimate-files.js";
import { detectRequestFile } from "../../node/request-file-kind.js";
import { estimateJson, unknownModelJson } from "../../estimate/json.js";
import { roomAdvice } from "../../estimate/limits.js";
import type { PricingTable } from "../../pricing/table.js";
import { collectList, parseChoice, parseCount, parseImageSize, parsePositive } from "../options.js";
import { formatInt, formatUsd, painter, renderCsv, renderMarkdown, renderTable, useColor } from "../format.js";
import { inputsFrom, pricingFrom, printWarnings, provenanceOf, readsStdin } from "../shared.js";
import { EXIT } from "../render-error.js";
import { UsageError } from "../../errors.js";
import { escapeControl, terminalSafe } from "../../util/text.js";
import type { RequestFileResult, RequestFlags } from "./estimate-requests.js";
import { addUnitOptions, billingFrom, printStaleNotice, runUnitEstimate, type UnitFlags } from "./estimate-units.js";

const FORMATS = ["table", "json", "markdown", "csv"] as const;
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
    .option("--format <format>", "table, json, markdown or csv", parseChoice("--format", FORMATS), "table")
    .option("--json", "same as --format json")
    .option("--text <text>", "estimate this text instead of files")
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
    .addHelpText("after", "\nExit codes: 0 fits, 1 a request does not fit, 2 bad usage or input.\nExamples:\n  tokcost estimate prompt.txt -m gpt-4o --max-tokens 1000\n  tokcost estimate --text \"Summarise this in one line\" -m gpt-4o-mini\n  tokcost estimate prompts/*.md -m gpt-4o,gpt-4.1-mini --format markdown\n  tokcost estimate prompt.txt -m gpt-5 --tier batch --cache-hit 80% --reasoning-tokens 4000\n  tokcost estimate --model dall-e-3 --images 4 --size 1024x1792 --quality hd\n  tokcost estimate speech.txt -m tts-1        (characters)\n  tokcost estimate talk.mp3 -m whisper-1      (minutes from the file's headers)");
  addUnitOptions(command)
    .action(async (files: string[], flags: EstimateFlags) => {
      const format: Format = flags.json ? "json" : flags.format;
      let table = await pricingFrom(flags.pricing);
      if (flags.azureModel !== undefined) {
        const deployments = (flags.model ?? []).filter((id) => id.startsWith("azure/"));
        if (!deployments.length) throw new UsageError(`--azure-model names the model an Azure deployment serves: use it with -m azure/<deployment> (e.g. -m azure/prod-4o --azure-model ${flags.azureModel})`);
        const target = table.match(flags.azureModel);
        if (!target || target.entry.provider !== "openai") throw new UsageError(`--azure-model expects an OpenAI model id the table knows (e.g. gpt-4o), got "${flags.azureModel}"`);
        for (const id of deployments) table = table.withAzureDeployment(id, flags.azureModel);
      }
      // Image, speech and per-minute transcription models are priced in their own units.
      if (await runUnitEstimate(files, flags, table, format, context)) return;
      const billing = billingFrom(flags);
      const { calibration, remote } = await countingFrom(flags);
      // Request bodies, batch and fine-tuning files (and --chat text) are estimated as requests.
      const { calibration: _file, ...requestFlags } = flags;
      if (flags.text !== undefined && files.length) throw new UsageError("--text and files together: pass one or the other (or pipe the text on stdin)");
      const requests = flags.text !== undefined ? { results: [], remaining: [], handledAll: false, inputs: undefined } : await estimateRequests(files, { ...requestFlags, billing, calibration, remote }, table);
      const onlyRequests = requests.handledAll;
      const inputs = onlyRequests ? [] : (requests.inputs ?? (await inputsFrom(requests.remaining, flags.text)));
      const { estimates, failures, modelFailures } = onlyRequests ? { estimates: [], failures: [], modelFailures: [] as ModelFailure[] } : await estimateInputs(inputs, {
        models: flags.model,
        maxTokens: flags.maxTokens ?? null,
        encoding: flags.encoding,
        table,
        jobs: flags.jobs,
        allowedSpecial: flags.allowSpecial ? "all" : undefined,
        billing,
        allowUnpriced: flags.allowUnpriced,
      });
      const color = useColor(process.stdout);
      const paint = painter(color);
      const jsonEstimates = [...requests.results.flatMap((r) => r.json), ...estimates.map((e) => estimateJson(e.path, e)), ...modelFailures.map((f) => unknownModelJson(f.path, f, flags.maxTokens ?? null))];
      const usedModels = jsonEstimates.map((e) => (e as { model?: string | null }).model);
      if (format === "json") {
        const out = {
          estimates: jsonEstimates,
          pricing: provenanceOf(table, usedModels),
          ...(failures.length || requests.results.some((r) => r.failure) ? { errors: [...requests.results.flatMap((r) => (r.failure ? [r.failure] : [])), ...failures.map(({ path, code, message }) => ({ path, code, message }))] } : {}),
        };
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      } else {
        // CSV is data, like JSON; tables and Markdown are for people (control characters escaped)
        const human = (text: string) => (format === "csv" ? text : terminalSafe(text));
        for (const r of requests.results) process.stdout.write(human(r.render(format, color)) + "\n");
        if (estimates.length || modelFailures.length) process.stdout.write(human(renderEstimates(estimates, format, color, modelFailures)) + "\n");
        if (format === "table") {
          for (const e of estimates) {
            if (e.fits !== false) continue;
            const advice = roomAdvice(e.room);
            for (const problem of e.problems) process.stdout.write(`${paint.red("✗")} ${escapeControl(e.path)} · ${escapeControl(e.model)}: ${terminalSafe(problem)}${advice ? ` (${advice})` : ""}\n`);
          }
          for (const f of modelFailures) process.stdout.write(`${paint.red("✗")} ${escapeControl(f.path)} · ${escapeControl(f.model)}: ${terminalSafe(f.message)}\n`);
        }
        const remoteNote = remote && estimates.length ? ["--remote-count applies to request bodies and --chat text: plain text files are counted locally"] : [];
        printWarnings([...requests.results.flatMap((r) => r.warnings), ...remoteNote, ...estimates.flatMap((e) => e.notices.filter((n) => !e.problems.includes(n.text)))], useColor(process.stderr) ? painter(true).yellow : undefined);
        if (estimates.length || requests.results.some((r) => !r.failure)) printStaleNotice(table, usedModels, flags.staleWarning);
      }
      for (const failure of failures) process.stderr.write(`tokcost: ${escapeControl(failure.message)}\n`);
      for (const r of requests.results) for (const line of r.errors) process.stderr.write(`tokcost: ${escapeControl(line)}\n`);
      for (const r of requests.results) if (r.exitCode) context.setExitCode(r.exitCode);
      if (failures.length || modelFailures.length) context.setExitCode(EXIT.usage);
      if (estimates.some((e) => e.fits === false)) context.setExitCode(EXIT.limit);
    });
}

/**
 * --calibration (or TOKCOST_CALIBRATION) and --remote-count as library options: the calibration
 * file read and validated, the count endpoints' keys and base URLs from the environment.
 */
async function countingFrom(flags: EstimateFlags): Promise<Pick<RequestFlags, "calibration" | "remote">> {
  const file = flags.calibration ?? (process.env.TOKCOST_CALIBRATION?.trim() || undefined);
  if (!file && !flags.remoteCount) return {};
  const { readCalibration, remoteCountEnv } = await import("../../node/calibration-file.js");
  return {
    calibration: file ? await readCalibration(file) : undefined,
    remote: flags.remoteCount ? { ...remoteCountEnv(), ...(flags.remoteTimeout !== undefined ? { timeoutMs: flags.remoteTimeout } : {}) } : undefined,
  };
}

/**
 * Request bodies, batch and fine-tuning files, --chat text, and piped stdin (which may be a
 * request body) go to the request estimator, which is loaded only when there is such an input:
 * plain text estimates never pay for the request schemas (start-up time).
 */
async function estimateRequests(
  files: string[],
  flags: Omit<EstimateFlags, "calibration"> & RequestFlags,
  table: PricingTable,
): Promise<{ results: RequestFileResult[]; remaining: string[]; handledAll: boolean; inputs?: Awaited<ReturnType<typeof inputsFrom>> }> {
  const kinds = await Promise.all(files.map((file) => (file === "-" ? "text" : detectRequestFile(file).catch(() => "text"))));
  if (!flags.chat && !readsStdin(files) && kinds.every((kind) => kind === "text")) return { results: [], remaining: files, handledAll: false };
  const { estimateRequestFiles } = await import("./estimate-requests.js");
  return estimateRequestFiles(files, flags, table);
}

/** The Max tokens cell: the budget set, or "≤N" for the worst case priced when none is set. */
function maxTokensCell(e: FileEstimate): string {
  if (e.maxTokens !== null || e.completionBasis !== "model_max_output" || e.completionTokens === null) return formatInt(e.maxTokens);
  return `≤${formatInt(e.completionTokens)}`;
}

function renderEstimates(estimates: FileEstimate[], format: Exclude<Format, "json">, color: boolean, modelFailures: ModelFailure[] = []): string {
  const paint = painter(color);
  const head = ["File", "Model", "Tokens", "Max tokens", "Context", "Fits", "Room", "Prompt", "Completion", "Total"];
  const numeric = [false, false, true, true, true, false, true, true, true, true];
  if (format === "csv") {
    return renderCsv(
      ["path", "model", "encoding", "exact", "prompt_tokens", "max_tokens", "context_window", "fits", "room", "cost_prompt_usd", "cost_completion_usd", "cost_total_usd"],
      [...estimates.map((e) => [e.path, e.model, e.encoding, e.exact, e.promptTokens, e.maxTokens, e.contextWindow, e.fits, e.room, e.cost.prompt, e.cost.completion, e.cost.total]), ...modelFailures.map((f) => [f.path, f.model, null, null, null, null, null, null, null, null, null, null])],
    );
  }
  const rows = estimates.map((e) => [
    escapeControl(e.path),
    escapeControl(e.model),
    `${e.exact ? "" : "≈"}${formatInt(e.promptTokens)}`,
    maxTokensCell(e),
    formatInt(e.contextWindow),
    e.fits === null ? "?" : e.fits ? paint.green("yes") : paint.red("no"),
    formatInt(e.room),
    formatUsd(e.cost.prompt),
    formatUsd(e.cost.completion),
    formatUsd(e.cost.total),
  ]);
  for (const f of modelFailures) rows.push([escapeControl(f.path), escapeControl(f.model), "—", "—", "—", paint.red("unknown model"), "—", "—", "—", "—"]);
  return format === "markdown" ? renderMarkdown(head, rows, numeric) : renderTable(head, rows, numeric, color);
}
