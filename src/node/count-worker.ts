/** Worker thread of {@link countFiles}: counts files or byte ranges of files, posts results. */
import { parentPort, workerData } from "node:worker_threads";
import { countFile } from "./count-files.js";
import { TokcostError } from "../errors.js";
import type { AllowedSpecial } from "../tokenizer/index.js";

const { encoding, allowedSpecial } = workerData as { encoding: string; allowedSpecial?: AllowedSpecial };

parentPort!.on("message", async (task: { path: string; start?: number; end?: number; bufferChars?: number }) => {
  let pending = 0;
  try {
    const { tokens, bytes } = await countFile(task.path, { encoding, allowedSpecial, start: task.start, end: task.end, bufferChars: task.bufferChars }, (n) => {
      pending += n;
      if (pending >= 1 << 20) {
        parentPort!.postMessage({ type: "bytes", bytes: pending });
        pending = 0;
      }
    });
    if (pending > 0) parentPort!.postMessage({ type: "bytes", bytes: pending });
    parentPort!.postMessage({ type: "done", tokens, bytes });
  } catch (error) {
    const code = error instanceof TokcostError && (error.code === "FILE_NOT_FOUND" || error.code === "FILE_UNREADABLE") ? error.code : "FILE_UNREADABLE";
    parentPort!.postMessage({ type: "error", message: (error as Error).message, code });
  }
});
