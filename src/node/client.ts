/**
 * Node entry for the request helper: the same `createClient` and `guardFetch` as the portable
 * core, plus `ledger: "path.json"` — a file path becomes a {@link FileLedger}, so spend persists
 * across processes (and reservations are made under the file's lock).
 */
import { createClient as createCoreClient, type ClientOptions, type TokcostClient } from "../request/client.js";
import { guardFetch as coreGuardFetch, type GuardFetchOptions, type GuardedFetch } from "../request/guard-fetch.js";
import type { Ledger } from "../request/budget.js";
import { FileLedger } from "./ledger.js";
import { installFastRanks } from "./ranks-loader.js";

installFastRanks();

/** A ledger object, or the path of a JSON ledger file. */
export type LedgerOption = Ledger | string;

function toLedger(ledger: LedgerOption | undefined): Ledger | undefined {
  return typeof ledger === "string" ? new FileLedger(ledger) : ledger;
}

/** {@link ClientOptions} with `ledger` also accepting a file path. */
export interface NodeClientOptions extends Omit<ClientOptions, "ledger"> {
  /** A Ledger, or a path: `"spend.json"` keeps the budget's spend in that file, shared across processes. */
  ledger?: LedgerOption;
}

/**
 * `createClient` with file ledgers.
 *
 * @example
 * import { createClient } from "tokcost/node";
 * const client = createClient({ budget: { usd: 10, period: "day" }, ledger: "nightly-spend.json" });
 */
export function createClient(options: NodeClientOptions = {}): TokcostClient {
  return createCoreClient({ ...options, ledger: toLedger(options.ledger) });
}

/** {@link GuardFetchOptions} with `ledger` also accepting a file path. */
export interface NodeGuardFetchOptions extends Omit<GuardFetchOptions, "ledger"> {
  ledger?: LedgerOption;
}

/** `guardFetch` with file ledgers: `new OpenAI({ fetch: guardFetch({ budget: { usd: 5 }, ledger: "spend.json" }) })`. */
export function guardFetch(options: NodeGuardFetchOptions = {}): GuardedFetch {
  return coreGuardFetch({ ...options, ledger: toLedger(options.ledger) });
}
