/**
 * The one place that turns an error into what a person sees: a single line on stderr, never a
 * stack trace (set TOKCOST_DEBUG=1 to get one), and the exit code (1 limit/budget, 2 usage/input).
 */
import { isTokcostError, paramOf, redactSecrets, withParam } from "../errors.js";
import { fsReason, isSystemError } from "../node/io.js";
import { terminalSafe } from "../util/text.js";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, limit: 1, usage: 2 } as const;

export { paramOf, withParam };

/** One human line for an error (no trailing newline). */
export function errorLine(error: unknown): string {
  return terminalSafe(errorText(error));
}

function errorText(error: unknown): string {
  // One line, whatever a message quotes (file contents, server replies).
  if (isTokcostError(error)) return redactSecrets(`tokcost: ${withParam(error.message, paramOf(error))}`.replace(/\s*[\r\n]+\s*/g, " "));
  // A Node fs error that escaped its mapping (src/node/io.ts) still reads as one plain line.
  if (isSystemError(error)) return redactSecrets(`tokcost: ${error.path ? `${error.path}: ` : ""}${fsReason(error)}`.replace(/\s*[\r\n]+\s*/g, " "));
  if (error instanceof Error) return redactSecrets(`tokcost: unexpected error: ${error.message.replace(/\s*[\r\n]+\s*/g, " ")} (set TOKCOST_DEBUG=1 for details and please report it)`);
  return redactSecrets(`tokcost: unexpected error: ${String(error)}`);
}

/** The exit code an error maps to. */
export function exitCodeOf(error: unknown): number {
  return isTokcostError(error) ? error.exitClass : EXIT.usage;
}

/** Writes the error line to stderr and returns its exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  stderr.write(errorLine(error) + "\n");
  if (process.env.TOKCOST_DEBUG && error instanceof Error && error.stack) stderr.write(terminalSafe(redactSecrets(error.stack)) + "\n");
  return exitCodeOf(error);
}
