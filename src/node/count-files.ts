/**
 * Node-only counting of files: streaming with bounded memory, many files (or one big file cut
 * at safe points) on this thread and worker threads, progress callbacks.
 */
import { createReadStream, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { getEncoding, type AllowedSpecial, type Encoding } from "../tokenizer/index.js";
import type { RankSource } from "../tokenizer/registry.js";
import { StreamingCounter } from "../tokenizer/stream.js";
import { InputError, TokcostError, UsageError } from "../errors.js";
import { fileError, notRegularError, readBytesSync, statRegular, workerUrl } from "./io.js";
import { installFastRanks, sharedRankData } from "./ranks-loader.js";

installFastRanks();

/** Options for counting streams and files. */
export interface CountStreamOptions {
  /** Encoding name (e.g. "o200k_base") or an Encoding instance (in-thread counting only). */
  encoding: string | Encoding;
  /** Special tokens to recognise (default: none). */
  allowedSpecial?: AllowedSpecial;
  /** Tuning: buffered UTF-16 units at which the stream is cut and counted (default 1 Mi). */
  bufferChars?: number;
}

/** Progress of a multi-file run. */
export interface CountProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

/** Options for {@link countFiles}. */
export interface CountFilesOptions extends CountStreamOptions {
  /** Threads to count on: this one and `jobs` - 1 workers (default: number of cores; 1 = this thread only). */
  jobs?: number;
  /** Called as files and parts of files finish (at most every ~100 ms, and at the end). */
  onProgress?: (progress: CountProgress) => void;
  /** Tuning: files at least this big are cut into parts counted in parallel (default 8 MiB). */
  partBytes?: number;
}

/** Result for one file. `error` is set (and tokens is 0) when the file could not be counted. */
export interface FileCount {
  path: string;
  tokens: number;
  bytes: number;
  error?: TokcostError;
}

function resolveEncoding(encoding: string | Encoding): Encoding {
  return typeof encoding === "string" ? getEncoding(encoding) : encoding;
}

/**
 * Counts tokens of a UTF-8 byte stream (a Node `Readable`, a web `ReadableStream` or any async
 * iterable of `Uint8Array`) in chunks with bounded memory; the total equals counting the whole
 * decoded text at once. A byte-order mark is kept (counted), as `readFile(path, "utf8")` keeps it.
 */
export async function countStream(source: AsyncIterable<Uint8Array>, options: CountStreamOptions, onBytes?: (bytes: number) => void): Promise<number> {
  const counter = new StreamingCounter(resolveEncoding(options.encoding), { allowedSpecial: options.allowedSpecial, flushAt: options.bufferChars });
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  for await (const chunk of source) {
    counter.push(decoder.decode(chunk, { stream: true }));
    onBytes?.(chunk.byteLength);
  }
  counter.push(decoder.decode());
  return counter.total();
}

/** Counts tokens of one file (or of its byte range [start, end)), streaming. */
export async function countFile(
  path: string,
  options: CountStreamOptions & { start?: number; end?: number; size?: number },
  onBytes?: (bytes: number) => void,
): Promise<{ tokens: number; bytes: number }> {
  let size: number;
  if (options.size !== undefined)
    size = options.size; // known from an earlier stat (countFiles)
  else {
    size = (await statRegular(path)).size;
  }
  const start = options.start ?? 0;
  if (size === 0 && start === 0 && options.end === undefined) {
    // a size of 0 may not mean empty (/proc files have content and report 0): read to the end
    let bytes = 0;
    try {
      const tokens = await countStream(createReadStream(path, { highWaterMark: 1 << 20 }), options, (n) => {
        bytes += n;
        onBytes?.(n);
      });
      return { tokens, bytes };
    } catch (error) {
      throw fileError(path, error);
    }
  }
  const end = Math.min(options.end ?? size, size);
  if (end <= start) return { tokens: 0, bytes: 0 };
  if (start === 0 && end === size && size <= SMALL_FILE_BYTES) return countSmallFile(path, options, onBytes);
  try {
    const stream = createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
    const tokens = await countStream(stream, options, onBytes);
    return { tokens, bytes: end - start };
  } catch (error) {
    throw fileError(path, error);
  }
}

/**
 * Counts a small file read in one piece (no stream set-up, no event-loop round trips: many small
 * files are dominated by that overhead otherwise). Same result as streaming it.
 */
export function countSmallFile(path: string, options: CountStreamOptions, onBytes?: (bytes: number) => void): { tokens: number; bytes: number } {
  const buf = readBytesSync(path);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(buf);
  const tokens = resolveEncoding(options.encoding).count(text, { allowedSpecial: options.allowedSpecial });
  onBytes?.(buf.length);
  return { tokens, bytes: buf.length };
}

/** Files up to this size are read in one piece rather than streamed. */
const SMALL_FILE_BYTES = 1 << 20;

/** At most this many files of one size are handed to one thread together (see countFiles). */
const BATCH_FILES = 4;

/** Files at least this big are cut into parts for several threads. */
const SPLIT_BYTES = 8 << 20;
/** Below this many bytes in total, worker start-up costs more than it saves. */
const MIN_PARALLEL_BYTES = 2 << 20;

const isAsciiSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
const isAsciiLetter = (b: number): boolean => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);

/**
 * A safe cut (see `src/tokenizer/stream.ts`) at or after byte `from` in the file, found in byte
 * space: after a line feed preceded by an ASCII non-space, followed by an ASCII non-space (not
 * `/`) or by one space and an ASCII non-space; or, with `inLine`, inside a line: after an ASCII
 * letter, before an ASCII byte that is not a letter or `'`. -1 if none within the search window.
 */
async function findByteCut(path: string, from: number, limit: number, inLine: boolean): Promise<number> {
  const handle = await open(path, "r");
  try {
    const WINDOW = 1 << 16;
    for (let pos = Math.max(2, from); pos < limit; pos += WINDOW - 4) {
      const buf = Buffer.alloc(Math.min(WINDOW, limit - pos + 2) + 2);
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos - 2);
      for (let i = 2; i + 1 < bytesRead; i++) {
        const c = buf[i];
        if (inLine && isAsciiLetter(buf[i - 1]) && c < 0x80 && c !== 0x27 && !isAsciiLetter(c)) return pos - 2 + i;
        if (buf[i - 1] !== 0x0a) continue;
        const before = buf[i - 2];
        if (before >= 0x80 || isAsciiSpace(before)) continue;
        const ok = c === 0x20 ? buf[i + 1] < 0x80 && !isAsciiSpace(buf[i + 1]) : c < 0x80 && !isAsciiSpace(c) && c !== 0x2f;
        if (ok) return pos - 2 + i;
      }
      if (bytesRead < buf.length) break;
    }
    return -1;
  } finally {
    await handle.close();
  }
}

interface Task {
  file: number;
  path: string;
  start?: number;
  end?: number;
}

/** A task as a worker gets it. */
export interface WorkerTask {
  id: number;
  path: string;
  start?: number;
  end?: number;
  size: number;
  bufferChars?: number;
}

/** What {@link countFiles} passes to a worker when it starts. */
export interface CountWorkerData {
  encoding: string;
  allowedSpecial?: AllowedSpecial;
}

/** The work, posted to each worker once the tasks are known. */
export interface CountWorkerRun {
  /** rank tables in shared memory (see `sharedRankData`) */
  ranks: Array<[RankSource, Uint8Array]>;
  /** number of batches of {@link work} claimed so far by all threads (shared memory) */
  claimed: Int32Array;
  /** batches of tasks, in the order they are to be claimed */
  work: WorkerTask[][];
}

/** Messages from a worker: progress (every MiB read), then a result or a per-file error. */
export type WorkerMessage = { id: number } & (
  { type: "bytes"; bytes: number } | { type: "done"; tokens: number; bytes: number } | { type: "error"; message: string; code: "FILE_NOT_FOUND" | "FILE_UNREADABLE" | "INVALID_INPUT" }
);

/**
 * The worker threads of one {@link countFiles} run. They are started before the tasks are known
 * (a worker takes ~100 ms to start, which overlaps with building the tasks and loading the rank
 * table) and given the work with {@link run}. A worker that fails or exits fails the run.
 */
class CountWorkers {
  private readonly workers: Worker[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  private onFailure: ((error: unknown) => void) | undefined;
  private onMessage: ((msg: WorkerMessage) => void) | undefined;

  constructor(private readonly data: CountWorkerData) {}

  /** Starts workers until there are `n`. */
  ensure(n: number): void {
    while (!this.closed && this.workers.length < n) {
      // a small young generation keeps each worker's memory low (counting allocates short-lived strings)
      const worker = new Worker(workerUrl(import.meta.url, "node", "count-worker"), { workerData: this.data, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      worker.on("message", (msg: WorkerMessage) => this.onMessage?.(msg));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => this.fail(new Error(`a counting worker exited early (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  /** Gives the work to `n` workers (starting or stopping some to have `n`). */
  run(n: number, work: CountWorkerRun, onMessage: (msg: WorkerMessage) => void, onFailure: (error: unknown) => void): void {
    this.onMessage = onMessage;
    this.onFailure = onFailure;
    if (this.failure) {
      onFailure(this.failure.error);
      return;
    }
    this.ensure(n);
    for (const extra of this.workers.splice(n)) {
      extra.removeAllListeners("exit");
      void extra.terminate();
    }
    for (const worker of this.workers) worker.postMessage(work);
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.close();
    if (this.onFailure) this.onFailure(error);
    else this.failure = { error };
  }

  /** Stops all workers (their exit is then not a failure). */
  close(): void {
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// countFiles in three steps: plan (sizes, and big files cut into parts), schedule (this thread
// and the workers claim the parts, biggest first), collect (parts add up to files, progress).

/** What {@link planCount} decides: the files' sizes (-1: unreadable) and the tasks, biggest first. */
interface CountPlan {
  sizes: number[];
  tasks: Task[];
}

/** Sizes of all files (synchronously: for thousands of files, several times faster than as promises); an unreadable file gets its error in `results` and size -1. */
function statFiles(paths: readonly string[], results: FileCount[]): number[] {
  return paths.map((path, i) => {
    try {
      const info = statSync(path);
      if (!info.isFile()) throw notRegularError(path, info);
      return info.size;
    } catch (error) {
      results[i].error = fileError(path, error);
      return -1;
    }
  });
}

/**
 * The tasks: whole files, or — counting in parallel — big files cut at safe points into parts
 * of about `partBytes` (at most `maxParts` each). Sorted biggest first, which keeps all threads
 * busy until the end.
 */
async function planCount(paths: readonly string[], sizes: number[], partsOf: (size: number) => number, inLineCuts: boolean): Promise<CountPlan> {
  const tasks: Task[] = [];
  for (let i = 0; i < paths.length; i++) {
    const size = sizes[i];
    const parts = partsOf(size);
    if (parts > 1) {
      const step = Math.ceil(size / parts);
      let start = 0;
      for (let k = 1; k < parts && start < size; k++) {
        const cut = await findByteCut(paths[i], Math.max(start + 1, k * step), Math.min(size, k * step + step), inLineCuts);
        if (cut < 0 || cut >= size) continue;
        tasks.push({ file: i, path: paths[i], start, end: cut });
        start = cut;
      }
      tasks.push({ file: i, path: paths[i], start, end: size });
    } else if (parts === 1) tasks.push({ file: i, path: paths[i] });
  }
  const taskSize = (t: Task): number => (t.end ?? sizes[t.file]) - (t.start ?? 0);
  tasks.sort((a, b) => taskSize(b) - taskSize(a));
  return { sizes, tasks };
}

/** Collects the parts' counts into the files' results, and reports progress (at most every ~100 ms, and at the end). */
class CountCollector {
  readonly progress: CountProgress;
  private readonly partsLeft: number[];
  private lastReport = 0;

  constructor(
    readonly results: FileCount[],
    private readonly plan: CountPlan,
    private readonly onProgress: CountFilesOptions["onProgress"],
  ) {
    const { sizes, tasks } = plan;
    this.progress = { bytesDone: 0, bytesTotal: sizes.reduce((a, s) => a + Math.max(0, s), 0), filesDone: sizes.filter((s) => s < 0).length, filesTotal: results.length };
    this.partsLeft = new Array<number>(results.length).fill(0);
    for (const t of tasks) this.partsLeft[t.file]++;
  }

  /** Bytes of task `t` (its part of the file). */
  size(t: Task): number {
    return (t.end ?? this.plan.sizes[t.file]) - (t.start ?? 0);
  }

  /** `n` more bytes were read. */
  bytes(n: number): void {
    this.progress.bytesDone += n;
    this.report();
  }

  /** A task ended: its count, or the error that becomes its file's (the file then counts 0). */
  finish(t: Task, tokens: number, bytes: number, error?: TokcostError): void {
    const r = this.results[t.file];
    if (error) {
      r.error ??= error;
      r.tokens = 0;
      r.bytes = 0;
    } else if (!r.error) {
      r.tokens += tokens;
      r.bytes += bytes;
    }
    if (--this.partsLeft[t.file] === 0) this.progress.filesDone++;
    this.report();
  }

  report(force = false): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastReport < 100) return;
    this.lastReport = now;
    this.onProgress({ ...this.progress });
  }
}

/**
 * Counts the planned tasks: on this thread alone, or on this thread and the workers, which
 * claim batches of tasks from one queue, biggest first. This thread starts at once, and its rank
 * table (in shared memory) serves the workers too. The queue is a counter in shared memory, so
 * no worker ever waits for this thread (which counts a small file without returning to the event
 * loop). A batch is a task with the following whole files of the same size (often copies of one
 * file: in one thread, the piece cache makes the copies nearly free).
 */
async function scheduleCount(plan: CountPlan, collect: CountCollector, options: CountFilesOptions, workers: { pool: CountWorkers; jobs: number; encoding: string } | undefined): Promise<void> {
  const { tasks, sizes } = plan;
  /** Counts a task in this thread (progress per chunk read; a failure becomes the file's error). */
  const countHere = async (t: Task): Promise<void> => {
    let read = 0;
    try {
      const { tokens, bytes } = await countFile(
        t.path,
        { encoding: options.encoding, allowedSpecial: options.allowedSpecial, start: t.start, end: t.end, size: sizes[t.file], bufferChars: options.bufferChars },
        (n) => {
          read += n;
          collect.bytes(n);
        },
      );
      collect.finish(t, tokens, bytes);
    } catch (error) {
      collect.bytes(collect.size(t) - read);
      collect.finish(t, 0, 0, fileError(t.path, error));
    }
  };
  if (!workers) {
    for (const t of tasks) await countHere(t);
    return;
  }
  const batches: number[][] = [];
  for (let k = 0; k < tasks.length;) {
    const t = tasks[k];
    const batch = [k++];
    if (t.start === undefined) {
      while (batch.length < BATCH_FILES && k < tasks.length && tasks[k].start === undefined && sizes[tasks[k].file] === sizes[t.file]) batch.push(k++);
    }
    batches.push(batch);
  }
  const claimed = new Int32Array(new SharedArrayBuffer(4));
  void getEncoding(workers.encoding).ranks; // loaded here, and shared with the workers
  const ranks = sharedRankData();
  const work: WorkerTask[][] = batches.map((batch) =>
    batch.map((id) => ({ id, path: tasks[id].path, start: tasks[id].start, end: tasks[id].end, size: sizes[tasks[id].file], bufferChars: options.bufferChars })),
  );
  const workerBytes = new Array<number>(tasks.length).fill(0);
  await new Promise<void>((resolveAll, rejectAll) => {
    let unfinished = tasks.length;
    let failed = false;
    const taskDone = (): void => {
      if (--unfinished === 0) resolveAll();
    };
    const fail = (error: unknown): void => {
      if (failed || unfinished === 0) return;
      failed = true;
      rejectAll(error);
    };
    const onMessage = (msg: WorkerMessage): void => {
      if (failed) return;
      const t = tasks[msg.id];
      if (msg.type === "bytes") {
        workerBytes[msg.id] += msg.bytes;
        collect.bytes(msg.bytes);
        return;
      }
      collect.bytes(collect.size(t) - workerBytes[msg.id]);
      if (msg.type === "done") collect.finish(t, msg.tokens, msg.bytes);
      else collect.finish(t, 0, 0, new InputError(msg.message, { code: msg.code }));
      taskDone();
    };
    if (tasks.length === 0) {
      resolveAll();
      return;
    }
    workers.pool.run(Math.min(workers.jobs, batches.length) - 1, { ranks, claimed, work }, onMessage, fail);
    void (async () => {
      let lastYield = performance.now();
      for (let b; !failed && (b = Atomics.add(claimed, 0, 1)) < batches.length;) {
        for (const id of batches[b]) {
          await countHere(tasks[id]);
          if (failed) return;
          taskDone();
          // now and then, let the workers' results and progress in
          if (performance.now() - lastYield > 20) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
        }
      }
    })().catch(fail);
  });
}

/**
 * Counts many files; results are in input order, and a file that cannot be read gets an
 * `error` instead of failing the run. With `jobs` > 1 files are counted by this thread and
 * `jobs` - 1 worker threads, and big files are cut at safe points into parts counted in
 * parallel (totals are identical to a single pass).
 */
export async function countFiles(paths: readonly string[], options: CountFilesOptions): Promise<FileCount[]> {
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got ${jobs}`);
  const encodingName = typeof options.encoding === "string" ? options.encoding : options.encoding.name;
  if (typeof options.encoding === "string") getEncoding(options.encoding); // validate the name early
  const results: FileCount[] = paths.map((path) => ({ path, tokens: 0, bytes: 0 }));
  const sizes = statFiles(paths, results);
  const bytesTotal = sizes.reduce((a, s) => a + Math.max(0, s), 0);
  const partBytes = options.partBytes ?? SPLIT_BYTES;
  const parallel = jobs > 1 && bytesTotal >= Math.min(MIN_PARALLEL_BYTES, partBytes) && typeof options.encoding === "string";
  const partsOf = (size: number): number => (parallel && size >= partBytes ? Math.min(Math.ceil(size / partBytes), jobs * 4) : size >= 0 ? 1 : 0);
  // Workers start now (~100 ms each), while this thread plans and loads the rank table.
  const pool = parallel ? new CountWorkers({ encoding: encodingName, allowedSpecial: options.allowedSpecial }) : undefined;
  try {
    pool?.ensure(
      Math.min(
        jobs,
        sizes.reduce((a, s) => a + partsOf(s), 0),
      ) - 1,
    );
    // cuts inside a line only without special tokens (one could hold the cut; see stream.ts)
    const inLineCuts = options.allowedSpecial === undefined || (options.allowedSpecial !== "all" && options.allowedSpecial.length === 0);
    const plan = await planCount(paths, sizes, partsOf, inLineCuts);
    const collect = new CountCollector(results, plan, options.onProgress);
    await scheduleCount(plan, collect, options, pool && { pool, jobs, encoding: encodingName });
    collect.report(true);
    return results;
  } finally {
    pool?.close();
  }
}
