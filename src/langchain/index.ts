/**
 * `tokcost/langchain` (the LangChain integration) where only ES modules run (browsers, edge workers):
 * encodings from js-tiktoken's rank modules. Node resolves `tokcost/langchain` to `index.node.ts`.
 */
import "../tokenizer/ranks.js";

export * from "./handler.js";
