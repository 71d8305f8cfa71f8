/**
 * Narrowing a table to a terminal's width instead of letting the terminal wrap it (shared by
 * the CLI's tables and the check gate's): drop the least useful columns, then abbreviate one.
 */

/** How a table gives way to a narrow terminal (see {@link fitColumns}). */
export interface TableFit {
  /** The width to fit in (undefined: no limit). */
  width?: number;
  /** Column indexes to drop, least useful first, while the table is too wide. */
  drop?: readonly number[];
  /** The column to abbreviate (with "…" in the middle) when dropping is not enough (default 0). */
  shrink?: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string) => [...text.replace(ANSI, "")].length;

/** "a-very-long/path/name.txt" → "a-very-l…name.txt" in `width` characters. */
export function abbreviate(text: string, width: number): string {
  const chars = [...text.replace(ANSI, "")];
  if (chars.length <= width) return text;
  if (width <= 1) return "…".slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  return chars.slice(0, head).join("") + "…" + chars.slice(chars.length - (width - 1 - head)).join("");
}

/**
 * Fits a table in `fit.width` columns instead of letting the terminal wrap it: drops the
 * columns in `fit.drop` (in that order) until it fits, then abbreviates the `fit.shrink` column.
 * Widths are those cli-table3 draws (one space of padding each side, one border per column + 1).
 */
export function fitColumns(head: string[], rows: string[][], numeric: boolean[], fit: TableFit): { head: string[]; rows: string[][]; numeric: boolean[] } {
  if (fit.width === undefined) return { head, rows, numeric };
  let keep = head.map((_, i) => i);
  const widthOf = (i: number) => Math.max(visibleLength(head[i]), ...rows.map((r) => visibleLength(r[i] ?? "")));
  const total = (cols: number[]) => cols.reduce((sum, i) => sum + widthOf(i) + 3, 1);
  for (const i of fit.drop ?? []) {
    if (total(keep) <= fit.width) break;
    if (keep.length > 1) keep = keep.filter((k) => k !== i);
  }
  let shrinkTo: number | undefined;
  const shrink = fit.shrink ?? 0;
  const excess = total(keep) - fit.width;
  if (excess > 0 && keep.includes(shrink)) shrinkTo = Math.max(8, widthOf(shrink) - excess);
  const cell = (i: number, text: string) => (i === shrink && shrinkTo !== undefined ? abbreviate(text, shrinkTo) : text);
  return { head: keep.map((i) => cell(i, head[i])), rows: rows.map((r) => keep.map((i) => cell(i, r[i] ?? ""))), numeric: keep.map((i) => numeric[i]) };
}
