/**
 * Node-only entry point (`tokcost/node`): files and streams, worker threads, request files, the
 * file ledger, the CI gate. Every public name is listed here (docs/api.md is generated from it);
 * what a module exports beyond this list is internal.
 */
import { installFastRanks } from "./ranks-loader.js";

// Encodings load from the build's precomputed binary rank tables (see ranks-loader.ts).
installFastRanks();

export { installFastRanks };
// Counting files and streams (worker threads).
export { countFiles, countFile, countStream, type CountFilesOptions, type CountStreamOptions, type CountProgress, type FileCount } from "./count-files.js";
export { measureInputs, type InputSource, type BufferedInputSource, type MeasuredInput, type MeasureOptions } from "./measure.js";
export { checkInputFile, type InputCheck, type CheckInputOptions } from "./inputs.js";
// Estimating files: prompts, request bodies, Batch and fine-tuning files, media.
export {
  estimateFiles,
  estimateInputs,
  resolveModels,
  exitCodeOfResult,
  countChatInputs,
  type EstimateFilesOptions,
  type EstimateFilesResult,
  type EstimatedFile,
  type EstimateInputsOptions,
  type FileEstimate,
  type InputFailure,
  type ModelFailure,
  type CountChatOptions,
} from "./estimate-files.js";
export { estimateFilesJson, estimatedFileJson } from "./estimate-json.js";
export { detectRequestFile, type RequestFileKind } from "./request-file-kind.js";
export {
  estimateRequestFile,
  estimateRequestBody,
  estimateBatchFile,
  estimateFineTuningFile,
  readImageSize,
  type RequestFileOptions,
  type BatchFileOptions,
  type BatchEstimate,
  type BatchLineEstimate,
  type BatchTotals,
  type LineError,
  type FineTuningFileOptions,
  type FineTuningEstimate,
  type TrainingExampleEstimate,
} from "./request-files.js";
export { estimateUnits, readAudioDuration, type UnitEstimate, type UnitRequest, type UnitInput } from "./media.js";
export { fitFile, type FitFileOptions, type FitFileResult } from "./fit-file.js";
// Pricing files, calibration files.
export { readPricingFile, loadPricingTable, pricingTableWithFileIfExists } from "./pricing-file.js";
export { readCalibration, writeCalibration, remoteCountEnv } from "./calibration-file.js";
// The request helper with Node defaults (environment, file ledger).
export { createClient, guardFetch, type NodeClientOptions, type NodeGuardFetchOptions, type LedgerOption } from "./client.js";
export { FileLedger, type FileLedgerOptions } from "./ledger.js";
// The CI budget gate.
export * from "../gate/index.js";
