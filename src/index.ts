/**
 * tokcost — exact OpenAI token counts, context-window checks and cost estimates, offline.
 *
 * This entry point runs anywhere ES modules run (Node, browsers, edge workers); Node resolves
 * `tokcost` to `index.node.ts`, which exports the same API. Node-only helpers (reading and
 * streaming files, worker threads, the CI gate) live in `tokcost/node`.
 */
// Installs js-tiktoken's ES-module rank data as the portable rank provider.
import "./tokenizer/ranks.js";

export * from "./api.js";
