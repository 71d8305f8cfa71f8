/**
 * Budgets that hold under concurrency.
 *
 * Every call reserves its worst-case cost before it is sent, and settles to its actual cost
 * when the response (or stream) ends, or releases the reservation when it fails. A call whose
 * reservation does not fit beside what is already spent and reserved is refused before it is
 * sent, so concurrent calls can never overspend.
 *
 * The state lives in a {@link BudgetStore}: a {@link Ledger} — {@link MemoryLedger} (the default,
 * one process) or the Node-only `FileLedger` from `tokcost/node` (one machine, a file lock) — or
 * Redis (`tokcost/redis`, a fleet, atomic server-side scripts). Everything here is plain ES — no
 * Node APIs.
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

/** What a {@link BudgetStore} reports: the spend of one budget window and what calls in flight hold. */
export interface BudgetSnapshot {
  /** The window ("2026-11-22", "2026-11", or null for "total"). */
  period: string | null;
  /** Settled spend in the window. */
  spent: Spend;
  /** Held by open reservations. */
  reserved: Spend;
  /** Calls settled in the window. */
  calls: number;
}

/** What {@link BudgetStore.reserve} is asked to do. */
export interface StoreReserveRequest {
  id: string;
  amount: Spend;
  limits: BudgetLimits;
  /** The current window key ({@link periodKey}). */
  period: string | null;
  /** The reservation expires after this many ms unless settled or released (a crashed process). */
  ttlMs: number;
}

/**
 * Where a budget's state lives: every method is one atomic step against every other caller of
 * the same store (other calls, other processes, other machines). Three implementations: a
 * {@link Ledger} through {@link ledgerStore} (memory, the `tokcost/node` ledger file) and Redis
 * (`createRedisBudgetStore` from `tokcost/redis`).
 */
export interface BudgetStore {
  /** Holds `amount` for `id` if it fits beside spend + reservations under `limits`; `ok: false` (nothing held) otherwise. */
  reserve(request: StoreReserveRequest): Promise<{ ok: boolean; snapshot: BudgetSnapshot }>;
  /**
   * Drops the reservation and adds `actual` to the window's spend. false (nothing changes) when
   * `id` was already settled or released — a call is never counted twice. A call whose
   * reservation expired is still counted: it was billed.
   */
  settle(request: { id: string; actual: Spend; period: string | null }): Promise<{ settled: boolean; snapshot: BudgetSnapshot }>;
  /** Drops the reservation without spending. false when there was none. */
  release(request: { id: string; period: string | null }): Promise<{ released: boolean; snapshot: BudgetSnapshot }>;
  /** The current state. */
  snapshot(period: string | null): Promise<BudgetSnapshot>;
}

/** Options of {@link ledgerStore}. */
export interface LedgerStoreOptions {
  /** Reservations older than this are dropped (default 1 hour). */
  staleReservationMs?: number;
  /** Decides whether the owner of a reservation is still alive (default: the ledger's). */
  isOwnerAlive?: (owner: string) => boolean;
}

function snapshotOf(state: LedgerState): BudgetSnapshot {
  return { period: state.period, spent: { usd: state.spentUsd, tokens: state.spentTokens }, reserved: sumReservations(state), calls: state.calls };
}

/**
 * A {@link BudgetStore} over a {@link Ledger} (memory or file): each step is one ledger
 * transaction. Reservations of dead owners and older than `staleReservationMs` are dropped.
 */
export function ledgerStore(ledger: Ledger, options: LedgerStoreOptions = {}): BudgetStore & { readonly ledger: Ledger } {
  const staleMs = options.staleReservationMs ?? 3_600_000;
  const alive = options.isOwnerAlive ?? (ledger.isOwnerAlive ? (owner: string) => ledger.isOwnerAlive!(owner) : undefined);
  const normalise = (state: LedgerState, period: string | null, now: number, ttlMs = staleMs): void => {
    if (state.period !== period) {
      state.period = period;
      state.spentUsd = 0;
      state.spentTokens = 0;
      state.calls = 0;
    }
    for (const [id, r] of Object.entries(state.reservations)) {
      const dead = r.owner !== undefined && alive !== undefined && r.owner !== ledger.owner && !alive(r.owner);
      if (dead || now - r.at > Math.min(ttlMs, staleMs)) delete state.reservations[id];
    }
  };
  return {
    ledger,
    reserve: ({ id, amount, limits, period }) =>
      ledger.transact((state) => {
        const now = Date.now();
        normalise(state, period, now);
        const held = sumReservations(state);
        const over = (limits.usd !== undefined && state.spentUsd + held.usd + amount.usd > limits.usd + EPSILON) || (limits.tokens !== undefined && state.spentTokens + held.tokens + amount.tokens > limits.tokens);
        if (!over) state.reservations[id] = { usd: amount.usd, tokens: amount.tokens, at: now, ...(ledger.owner ? { owner: ledger.owner } : {}) };
        return { ok: !over, snapshot: snapshotOf(state) };
      }),
    settle: ({ id, actual, period }) =>
      ledger.transact((state) => {
        normalise(state, period, Date.now());
        delete state.reservations[id];
        state.spentUsd += actual.usd;
        state.spentTokens += actual.tokens;
        state.calls += 1;
        return { settled: true, snapshot: snapshotOf(state) };
      }),
    release: ({ id, period }) =>
      ledger.transact((state) => {
        normalise(state, period, Date.now());
        const released = id in state.reservations;
        delete state.reservations[id];
        return { released, snapshot: snapshotOf(state) };
      }),
    snapshot: async (period) => {
      const state = await ledger.read();
      if (state.period !== period) return { period, spent: { usd: 0, tokens: 0 }, reserved: sumReservations(state), calls: 0 };
      return snapshotOf(state);
    },
  };
}

/** Options of {@link Budget}. */
export interface BudgetOptions {
  /** Where the state lives, as a {@link Ledger} (default: a new MemoryLedger). Ignored when `store` is given. */
  ledger?: Ledger;
  /** Where the state lives, as a {@link BudgetStore} (e.g. Redis from `tokcost/redis`, shared by a fleet). */
  store?: BudgetStore;
  /**
   * Reservations older than this are considered abandoned (a crashed process) and dropped
   * (default 1 hour). Persistent ledgers also drop reservations whose owner process is gone; the
   * Redis store expires them on the server.
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

function emptySnapshot(): BudgetSnapshot {
  return { period: null, spent: { usd: 0, tokens: 0 }, reserved: { usd: 0, tokens: 0 }, calls: 0 };
}

/**
 * A budget shared by every call of a client (or of a `guardFetch`). `reserve` is atomic with
 * respect to every other reserve/settle/release on the same store.
 */
export class Budget {
  readonly limits: BudgetLimits;
  readonly store: BudgetStore;
  /** The ledger, when the store is one (memory or file). */
  readonly ledger?: Ledger;
  private readonly staleMs: number;
  private last: BudgetSnapshot = emptySnapshot();

  constructor(limits: BudgetLimits = {}, options: BudgetOptions = {}) {
    this.limits = parseBudgetLimits(limits);
    this.staleMs = options.staleReservationMs ?? 3_600_000;
    if (options.store) this.store = options.store;
    else {
      this.ledger = options.ledger ?? new MemoryLedger();
      this.store = ledgerStore(this.ledger, { staleReservationMs: this.staleMs, isOwnerAlive: options.isOwnerAlive });
    }
  }

  private period(): string | null {
    return periodKey(this.limits.period);
  }

  /**
   * Reserves `amount` for call `id`, or throws BudgetExceededError when it does not fit beside
   * what is spent and reserved. Nothing is reserved when it throws.
   */
  async reserve(id: string, amount: Spend, context: { model?: string } = {}): Promise<Reservation> {
    const { usd: limitUsd, tokens: limitTokens } = this.limits;
    const { ok, snapshot } = await this.store.reserve({ id, amount, limits: this.limits, period: this.period(), ttlMs: this.staleMs });
    this.last = snapshot;
    if (!ok) {
      const spent = snapshot.spent;
      const held = snapshot.reserved;
      if (limitUsd !== undefined && spent.usd + held.usd + amount.usd > limitUsd + EPSILON) {
        const left = Math.max(0, limitUsd - spent.usd - held.usd);
        throw new BudgetExceededError(
          `budget exceeded: this call may cost up to $${fmt(amount.usd)}${context.model ? ` on ${context.model}` : ""}, but only $${fmt(left)} of the $${fmt(limitUsd)} budget is left ($${fmt(spent.usd)} spent, $${fmt(held.usd)} reserved by calls in flight); lower max_tokens or raise the budget`,
          { limitUsd, spentUsd: spent.usd, reservedUsd: held.usd, requestedUsd: amount.usd, remainingUsd: left },
        );
      }
      const left = Math.max(0, (limitTokens ?? 0) - spent.tokens - held.tokens);
      throw new BudgetExceededError(
        `budget exceeded: this call may use up to ${amount.tokens} tokens${context.model ? ` on ${context.model}` : ""}, but only ${left} of the ${limitTokens ?? 0}-token budget are left (${spent.tokens} spent, ${held.tokens} reserved by calls in flight); lower max_tokens or raise the budget`,
        { limitTokens, spentTokens: spent.tokens, reservedTokens: held.tokens, requestedTokens: amount.tokens, remainingTokens: left },
      );
    }
    return { id, amount, state: "held" };
  }

  /**
   * Replaces the reservation with the actual spend. Returns false (and changes nothing) when the
   * reservation was already settled or released — a call is never counted twice.
   */
  async settle(reservation: Reservation, actual: Spend): Promise<boolean> {
    if (!claim(reservation, "settled")) return false;
    const { settled, snapshot } = await this.store.settle({ id: reservation.id, actual, period: this.period() });
    this.last = snapshot;
    return settled;
  }

  /** Drops the reservation without spending (the call failed before anything was billed). */
  async release(reservation: Reservation): Promise<boolean> {
    if (!claim(reservation, "released")) return false;
    const { snapshot } = await this.store.release({ id: reservation.id, period: this.period() });
    this.last = snapshot;
    return true;
  }

  /** Status as of the last step of this process (exact for the in-memory ledger). */
  status(): BudgetStatus {
    return statusOf(this.limits, this.last);
  }

  /** Re-reads the store (other processes may have spent) and returns the status. */
  async refresh(): Promise<BudgetStatus> {
    this.last = await this.store.snapshot(this.period());
    return statusOf(this.limits, this.last);
  }
}

function claim(reservation: Reservation, to: "settled" | "released"): boolean {
  if (reservation.state !== "held") return false;
  (reservation as { state: Reservation["state"] }).state = to;
  return true;
}

function statusOf(limits: BudgetLimits, snapshot: BudgetSnapshot): BudgetStatus {
  const { spent, reserved } = snapshot;
  return {
    limits,
    spent: { ...spent },
    reserved: { ...reserved },
    remaining: {
      usd: limits.usd === undefined ? null : Math.max(0, limits.usd - spent.usd - reserved.usd),
      tokens: limits.tokens === undefined ? null : Math.max(0, limits.tokens - spent.tokens - reserved.tokens),
    },
    calls: snapshot.calls,
  };
}

function fmt(usd: number): string {
  if (usd === 0) return "0";
  if (usd >= 1) return usd.toFixed(2);
  return usd.toPrecision(3).replace(/0+$/, "").replace(/\.$/, "");
}
