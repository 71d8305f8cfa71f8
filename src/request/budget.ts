/**
 * Budgets that hold under concurrency.
 *
 * Every call reserves its worst-case cost before it is sent, and settles to its actual cost
 * when the response (or stream) ends, or releases the reservation when it fails. A call whose
 * reservation does not fit beside what is already spent and reserved is refused before it is
 * sent, so concurrent calls can never overspend.
 *
 * The state lives in a {@link Ledger}: {@link MemoryLedger} (the default, one process) or the
 * Node-only `FileLedger` from `tokcost/node`, which keeps spend across processes and reserves
 * under a file lock. Everything here is plain ES — no Node APIs.
 */
import { z } from "zod";
import { BudgetExceededError, TokcostError, UsageError } from "../errors.js";

/** A spending limit. Either or both of `usd` and `tokens`. */
export interface BudgetLimits {
  /** Most USD to spend. */
  usd?: number;
  /** Most tokens (prompt + completion) to spend. */
  tokens?: number;
  /**
   * Budget window, in UTC: "total" (default, never resets), "day" or "month" — spend resets
   * when the window changes (a nightly job with a daily budget). Needs a persistent ledger to be
   * useful across processes.
   */
  period?: "total" | "day" | "month";
}

/** zod schema of {@link BudgetLimits}. */
export const budgetLimitsSchema = z.strictObject({
  usd: z.number().finite().nonnegative().optional(),
  tokens: z.number().int().nonnegative().optional(),
  period: z.enum(["total", "day", "month"]).optional(),
});

/** An amount of spend. */
export interface Spend {
  usd: number;
  tokens: number;
}

/** One open reservation in a ledger. */
export interface ReservationRecord {
  usd: number;
  tokens: number;
  /** When it was made (ms since epoch). */
  at: number;
  /** Who holds it (`pid@host` for the file ledger); used to drop reservations of dead processes. */
  owner?: string;
}

/** What a ledger stores. */
export interface LedgerState {
  version: 1;
  /** Current budget window ("2026-11-22", "2026-11", or null for "total"). */
  period: string | null;
  spentUsd: number;
  spentTokens: number;
  /** Calls settled in this window. */
  calls: number;
  /** Open reservations by call id. */
  reservations: Record<string, ReservationRecord>;
}

/** zod schema of {@link LedgerState} (the file ledger's on-disk format). */
export const ledgerStateSchema = z.strictObject({
  version: z.literal(1),
  period: z.string().nullable(),
  spentUsd: z.number().finite().nonnegative(),
  spentTokens: z.number().finite().nonnegative(),
  calls: z.number().int().nonnegative(),
  reservations: z.record(z.string(), z.strictObject({ usd: z.number().finite().nonnegative(), tokens: z.number().finite().nonnegative(), at: z.number(), owner: z.string().optional() })),
});

/** A fresh, empty ledger state. */
export function emptyLedgerState(): LedgerState {
  return { version: 1, period: null, spentUsd: 0, spentTokens: 0, calls: 0, reservations: {} };
}

/**
 * Storage of a budget. `transact` runs `fn` on the current state atomically — no other
 * transaction (in this process or, for persistent ledgers, any other) runs in between — and
 * stores the state `fn` left behind. If `fn` throws, nothing is stored and the error propagates.
 */
export interface Ledger {
  transact<T>(fn: (state: LedgerState) => T): Promise<T>;
  /** The current state (a copy). */
  read(): Promise<LedgerState>;
  /** Owner tag written into reservations (e.g. `pid@host`). */
  readonly owner?: string;
  /** Is the owner of a reservation still running? Lets budgets drop reservations of crashed processes. */
  isOwnerAlive?(owner: string): boolean;
}

/** The default ledger: in memory, shared by the calls of one client in one process. */
export class MemoryLedger implements Ledger {
  private state: LedgerState;
  constructor(initial?: Partial<LedgerState>) {
    this.state = { ...emptyLedgerState(), ...initial };
  }
  transact<T>(fn: (state: LedgerState) => T): Promise<T> {
    try {
      const draft = structuredClone(this.state);
      const result = fn(draft);
      this.state = draft;
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  read(): Promise<LedgerState> {
    return Promise.resolve(structuredClone(this.state));
  }
}

/** A ledger that cannot be read, written or locked. */
export class LedgerError extends TokcostError {
  constructor(message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super("LEDGER_ERROR", message, options);
  }
}

/** The window key of `period` at `now` (UTC). */
export function periodKey(period: BudgetLimits["period"], now: Date = new Date()): string | null {
  if (!period || period === "total") return null;
  const iso = now.toISOString();
  return period === "day" ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** Floating-point slack when comparing USD sums (a billionth of a cent). */
const EPSILON = 1e-11;

function sumReservations(state: LedgerState): Spend {
  let usd = 0;
  let tokens = 0;
  for (const r of Object.values(state.reservations)) {
    usd += r.usd;
    tokens += r.tokens;
  }
  return { usd, tokens };
}

/** A snapshot of a budget. */
export interface BudgetStatus {
  limits: BudgetLimits;
  /** Settled spend in the current window. */
  spent: Spend;
  /** Held by calls in flight. */
  reserved: Spend;
  /** limit − spent − reserved, per dimension; null when that dimension has no limit. */
  remaining: { usd: number | null; tokens: number | null };
  /** Calls settled in the current window. */
  calls: number;
}

/** A reservation held by one call. Settle or release it exactly once. */
export interface Reservation {
  readonly id: string;
  readonly amount: Spend;
  /** "held" until settled or released. */
  readonly state: "held" | "settled" | "released";
}

let counter = 0;
/** A unique call id (random part + counter, so ids from several processes never collide). */
export function newCallId(): string {
  const rand = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${rand}-${(counter++).toString(36)}`;
}

/** Options of {@link Budget}. */
export interface BudgetOptions {
  /** Where the state lives (default: a new MemoryLedger). */
  ledger?: Ledger;
  /**
   * Reservations older than this are considered abandoned (a crashed process) and dropped
   * (default 1 hour). Persistent ledgers also drop reservations whose owner process is gone.
   */
  staleReservationMs?: number;
  /** Decides whether the owner of a reservation is still alive (set by the file ledger). */
  isOwnerAlive?: (owner: string) => boolean;
}

/** Checks budget limits (`{ usd?, tokens? }`, non-negative). @throws UsageError naming the field. */
export function parseBudgetLimits(limits: unknown): BudgetLimits {
  const parsed = budgetLimitsSchema.safeParse(limits);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`invalid budget: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * A budget shared by every call of a client (or of a `guardFetch`). `reserve` is atomic with
 * respect to every other reserve/settle/release on the same ledger.
 */
export class Budget {
  readonly limits: BudgetLimits;
  readonly ledger: Ledger;
  private readonly staleMs: number;
  private readonly isOwnerAlive?: (owner: string) => boolean;
  private last: LedgerState = emptyLedgerState();

  constructor(limits: BudgetLimits = {}, options: BudgetOptions = {}) {
    this.limits = parseBudgetLimits(limits);
    this.ledger = options.ledger ?? new MemoryLedger();
    this.staleMs = options.staleReservationMs ?? 3_600_000;
    this.isOwnerAlive = options.isOwnerAlive ?? (this.ledger.isOwnerAlive ? (owner: string) => this.ledger.isOwnerAlive!(owner) : undefined);
  }

  /** Applies the window reset and drops abandoned reservations (inside a transaction). */
  private normalise(state: LedgerState, now: number): void {
    const key = periodKey(this.limits.period, new Date(now));
    if (state.period !== key) {
      state.period = key;
      state.spentUsd = 0;
      state.spentTokens = 0;
      state.calls = 0;
    }
    for (const [id, r] of Object.entries(state.reservations)) {
      const dead = r.owner !== undefined && this.isOwnerAlive !== undefined && r.owner !== this.ledger.owner && !this.isOwnerAlive(r.owner);
      if (dead || now - r.at > this.staleMs) delete state.reservations[id];
    }
  }

  /**
   * Reserves `amount` for call `id`, or throws BudgetExceededError when it does not fit beside
   * what is spent and reserved. Nothing is reserved when it throws.
   */
  async reserve(id: string, amount: Spend, context: { model?: string } = {}): Promise<Reservation> {
    const { usd: limitUsd, tokens: limitTokens } = this.limits;
    await this.ledger.transact((state) => {
      const now = Date.now();
      this.normalise(state, now);
      const held = sumReservations(state);
      if (limitUsd !== undefined && state.spentUsd + held.usd + amount.usd > limitUsd + EPSILON) {
        const left = Math.max(0, limitUsd - state.spentUsd - held.usd);
        this.last = structuredClone(state);
        throw new BudgetExceededError(
          `budget exceeded: this call may cost up to $${fmt(amount.usd)}${context.model ? ` on ${context.model}` : ""}, but only $${fmt(left)} of the $${fmt(limitUsd)} budget is left ($${fmt(state.spentUsd)} spent, $${fmt(held.usd)} reserved by calls in flight); lower max_tokens or raise the budget`,
          { limitUsd, spentUsd: state.spentUsd, reservedUsd: held.usd, requestedUsd: amount.usd, remainingUsd: left },
        );
      }
      if (limitTokens !== undefined && state.spentTokens + held.tokens + amount.tokens > limitTokens) {
        const left = Math.max(0, limitTokens - state.spentTokens - held.tokens);
        this.last = structuredClone(state);
        throw new BudgetExceededError(
          `budget exceeded: this call may use up to ${amount.tokens} tokens${context.model ? ` on ${context.model}` : ""}, but only ${left} of the ${limitTokens}-token budget are left (${state.spentTokens} spent, ${held.tokens} reserved by calls in flight); lower max_tokens or raise the budget`,
          { limitTokens, spentTokens: state.spentTokens, reservedTokens: held.tokens, requestedTokens: amount.tokens, remainingTokens: left },
        );
      }
      state.reservations[id] = { usd: amount.usd, tokens: amount.tokens, at: now, ...(this.ledger.owner ? { owner: this.ledger.owner } : {}) };
      this.last = structuredClone(state);
    });
    return { id, amount, state: "held" };
  }

  /**
   * Replaces the reservation with the actual spend. Returns false (and changes nothing) when the
   * reservation was already settled or released — a call is never counted twice.
   */
  async settle(reservation: Reservation, actual: Spend): Promise<boolean> {
    if (!claim(reservation, "settled")) return false;
    await this.ledger.transact((state) => {
      this.normalise(state, Date.now());
      delete state.reservations[reservation.id];
      state.spentUsd += actual.usd;
      state.spentTokens += actual.tokens;
      state.calls += 1;
      this.last = structuredClone(state);
    });
    return true;
  }

  /** Drops the reservation without spending (the call failed before anything was billed). */
  async release(reservation: Reservation): Promise<boolean> {
    if (!claim(reservation, "released")) return false;
    await this.ledger.transact((state) => {
      this.normalise(state, Date.now());
      delete state.reservations[reservation.id];
      this.last = structuredClone(state);
    });
    return true;
  }

  /** Status as of the last transaction of this process (exact for the in-memory ledger). */
  status(): BudgetStatus {
    return statusOf(this.limits, this.last);
  }

  /** Re-reads the ledger (other processes may have spent) and returns the status. */
  async refresh(): Promise<BudgetStatus> {
    const state = await this.ledger.read();
    const now = Date.now();
    if (state.period !== periodKey(this.limits.period, new Date(now))) {
      state.spentUsd = 0;
      state.spentTokens = 0;
      state.calls = 0;
    }
    this.last = state;
    return statusOf(this.limits, state);
  }
}

function claim(reservation: Reservation, to: "settled" | "released"): boolean {
  if (reservation.state !== "held") return false;
  (reservation as { state: Reservation["state"] }).state = to;
  return true;
}

function statusOf(limits: BudgetLimits, state: LedgerState): BudgetStatus {
  const reserved = sumReservations(state);
  return {
    limits,
    spent: { usd: state.spentUsd, tokens: state.spentTokens },
    reserved,
    remaining: {
      usd: limits.usd === undefined ? null : Math.max(0, limits.usd - state.spentUsd - reserved.usd),
      tokens: limits.tokens === undefined ? null : Math.max(0, limits.tokens - state.spentTokens - reserved.tokens),
    },
    calls: state.calls,
  };
}

function fmt(usd: number): string {
  if (usd === 0) return "0";
  if (usd >= 1) return usd.toFixed(2);
  return usd.toPrecision(3).replace(/0+$/, "").replace(/\.$/, "");
}
