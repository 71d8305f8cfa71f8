/**
 * Numbers and money for people — shared by the CLI's tables and the CI gate's messages, so both
 * say "1,234 tokens" and "$0.00042" the same way. Pure: no Node APIs, no table renderer.
 */
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

/** Drops trailing zeros but keeps at least two decimals for cents-scale amounts ($0.5 → $0.50). */
function trimZeros(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  const [whole, frac = ""] = trimmed.split(".");
  return frac.length < 2 ? `${whole}.${frac.padEnd(2, "0")}` : trimmed;
}

/** A price in USD per 1M tokens ("$2.50"). */
export function formatPerMillion(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `$${value >= 1 ? trimZeros(value.toFixed(3)) : trimZeros(value.toPrecision(3))}`;
}

/** Percentage with one decimal: 15.24 → "15.2%". */
export function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

/** "8k" → 8000, "1.5M" → 1500000, "1,000" / "1_000" → 1000; undefined when not a number. */
export function parseHumanNumber(value: string): number | undefined {
  // commas only as thousands separators ("1,000", not "1,0,0"); underscores anywhere between digits
  const match = /^\s*((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)(?:\.[0-9]+)?)\s*([kKmM]?)\s*$/.exec(value);
  if (!match) return undefined;
  const base = Number(match[1].replace(/[_,]/g, ""));
  const scale = match[2] === "" ? 1 : match[2].toLowerCase() === "k" ? 1_000 : 1_000_000;
  // round away float noise so "1.1k" is 1100, not 1100.0000000000002
  const result = Math.round(base * scale * 1e6) / 1e6;
  return Number.isFinite(result) ? result : undefined;
}

/** Formats a count difference: "+4", "−4" (a minus sign), "±0". */
export function signedDifference(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : "\u00b10";
}
