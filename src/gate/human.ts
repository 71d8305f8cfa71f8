/**
 * Limits written for people: "8k" tokens, "$0.05", "10%". Kept in the gate (not the CLI) because
 * the config file, not only flags, is written in this notation.
 */
import { parseHumanNumber } from "../util/format.js";

/**
 * "8k" → 8000, "1.5M" → 1500000, "1,000" / "1_000" → 1000, 250 → 250; undefined when not a
 * number. Same notation as the CLI's `--max-tokens`.
 */
export function parseTokenCount(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return parseHumanNumber(value);
}

/** 0.05, "0.05", "$0.05", "$1,200" → USD; undefined when not an amount. */
export function parseUsd(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const match = /^\s*\$?\s*([0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?:USD)?\s*$/i.exec(value);
  if (!match) return undefined;
  const result = Number(match[1].replace(/[_,]/g, ""));
  return Number.isFinite(result) ? result : undefined;
}

/** How much a file may grow over its baseline. */
export type Growth = { percent: number } | { tokens: number };

/** "10%" → {percent: 10}; 500 / "500" / "2k" → {tokens: …}; undefined when neither. */
export function parseGrowth(value: string | number): Growth | undefined {
  if (typeof value === "string") {
    const pct = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(value);
    if (pct) return { percent: Number(pct[1]) };
  }
  const tokens = parseTokenCount(value);
  return tokens !== undefined && Number.isInteger(tokens) && tokens >= 0 ? { tokens } : undefined;
}

/** "10%" or "500 tokens", for messages. */
export function describeGrowth(growth: Growth): string {
  return "percent" in growth ? `${growth.percent}%` : `${growth.tokens} tokens`;
}
