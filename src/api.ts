/**
 * Everything the `tokcost` entry exports, without choosing where rank data comes from: `index.ts`
 * (browsers, edge workers, any ES-module runtime) installs js-tiktoken's rank modules,
 * `index.node.ts` (Node) the build's precomputed binary tables.
 */
export * from "./errors.js";
export * from "./tokenizer/index.js";
export * from "./pricing/index.js";
export * from "./estimate/index.js";
export * from "./request/index.js";
