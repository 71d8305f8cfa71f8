/**
 * One error hierarchy for the whole toolkit. Every error tokcost throws on purpose is a
 * {@link TokcostError} with a stable machine-readable `code`; the CLI maps codes to exit codes
 * and renders `message` as a single line (see `src/cli/render-error.ts`).
 *
 * Messages are written for people: what is wrong, then how to fix it. They never contain an
 * API key (see `redactSecrets`).
 */

/** Stable error codes. Adding a code is a minor change; renaming one is breaking. */
export type TokcostErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_INPUT"
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "FILE_UNWRITABLE"
  | "UNKNOWN_MODEL"
  | "UNKNOWN_ENCODING"
  | "DISALLOWED_SPECIAL_TOKEN"
  | "INVALID_PRICING"
  | "INVALID_CONFIG"
  | "INVALID_REQUEST"
  | "CONTEXT_LIMIT"
  | "MAX_OUTPUT"
  | "BUDGET_EXCEEDED"
  | "MISSING_API_KEY"
  | "API_ERROR"
  | "TIMEOUT"
  | "ABORTED"
  | "NETWORK_ERROR"
  | "INVALID_RESPONSE"
  | "LEDGER_ERROR";

/** Exit code classes used by the CLI: 1 = a limit or budget was exceeded, 2 = bad usage or input. */
export type ExitClass = 1 | 2;

/**
 * Marks tokcost's errors across module copies (a bundle and `tokcost/node` loaded side by side):
 * a registered symbol on the prototype, which a Node `ENOENT` or any other error never carries.
 */
const TOKCOST_ERROR = Symbol.for("tokcost.error");

/** Base class of every error tokcost throws deliberately. */
export class TokcostError extends Error {
  /** Stable, machine-readable code. */
  readonly code: TokcostErrorCode;
  /** Optional structured details (never contains secrets). */
  readonly details?: Record<string, unknown>;

  constructor(code: TokcostErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.details) this.details = options.details;
  }

  /** The CLI exit code this error maps to: 1 for limits and budgets, 2 for everything else. */
  get exitClass(): ExitClass {
    return this.code === "CONTEXT_LIMIT" || this.code === "MAX_OUTPUT" || this.code === "BUDGET_EXCEEDED" ? 1 : 2;
  }
}
Object.defineProperty(TokcostError.prototype, TOKCOST_ERROR, { value: true });

/** A flag, option or argument has the wrong form (`--max-tokens -3`). */
export class UsageError extends TokcostError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("INVALID_ARGUMENT", message, { details });
  }
}

/** An input (file, request body, line of a JSONL file) cannot be used. */
export class InputError extends TokcostError {
  constructor(message: string, options?: { code?: "INVALID_INPUT" | "FILE_NOT_FOUND" | "FILE_UNREADABLE" | "FILE_UNWRITABLE"; details?: Record<string, unknown>; cause?: unknown }) {
    super(options?.code ?? "INVALID_INPUT", message, options);
  }
}

/** A model id that neither the pricing table nor the model → encoding rules know. */
export class UnknownModelError extends TokcostError {
  readonly model: string;
  readonly suggestions: string[];
  constructor(model: string, suggestions: string[], hint = "pass an encoding explicitly (--encoding o200k_base) or add the model with --pricing <file>") {
    const didYouMean = suggestions.length ? ` (did you mean ${suggestions.slice(0, 3).join(", ")}?)` : "";
    super("UNKNOWN_MODEL", `unknown model "${model}"${didYouMean}; ${hint}`, { details: { model, suggestions } });
    this.model = model;
    this.suggestions = suggestions;
  }
}

/** An encoding name that tokcost does not ship. */
export class UnknownEncodingError extends TokcostError {
  constructor(name: string, known: readonly string[]) {
    super("UNKNOWN_ENCODING", `unknown encoding "${name}"; use one of: ${known.join(", ")}`, { details: { encoding: name } });
  }
}

/** A pricing file (bundled or user supplied) does not match the schema. */
export class PricingError extends TokcostError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("INVALID_PRICING", message, { details });
  }
}

/** A configuration file does not match the schema. */
export class ConfigError extends TokcostError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("INVALID_CONFIG", message, { details });
  }
}

/**
 * A request body the API would reject (unknown parameter, wrong type, out of range).
 * `param` is the field path in the API's notation (`messages[2].content`).
 */
export class InvalidRequestError extends TokcostError {
  readonly param: string | null;
  readonly suggestion?: string;
  constructor(message: string, options?: { param?: string | null; suggestion?: string; details?: Record<string, unknown> }) {
    super("INVALID_REQUEST", message, { details: { param: options?.param ?? null, ...options?.details } });
    this.param = options?.param ?? null;
    if (options?.suggestion) this.suggestion = options.suggestion;
  }
}

/** Prompt plus completion budget exceeds the model's context window (or its input cap). */
export class ContextLimitError extends TokcostError {
  constructor(message: string, details: { contextWindow: number; promptTokens: number; maxTokens: number; room: number } & Record<string, unknown>) {
    super("CONTEXT_LIMIT", message, { details });
  }
}

/** The completion budget exceeds the model's maximum output tokens. */
export class MaxOutputError extends TokcostError {
  constructor(message: string, details: { maxOutputTokens: number; maxTokens: number } & Record<string, unknown>) {
    super("MAX_OUTPUT", message, { details });
  }
}

/** A token or dollar budget would be (or was) exceeded. */
export class BudgetExceededError extends TokcostError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("BUDGET_EXCEEDED", message, { details });
  }
}

/**
 * Is this value one of ours? Works across module copies (a brand on the prototype). A Node error
 * with an upper-case `code` (`ENOENT`, `EISDIR`) is not: it has no exit class and must be mapped.
 */
export function isTokcostError(value: unknown): value is TokcostError {
  return value instanceof TokcostError || (value instanceof Error && (value as unknown as Record<symbol, unknown>)[TOKCOST_ERROR] === true);
}

/**
 * Names of headers and query parameters that carry credentials: `Authorization`, Azure's
 * `api-key`, `x-api-key`, Google's `x-goog-api-key` / `?key=`, tokens, signatures, passwords.
 */
const SECRET_NAME =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|key|code|sig|signature|x-amz-signature|x-amz-security-token|[a-z0-9_-]*(?:api[-_]?key|apikey|token|secret|password|passwd|credentials?))$/i;

/** Is a header or query-parameter name one whose value is a credential? */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.trim());
}

/** A copy of `headers` with the value of every credential header replaced by `[REDACTED]`. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretName(name) ? (/^bearer\s/i.test(value) ? "Bearer [REDACTED]" : "[REDACTED]") : value;
  return out;
}

/** The credentials in a URL: its userinfo and the values of credential query parameters. */
export function secretsOfUrl(url: string): string[] {
  const out: string[] = [];
  try {
    const parsed = new URL(url);
    if (parsed.username) out.push(decodeURIComponent(parsed.username), parsed.username);
    if (parsed.password) out.push(decodeURIComponent(parsed.password), parsed.password);
    for (const [name, value] of parsed.searchParams) if (isSecretName(name) && value) out.push(value, encodeURIComponent(value));
  } catch {
    // not a URL: nothing to collect
  }
  return out;
}

/** The credential values of headers (for redacting them wherever they might be echoed). */
export function secretsOfHeaders(headers: Readonly<Record<string, string>> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) if (isSecretName(name) && value) out.push(value.replace(/^bearer\s+/i, ""));
  return out;
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{8,}/g, "[REDACTED]"],
  [/(Bearer\s+)[^\s"']+/gi, "$1[REDACTED]"],
  // userinfo of a URL: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']*@/gi, "$1[REDACTED]@"],
  // credential query parameters: ?api-key=…, &key=…, &access_token=…
  [/([?&](?:key|code|sig|signature|x-amz-signature|x-amz-security-token|[a-z0-9_-]*(?:api[-_]?key|apikey|token|secret|password|passwd|credentials?))=)[^&#\s"']+/gi, "$1[REDACTED]"],
  // credential headers quoted in text: "api-key: …", "x-goog-api-key": "…"
  [/((?:^|[\s{,"'])(?:proxy-authorization|api-key|x-api-key|x-goog-api-key|[a-z0-9-]*-api-key)["']?\s*[:=]\s*["']?)[^\s"',}]+/gim, "$1[REDACTED]"],
];

/**
 * Removes anything that looks like an API key from a string: the given `secrets`, `sk-…` keys,
 * bearer tokens, a URL's user:password, credential query parameters and credential headers.
 * Used wherever tokcost renders text that may have passed through a request (error messages,
 * hooks, logs, debug output).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The request field an error is about (`messages[0].role`), if it carries one. */
export function paramOf(error: unknown): string | null {
  const param = (error as { param?: unknown } | null)?.param;
  return typeof param === "string" ? param : null;
}

/**
 * An error's message for people, with the request field it is about when the message does not
 * name it already (the API's JSON carries it apart as `param`: `messages[0].role`).
 */
export function withParam(message: string, param: string | null | undefined): string {
  return param && !message.includes(param) ? `${message} (at ${param})` : message;
}
