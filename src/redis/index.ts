/**
 * `tokcost/redis`: a {@link BudgetStore} in Redis, shared by every process on every machine that
 * names the same key — a budget for a fleet.
 *
 * - Reserve, settle, release and read are each one Lua script run on the server (EVALSHA): the
 *   check against spend + reservations and the write happen in one atomic step, with no
 *   read-modify-write from the client.
 * - Amounts are integers: USD in micro-dollars (reservations and actual costs rounded up, limits
 *   rounded down, so rounding never lets a fleet overspend), tokens as they are.
 * - Each reservation carries an expiry (server clock): a crashed process's reservations are
 *   dropped by the next script that runs once it passes.
 * - Spend is kept per budget window (`{key}:spent:2026-11-22`, `:2026-11`, `:total`).
 * - Settles are idempotent (settled and released ids are remembered for `doneTtlMs`) and retried
 *   while Redis is unreachable, so a call is counted exactly once; reservations fail closed: while
 *   Redis cannot be reached, every reserve throws (the call is refused before it is sent).
 *
 * Production: run Redis with AOF (`appendonly yes`; `appendfsync always` so an acknowledged
 * settle survives a crash — `everysec` may lose the last second). `redis` (node-redis 4 or 5) is
 * an optional peer dependency; an `ioredis` client can be passed as `client`.
 * Node only.
 */
import { createHash } from "node:crypto";
import { LedgerError, type BudgetSnapshot, type BudgetStore, type Spend, type StoreReserveRequest } from "../request/budget.js";
import { UsageError } from "../errors.js";

/** The commands tokcost needs from a Redis client: node-redis (`sendCommand`) or ioredis (`call`). */
export interface RedisLikeClient {
  sendCommand?(args: string[]): Promise<unknown>;
  call?(command: string, ...args: string[]): Promise<unknown>;
  /** node-redis: true while connected. */
  readonly isReady?: boolean;
  /** ioredis: "ready" while connected. */
  readonly status?: string;
}

/** Options of {@link createRedisBudgetStore}: a `url` (tokcost creates and owns a node-redis client) or a `client`. */
export interface RedisBudgetStoreOptions {
  /** `redis://host:port/db` (credentials allowed; never printed). Needs the `redis` package. */
  url?: string;
  /** A connected client you own (node-redis with `disableOfflineQueue: true`, or ioredis with `enableOfflineQueue: false`, so calls fail closed). */
  client?: RedisLikeClient;
  /** Prefix of the budget's keys. Wrapped in a hash tag (`{key}`) unless it has one, so Redis Cluster keeps them in one slot. */
  key: string;
  /** Reservation lifetime in ms; overrides the budget's `staleReservationMs` (default: the budget's, 1 hour). */
  reservationTtlMs?: number;
  /** How long settled/released ids are remembered, making settles idempotent (default 1 day). */
  doneTtlMs?: number;
  /** How long a settle or release keeps retrying while Redis is unreachable (default 60000 ms): the call was made and must be counted. */
  settleRetryMs?: number;
  /** How long the first command waits for the connection (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** The Redis store, with `close()` for a client it created. */
export interface RedisBudgetStore extends BudgetStore {
  /** The key prefix in use (with its hash tag). */
  readonly key: string;
  /** Closes the connection tokcost opened for `url` (a `client` you passed stays open). */
  close(): Promise<void>;
}

// KEYS: 1 reservations (hash id → "micros,tokens"), 2 expiries (zset id → ms), 3 held totals (hash),
// 4 this window's spend (hash micros/tokens/calls), 5 done ids (zset id → ms).
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(v) return (v and tonumber(v)) or 0 end
local function drop(id)
  local v = redis.call('HGET', KEYS[1], id)
  if not v then return false end
  local m, k = string.match(v, '^(%d+),(%d+)$')
  redis.call('HINCRBY', KEYS[3], 'micros', '-' .. m)
  redis.call('HINCRBY', KEYS[3], 'tokens', '-' .. k)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  return true
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do drop(id) end
local function snapshot(flag)
  local s = redis.call('HMGET', KEYS[4], 'micros', 'tokens', 'calls')
  local h = redis.call('HMGET', KEYS[3], 'micros', 'tokens')
  return {flag, num(s[1]), num(s[2]), num(s[3]), num(h[1]), num(h[2])}
end
`;

const SCRIPTS = {
  // ARGV: id, micros, tokens, limit micros ('' = none), limit tokens ('' = none), ttl ms
  reserve: `${PRELUDE}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return snapshot(1) end
local s = redis.call('HMGET', KEYS[4], 'micros', 'tokens')
local h = redis.call('HMGET', KEYS[3], 'micros', 'tokens')
if ARGV[4] ~= '' and num(s[1]) + num(h[1]) + tonumber(ARGV[2]) > tonumber(ARGV[4]) then return snapshot(0) end
if ARGV[5] ~= '' and num(s[2]) + num(h[2]) + tonumber(ARGV[3]) > tonumber(ARGV[5]) then return snapshot(0) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ',' .. ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), ARGV[1])
redis.call('HINCRBY', KEYS[3], 'micros', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'tokens', ARGV[3])
return snapshot(1)`,
  // ARGV: id, micros, tokens, done ttl ms
  settle: `${PRELUDE}
if redis.call('ZSCORE', KEYS[5], ARGV[1]) then return snapshot(0) end
drop(ARGV[1])
redis.call('HINCRBY', KEYS[4], 'micros', ARGV[2])
redis.call('HINCRBY', KEYS[4], 'tokens', ARGV[3])
redis.call('HINCRBY', KEYS[4], 'calls', 1)
redis.call('ZADD', KEYS[5], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[4]))
return snapshot(1)`,
  // ARGV: id, done ttl ms
  release: `${PRELUDE}
if redis.call('ZSCORE', KEYS[5], ARGV[1]) then return snapshot(0) end
local held = drop(ARGV[1])
redis.call('ZADD', KEYS[5], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[2]))
return snapshot(held and 1 or 0)`,
  snapshot: `${PRELUDE}
return snapshot(1)`,
} as const;
type ScriptName = keyof typeof SCRIPTS;
const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([name, text]) => [name, createHash("sha1").update(text).digest("hex")])) as Record<ScriptName, string>;

/** USD → micro-dollars, rounded up (a reservation or a cost is never under-counted). */
export function toMicros(usd: number): number {
  return Math.ceil(Number((usd * 1e6).toFixed(3)));
}

const fromMicros = (micros: number): number => micros / 1e6;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** host:port of a Redis URL, never its credentials. */
function whereOf(url: string | undefined): string {
  if (!url) return "Redis";
  try {
    const u = new URL(url);
    return `Redis at ${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "Redis";
  }
}

/** The error message of a Redis failure, credentials removed. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text || (error as { code?: string })?.code || "unknown error").replace(/\/\/[^@/\s]*@/g, "//").split("\n")[0];
}

/**
 * A budget store in Redis: pass it as `store` to `createClient`, `guardFetch`, the AI SDK and
 * LangChain integrations, or `new Budget(limits, { store })`.
 *
 * @example
 * import { createRedisBudgetStore } from "tokcost/redis";
 * const store = createRedisBudgetStore({ url: process.env.REDIS_URL, key: "tokcost:prod" });
 * const client = createClient({ budget: { usd: 50, period: "day" }, store });
 * @throws UsageError when neither (or both) of `url` and `client` is given, or `key` is empty.
 */
export function createRedisBudgetStore(options: RedisBudgetStoreOptions): RedisBudgetStore {
  if (!options || typeof options.key !== "string" || options.key === "") throw new UsageError("createRedisBudgetStore: key: must be a non-empty string");
  if ((options.url === undefined) === (options.client === undefined)) throw new UsageError("createRedisBudgetStore: give one of url and client");
  const prefix = /\{[^}]+\}/.test(options.key) ? options.key : `{${options.key}}`;
  const where = whereOf(options.url);
  const doneTtlMs = options.doneTtlMs ?? 86_400_000;
  const settleRetryMs = options.settleRetryMs ?? 60_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;

  let client: RedisLikeClient | undefined = options.client;
  let owned: { close(): Promise<unknown>; ready: Promise<void> } | undefined;
  let lastError = "";

  let opening: Promise<RedisLikeClient> | undefined;
  const open = (): Promise<RedisLikeClient> => (client ? Promise.resolve(client) : (opening ??= connect()));
  const connect = async (): Promise<RedisLikeClient> => {
    let mod: typeof import("redis");
    try {
      mod = await import("redis");
    } catch {
      throw new LedgerError("createRedisBudgetStore: the redis package is not installed (npm install redis), or pass an ioredis client as client");
    }
    const c = mod.createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
    });
    c.on("error", (error: unknown) => {
      lastError = reasonOf(error);
    });
    const ready = c.connect().then(
      () => undefined,
      (error: unknown) => {
        lastError = reasonOf(error);
      },
    );
    owned = { close: () => (c.isOpen ? c.close() : Promise.resolve()), ready };
    client = c as unknown as RedisLikeClient;
    return client;
  };

  const isReady = (c: RedisLikeClient): boolean => c.isReady ?? (c.status === undefined ? true : c.status === "ready");

  const unreachable = (reason: string) => new LedgerError(`budget store unreachable: ${where}: ${reason}; the call is refused (reservations fail closed)`, { details: { store: "redis" } });

  /** One script run; waits for the first connection, fails at once when disconnected. */
  const run = async (name: ScriptName, keys: string[], args: string[]): Promise<number[]> => {
    const c = await open();
    if (!isReady(c) && owned) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([owned.ready, new Promise((resolve) => (timer = setTimeout(resolve, connectTimeoutMs)))]);
      clearTimeout(timer);
    }
    if (!isReady(c)) throw unreachable(lastError || "not connected");
    const send = (command: string, ...rest: string[]): Promise<unknown> => (c.sendCommand ? c.sendCommand([command, ...rest]) : c.call!(command, ...rest));
    const n = String(keys.length);
    try {
      try {
        return (await send("EVALSHA", SHAS[name], n, ...keys, ...args)) as number[];
      } catch (error) {
        if (!reasonOf(error).startsWith("NOSCRIPT")) throw error;
        return (await send("EVAL", SCRIPTS[name], n, ...keys, ...args)) as number[];
      }
    } catch (error) {
      if (error instanceof LedgerError) throw error;
      const reason = reasonOf(error);
      if (/^(ERR|WRONGTYPE|NOSCRIPT|BUSY|READONLY|OOM|NOPERM)\b/.test(reason)) throw new LedgerError(`budget store error: ${where}: ${reason}`, { details: { store: "redis" } });
      throw unreachable(reason);
    }
  };

  /** A settle or release: the call was made, so retry while Redis is unreachable (idempotent on the server). */
  const runUntilDone = async (name: ScriptName, keys: string[], args: string[]): Promise<number[]> => {
    const deadline = Date.now() + settleRetryMs;
    let wait = 25;
    for (;;) {
      try {
        return await run(name, keys, args);
      } catch (error) {
        if (!(error instanceof LedgerError) || !error.message.startsWith("budget store unreachable") || Date.now() > deadline) throw error;
        await delay(wait);
        wait = Math.min(wait * 2, 500);
      }
    }
  };

  const keysOf = (period: string | null): string[] => [`${prefix}:res`, `${prefix}:exp`, `${prefix}:held`, `${prefix}:spent:${period ?? "total"}`, `${prefix}:done`];
  const snap = (period: string | null, r: number[]): BudgetSnapshot => ({
    period,
    spent: { usd: fromMicros(Number(r[1])), tokens: Number(r[2]) },
    reserved: { usd: fromMicros(Number(r[4])), tokens: Number(r[5]) },
    calls: Number(r[3]),
  });
  const ints = (spend: Spend): [string, string] => [String(toMicros(spend.usd)), String(Math.ceil(spend.tokens))];

  return {
    key: prefix,
    async reserve({ id, amount, limits, period, ttlMs }: StoreReserveRequest) {
      const limitMicros = limits.usd === undefined ? "" : String(Math.floor(Number((limits.usd * 1e6).toFixed(3))));
      const limitTokens = limits.tokens === undefined ? "" : String(Math.floor(limits.tokens));
      const ttl = String(Math.max(1, Math.round(options.reservationTtlMs ?? ttlMs)));
      const r = await run("reserve", keysOf(period), [id, ...ints(amount), limitMicros, limitTokens, ttl]);
      return { ok: Number(r[0]) === 1, snapshot: snap(period, r) };
    },
    async settle({ id, actual, period }) {
      const r = await runUntilDone("settle", keysOf(period), [id, ...ints(actual), String(doneTtlMs)]);
      return { settled: Number(r[0]) === 1, snapshot: snap(period, r) };
    },
    async release({ id, period }) {
      const r = await runUntilDone("release", keysOf(period), [id, String(doneTtlMs)]);
      return { released: Number(r[0]) === 1, snapshot: snap(period, r) };
    },
    async snapshot(period) {
      return snap(period, await run("snapshot", keysOf(period), []));
    },
    async close() {
      await owned?.close().catch(() => undefined);
    },
  };
}
