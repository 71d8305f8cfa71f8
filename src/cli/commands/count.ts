/** `tokcost count <files...>`: tokens per file and a total, like `wc`. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
// Narrow imports, not the barrels: this is the command whose start-up time is measured.
import { createProgressReporter } from "../../node/progress.js";
import { measureInputs } from "../../node/measure.js";
import { resolveModel } from "../../estimate/model.js";
import { getEncoding } from "../../tokenizer/registry.js";
import { collectList, parsePositive } from "../options.js";
import { formatInt } from "../../util/format.js";
import { inputsFrom, printWarnings } from "../shared.js";
import { EXIT } from "../render-error.js";
import { escapeControl } from "../../util/text.js";
import { UsageError } from "../../errors.js";

interface CountFlags {
  model?: string[];
  encoding?: string;
  json?: boolean;
  allowSpecial?: boolean;
  jobs?: number;
}

export function registerCount(program: Command, context: CommandContext): void {
  program
    .command("count")
    .description("count tokens per file and in total, like wc (default encoding: o200k_base)")
    .argument("[files...]", "files; - or nothing for stdin")
    .option("-m, --model <id>", "count with this model's encoding", collectList)
    .option("--encoding <name>", "count with this encoding (gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base, o200k_harmony)")
    .option("--json", "JSON output: { model?, encoding, exact, files: [{ path, tokens, bytes }], total: { tokens, bytes } }")
    .option("--allow-special", "encode special-token text such as <|endoftext|> as special tokens")
    .option("-j, --jobs <n>", "threads to count on (default: number of cores)", parsePositive("--jobs"))
    .action(async (files: string[], flags: CountFlags) => {
      if (flags.model && flags.model.length > 1) throw new UsageError("count takes one model (-m gpt-4o); to compare models use tokcost estimate");
      // One tokenizer per run: an encoding is exact by definition; a model's count is exact only when
      // the encoding is that model's own tokenizer (not for another vendor's model).
      const model = flags.model?.[0];
      const resolved = model ? resolveModel(model, { encoding: flags.encoding }) : undefined;
      const encoding = resolved?.encoding ?? (flags.encoding ? getEncoding(flags.encoding).name : "o200k_base");
      const exact = resolved?.exact ?? true;
      const inputs = await inputsFrom(files);
      const progress = createProgressReporter(); // stderr, only on a TTY and not under CI
      const measured = await measureInputs(inputs, [encoding], { jobs: flags.jobs, allowedSpecial: flags.allowSpecial ? "all" : undefined, onProgress: progress.onProgress }).finally(progress.done);
      const ok = measured.filter((m) => !m.error);
      const total = { tokens: ok.reduce((s, m) => s + m.tokens[encoding], 0), bytes: ok.reduce((s, m) => s + m.bytes, 0) };
      if (flags.json) {
        const out = {
          ...(model ? { model } : {}),
          encoding,
          exact,
          files: ok.map((m) => ({ path: m.path, tokens: m.tokens[encoding], bytes: m.bytes })),
          total,
          ...(measured.length > ok.length ? { errors: measured.filter((m) => m.error).map((m) => ({ path: m.path, code: m.error!.code, message: m.error!.message })) } : {}),
        };
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      } else {
        const approx = exact ? "" : "≈";
        const rows = ok.map((m) => [approx + formatInt(m.tokens[encoding]), formatInt(m.bytes), escapeControl(m.path)]);
        if (ok.length > 1) rows.push([approx + formatInt(total.tokens), formatInt(total.bytes), "total"]);
        const width0 = Math.max(...rows.map((r) => r[0].length), 6);
        const width1 = Math.max(...rows.map((r) => r[1].length), 5);
        if (rows.length) process.stdout.write(`${"tokens".padStart(width0)}  ${"bytes".padStart(width1)}  file (${approx}${encoding})\n`);
        for (const row of rows) process.stdout.write(`${row[0].padStart(width0)}  ${row[1].padStart(width1)}  ${row[2]}\n`);
        printWarnings([...(resolved?.approximation ? [resolved.approximation] : []), ...measured.flatMap((m) => m.warnings)]);
      }
      for (const m of measured) if (m.error) process.stderr.write(`tokcost: ${escapeControl(m.error.message)}\n`);
      if (ok.length < measured.length) context.setExitCode(EXIT.usage);
    });
}
