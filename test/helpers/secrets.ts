/** Every way an error can end up in a log, joined: a secret must appear in none of them. */
import { inspect } from "node:util";

export function errorRenderings(error: unknown): string {
  const e = error as Error & { cause?: unknown; details?: unknown };
  return [
    String(e),
    e.message,
    e.stack ?? "",
    JSON.stringify(e),
    JSON.stringify(e.details ?? null),
    inspect(e, { depth: 10, showHidden: true }),
    String(e.cause),
    inspect(e.cause, { depth: 10, showHidden: true }),
  ].join("\n");
}
