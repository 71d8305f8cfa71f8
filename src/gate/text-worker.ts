/** Worker thread of the gate's text counting: measures batches of small prompt files. */
import { parentPort, workerData } from "node:worker_threads";
import { installFastRanks } from "../node/ranks-loader.js";
import { measureTextSync, type TextJob } from "./text-measure.js";

installFastRanks();
const { hash, cachedKeys } = workerData as { hash: boolean; cachedKeys: string[] | null };
const cached = cachedKeys ? new Set(cachedKeys) : undefined;

parentPort!.on("message", (batch: { id: number; jobs: TextJob[] }) => {
  const results = batch.jobs.map((job) => measureTextSync(job, { hash, cachedKeys: cached }));
  parentPort!.postMessage({ id: batch.id, results });
});
