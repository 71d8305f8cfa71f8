/**
 * Worker thread of {@link countFiles}: once given the work, claims batches of tasks (files or
 * byte ranges of files) from the queue it shares with the other threads, counts them, and posts
 * progress and results.
 */
import { parentPort, workerData } from "node:worker_threads";
import { countFile, type CountWorkerData, type CountWorkerRun, type WorkerMessage, type WorkerTask } from "./count-files.js";
import { adoptSharedRankData } from "./ranks-loader.js";
import { TokcostError } from "../errors.js";

const { encoding, allowedSpecial } = workerData as CountWorkerData;

const post = (msg: WorkerMessage): void => parentPort!.postMessage(msg);

async function run(task: WorkerTask): Promise<void> {
  let pending = 0;
  try {
    const { tokens, bytes } = await countFile(task.path, { encoding, allowedSpecial, start: task.start, end: task.end, size: task.size, bufferChars: task.bufferChars }, (n) => {
      pending += n;
      if (pending >= 1 << 20) {
        post({ id: task.id, type: "bytes", bytes: pending });
        pending = 0;
      }
    });
    post({ id: task.id, type: "done", tokens, bytes }); // the bytes not reported yet included
  } catch (error) {
    // the code countFiles gives the file when counting it in its own thread (see fileError)
    const code = error instanceof TokcostError && (error.code === "FILE_NOT_FOUND" || error.code === "INVALID_INPUT") ? error.code : "FILE_UNREADABLE";
    post({ id: task.id, type: "error", message: (error as Error).message, code });
  }
}

async function runAll({ ranks, claimed, work }: CountWorkerRun): Promise<void> {
  // the main thread's rank tables, in shared memory: no copy of ~10 MB per worker
  adoptSharedRankData(ranks);
  for (let b; (b = Atomics.add(claimed, 0, 1)) < work.length;) for (const task of work[b]) await run(task);
}

// One run per worker. The listener also keeps the worker alive until the main thread
// terminates it, so every message posted is delivered.
let started = false;
parentPort!.on("message", (msg: CountWorkerRun) => {
  if (started) return;
  started = true;
  runAll(msg).catch((error: unknown) => {
    // thrown outside the promise: an uncaught exception, the main thread's "error" event
    setImmediate(() => {
      throw error;
    });
  });
});
