/**
 * `tokcost/ai-sdk` (the AI SDK integration) where only ES modules run (browsers, edge workers):
 * encodings from js-tiktoken's rank modules. Node resolves `tokcost/ai-sdk` to `index.node.ts`.
 */
import "../tokenizer/ranks.js";

export * from "./middleware.js";
