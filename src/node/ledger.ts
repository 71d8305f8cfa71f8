/**
 * FileLedger: budget state in a JSON file, shared by every process that names the same path (a
 * nightly job with a daily budget, several workers with one budget).
 *
 * - Every transaction (reserve, settle, release) runs under a lock file (`<path>.lock`, created
 *   atomically with its owner inside), so a reservation is checked against the spend and
 *   reservations of every process — the budget holds across processes.
 * - Writes are atomic: the new state goes to a temporary file in the same directory, is fsynced,
 *   and renamed over the ledger. A crash mid-write leaves the previous state intact (and a stray
 *   `.tmp` file, which is ignored).
 * - A lock left by a crashed process (its pid is gone on this host, or it is older than
 *   `staleLockMs`) is broken; reservations of dead processes are dropped by the budget.
 * Node only.
 */
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { atomicWrite, readTextIfExists } from "./io.js";
import { randomBytes } from "node:crypto";
import { LedgerError, emptyLedgerState, ledgerStateSchema, type Ledger, type LedgerState } from "../request/budget.js";

/** Options of {@link FileLedger}. */
export interface FileLedgerOptions {
  /** Give up waiting for the lock after this many ms (default 10000). */
  lockTimeoutMs?: number;
  /** A lock older than this is considered abandoned (default 30000; transactions take milliseconds). */
  staleLockMs?: number;
}

const HOST = hostname();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Is `owner` (`pid@host`) still running? Owners on other hosts are assumed alive. */
export function isProcessOwnerAlive(owner: string): boolean {
  const at = owner.indexOf("@");
  if (at === -1) return true;
  const pid = Number(owner.slice(0, at));
  if (owner.slice(at + 1) !== HOST || !Number.isInteger(pid) || pid <= 0) return true;
  return pidAlive(pid);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A {@link Ledger} in a JSON file, safe with several processes at once. */
export class FileLedger implements Ledger {
  readonly path: string;
  readonly lockPath: string;
  readonly owner = `${process.pid}@${HOST}`;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: FileLedgerOptions = {}) {
    this.path = path;
    this.lockPath = `${path}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  /** Drops reservations of processes that are gone. */
  isOwnerAlive(owner: string): boolean {
    return isProcessOwnerAlive(owner);
  }

  /** Reads the ledger (no lock needed: the file is only ever replaced atomically). */
  async read(): Promise<LedgerState> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(this.path, `the ledger ${this.path}`);
    } catch (error) {
      throw new LedgerError(`cannot read the ledger ${this.path}: ${(error as Error).message.replace(`the ledger ${this.path}: `, "")}`, { details: { path: this.path } });
    }
    if (text === undefined) return emptyLedgerState();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new LedgerError(`the ledger ${this.path} is not valid JSON; fix or remove it (tokcost never leaves it half-written, so something else changed it)`, { details: { path: this.path } });
    }
    const parsed = ledgerStateSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LedgerError(`the ledger ${this.path} is not a tokcost ledger: ${issue.path.join(".") || "(root)"}: ${issue.message}`, { details: { path: this.path } });
    }
    return parsed.data as LedgerState;
  }

  /** Runs `fn` on the state under the lock and writes the result atomically. */
  transact<T>(fn: (state: LedgerState) => T): Promise<T> {
    // One transaction at a time within this process; the lock file serialises processes.
    const run = this.queue.then(() => this.locked(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async locked<T>(fn: (state: LedgerState) => T): Promise<T> {
    const token = await this.acquire();
    try {
      const state = await this.read();
      const result = fn(state);
      await this.write(state);
      return result;
    } finally {
      await this.releaseLock(token);
    }
  }

  private async write(state: LedgerState): Promise<void> {
    try {
      await atomicWrite(this.path, `${JSON.stringify(state, null, 2)}\n`, { label: `the ledger ${this.path}`, sync: true });
    } catch (error) {
      throw new LedgerError((error as Error).message, { details: { path: this.path } });
    }
  }

  private async acquire(): Promise<string> {
    const token = `${this.owner}:${randomBytes(8).toString("hex")}`;
    const deadline = Date.now() + this.lockTimeoutMs;
    let wait = 1;
    for (;;) {
      try {
        if (await this.createLock(JSON.stringify({ owner: this.owner, token, at: Date.now() }))) return token;
      } catch (error) {
        throw new LedgerError(`cannot create the ledger lock ${this.lockPath}: ${(error as Error).message}`, { details: { path: this.lockPath } });
      }
      if (await this.breakIfStale()) continue;
      if (Date.now() > deadline) {
        throw new LedgerError(`timed out after ${this.lockTimeoutMs} ms waiting for the ledger lock ${this.lockPath} (another process holds it; remove the file if no tokcost process is running)`, {
          details: { path: this.lockPath },
        });
      }
      await delay(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 25);
    }
  }

  /**
   * Creates the lock file with its content in one step: the content goes to a temporary file that
   * is then hard-linked to the lock path (which fails if the lock exists). A process killed at any
   * moment thus leaves either no lock or one that names its owner — never an empty lock that only
   * its age (`staleLockMs`) could clear. Where hard links are not supported, falls back to an
   * exclusive create followed by a write. false when another process holds the lock. (A process
   * killed between writing and removing the temporary file leaves that file behind; it is inert.)
   */
  private async createLock(content: string): Promise<boolean> {
    const tmp = `${this.lockPath}.${randomBytes(6).toString("hex")}.tmp`;
    await fs.writeFile(tmp, content);
    try {
      await fs.link(tmp, this.lockPath);
      return true;
    } catch (error) {
      if (errno(error) === "EEXIST") return false;
      if (errno(error) !== "EPERM" && errno(error) !== "ENOTSUP" && errno(error) !== "ENOSYS") throw error;
    } finally {
      await fs.unlink(tmp).catch(() => undefined);
    }
    try {
      const handle = await fs.open(this.lockPath, "wx");
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if (errno(error) === "EEXIST") return false;
      throw error;
    }
  }

  /** Breaks the lock if its holder is dead or it is too old. true when the lock was removed. */
  private async breakIfStale(): Promise<boolean> {
    let text: string;
    let mtime: number;
    try {
      [text, mtime] = await Promise.all([fs.readFile(this.lockPath, "utf8"), fs.stat(this.lockPath).then((s) => s.mtimeMs)]);
    } catch (error) {
      return errno(error) === "ENOENT";
    }
    let holder: { owner?: string; token?: string } = {};
    try {
      holder = JSON.parse(text) as typeof holder;
    } catch {
      // being written right now, or a crash between create and write: only age can tell
    }
    const dead = holder.owner !== undefined && !isProcessOwnerAlive(holder.owner);
    if (!dead && Date.now() - mtime <= this.staleLockMs) return false;
    // Move it aside atomically, then check we moved the stale lock and not a fresh one.
    const aside = `${this.lockPath}.stale-${randomBytes(6).toString("hex")}`;
    try {
      await fs.rename(this.lockPath, aside);
    } catch (error) {
      return errno(error) === "ENOENT";
    }
    const moved = await fs.readFile(aside, "utf8").catch(() => "");
    if (moved !== text) {
      // Someone took the lock in between: put theirs back (link fails if another lock appeared).
      await fs.link(aside, this.lockPath).catch(() => undefined);
    }
    await fs.unlink(aside).catch(() => undefined);
    return true;
  }

  private async releaseLock(token: string): Promise<void> {
    try {
      const text = await fs.readFile(this.lockPath, "utf8");
      if ((JSON.parse(text) as { token?: string }).token === token) await fs.unlink(this.lockPath);
    } catch {
      // already gone (broken as stale): nothing to release
    }
  }
}
