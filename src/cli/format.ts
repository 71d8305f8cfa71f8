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

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567"; null → "—". */
export function formatInt(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : integer.format(value);
}

/**
 * USD for people. Never prints a misleading "$0.00" for a small non-zero cost: below one cent it
 * shows two significant digits ("$0.00042"). null (price unknown) → "—".
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "$0";
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  if (abs >= 100) return `${sign}$${abs.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (abs >= 0.01) return `${sign}$${trimZeros(abs.toFixed(4))}`;
  return `${sign}$${trimZeros(abs.toPrecision(2).includes("e") ? abs.toFixed(12) : abs.toPrecision(2))}`;
}

function trimZeros(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  // keep at least two decimals for cents-scale amounts: $0.5 → $0.50
  const [whole, frac = ""] = trimmed.split(".");
  return frac.length < 2 ? `${whole}.${frac.padEnd(2, "0")}` : trimmed;
}

/** A price in USD per 1M tokens ("$2.50"). */
export function formatPerMillion(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `$${value >= 1 ? trimZeros(value.toFixed(3)) : trimZeros(value.toPrecision(3))}`;
}

/** An aligned table (cli-table3) with right-aligned numeric columns. */
export function renderTable(head: string[], rows: string[][], numeric: boolean[], color: boolean): string {
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
