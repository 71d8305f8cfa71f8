/** Rendering helpers shared by the commands: numbers, money, colour, tables, CSV. */
import Table from "cli-table3";

/** Should output be coloured? Only on a TTY, and never with NO_COLOR (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && process.env.TERM !== "dumb";
}

/** ANSI styling that becomes a no-op when colour is off. */
export function painter(enabled: boolean) {
  const wrap = (code: number, close: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
export type Painter = ReturnType<typeof painter>;

export { formatInt, formatUsd, formatPerMillion, formatPercent } from "../util/format.js";

/**
 * How wide tables may be: the terminal's width on a terminal, else $COLUMNS when it is set;
 * undefined (no limit) with --wide or when neither is known (piped output keeps every column).
 */
export function tableWidth(wide?: boolean, stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (wide) return undefined;
  const env = Number(process.env.COLUMNS);
  if (stream.isTTY && stream.columns) return stream.columns;
  return Number.isInteger(env) && env > 0 ? env : undefined;
}

export { abbreviate, fitColumns, type TableFit } from "../util/table-fit.js";
import { fitColumns, type TableFit } from "../util/table-fit.js";

/**
 * An aligned table (cli-table3) with right-aligned numeric columns; with `fit`, narrowed to the
 * terminal ({@link fitColumns}).
 */
export function renderTable(head: string[], rows: string[][], numeric: boolean[], color: boolean, fit?: TableFit): string {
  if (fit) ({ head, rows, numeric } = fitColumns(head, rows, numeric, fit));
  const table = new Table({
    head,
    style: { head: color ? ["bold"] : [], border: color ? ["grey"] : [], compact: true },
    colAligns: numeric.map((n) => (n ? "right" : "left")),
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of rows) table.push(row);
  return table.toString();
}

/** A GitHub-flavoured Markdown table. */
export function renderMarkdown(head: string[], rows: string[][], numeric: boolean[]): string {
  const esc = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [`| ${head.map(esc).join(" | ")} |`, `| ${numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.map(esc).join(" | ")} |`);
  return lines.join("\n");
}

/** RFC 4180 CSV. */
export function renderCsv(head: string[], rows: (string | number | boolean | null)[][]): string {
  const cell = (value: string | number | boolean | null) => {
    const text = value === null ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [head, ...rows].map((row) => row.map(cell).join(",")).join("\n");
}
