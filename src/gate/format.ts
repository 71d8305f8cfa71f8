/**
 * Number formatting for the gate's messages. The library cannot use the CLI's helpers (they pull
 * in the table renderer), so the two rules that matter are repeated here: thousands separators,
 * and money that never reads as a misleading "$0.00".
 */
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567"; null → "—". */
export function fmtInt(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : integer.format(value);
}

/** USD: "$1,234.50", "$0.0525", "$0.00042"; null → "—". */
export function fmtUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "$0";
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  let text: string;
  if (abs >= 100) text = abs.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  else if (abs >= 0.01) text = trim(abs.toFixed(4));
  else text = trim(abs.toPrecision(2).includes("e") ? abs.toFixed(12) : abs.toPrecision(2));
  return `${sign}$${text}`;
}

function trim(text: string): string {
  if (!text.includes(".")) return text;
  const [whole, frac = ""] = text.replace(/0+$/, "").replace(/\.$/, "").split(".");
  return frac.length < 2 ? `${whole}.${frac.padEnd(2, "0")}` : `${whole}.${frac}`;
}

/** Percentage with one decimal: 15.24 → "15.2%". */
export function fmtPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}
