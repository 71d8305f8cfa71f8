/**
 * Worker thread of {@link countFiles}: counts files or byte ranges of files, one task at a
 * time in arrival order (the main thread keeps two queued), and posts progress and results.
 */
import { parentPort, workerData } from "node:worker_threads";
import { countFile } from "./count-files.js";
import { TokcostError } from "../errors.js";
import type { AllowedSpecial } from "../tokenizer/index.js";

const { encoding, allowedSpecial } = workerData as { encoding: string; allowedSpecial?: AllowedSpecial };

interface Task {
  id: number;
  path: string;
  start?: number;
  end?: number;
  size?: number;
  bufferChars?: number;
}

const queue: Task[] = [];
let busy = false;

async function run(task: Task): Promise<void> {
  let pending = 0;
  try {
    const { tokens, bytes } = await countFile(task.path, { encoding, allowedSpecial, start: task.start, end: task.end, size: task.size, bufferChars: task.bufferChars }, (n) => {
      pending += n;
      if (pending >= 1 << 20) {
        parentPort!.postMessage({ id: task.id, type: "bytes", bytes: pending });
        pending = 0;
      }
    });
    if (pending > 0) parentPort!.postMessage({ id: task.id, type: "bytes", bytes: pending });
    parentPort!.postMessage({ id: task.id, type: "done", tokens, bytes });
  } catch (error) {
    const code = error instanceof TokcostError && (error.code === "FILE_NOT_FOUND" || error.code === "FILE_UNREADABLE") ? error.code : "FILE_UNREADABLE";
    parentPort!.postMessage({ id: task.id, type: "error", message: (error as Error).message, code });
  }
}

async function drain(): Promise<void> {
  busy = true;
  while (queue.length > 0) await run(queue.shift()!);
  busy = false;
}

parentPort!.on("message", (task: Task) => {
  queue.push(task);
  if (!busy) void drain();
});
