/** `tokcost check`: the CI budget gate. Parses flags, calls the gate library, renders the report. */
import { appendFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { CHECK_FORMATS, loadConfig, renderCheckMarkdown, renderCheckReport, runCheck, type CheckFormat } from "../../gate/index.js";
import { parseChoice, parseCount, parsePositive } from "../options.js";
import { isLimitProblem } from "../../gate/report.js";
import { staleNoticeFor, type PricingProvenance } from "../../pricing/cost.js";
import { staleWarningWanted } from "../shared.js";
import { tableWidth, useColor } from "../format.js";
import { terminalSafe } from "../../util/text.js";

interface CheckFlags {
  config?: string;
  format?: CheckFormat;
  baseline?: string;
  updateBaseline?: boolean;
  cache?: boolean | string;
  strict?: boolean;
  jobs?: number;
  all?: boolean;
  pricing?: string;
  maxPriceAge?: number;
  allowUnpriced?: boolean;
  staleWarning?: boolean;
  wide?: boolean;
}

export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command("check")
    .description("CI budget gate: check prompt files against the token, dollar and growth limits in tokcost.config.json")
    .option("-c, --config <file>", 'config file (default: tokcost.config.json, .tokcostrc.json or package.json "tokcost", from here up to the repo root)')
    .option("-f, --format <format>", `${CHECK_FORMATS.join(", ")} (default: table; without colour when not a terminal)`, parseChoice("--format", CHECK_FORMATS))
    .option("--baseline <file>", "compare with the counts stored in this file (default: the config's baseline.file)")
    .option("--update-baseline", "write this run's counts to the baseline file instead of comparing")
    .option("--cache [file]", "skip re-tokenizing unchanged files (content-hash cache; default file node_modules/.cache/tokcost/check-cache.json)")
    .option("--strict", "what may be wrong is an error, as in estimate --strict: a glob that matches no files, and request fields the API does not document")
    .option("-j, --jobs <n>", "threads to count on (default: number of cores)", parsePositive("--jobs"))
    .option("--all", "list passing files too, however many there are")
    .option("--wide", "show every table column (by default the table narrows to the terminal's width)")
    .option("--pricing <file>", "pricing file that overrides or extends the bundled table (also TOKCOST_PRICING)")
    .option("--max-price-age <days>", "fail (exit 1) when the prices used are older than this many days (config: maxPriceAgeDays)", parseCount("--max-price-age"))
    .option("--allow-unpriced", "count rule models the pricing table does not list (tokens only) instead of failing the rule")
    .option("--no-stale-warning", "do not warn when the prices used are more than 90 days old (also TOKCOST_NO_STALE_WARNING=1)")
    .addHelpText(
      "after",
      "\nExit codes: 0 all limits hold, 1 a limit was exceeded, 2 a configuration or input error.\nWith --format github, a Markdown summary is also appended to $GITHUB_STEP_SUMMARY when it is set.\nExamples:\n  tokcost check\n  tokcost check --format github --cache\n  tokcost check --update-baseline\n  tokcost check --format junit > tokcost-junit.xml",
    )
    .action(async (flags: CheckFlags) => {
      const cwd = process.cwd();
      const loaded = await loadConfig(cwd, { configPath: flags.config });
      const pricingFiles = [process.env.TOKCOST_PRICING, loaded.config.pricing ? path.resolve(loaded.root, loaded.config.pricing) : undefined, flags.pricing];
      const { loadPricingTable } = await import("../../node/pricing-file.js");
      const table = await loadPricingTable(pricingFiles);
      const calibrationFile = process.env.TOKCOST_CALIBRATION?.trim();
      const calibration = calibrationFile && !loaded.config.calibration ? await (await import("../../node/calibration-file.js")).readCalibration(calibrationFile) : undefined;
      const report = await runCheck(loaded, {
        calibration,
        // flags name files relative to where the user is; the config's own paths are relative to it
        baseline: flags.baseline !== undefined ? path.resolve(cwd, flags.baseline) : undefined,
        updateBaseline: flags.updateBaseline,
        cache: typeof flags.cache === "string" ? path.resolve(cwd, flags.cache) : flags.cache,
        strict: flags.strict,
        jobs: flags.jobs,
        table,
        maxPriceAgeDays: flags.maxPriceAge,
        allowUnpriced: flags.allowUnpriced,
      });
      const format: CheckFormat = flags.format ?? "table";
      const rendered = renderCheckReport(report, format, { color: format === "table" && useColor(process.stdout), all: flags.all, width: tableWidth(flags.wide) });
      // JSON and JUnit XML are exact (XML drops what it cannot carry); text for people is escaped
      process.stdout.write((format === "json" || format === "junit" ? rendered : terminalSafe(rendered)) + "\n");
      const summaryFile = process.env.GITHUB_STEP_SUMMARY;
      if (format === "github" && summaryFile) {
        await appendFile(summaryFile, renderCheckMarkdown(report) + "\n").catch((error: NodeJS.ErrnoException) => {
          process.stderr.write(`tokcost: warning: could not append to GITHUB_STEP_SUMMARY (${error.code ?? error.message})\n`);
        });
      }
      // Old prices: one notice on stderr (never in the report's data formats), unless a
      // maxPriceAgeDays problem already says so or it is hidden.
      if (report.pricing && !report.problems.some(isLimitProblem) && staleWarningWanted(flags.staleWarning)) {
        const notice = staleNoticeFor({ asOf: report.pricing.asOf, sources: report.pricing.sources as PricingProvenance["sources"] });
        if (notice) process.stderr.write(`tokcost: warning: ${terminalSafe(notice)}\n`);
      }
      context.setExitCode(report.exitCode);
    });
}
