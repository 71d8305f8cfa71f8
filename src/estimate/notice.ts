/**
 * Problems and warnings as data: a stable `code` (what it is), an optional `subject` (the model,
 * field or file it is about), optional `data` (the numbers in it) and the `text` people read.
 * Code branches on `code` and reads `data`; only renderers read `text` — the way ESLint keeps a
 * problem's `messageId` apart from its wording.
 */

/**
 * Every notice code, with its level: "error" for why a request cannot be sent as it is
 * (`Estimate.problems`), "warning" for what the user should know (`Estimate.warnings`). A closed
 * list: a test checks that every notice an estimate produces carries one of these.
 */
export const NOTICE_CODES = {
  // Problems: the request would be refused, or the model cannot be estimated.
  CONTEXT_LENGTH_EXCEEDED: "error",
  INPUT_TOO_LONG: "error",
  MAX_TOKENS_TOO_LARGE: "error",
  UNKNOWN_MODEL: "error",
  // The model.
  PRICED_AS: "warning",
  APPROXIMATE_TOKENIZER: "warning",
  UNPRICED_MODEL: "warning",
  MODEL_RETIRED: "warning",
  MODEL_DEPRECATED: "warning",
  DEFAULT_MODEL: "warning",
  WRONG_ENDPOINT: "warning",
  // The price.
  NO_PRICE: "warning",
  PRICE_DERIVED: "warning",
  TOOL_FEE: "warning",
  // The completion budget.
  COMPLETION_WORST_CASE: "warning",
  COMPLETION_UNBOUNDED: "warning",
  CHOICES_BILLED: "warning",
  REASONING_TOKENS: "warning",
  REASONING_NOT_COUNTED: "warning",
  REASONING_EFFORT: "warning",
  // The count.
  INEXACT_COUNT: "warning",
  UNKNOWN_FIELD: "warning",
  BILLING_NOTE: "warning",
  MEDIA_ESTIMATE: "warning",
  INPUT_NOTE: "warning",
  VENDOR_COUNT: "warning",
} as const satisfies Record<string, "error" | "warning">;

/** A notice code (see {@link NOTICE_CODES}). */
export type NoticeCode = keyof typeof NOTICE_CODES;

/** One problem or warning, as data. */
export interface Notice {
  /** What it is: stable across wordings and releases. */
  code: NoticeCode;
  /** What it is about, when it is about one thing: a model id, a request field. */
  subject?: string;
  /** The numbers or names in `text`, for code that needs them. */
  data?: Record<string, unknown>;
  /** The words, for people. */
  text: string;
}

/** A notice. */
export function notice(code: NoticeCode, text: string, subject?: string, data?: Record<string, unknown>): Notice {
  return { code, ...(subject !== undefined ? { subject } : {}), ...(data !== undefined ? { data } : {}), text };
}

/** Texts as notices of one code (sources that explain themselves in words, such as counting approximations). */
export function noticesOf(code: NoticeCode, texts: Iterable<string>, subject?: string): Notice[] {
  return [...texts].map((text) => notice(code, text, subject));
}

/** The level of a notice code. */
export function levelOf(code: NoticeCode): "error" | "warning" {
  return NOTICE_CODES[code];
}

/** Is `code` one of {@link NOTICE_CODES}? */
export function isNoticeCode(code: string): code is NoticeCode {
  return Object.prototype.hasOwnProperty.call(NOTICE_CODES, code);
}

/** Each notice once (same code, subject and text), in first-seen order. */
export function uniqueNotices(notices: Iterable<Notice>): Notice[] {
  const seen = new Set<string>();
  const out: Notice[] = [];
  for (const n of notices) {
    const key = `${n.code}\u0000${n.subject ?? ""}\u0000${n.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out;
}
