/** Node-only entry point (file system, worker threads). */
import { installFastRanks } from "./ranks-loader.js";

// Encodings load from the build's precomputed binary rank tables (see ranks-loader.ts).
installFastRanks();

export { installFastRanks };
export * from "./count-files.js";
export * from "./inputs.js";
export * from "./pricing-file.js";
export * from "./measure.js";
export * from "./estimate-files.js";
export * from "./estimate-json.js";
export * from "./fit-file.js";
export * from "./media.js";
export * from "./request-files.js";
export * from "./ledger.js";
export { createClient, guardFetch, type NodeClientOptions, type NodeGuardFetchOptions, type LedgerOption } from "./client.js";
export * from "../gate/index.js";
export * from "./progress.js";
export * from "./calibration-file.js";
