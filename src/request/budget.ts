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
import { formatUsd } from "../pricing/cost.js";

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

/**
 * Running totals of a state's reservations, when the ledger keeps them (a symbol, so it is never
 * serialised): lets {@link Budget} check a reservation in O(1) instead of summing every one.
 */
export const RESERVED_TOTAL: unique symbol = Symbol("tokcost.reservedTotal");

const DELETED = Symbol("deleted");

/**
 * The default ledger: in memory, shared by the calls of one client in one process.
 *
 * A transaction costs O(changes), not O(reservations): `fn` sees a draft whose `reservations`
 * journals reads (copied on first access), writes and deletes; the journal is applied when `fn`
 * returns and dropped when it throws. The reserved totals are kept up to date as changes apply.
 */
export class MemoryLedger implements Ledger {
  private scalars: Omit<LedgerState, "reservations">;
  private readonly reservations = new Map<string, ReservationRecord>();
  private reservedUsd = 0;
  private reservedTokens = 0;

  constructor(initial?: Partial<LedgerState>) {
    const { reservations, ...rest } = { ...emptyLedgerState(), ...initial };
    this.scalars = rest;
    for (const [id, r] of Object.entries(reservations ?? {})) this.put(id, { ...r });
  }

  private put(id: string, record: ReservationRecord | typeof DELETED): void {
    const before = this.reservations.get(id);
    if (before) {
      this.reservedUsd -= before.usd;
      this.reservedTokens -= before.tokens;
    }
    if (record === DELETED) this.reservations.delete(id);
    else {
      this.reservations.set(id, record);
      this.reservedUsd += record.usd;
      this.reservedTokens += record.tokens;
    }
    // Sums of many additions and subtractions drift; an empty ledger holds exactly nothing.
    if (this.reservations.size === 0) this.reservedUsd = this.reservedTokens = 0;
  }

  transact<T>(fn: (state: LedgerState) => T): Promise<T> {
    const base = this.reservations;
    const journal = new Map<string, ReservationRecord | typeof DELETED>();
    const current = (id: string): ReservationRecord | undefined => {
      if (journal.has(id)) {
        const v = journal.get(id)!;
        return v === DELETED ? undefined : v;
      }
      const r = base.get(id);
      if (!r) return undefined;
      const copy = { ...r }; // fn may change it in place; the base stays as it was until commit
      journal.set(id, copy);
      return copy;
    };
    const keys = (): string[] => {
      const out: string[] = [];
      for (const id of base.keys()) if (journal.get(id) !== DELETED) out.push(id);
      for (const [id, v] of journal) if (v !== DELETED && !base.has(id)) out.push(id);
      return out;
    };
    const reservations = new Proxy(Object.create(null) as Record<string, ReservationRecord>, {
      get: (_t, key) => (typeof key === "string" ? current(key) : undefined),
      has: (_t, key) => typeof key === "string" && current(key) !== undefined,
      set: (_t, key, value) => {
        if (typeof key !== "string") return false;
        journal.set(key, value as ReservationRecord);
        return true;
      },
      deleteProperty: (_t, key) => {
        if (typeof key === "string") journal.set(key, DELETED);
        return true;
      },
      ownKeys: () => keys(),
      getOwnPropertyDescriptor: (_t, key) => {
        const value = typeof key === "string" ? current(key) : undefined;
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
      defineProperty: (_t, key, descriptor) => {
        if (typeof key !== "string" || !("value" in descriptor)) return false;
        journal.set(key, descriptor.value as ReservationRecord);
        return true;
      },
    });
    const draft = { ...this.scalars, reservations } as LedgerState;
    Object.defineProperty(draft, RESERVED_TOTAL, {
      enumerable: false,
      get: (): Spend => {
        let usd = this.reservedUsd;
        let tokens = this.reservedTokens;
        let size = base.size;
        for (const [id, v] of journal) {
          const was = base.get(id);
          if (was) {
            usd -= was.usd;
            tokens -= was.tokens;
            size -= 1;
          }
          if (v !== DELETED) {
            usd += v.usd;
            tokens += v.tokens;
            size += 1;
          }
        }
        return size === 0 ? { usd: 0, tokens: 0 } : { usd: Math.max(0, usd), tokens: Math.max(0, tokens) };
      },
    });
    try {
      const result = fn(draft);
      const { reservations: after, ...scalars } = draft;
      this.scalars = { version: scalars.version, period: scalars.period, spentUsd: scalars.spentUsd, spentTokens: scalars.spentTokens, calls: scalars.calls };
      if (after === reservations) {
        for (const [id, v] of journal) this.put(id, v === DELETED ? DELETED : { ...v });
      } else {
        // fn replaced the whole map: take it as it is (O(n), but nothing in tokcost does this).
        const next = structuredClone({ ...(after ?? {}) }) as Record<string, ReservationRecord>;
        this.reservations.clear();
        this.reservedUsd = this.reservedTokens = 0;
        for (const [id, r] of Object.entries(next)) this.put(id, r);
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  read(): Promise<LedgerState> {
    const reservations: Record<string, ReservationRecord> = {};
    for (const [id, r] of this.reservations) Object.defineProperty(reservations, id, { value: { ...r }, writable: true, enumerable: true, configurable: true });
    return Promise.resolve({ ...structuredClone(this.scalars), reservations });
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

/** What the reservations of `state` hold: O(1) when the ledger keeps totals, a sum otherwise. */
function sumReservations(state: LedgerState): Spend {
  const kept = (state as { [RESERVED_TOTAL]?: Spend })[RESERVED_TOTAL];
  if (kept) return kept;
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
  /** "held" until settled or released (read-only to callers: the budget that made it records the change). */
  readonly state: "held" | "settled" | "released";
}

/** How reservations ended: the budgets' own record, so a reservation's `state` is never written through a cast. */
const ended = new WeakMap<Reservation, "settled" | "released">();

/** A reservation as {@link Budget.reserve} makes it: its `state` reads the record of how it ended. */
class HeldReservation implements Reservation {
  constructor(
    readonly id: string,
    readonly amount: Spend,
  ) {}

  get state(): Reservation["state"] {
    return ended.get(this) ?? "held";
  }
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
  /** When abandoned reservations are next looked for (a sweep visits every reservation). */
  let nextSweepAt = 0;
  /**
   * Applies the window reset and drops abandoned reservations. Looking for abandoned ones visits
   * all of them, so it runs at most once per sweep interval (a second, or the stale age if
   * shorter) — and always before a reservation is refused — which keeps reserve and settle O(1)
   * with thousands of calls in flight.
   */
  const normalise = (state: LedgerState, period: string | null, now: number, force = false): void => {
    if (state.period !== period) {
      state.period = period;
      state.spentUsd = 0;
      state.spentTokens = 0;
      state.calls = 0;
    }
    if (!force && now < nextSweepAt) return;
    nextSweepAt = now + Math.max(0, Math.min(staleMs, 1000));
    for (const [id, r] of Object.entries(state.reservations)) {
      const dead = r.owner !== undefined && alive !== undefined && r.owner !== ledger.owner && !alive(r.owner);
      if (dead || now - r.at > staleMs) delete state.reservations[id];
    }
  };
  return {
    ledger,
    reserve: ({ id, amount, limits, period }) =>
      ledger.transact((state) => {
        const now = Date.now();
        normalise(state, period, now);
        const overWith = (held: Spend) =>
          (limits.usd !== undefined && state.spentUsd + held.usd + amount.usd > limits.usd + EPSILON) ||
          (limits.tokens !== undefined && state.spentTokens + held.tokens + amount.tokens > limits.tokens);
        let over = overWith(sumReservations(state));
        if (over) {
          // Before refusing, drop any abandoned reservation that may be in the way.
          normalise(state, period, now, true);
          over = overWith(sumReservations(state));
        }
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
          `budget exceeded: this call may cost up to ${formatUsd(amount.usd)}${context.model ? ` on ${context.model}` : ""}, but only ${formatUsd(left)} of the ${formatUsd(limitUsd)} budget is left (${formatUsd(spent.usd)} spent, ${formatUsd(held.usd)} reserved by calls in flight); lower max_tokens or raise the budget`,
          { limitUsd, spentUsd: spent.usd, reservedUsd: held.usd, requestedUsd: amount.usd, remainingUsd: left },
        );
      }
      const left = Math.max(0, (limitTokens ?? 0) - spent.tokens - held.tokens);
      throw new BudgetExceededError(
        `budget exceeded: this call may use up to ${amount.tokens} tokens${context.model ? ` on ${context.model}` : ""}, but only ${left} of the ${limitTokens ?? 0}-token budget are left (${spent.tokens} spent, ${held.tokens} reserved by calls in flight); lower max_tokens or raise the budget`,
        { limitTokens, spentTokens: spent.tokens, reservedTokens: held.tokens, requestedTokens: amount.tokens, remainingTokens: left },
      );
    }
    return new HeldReservation(id, amount);
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

/** Records that `reservation` ends as `to`; false when it already ended (a call is never settled twice). */
function claim(reservation: Reservation, to: "settled" | "released"): boolean {
  if (reservation.state !== "held" || ended.has(reservation)) return false;
  ended.set(reservation, to);
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
