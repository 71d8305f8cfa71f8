/**
 * Errors of the request helper (`createClient`, `guardFetch`): the API's own errors (status,
 * type, code and message kept as the API sent them), a missing key, timeouts, aborts and network
 * failures. All are {@link TokcostError}s with a stable `code`. None of them ever carries the API
 * key: messages are passed through {@link redactSecrets} and network causes are re-created from
 * their (redacted) text instead of being attached as they are.
 */
import { TokcostError, redactSecrets } from "../errors.js";

/** The error object inside an OpenAI error response: `{ error: { message, type, param, code } }`. */
export interface ApiErrorBody {
  message: string;
  type: string | null;
  param: string | null;
  code: string | number | null;
}

/**
 * The API answered with an error status (400, 401, 403, 404, 409, 422, 429, 5xx). `message` is
 * the API's message (redacted), `status`, `type`, `param` and `apiCode` are the API's fields.
 * `name` follows the official SDK's class for the status (`BadRequestError`,
 * `AuthenticationError`, `RateLimitError`, `InternalServerError`…) in `sdkName`.
 */
export class ApiError extends TokcostError {
  /** HTTP status. */
  readonly status: number;
  /** The API's error `type` (`invalid_request_error`, `insufficient_quota`, …). */
  readonly type: string | null;
  /** The API's `param`. */
  readonly param: string | null;
  /** The API's error `code` (`invalid_api_key`, `context_length_exceeded`, …). */
  readonly apiCode: string | number | null;
  /** `x-request-id` of the failed response, if any. */
  readonly requestId: string | null;
  /** Name of the official SDK's error class for this status. */
  readonly sdkName: string;
  /** How many attempts were made (1 + retries). */
  readonly attempts: number;

  constructor(status: number, error: ApiErrorBody, options: { requestId?: string | null; attempts?: number; secrets?: readonly string[] } = {}) {
    const message = redactSecrets(error.message || `HTTP ${status}`, options.secrets);
    super("API_ERROR", message, { details: { status, type: error.type, param: error.param, code: error.code } });
    this.status = status;
    this.type = error.type;
    this.param = error.param;
    this.apiCode = error.code;
    this.requestId = options.requestId ?? null;
    this.sdkName = sdkErrorName(status);
    this.attempts = options.attempts ?? 1;
  }
}

/** The official SDK's error class name for an HTTP status (openai-api-facts.json). */
export function sdkErrorName(status: number): string {
  const map: Record<number, string> = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
  };
  if (map[status]) return map[status];
  return status >= 500 ? "InternalServerError" : "APIError";
}

/** No API key was given and `OPENAI_API_KEY` is not set. Thrown before any request is made. */
export class MissingApiKeyError extends TokcostError {
  /** `message` says which key is missing and where to set it (default: OpenAI's, for createClient). */
  constructor(message = "no API key: set the OPENAI_API_KEY environment variable or pass apiKey to createClient()") {
    super("MISSING_API_KEY", message);
  }
}

/**
 * A server answered 2xx with something that is not what its endpoint documents (not JSON, no
 * count, a body larger than the cap). The message quotes at most a short, redacted excerpt.
 */
export class InvalidResponseError extends TokcostError {
  constructor(message: string, secrets: readonly string[] = []) {
    super("INVALID_RESPONSE", redactSecrets(message, secrets));
  }
}

/** The call took longer than `timeoutMs`. */
export class RequestTimeoutError extends TokcostError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, what = "request") {
    super("TIMEOUT", `${what} timed out after ${timeoutMs} ms (raise timeoutMs to wait longer)`, { details: { timeoutMs } });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the call with its AbortSignal. */
export class RequestAbortedError extends TokcostError {
  constructor(what = "request") {
    super("ABORTED", `${what} was aborted`);
  }
}

/** The request could not reach the server (DNS, refused connection, reset). */
export class NetworkError extends TokcostError {
  constructor(message: string, secrets: readonly string[] = []) {
    const text = redactSecrets(message, secrets);
    // The original error is not attached as `cause`: undici errors can hold the request (and its
    // headers). A plain Error with the redacted text keeps the information without the key.
    super("NETWORK_ERROR", `network error: ${text}`, { cause: new Error(text) });
  }
}

/** Describes a fetch failure as text (message plus the nested causes' messages), redacted. */
export function describeFetchFailure(error: unknown, secrets: readonly string[] = []): string {
  const parts: string[] = [];
  let cur: unknown = error;
  for (let i = 0; i < 4 && cur; i++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(typeof code === "string" ? `${cur.message} (${code})` : cur.message);
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return redactSecrets(parts.filter(Boolean).join(": ") || "fetch failed", secrets);
}

/**
 * Reads an error body as the API sends it. Accepts `{ error: {...} }` and bare `{ message }`
 * bodies (proxies), and plain text.
 */
export function parseApiErrorBody(status: number, text: string): ApiErrorBody {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { message: text.trim() ? text.trim().slice(0, 500) : `HTTP ${status}`, type: null, param: null, code: null };
  }
  const obj = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const inner = (obj.error && typeof obj.error === "object" ? obj.error : obj) as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  const code = typeof inner.code === "string" || typeof inner.code === "number" ? inner.code : null;
  return { message: str(inner.message) ?? (typeof obj.error === "string" ? obj.error : `HTTP ${status}`), type: str(inner.type), param: str(inner.param), code };
}
