/**
 * `tokcost` as Node resolves it (the "node" export condition): the same API as `index.ts`, with
 * encodings loaded from the build's precomputed binary rank tables instead of evaluating
 * js-tiktoken's rank modules (faster start-up; see src/node/ranks-loader.ts).
 */
import { installFastRanks } from "./node/ranks-loader.js";

installFastRanks();

export * from "./api.js";
