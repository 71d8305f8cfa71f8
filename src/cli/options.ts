/** Option parsers shared by commands. Each throws UsageError with a fix, never a stack trace. */
import { UsageError } from "../errors.js";
import { parseHumanNumber } from "../util/format.js";

export { parseHumanNumber };

/** Collects a repeatable, comma-separable option (`-m a,b -m c` → [a, b, c]). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** A non-negative whole number (`--max-tokens`). Accepts 1,000 / 1_000 / 8k / 1.5M. */
export function parseCount(flag: string): (value: string) => number {
  return (value: string) => {
    const parsed = parseHumanNumber(value);
    // Beyond 2^53 a number is no longer a whole number of tokens in JavaScript (and no model comes close).
    if (parsed === undefined || !Number.isSafeInteger(parsed) || parsed < 0) {
      throw new UsageError(`${flag} expects a non-negative whole number (e.g. ${flag} 1000), got "${value}"`);
    }
    return parsed;
  };
}

/** A positive whole number (`--jobs`). */
export function parsePositive(flag: string): (value: string) => number {
  return (value: string) => {
    const parsed = parseHumanNumber(value);
    if (parsed === undefined || !Number.isSafeInteger(parsed) || parsed < 1) throw new UsageError(`${flag} expects a whole number of at least 1, got "${value}"`);
    return parsed;
  };
}

/** One of a fixed set of choices. */
export function parseChoice<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${value}"`);
  };
}

/** `--image-size 1024x768` → { width, height }. */
export function parseImageSize(value: string): { width: number; height: number } {
  const match = /^\s*(\d+)\s*[x×X]\s*(\d+)\s*$/.exec(value);
  const width = match ? Number(match[1]) : 0;
  const height = match ? Number(match[2]) : 0;
  if (!match || width < 1 || height < 1) throw new UsageError(`--image-size expects WIDTHxHEIGHT in pixels (e.g. --image-size 1024x768), got "${value}"`);
  return { width, height };
}
