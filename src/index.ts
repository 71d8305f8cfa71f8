/**
 * tokcost — exact OpenAI token counts, context-window checks and cost estimates, offline.
 *
 * This entry point runs anywhere ES modules run (Node, browsers, edge workers). Node-only
 * helpers (reading and streaming files, worker threads, the CI gate) live in `tokcost/node`.
 */
// Installs js-tiktoken's ES-module rank data as the portable rank provider.
import "./tokenizer/ranks.js";

export * from "./errors.js";
export * from "./tokenizer/index.js";
export * from "./pricing/index.js";
export * from "./estimate/index.js";
export * from "./request/index.js";
