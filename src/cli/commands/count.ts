/** `tokcost count <files...>`: tokens per file and a total, like `wc`. */
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
// Narrow imports, not the barrels: this is the command whose start-up time is measured.
import { createProgressReporter } from "../../node/progress.js";
import { measureInputs, type BufferedInputSource } from "../../node/measure.js";
import { resolveModel } from "../../estimate/model.js";
import { getEncoding } from "../../tokenizer/registry.js";
import { collectList, parsePositive } from "../options.js";
import { formatInt } from "../../util/format.js";
import { failureLine, inputsFrom, printWarnings, renderTsv, OUTPUT_FORMATS, type OutputFormat } from "../shared.js";
import { parseChoice } from "../options.js";
import { abbreviate, renderCsv, tableWidth } from "../format.js";
import { readText } from "../../node/io.js";
import { EXIT } from "../render-error.js";
import { escapeControl } from "../../util/text.js";
import { UsageError } from "../../errors.js";

interface CountFlags {
  model?: string[];
  encoding?: string;
  json?: boolean;
  format?: OutputFormat;
  text?: string;
  tokens?: boolean;
  decode?: boolean;
  allowSpecial?: boolean;
  jobs?: number;
  chat?: boolean;
  wide?: boolean;
}

export function registerCount(program: Command, context: CommandContext): void {
  program
    .command("count")
    .description("count tokens per file and in total, like wc (default encoding: o200k_base)")
    .argument("[files...]", "files; - or nothing for stdin")
    .option("-m, --model <id>", "count with this model's encoding", collectList)
    .option("--encoding <name>", "count with this encoding (gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base, o200k_harmony)")
    .option("--format <format>", "table (default on a terminal), json, csv or tsv; piped, the default is plain lines: tokens and file, like wc", parseChoice("--format", OUTPUT_FORMATS))
    .option("--json", "same as --format json: { model?, encoding, exact, files: [{ path, tokens, bytes }], total: { tokens, bytes } }")
    .option("--text <text>", "count this text instead of files")
    .option("--tokens", "print the token ids (space-separated, one line per input) instead of counts")
    .option("--decode", "read token ids (separated by spaces, commas or line breaks) and print their text")
    .option("--chat", 'count each input as a chat request\'s prompt: a JSON array of messages, a body with "messages", or text as one user message (framing included; model default gpt-4o)')
    .option("--wide", "never abbreviate file names in the table (by default it narrows to the terminal's width)")
    .option("--allow-special", "encode special-token text such as <|endoftext|> as special tokens")
    .option("-j, --jobs <n>", "threads to count on (default: number of cores)", parsePositive("--jobs"))
    .addHelpText(
      "after",
      '\nOutput: on a terminal a table; piped, one line per file (tokens, then the file) and a total line\nwhen there are several, like wc (no header, no thousands separators).\nExit codes: 0 counted, 2 bad usage or an unreadable file.\nExamples:\n  tokcost count prompt.md notes.txt\n  tokcost count --text "Hello world"          # 2\n  cat prompt.md | tokcost count -m gpt-4o\n  tokcost count docs/*.md | sort -n | tail -3\n  tokcost count --tokens --text "Hello world"  # 13225 2375\n  echo 13225 2375 | tokcost count --decode      # Hello world\n  tokcost count src/*.ts --format csv > tokens.csv\n  tokcost count --chat -m gpt-4o history.json   # a conversation, framing included',
    )
    .action(async (files: string[], flags: CountFlags) => {
      if (flags.model && flags.model.length > 1) throw new UsageError("count takes one model (-m gpt-4o); to compare models use tokcost estimate");
      // One tokenizer per run: an encoding is exact by definition; a model's count is exact only when
      // the encoding is that model's own tokenizer (not for another vendor's model).
      const model = flags.model?.[0];
      // Counting needs only an encoding: an id tiktoken's rules know is counted even when the table does not price it.
      const resolved = model || flags.chat ? resolveModel(model ?? "gpt-4o", { encoding: flags.encoding, allowUnpriced: true }) : undefined;
      const encoding = resolved?.encoding ?? (flags.encoding ? getEncoding(flags.encoding).name : "o200k_base");
      // An approximate tokenizer, and an id the table does not list (a typo shows its suggestions here).
      const modelNotes = model && resolved ? resolved.notices.filter((n) => n.code === "APPROXIMATE_TOKENIZER" || n.code === "UNPRICED_MODEL") : [];
      let exact = resolved?.exact ?? true;
      if (flags.tokens && flags.decode) throw new UsageError("--tokens and --decode go one way each: pass one of them");
      if (flags.decode) return decodeIds(files, flags.text, encoding);
      if (flags.tokens) return printIds(await inputsFrom(files, flags.text), encoding, flags.allowSpecial);
      // stdin is counted as it arrives (a chat is a JSON body, read whole)
      const inputs = await inputsFrom(files, flags.text, { stream: !flags.chat });
      const format: OutputFormat | "plain" = flags.json ? "json" : (flags.format ?? (process.stdout.isTTY ? "table" : "plain"));
      if (flags.chat && (flags.tokens || flags.allowSpecial)) throw new UsageError("--chat counts whole requests: it does not combine with --tokens or --allow-special");
      let measured;
      if (flags.chat) {
        // a chat's prompt, as estimate counts it (loads the request schemas only here)
        const { countChatInputs } = await import("../../node/estimate-files.js");
        const counted = await countChatInputs(inputs as BufferedInputSource[], { model, encoding: flags.encoding });
        exact = counted.every((c) => c.error || c.exact);
        measured = counted;
      } else {
        const progress = createProgressReporter(); // stderr, only on a TTY and not under CI
        measured = await measureInputs(inputs, [encoding], { jobs: flags.jobs, allowedSpecial: flags.allowSpecial ? "all" : undefined, onProgress: progress.onProgress }).finally(progress.done);
      }
      const ok = measured.filter((m) => !m.error);
      const total = { tokens: ok.reduce((s, m) => s + m.tokens[encoding], 0), bytes: ok.reduce((s, m) => s + m.bytes, 0) };
      if (format === "json") {
        const out = {
          ...(model ? { model } : {}),
          encoding,
          exact,
          files: ok.map((m) => ({ path: m.path, tokens: m.tokens[encoding], bytes: m.bytes })),
          total,
          ...(measured.length > ok.length ? { errors: measured.filter((m) => m.error).map((m) => ({ path: m.path, code: m.error!.code, message: m.error!.message })) } : {}),
        };
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      } else if (format === "plain") {
        // like wc: "tokens file", a total line for several, the number alone for one unnamed input
        const line = (tokens: number, name: string | undefined) => (name === undefined ? `${tokens}\n` : `${tokens} ${escapeControl(name)}\n`);
        const unnamed = ok.length === 1 && measured.length === 1 && (files.length === 0 || flags.text !== undefined || files[0] === "-");
        for (const m of ok) process.stdout.write(line(m.tokens[encoding], unnamed ? undefined : m.path));
        if (measured.length > 1) process.stdout.write(line(total.tokens, "total"));
        printWarnings([...modelNotes, ...measured.flatMap((m) => m.warnings)]);
      } else if (format === "csv" || format === "tsv") {
        const head = ["path", "encoding", "exact", "tokens", "bytes"];
        const rows = ok.map((m) => [m.path, encoding, exact, m.tokens[encoding], m.bytes]);
        process.stdout.write((format === "csv" ? renderCsv(head, rows) : renderTsv(head, rows)) + "\n");
        printWarnings([...modelNotes, ...measured.flatMap((m) => m.warnings)]);
      } else {
        const approx = exact ? "" : "≈";
        const rows = ok.map((m) => [approx + formatInt(m.tokens[encoding]), formatInt(m.bytes), escapeControl(m.path)]);
        if (ok.length > 1) rows.push([approx + formatInt(total.tokens), formatInt(total.bytes), "total"]);
        const width0 = Math.max(...rows.map((r) => r[0].length), 6);
        const width1 = Math.max(...rows.map((r) => r[1].length), 5);
        if (rows.length) process.stdout.write(`${"tokens".padStart(width0)}  ${"bytes".padStart(width1)}  file (${approx}${encoding})\n`);
        // a long file name is abbreviated to the terminal's width rather than wrapped
        const width = tableWidth(flags.wide);
        const room = width === undefined ? Infinity : Math.max(12, width - width0 - width1 - 4);
        for (const row of rows) process.stdout.write(`${row[0].padStart(width0)}  ${row[1].padStart(width1)}  ${abbreviate(row[2], room)}\n`);
        printWarnings([...modelNotes, ...measured.flatMap((m) => m.warnings)]);
      }
      for (const m of measured) if (m.error) process.stderr.write(`tokcost: ${escapeControl(failureLine({ path: m.path, error: m.error }, "count"))}\n`);
      if (ok.length < measured.length) context.setExitCode(EXIT.usage);
    });
}

/** `--tokens`: the ids of each input, space-separated, one line per input. */
async function printIds(inputs: readonly BufferedInputSource[], encoding: string, allowSpecial: boolean | undefined): Promise<void> {
  const enc = getEncoding(encoding);
  for (const input of inputs) {
    const bytes = "bytes" in input ? input.bytes : new TextEncoder().encode(await readText(input.path));
    const ids = enc.encode(new TextDecoder().decode(bytes), { allowedSpecial: allowSpecial ? "all" : undefined });
    process.stdout.write(ids.join(" ") + "\n");
  }
}

/** `--decode`: token ids (from --text, files or stdin) back to text, written as is. */
async function decodeIds(files: string[], text: string | undefined, encoding: string): Promise<void> {
  let source = text;
  if (source === undefined) {
    const parts: string[] = [];
    for (const input of await inputsFrom(files)) parts.push("bytes" in input ? new TextDecoder().decode(input.bytes) : await readText(input.path));
    source = parts.join("\n");
  }
  const words = source.split(/[\s,]+/).filter(Boolean);
  const ids = words.map((word) => {
    if (!/^\d+$/.test(word)) throw new UsageError(`--decode expects token ids (whole numbers separated by spaces or commas), got "${escapeControl(word.slice(0, 40))}"`);
    return Number(word);
  });
  process.stdout.write(getEncoding(encoding).decode(ids));
  if (process.stdout.isTTY) process.stdout.write("\n");
}
