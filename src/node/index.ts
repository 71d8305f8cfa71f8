/** Node-only entry point (file system, worker threads). */
export * from "./count-files.js";
export * from "./inputs.js";
export * from "./pricing-file.js";
export * from "./measure.js";
export * from "./estimate-files.js";
export * from "./media.js";
export * from "./request-files.js";
export * from "./ledger.js";
export { createClient, guardFetch, type NodeClientOptions, type NodeGuardFetchOptions, type LedgerOption } from "./client.js";
export * from "../gate/index.js";
export * from "./progress.js";
