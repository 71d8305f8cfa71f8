/** `tokcost calibrate`: measures a model's framing constants against the vendor's count endpoint and writes a calibration file. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { parseChoice, parsePositive } from "../options.js";
import { printWarnings } from "../shared.js";
import { InputError } from "../../errors.js";

interface CalibrateFlags {
  model: string;
  output?: string;
  provider?: "openai";
  baseUrl?: string;
  timeout?: number;
  encoding?: string;
}

const PROVIDERS = ["openai"] as const;

export function registerCalibrate(program: Command, context: CommandContext): void {
  program
    .command("calibrate")
    .description("measure a model's chat framing constants with the vendor's token-counting endpoint (needs OPENAI_API_KEY; nothing is generated or billed)")
    .requiredOption("-m, --model <id>", "model to calibrate")
    .option("-o, --output <file>", "write the calibration file here (default: print it)")
    .option("--provider <name>", "count endpoint: openai (the only vendor whose tokenizer tokcost has)", parseChoice("--provider", PROVIDERS))
    .option("--base-url <url>", "base URL of the API (default: OPENAI_BASE_URL or https://api.openai.com/v1)")
    .option("--timeout <ms>", "timeout per probe in ms (default 30000)", parsePositive("--timeout"))
    .option("--encoding <name>", "count the probes' texts with this encoding (for a model the table does not know)")
    .addHelpText(
      "after",
      '\nUse the file with: tokcost estimate --calibration <file>, TOKCOST_CALIBRATION=<file>, or "calibration" in tokcost.config.json.\nExit codes: 0 written, 2 bad usage or the endpoint failed.\nExamples:\n  tokcost calibrate -m gpt-4.1 -o calibration.json\n  tokcost estimate request.json --calibration calibration.json',
    )
    .action(async (flags: CalibrateFlags) => {
      const [{ calibrate }, { remoteCountEnv, writeCalibration }, { framingFor }] = await Promise.all([
        import("../../request/calibrate.js"),
        import("../../node/calibration-file.js"),
        import("../../request/framing.js"),
      ]);
      const env = remoteCountEnv();
      const result = await calibrate(flags.model, {
        ...env,
        provider: flags.provider,
        ...(flags.baseUrl !== undefined ? { baseURL: flags.baseUrl } : {}),
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
        ...(flags.encoding !== undefined ? { encoding: flags.encoding } : {}),
      });
      const { calibration } = result;
      if (calibration.features.length === 0) throw new InputError(`calibrate ${flags.model}: no constant could be confirmed (${result.notes.join("; ")}); nothing written`);
      const rule = framingFor(flags.model);
      const ruleValue: Record<string, number> = {
        tokensPerMessage: rule.tokensPerMessage,
        tokensPerName: rule.tokensPerName,
        replyPriming: rule.replyPriming,
        assistantMessage: rule.assistantMessage,
        definitionsOverhead: rule.definitionsOverhead,
        systemWithDefinitions: rule.systemWithDefinitions,
        functionMessage: rule.functionMessage,
        functionCall: rule.functionCall,
        toolChoiceNone: rule.choice.tools.none,
        toolChoiceRequired: rule.choice.tools.required,
        toolChoiceNamed: rule.choice.tools.named,
      };
      const summary = [
        `${flags.model}: ${result.probes} probes against ${calibration.endpoint}`,
        ...Object.entries(calibration.constants).map(
          ([name, value]) => `  ${name} ${value}${ruleValue[name] !== undefined && ruleValue[name] !== value ? ` (tokcost's rule: ${ruleValue[name]})` : ""}`,
        ),
        `  confirmed: ${calibration.features.join(", ")}`,
      ].join("\n");
      if (flags.output) {
        await writeCalibration(flags.output, calibration);
        process.stdout.write(`${summary}\nwrote ${flags.output}\n`);
      } else {
        process.stdout.write(JSON.stringify(calibration, null, 2) + "\n");
        process.stderr.write(summary + "\n");
      }
      printWarnings(result.notes);
      context.setExitCode(0);
    });
}
