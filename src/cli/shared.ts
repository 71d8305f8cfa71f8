/** Pieces several commands share: reading inputs and the pricing table from flags. */
import { readAll } from "../node/inputs.js";
import { loadPricingTable } from "../node/pricing-file.js";
import type { BufferedInputSource, InputSource } from "../node/measure.js";
import type { PricingTable } from "../pricing/table.js";
import type { ModelEntry } from "../pricing/schema.js";
import { pricingProvenance, staleNoticeFor, type PricingProvenance } from "../pricing/cost.js";
import { UsageError, type TokcostError } from "../errors.js";
import { failureMessage } from "../node/estimate-json.js";
import { terminalSafe } from "../util/text.js";
import { formatInt } from "../util/format.js";
import type { Notice } from "../estimate/notice.js";

/**
 * Inputs from positional args: files, `-` for stdin, or stdin when nothing is given and it is
 * piped. With `stream`, stdin is passed on as a stream (counted as it arrives, in bounded
 * memory); otherwise it is read whole — refused as soon as it shows it is not text.
 */
export async function inputsFrom(paths: readonly string[], text?: string): Promise<BufferedInputSource[]>;
export async function inputsFrom(paths: readonly string[], text: string | undefined, options: { stream?: boolean }): Promise<InputSource[]>;
export async function inputsFrom(paths: readonly string[], text?: string, options: { stream?: boolean } = {}): Promise<InputSource[]> {
  if (text !== undefined) {
    if (paths.length) throw new UsageError("--text and files together: pass one or the other (or pipe the text on stdin)");
    return [{ name: "<text>", bytes: new TextEncoder().encode(text) }];
  }
  if (paths.length === 0) {
    if (process.stdin.isTTY) throw new UsageError("no input: pass one or more files, or pipe text on stdin (e.g. cat prompt.txt | tokcost estimate -m gpt-4o)");
    return [await stdinSource(options.stream)];
  }
  const inputs: InputSource[] = [];
  let stdin: InputSource | undefined;
  for (const path of paths) {
    if (path === "-") {
      stdin ??= await stdinSource(options.stream);
      inputs.push(stdin);
    } else inputs.push({ path });
  }
  return inputs;
}

async function stdinSource(stream: boolean | undefined): Promise<InputSource> {
  const name = "<stdin>";
  return stream ? { name, stream: process.stdin } : { name, bytes: await readAll(process.stdin, { label: name }) };
}

/**
 * The stderr line for an input that could not be used. A missing file whose name reads like
 * text ("hello world": a space, or no dot or slash) was most likely meant as text: say how.
 */
export function failureLine(failure: { path: string; error: TokcostError; request?: boolean; kind?: string }, command: "count" | "estimate"): string {
  const { path, error } = failure;
  if (error.code === "FILE_NOT_FOUND" && (/\s/.test(path) || !/[./\\]/.test(path))) {
    return `no such file "${path}" — to ${command} text, use --text "…" or pipe it: echo … | tokcost ${command}`;
  }
  return failure.kind === "failure" ? failureMessage(failure as Parameters<typeof failureMessage>[0]) : error.message;
}

/** Do these positional args read stdin (`-`, or nothing while stdin is piped)? */
export function readsStdin(paths: readonly string[]): boolean {
  return paths.length === 0 ? !process.stdin.isTTY : paths.includes("-");
}

/** The pricing table for `--pricing` (and `TOKCOST_PRICING`). */
export function pricingFrom(flag: string | undefined): Promise<PricingTable> {
  return loadPricingTable([process.env.TOKCOST_PRICING, flag]);
}

/** Output formats of the commands that print results (`--format`). */
export const OUTPUT_FORMATS = ["table", "json", "csv", "tsv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Tab-separated values: one header line, tabs and line breaks inside a field escaped (\t, \n, \\). */
export function renderTsv(head: string[], rows: (string | number | boolean | null)[][]): string {
  const cell = (value: string | number | boolean | null) =>
    value === null ? "" : String(value).replace(/[\\\t\n\r]/g, (c) => (c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\\\"));
  return [head, ...rows].map((row) => row.map(cell).join("\t")).join("\n");
}

/** Writes warnings once each to stderr (see {@link groupWarnings}). */
export function printWarnings(warnings: Iterable<string | Notice>, paint: (s: string) => string = (s) => s): void {
  for (const warning of groupWarnings(warnings)) process.stderr.write(`${paint("warning:")} ${terminalSafe(warning).replace(/\n/g, "\\n")}\n`);
}

/**
 * Each warning once, and one line for the same notice about several subjects: notices of one
 * code whose texts differ only by their subject prefix ("o4-mini: X", "gpt-5: X") become
 * "o4-mini, gpt-5: X" (at the place of the first). The worst-case completion notices of a
 * comparison become one line. Plain strings are printed as they are (once each): grouping reads
 * a notice's data, never its wording.
 */
export function groupWarnings(warnings: Iterable<string | Notice>): string[] {
  const lines: Array<{ subjects: string[]; text: string } | string> = [];
  const groups = new Map<string, { subjects: string[]; text: string }>();
  const seen = new Set<string>();
  const worstCase: Notice[] = [];
  for (const warning of warnings) {
    if (typeof warning !== "string" && warning.code === "COMPLETION_WORST_CASE" && warning.data?.param === "max_tokens") {
      if (!worstCase.length) lines.push(WORST_CASE_LINE);
      worstCase.push(warning);
      continue;
    }
    const text = typeof warning === "string" ? warning : warning.text;
    const subject = typeof warning === "string" ? undefined : warning.subject;
    const key = typeof warning === "string" ? `\u0000${text}` : `${warning.code}\u0000${subject ?? ""}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (typeof warning === "string" || subject === undefined || !text.startsWith(`${subject}: `)) {
      lines.push(text);
      continue;
    }
    const rest = text.slice(subject.length + 2);
    const groupKey = `${warning.code}\u0000${rest}`;
    const group = groups.get(groupKey);
    if (group) {
      if (!group.subjects.includes(subject)) group.subjects.push(subject);
    } else {
      const entry = { subjects: [subject], text: rest };
      groups.set(groupKey, entry);
      lines.push(entry);
    }
  }
  return lines.map((line) => (line === WORST_CASE_LINE ? worstCaseLine(worstCase) : typeof line === "string" ? line : `${line.subjects.join(", ")}: ${line.text}`));
}

const WORST_CASE_LINE = "\u0000worst-case";

/** "completion: up to 16,384 tokens — set --max-tokens to tighten" (per model when they differ). */
function worstCaseLine(notices: Notice[]): string {
  const bySize = new Map<number, string[]>();
  for (const n of notices) {
    if (n.subject === undefined || typeof n.data?.tokens !== "number") continue;
    const models = bySize.get(n.data.tokens) ?? [];
    if (!models.includes(n.subject)) models.push(n.subject);
    bySize.set(n.data.tokens, models);
  }
  const sizes = [...bySize];
  const upTo = sizes.length === 1 ? `${formatInt(sizes[0][0])} tokens` : sizes.map(([tokens, models]) => `${formatInt(tokens)} (${models.join(", ")})`).join(", ");
  return `completion: up to ${upTo}, priced as the worst case — set --max-tokens to tighten`;
}

/**
 * Is the stale-prices notice wanted? `--no-stale-warning` (flag false) or TOKCOST_NO_STALE_WARNING
 * set to anything but "", "0" or "false" hide it.
 */
export function staleWarningWanted(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  const env = process.env.TOKCOST_NO_STALE_WARNING?.trim().toLowerCase();
  return !env || env === "0" || env === "false";
}

/** Where the prices of the models an estimate used come from (the `pricing` object of its JSON). */
export function provenanceOf(table: PricingTable, models: Iterable<string | null | undefined>): PricingProvenance {
  const entries: (ModelEntry | undefined)[] = [];
  for (const id of models) if (id) entries.push(table.match(id)?.entry);
  return pricingProvenance(entries);
}

/** Prints the stale-prices notice for the prices actually used (human output only), unless hidden. */
export function printStalePricing(provenance: PricingProvenance, flag: boolean | undefined): void {
  if (!staleWarningWanted(flag)) return;
  const notice = staleNoticeFor(provenance);
  if (notice) printWarnings([notice]);
}
