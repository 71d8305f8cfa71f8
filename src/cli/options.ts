/** Option parsers shared by commands. Each throws UsageError with a fix, never a stack trace. */
import { UsageError } from "../errors.js";

/** Collects a repeatable, comma-separable option (`-m a,b -m c` → [a, b, c]). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

/** A non-negative whole number (`--max-tokens`). Accepts 1,000 / 1_000 / 8k / 1.5M. */
export function parseCount(flag: string): (value: string) => number {
  return (value: string) => {
    const parsed = parseHumanNumber(value);
    if (parsed === undefined || !Number.isInteger(parsed) || parsed < 0) {
      throw new UsageError(`${flag} expects a non-negative whole number (e.g. ${flag} 1000), got "${value}"`);
    }
    return parsed;
  };
}

/** A positive whole number (`--jobs`). */
export function parsePositive(flag: string): (value: string) => number {
  return (value: string) => {
    const parsed = parseHumanNumber(value);
    if (parsed === undefined || !Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${flag} expects a whole number of at least 1, got "${value}"`);
    return parsed;
  };
}

/** "8k" → 8000, "1.5M" → 1500000, "1,000" → 1000; undefined when not a number. */
export function parseHumanNumber(value: string): number | undefined {
  const match = /^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*$/.exec(value);
  if (!match) return undefined;
  const base = Number(match[1].replace(/[_,]/g, ""));
  const scale = match[2] === "" ? 1 : match[2].toLowerCase() === "k" ? 1_000 : 1_000_000;
  const result = Math.round(base * scale * 1e6) / 1e6;
  return Number.isFinite(result) ? result : undefined;
}

/** One of a fixed set of choices. */
export function parseChoice<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${value}"`);
  };
}
