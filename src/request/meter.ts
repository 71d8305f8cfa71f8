/**
 * Metering: turns a pre-flighted call into a budget reservation, and the API's `usage` (or, for
 * a stream that ended without it, the tokens actually received) into the actual cost — and
 * records estimate vs actual per call. Shared by `createClient` and `guardFetch`.
 */
import { costOf } from "../pricing/cost.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { Budget, newCallId, type BudgetLimits, type BudgetStatus, type BudgetStore, type Ledger, type Reservation, type Spend } from "./budget.js";
import { assertBoundable, reservationOf, type PreflightOptions, type PreflightResult } from "./preflight.js";
import type { RequestKind } from "./capabilities.js";
import { TokcostError } from "../errors.js";
import { getEncoding } from "../tokenizer/index.js";
import { StreamingCounter } from "../tokenizer/stream.js";

/** Token usage as reported by any endpoint, normalised. */
export interface UsageTokens {
  /** Input tokens, cached ones included. */
  promptTokens: number;
  /** Of `promptTokens`, served from the prompt cache (billed at the cached rate). */
  cachedTokens: number;
  /** Output tokens, reasoning tokens included. */
  completionTokens: number;
  /** Of `completionTokens`, reasoning tokens. */
  reasoningTokens: number;
  totalTokens: number;
}

/** A token count as the API sends it: a non-negative whole number (a safe integer). */
function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A short, printable rendering of a value that is not a count. */
function shown(value: unknown): string {
  const text = value === undefined ? "missing" : typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * What a response's `usage` says: the tokens, or — when it is there but cannot be read (negative,
 * fractional, huge, a string, null counts, only `total_tokens`) — why not. `usage: null` and no
 * usage at all are `{ usage: null, problem: null }` (stream chunks before the last carry `null`).
 */
export type UsageReading = { usage: UsageTokens; problem: null } | { usage: null; problem: string | null };

/**
 * Reads `usage` from an API response (chat/completions/embeddings: `prompt_tokens`,
 * `completion_tokens`, `prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`; responses: `input_tokens`, `output_tokens`,
 * `input_tokens_details`, `output_tokens_details`). Input and output counts must be non-negative
 * whole numbers: nothing unreadable is ever taken as zero (it would make the call free). A
 * detail that cannot be read (cached or reasoning tokens) counts as 0, which prices the call at
 * the full rate. `completion_tokens` may be left out by embeddings (0) or be implied by
 * `total_tokens`.
 */
export function readUsage(usage: unknown, kind?: RequestKind): UsageReading {
  if (usage === undefined || usage === null) return { usage: null, problem: null };
  if (typeof usage !== "object" || Array.isArray(usage)) return { usage: null, problem: `usage is not an object (${shown(usage)})` };
  const u = usage as Record<string, unknown>;
  const details = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
  const responses = "input_tokens" in u || "output_tokens" in u;
  const [inName, outName] = responses ? ["input_tokens", "output_tokens"] : ["prompt_tokens", "completion_tokens"];
  const promptTokens = u[inName];
  if (!isCount(promptTokens)) return { usage: null, problem: `usage.${inName} is ${shown(promptTokens)}, not a token count` };
  let completionTokens = u[outName];
  if (completionTokens === undefined && !responses) {
    if (isCount(u.total_tokens) && u.total_tokens >= promptTokens) completionTokens = u.total_tokens - promptTokens;
    else if (kind === "embeddings") completionTokens = 0;
  }
  if (!isCount(completionTokens)) return { usage: null, problem: `usage.${outName} is ${shown(completionTokens)}, not a token count` };
  const inDetails = details(responses ? u.input_tokens_details : u.prompt_tokens_details);
  const outDetails = details(responses ? u.output_tokens_details : u.completion_tokens_details);
  const cachedTokens = isCount(inDetails.cached_tokens) && inDetails.cached_tokens <= promptTokens ? inDetails.cached_tokens : 0;
  const reasoningTokens = isCount(outDetails.reasoning_tokens) && outDetails.reasoning_tokens <= completionTokens ? outDetails.reasoning_tokens : 0;
  const sum = promptTokens + completionTokens;
  return { usage: { promptTokens, cachedTokens, completionTokens, reasoningTokens, totalTokens: isCount(u.total_tokens) && u.total_tokens >= sum ? u.total_tokens : sum }, problem: null };
}

/** The tokens of a response's `usage`; null when there is none or it cannot be read (see {@link readUsage}). */
export function usageOf(usage: unknown, kind?: RequestKind): UsageTokens | null {
  return readUsage(usage, kind).usage;
}

/** The actual side of a call. */
export interface ActualSpend extends UsageTokens {
  /** USD from the usage at the model's prices (cached input at the cached rate); null = no price. */
  usd: number | null;
  /**
   * Where the numbers come from: "usage" (the API's usage), "counted" (a stream that ended or
   * was aborted without usage: the prompt estimate plus the output tokens received), or
   * "reserved" (a successful response without usage: billed at the worst case, to be safe).
   */
  source: "usage" | "counted" | "reserved";
}

/** One call, estimate vs actual. */
export interface CallRecord {
  id: string;
  kind: RequestKind;
  model: string;
  /** What tokcost predicted before sending. */
  estimate: { promptTokens: number; exact: boolean; worstCaseTokens: number; worstCaseUsd: number | null };
  /** What the budget reserved. */
  reserved: Spend;
  /** How the call ended: settled to its actual cost, or released (failed, nothing billed). */
  outcome: "settled" | "released";
  /** Why the actual spend is not the response's usage (unreadable usage, a stream cut off), when it is not. */
  warnings?: string[];
  /**
   * true when the server sent more than was reserved (output past max_tokens, an endless
   * stream): the stream was cut off, or the usage reported more than the worst case.
   */
  overrun?: true;
  /** null when released. */
  actual: ActualSpend | null;
  /**
   * actual − estimate: prompt tokens (0 when the count was exact) and USD (actual − worst case,
   * ≤ 0 unless the estimate was approximate). null when released.
   */
  difference: { promptTokens: number; usd: number | null } | null;
  startedAt: number;
  endedAt: number;
}

/** Totals over the calls of a client: how good the estimates were. */
export interface MeterSummary {
  calls: number;
  settled: number;
  released: number;
  /** Settled calls whose prompt estimate equals the API's prompt_tokens. */
  exactPromptCalls: number;
  estimatedPromptTokens: number;
  actualPromptTokens: number;
  actualCompletionTokens: number;
  reservedUsd: number;
  actualUsd: number;
}

/** What a client and a guarded fetch report about their shared budget and calls. */
export interface BudgetReporter {
  /** Settled spend (of this budget window). */
  spent(): Spend;
  /** What is left: limit − spent − reserved, per dimension (null = no limit). */
  remaining(): { usd: number | null; tokens: number | null };
  /** Full budget status (spent, reserved, remaining, calls). */
  status(): BudgetStatus;
  /** Re-reads a shared ledger (other processes may have spent). */
  refresh(): Promise<BudgetStatus>;
  /** Estimate vs actual, per call (most recent kept). */
  calls(): CallRecord[];
  /** Estimate vs actual totals. */
  summary(): MeterSummary;
}

/** Callbacks for each metered call: its estimate before sending, its usage and cost after. */
export interface MeterHooks {
  /** Called with every estimate before the call is sent. Throwing from it refuses the call. */
  onEstimate?: (estimate: PreflightResult) => void;
  /** Called once per settled or released call, with estimate vs actual. */
  onUsage?: (record: CallRecord) => void;
}

/** Options of {@link Meter}. */
export interface MeterOptions extends MeterHooks {
  /** Limits, or a {@link Budget} shared with other clients (then `ledger` and `store` are ignored). */
  budget?: BudgetLimits | Budget;
  ledger?: Ledger;
  /** Where budget state lives (e.g. Redis from `tokcost/redis`); takes precedence over `ledger`. */
  store?: BudgetStore;
  pricing?: PricingTable;
  /** How many call records to keep (default 1000; totals cover every call). */
  keepRecords?: number;
}

/** What the framework integrations (AI SDK middleware, LangChain handler) take: a budget, where it lives, hooks, prices, pre-flight options. */
export interface IntegrationOptions {
  /** Limits, or a {@link Budget} shared with other clients (e.g. one on a Redis store). */
  budget?: BudgetLimits | Budget;
  /** Where budget state lives when `budget` is limits: a BudgetStore (Redis) or a Ledger. */
  store?: BudgetStore;
  ledger?: Ledger;
  /** Called once per call with estimate vs actual, when it settles or is released. */
  onRecord?: (record: CallRecord) => void;
  /** Called with every estimate before the call is sent; throwing refuses the call. */
  onEstimate?: (estimate: PreflightResult) => void;
  /** Pricing table (default: bundled). */
  pricing?: PricingTable;
  /** Extra pre-flight options, e.g. `{ encoding: "o200k_base" }` for a model the table does not know. */
  preflight?: Omit<PreflightOptions, "budget" | "pricing" | "table" | "kind" | "validated">;
}

/** The {@link Meter} of an integration, from its options. */
export function integrationMeter(options: IntegrationOptions): Meter {
  return new Meter({
    budget: options.budget,
    store: options.store,
    ledger: options.ledger,
    pricing: options.pricing ?? bundledPricingTable(),
    onEstimate: options.onEstimate,
    onUsage: options.onRecord,
  });
}

/** A call in flight: settle it from usage, or release it. Each settles at most once. */
export class MeteredCall {
  readonly id: string;
  private done = false;
  /** The record, once the call has ended. */
  record?: CallRecord;

  constructor(
    private readonly meter: Meter,
    readonly estimate: PreflightResult,
    private readonly reservation: Reservation,
    private readonly startedAt: number,
  ) {
    this.id = reservation.id;
  }

  /** true once settled or released. */
  get ended(): boolean {
    return this.done;
  }

  /**
   * Settles to the cost of `usage`; returns the record (undefined if the call had already ended).
   * Usage that cannot be priced settles at the reserved worst case, with a warning: a call that
   * was answered is always settled, never left holding its reservation.
   */
  async settle(usage: UsageTokens, source: ActualSpend["source"] = "usage", warnings: readonly string[] = [], marks: { overrun?: boolean; usd?: number | null } = {}): Promise<CallRecord | undefined> {
    if (this.done) return undefined;
    this.done = true;
    const notes = [...warnings];
    let overrun = marks.overrun === true;
    const worst = this.estimate.worstCase.completionTokens;
    if (source === "usage" && Number.isFinite(worst) && usage.completionTokens > worst) {
      overrun = true;
      notes.push(`the usage reports ${usage.completionTokens} output tokens, more than the ${worst} reserved; settled at the usage`);
    }
    let actual: ActualSpend;
    try {
      // `marks.usd` is given for calls not billed per text token (images, audio: media-usage.ts);
      // at the reservation: the reserved USD (an unmeasured body's worst case has no model to price).
      const usd = marks.usd !== undefined ? marks.usd : source === "reserved" && this.reservation.amount.usd > 0 ? this.reservation.amount.usd : this.meter.priceUsage(this.estimate.model, usage);
      actual = { ...usage, usd, source };
    } catch (error) {
      notes.push(`the usage could not be priced (${(error as Error).message}); settled at the reserved worst case`);
      actual = { ...this.worstUsage(), usd: this.reservation.amount.usd, source: "reserved" };
    }
    await this.meter.budget.settle(this.reservation, { usd: actual.usd ?? 0, tokens: actual.totalTokens });
    return this.finish("settled", actual, notes, overrun);
  }

  /** The usage of the reserved worst case. */
  private worstUsage(): UsageTokens {
    const worst = this.estimate.worstCase;
    return {
      promptTokens: this.estimate.promptTokens,
      cachedTokens: 0,
      completionTokens: Number.isFinite(worst.completionTokens) ? worst.completionTokens : 0,
      reasoningTokens: 0,
      totalTokens: this.reservation.amount.tokens,
    };
  }

  /**
   * Settles at the reserved worst case: a successful response that reported no usage, or usage
   * that cannot be read (`warning` says why; it goes on the record).
   */
  async settleAtReservation(warning?: string | null): Promise<CallRecord | undefined> {
    return this.settle(this.worstUsage(), "reserved", warning ? [`${warning}; settled at the reserved worst case`] : []);
  }

  /** Releases the reservation: the call failed and nothing was billed. */
  async release(): Promise<CallRecord | undefined> {
    if (this.done) return undefined;
    this.done = true;
    await this.meter.budget.release(this.reservation);
    return this.finish("released", null);
  }

  private finish(outcome: CallRecord["outcome"], actual: ActualSpend | null, warnings: readonly string[] = [], overrun = false): CallRecord {
    const e = this.estimate;
    const record: CallRecord = {
      id: this.id,
      kind: e.kind,
      model: e.model,
      estimate: { promptTokens: e.promptTokens, exact: e.exact, worstCaseTokens: e.worstCase.tokens, worstCaseUsd: e.worstCase.usd },
      reserved: this.reservation.amount,
      outcome,
      actual,
      difference: actual ? { promptTokens: actual.promptTokens - e.promptTokens, usd: actual.usd === null || e.worstCase.usd === null ? null : actual.usd - e.worstCase.usd } : null,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      ...(warnings.length ? { warnings: [...warnings] } : {}),
      ...(overrun ? { overrun: true as const } : {}),
    };
    this.record = record;
    this.meter.record(record);
    return record;
  }
}

/**
 * Budget + records for a client: `open()` reserves a pre-flighted call's worst case (or throws
 * BudgetExceededError before anything is sent); the returned {@link MeteredCall} settles or
 * releases it.
 */
export class Meter {
  readonly budget: Budget;
  readonly pricing: PricingTable;
  private readonly hooks: MeterHooks;
  private readonly keep: number;
  private readonly records: CallRecord[] = [];
  private readonly totals: MeterSummary = {
    calls: 0,
    settled: 0,
    released: 0,
    exactPromptCalls: 0,
    estimatedPromptTokens: 0,
    actualPromptTokens: 0,
    actualCompletionTokens: 0,
    reservedUsd: 0,
    actualUsd: 0,
  };

  constructor(options: MeterOptions = {}) {
    this.budget = options.budget instanceof Budget ? options.budget : new Budget(options.budget ?? {}, { ledger: options.ledger, store: options.store });
    this.pricing = options.pricing ?? bundledPricingTable();
    this.hooks = { onEstimate: options.onEstimate, onUsage: options.onUsage };
    this.keep = options.keepRecords ?? 1000;
  }

  /** Runs the onEstimate hook, checks the worst case can be bounded, reserves it. */
  async open(estimate: PreflightResult): Promise<MeteredCall> {
    this.hooks.onEstimate?.(estimate);
    assertBoundable(estimate, estimate.worstCase, this.budget.limits);
    const id = newCallId();
    const reservation = await this.budget.reserve(id, reservationOf(estimate.worstCase), { model: estimate.model });
    return new MeteredCall(this, estimate, reservation, Date.now());
  }

  /**
   * Reserves an explicit amount for a call tokcost could not measure (guardFetch's
   * `unmeasuredWorstCaseUsd`): no estimate hook, no bound check — the caller named the worst case.
   */
  async openReserving(estimate: PreflightResult, amount: Spend): Promise<MeteredCall> {
    const id = newCallId();
    const reservation = await this.budget.reserve(id, amount, { model: estimate.model });
    return new MeteredCall(this, estimate, reservation, Date.now());
  }

  /** USD of `usage` on `model` (null when the model has no price). */
  priceUsage(model: string, usage: UsageTokens): number | null {
    const entry = this.pricing.match(model)?.entry;
    if (!entry) return null;
    return costOf(entry, { inputTokens: usage.promptTokens, cachedInputTokens: usage.cachedTokens, outputTokens: usage.completionTokens }).total;
  }

  /** @internal Stores a finished call and calls onUsage. */
  record(record: CallRecord): void {
    const t = this.totals;
    t.calls += 1;
    t.reservedUsd += record.reserved.usd;
    if (record.actual) {
      t.settled += 1;
      t.estimatedPromptTokens += record.estimate.promptTokens;
      t.actualPromptTokens += record.actual.promptTokens;
      t.actualCompletionTokens += record.actual.completionTokens;
      t.actualUsd += record.actual.usd ?? 0;
      if (record.actual.source === "usage" && record.actual.promptTokens === record.estimate.promptTokens) t.exactPromptCalls += 1;
    } else t.released += 1;
    this.records.push(record);
    if (this.records.length > this.keep) this.records.shift();
    try {
      this.hooks.onUsage?.(record);
    } catch {
      // A failing hook must not un-settle a call.
    }
  }

  /** The most recent call records (up to `keepRecords`). */
  calls(): CallRecord[] {
    return [...this.records];
  }

  /** Totals over every call, for estimate-vs-actual reporting. */
  summary(): MeterSummary {
    return { ...this.totals };
  }

  /** Budget status as of the last reservation/settlement of this process. */
  status(): BudgetStatus {
    return this.budget.status();
  }

  /** The {@link BudgetReporter} read-outs every guarded surface (client, guarded fetch) offers. */
  reporter(): BudgetReporter {
    return {
      spent: () => this.status().spent,
      remaining: () => this.status().remaining,
      status: () => this.status(),
      refresh: () => this.budget.refresh(),
      calls: () => this.calls(),
      summary: () => this.summary(),
    };
  }
}

/** Output text a stream event carries (content, refusals, tool-call arguments), for counting a stream that ended without usage. */
// A stream event is untyped JSON; every field read is checked where it is used.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function streamOutputText(kind: RequestKind, data: { [key: string]: any }): string {
  if (kind === "responses") return data.type === "response.output_text.delta" && typeof data.delta === "string" ? data.delta : "";
  let text = "";
  for (const choice of Array.isArray(data.choices) ? data.choices : []) {
    if (kind === "chat") {
      const delta = choice?.delta;
      if (typeof delta?.content === "string") text += delta.content;
      if (typeof delta?.refusal === "string") text += delta.refusal;
      for (const call of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) if (typeof call?.function?.arguments === "string") text += call.function.arguments;
    } else if (typeof choice?.text === "string") text += choice.text;
  }
  return text;
}

/** A stream that went past what was reserved for it: tokcost stopped reading it. */
export class StreamOverrunError extends TokcostError {
  constructor(message: string) {
    super("INVALID_RESPONSE", message);
  }
}

/**
 * Watches a streamed response for its call: the usage it reports, the output it carries
 * (counted in bounded memory) and how much it sends. Past the reserved output (plus a small
 * margin) or past a byte allowance derived from it, {@link overrun} says why: the reader stops,
 * and {@link settle} settles what was received, with the record marked.
 */
export class StreamMeter {
  private usage: UsageTokens | null = null;
  private usageProblem: string | null = null;
  private readonly counter: StreamingCounter;
  private readonly encode: (text: string) => number;
  /** Output tokens received, each event counted on its own (an upper estimate, for the limit). */
  private received = 0;
  private bytes = 0;
  private readonly maxOutput: number;
  private readonly maxBytes: number;
  /** Why the stream was cut off, once it was. */
  overrun: string | null = null;

  constructor(
    private readonly kind: RequestKind,
    private readonly call: MeteredCall,
  ) {
    const encoding = getEncoding(call.estimate.encoding);
    this.counter = new StreamingCounter(encoding, { flushAt: 1 << 16 });
    this.encode = (text) => encoding.count(text);
    const worst = call.estimate.worstCase.completionTokens;
    this.maxOutput = Number.isFinite(worst) ? worst + Math.max(16, Math.ceil(worst * 0.1)) : Number.POSITIVE_INFINITY;
    // Events carry far more bytes than text (JSON, logprobs); a stream that sends this much without its output growing is not one of the API's.
    this.maxBytes = Number.isFinite(this.maxOutput) ? (1 << 20) + this.maxOutput * 8192 : Number.POSITIVE_INFINITY;
  }

  /** Counts bytes received; returns the overrun reason once past the allowance. */
  addBytes(n: number): string | null {
    this.bytes += n;
    if (!this.overrun && this.bytes > this.maxBytes) this.overrun = `the stream sent more than ${this.maxBytes} bytes for at most ${this.maxOutput} output tokens`;
    return this.overrun;
  }

  /** Reads one event's usage and output; returns the overrun reason once past the reservation. */
  // A stream event is untyped JSON; every field read is checked where it is used.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  observe(data: { [key: string]: any }): string | null {
    const reading = readUsage(this.kind === "responses" ? data.response?.usage : data.usage, this.kind);
    if (reading.usage) this.usage = reading.usage;
    else if (reading.problem) this.usageProblem = reading.problem;
    const text = streamOutputText(this.kind, data);
    if (text) {
      this.counter.push(text);
      this.received += this.encode(text);
      if (!this.overrun && this.received > this.maxOutput) {
        const worst = this.call.estimate.worstCase.completionTokens;
        this.overrun = `the stream sent more than the ${worst} output tokens reserved (max_tokens) plus a margin`;
      }
    }
    return this.overrun;
  }

  /** The usage read so far (null when none yet). */
  get usageRead(): UsageTokens | null {
    return this.usage;
  }

  /** Settles the call from the usage, or at the worst case when it was unreadable, or from the output received. */
  async settle(): Promise<CallRecord | undefined> {
    if (this.call.ended) return undefined;
    const notes = this.overrun ? [`${this.overrun}; tokcost stopped reading it and settled what was received`] : [];
    const marks = { overrun: this.overrun !== null };
    if (this.usage) return this.call.settle(this.usage, "usage", notes, marks);
    if (this.usageProblem && !this.overrun) return this.call.settleAtReservation(this.usageProblem);
    const completionTokens = Math.max(this.counter.total(), this.overrun ? this.received : 0);
    const promptTokens = this.call.estimate.promptTokens;
    return this.call.settle(
      { promptTokens, cachedTokens: 0, completionTokens, reasoningTokens: 0, totalTokens: promptTokens + completionTokens },
      "counted",
      this.usageProblem ? [...notes, `${this.usageProblem}`] : notes,
      marks,
    );
  }
}
