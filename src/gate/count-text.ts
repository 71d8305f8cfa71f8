/**
 * Counting the gate's text prompts in parallel. Many small files (the common case: a prompts/
 * folder) are read and counted in batches on worker threads, one synchronous read per file;
 * files of {@link BIG_FILE_BYTES} or more go to `countFiles`, which streams them with bounded
 * memory and cuts very large ones across workers.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { countFiles } from "../node/count-files.js";
import { workerUrl } from "../node/io.js";
import { inspectFile, mapLimit } from "./read-files.js";
import { measureTextSync, textCacheKey, type TextJob, type TextMeasure } from "./text-measure.js";

/** Files at least this big are streamed by `countFiles` instead of read whole. */
export const BIG_FILE_BYTES = 4 << 20;
/** Below this many bytes in all, starting workers costs more than it saves: count in this thread. */
const MIN_PARALLEL_BYTES = 2 << 20;
/** Bytes per batch sent to a worker (small enough to balance, big enough to amortise messages). */
const BATCH_BYTES = 256 << 10;
const BATCH_FILES = 256;

/** Options for {@link countTextFiles}. */
export interface CountTextOptions {
  jobs?: number;
  /** Hash files, and skip counting those whose key is in `cachedKeys`. */
  hash: boolean;
  cachedKeys?: ReadonlySet<string>;
}

async function runBatches(batches: TextJob[][], jobs: number, options: CountTextOptions): Promise<TextMeasure[][]> {
  const out: TextMeasure[][] = new Array(batches.length);
  const cachedKeys = options.cachedKeys ? [...options.cachedKeys] : null;
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    const workers: Worker[] = [];
    const stopAll = () => {
      for (const w of workers) void w.terminate();
    };
    for (let w = 0; w < Math.min(jobs, batches.length); w++) {
      const worker = new Worker(workerUrl(import.meta.url, "gate", "text-worker"), { workerData: { hash: options.hash, cachedKeys } });
      workers.push(worker);
      const feed = () => {
        if (next < batches.length) {
          const id = next++;
          worker.postMessage({ id, jobs: batches[id] });
        }
      };
      worker.on("message", (msg: { id: number; results: TextMeasure[] }) => {
        out[msg.id] = msg.results;
        finished++;
        if (finished === batches.length) {
          stopAll();
          resolve();
        } else feed();
      });
      worker.on("error", (error) => {
        stopAll();
        reject(error);
      });
      feed();
    }
  });
  return out;
}

/**
 * Measures text files for every encoding each needs; results are in input order. Unreadable
 * and binary files come back with `ok: false` and a one-line message, never as a throw.
 */
export async function countTextFiles(jobsIn: readonly TextJob[], options: CountTextOptions): Promise<TextMeasure[]> {
  const results: TextMeasure[] = new Array(jobsIn.length);
  const small: number[] = [];
  const big: number[] = [];
  const sizes = jobsIn.map((job, i) => {
    try {
      const size = statSync(job.path).size;
      (size >= BIG_FILE_BYTES ? big : small).push(i);
      return size;
    } catch {
      small.push(i); // let the measuring read report the error in its words
      return 0;
    }
  });
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const smallBytes = small.reduce((n, i) => n + sizes[i], 0);
  if (jobs === 1 || smallBytes < MIN_PARALLEL_BYTES) {
    for (const i of small) results[i] = measureTextSync(jobsIn[i], options);
  } else {
    const batches: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    for (const i of small) {
      current.push(i);
      bytes += sizes[i];
      if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
    }
    if (current.length) batches.push(current);
    const measured = await runBatches(
      batches.map((b) => b.map((i) => jobsIn[i])),
      jobs,
      options,
    );
    batches.forEach((b, k) => b.forEach((i, j) => (results[i] = measured[k][j])));
  }
  if (big.length) {
    // big files: inspect (and hash) by streaming, then count per encoding with countFiles
    await mapLimit(big, 4, async (i) => {
      const job = jobsIn[i];
      try {
        const info = await inspectFile(job.path, job.label, { hash: options.hash });
        results[i] = { ok: true, bytes: info.bytes, warnings: info.warnings, sha256: info.sha256, tokens: {} };
      } catch (error) {
        const e = error as { code?: string; message: string };
        results[i] = { ok: false, code: e.code === "FILE_NOT_FOUND" ? "FILE_NOT_FOUND" : e.code === "INVALID_INPUT" ? "INVALID_INPUT" : "FILE_UNREADABLE", message: e.message };
      }
    });
    const encodings = new Set(big.flatMap((i) => jobsIn[i].encodings));
    for (const encoding of encodings) {
      const todo = big.filter((i) => {
        const r = results[i];
        if (!r.ok || !jobsIn[i].encodings.includes(encoding)) return false;
        if (r.sha256 && options.cachedKeys?.has(textCacheKey(encoding, r.sha256))) {
          r.tokens[encoding] = null;
          return false;
        }
        return true;
      });
      if (!todo.length) continue;
      const counted = await countFiles(
        todo.map((i) => jobsIn[i].path),
        { encoding, jobs },
      );
      counted.forEach((c, k) => {
        const i = todo[k];
        const r = results[i];
        if (!r.ok) return;
        if (c.error) results[i] = { ok: false, code: c.error.code === "FILE_NOT_FOUND" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", message: `${jobsIn[i].label}: ${c.error.message}` };
        else r.tokens[encoding] = c.tokens;
      });
    }
  }
  return results;
}
