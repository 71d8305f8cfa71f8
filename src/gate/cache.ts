/**
 * Content-hash cache for `tokcost check --cache`: token counts keyed by (encoding, SHA-256 of the
 * file's bytes), so files that did not change are not re-tokenized. Keys carry the tokenizer, not
 * the path, so a renamed or copied file is a hit too. Only entries used by the last run are kept,
 * which keeps the file as small as the set of prompts.
 */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { isTokcostError } from "../errors.js";
import { atomicWrite, notRegularError, readText } from "../node/io.js";

/** Bump when the counting engine changes in a way that changes counts (invalidates old caches). */
export const CACHE_VERSION = 1;

const cacheFileSchema = z.object({ version: z.literal(CACHE_VERSION), entries: z.record(z.string(), z.number().int().nonnegative()) });

/** Default cache location, relative to the config's directory (ignored by git in most repos). */
export const DEFAULT_CACHE_FILE = "node_modules/.cache/tokcost/check-cache.json";

/** A loaded cache. */
export class CountCache {
  private readonly old: Map<string, number>;
  private readonly used = new Map<string, number>();
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    entries: Record<string, number>,
  ) {
    this.old = new Map(Object.entries(entries));
  }

  /**
   * Loads `file`; a missing, unreadable or foreign-format cache starts empty (a cache must never
   * fail a run).
   * @throws InputError when `file` is a directory, FIFO, device or socket (or a link to one): it
   * would be neither read nor replaced, so the run stops before any work.
   */
  static async load(file: string, label = file): Promise<CountCache> {
    const info = await stat(file).catch(() => undefined);
    if (info && !info.isFile()) throw notRegularError(`cache ${label}`, info, "write");
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(await readText(file, label)));
      return new CountCache(file, parsed.success ? parsed.data.entries : {});
    } catch (error) {
      if (isTokcostError(error) && error.code === "FILE_UNWRITABLE") throw error;
      return new CountCache(file, {});
    }
  }

  /** Keys of the counts stored by earlier runs (handed to workers so they skip those files' counting). */
  keys(): Set<string> {
    return new Set(this.old.keys());
  }

  /** The key of a file's count. */
  static key(kind: string, encoding: string, sha256: string): string {
    return `${kind}:${encoding}:${sha256}`;
  }

  /** The stored count for `key` (and marks it used, so it is kept); undefined on a miss. */
  get(key: string): number | undefined {
    const value = this.used.get(key) ?? this.old.get(key);
    if (value === undefined) this.misses++;
    else {
      this.hits++;
      this.used.set(key, value);
    }
    return value;
  }

  /** Stores a fresh count. */
  set(key: string, tokens: number): void {
    this.used.set(key, tokens);
  }

  /** Writes the entries used in this run (atomically: a crash never leaves half a file). */
  async save(): Promise<void> {
    const entries: Record<string, number> = {};
    for (const key of [...this.used.keys()].sort()) entries[key] = this.used.get(key) as number;
    await atomicWrite(this.file, JSON.stringify({ version: CACHE_VERSION, entries }) + "\n", { label: `cache ${this.file}`, mkdir: true });
  }
}
