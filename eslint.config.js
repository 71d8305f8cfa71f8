// Lint for tokcost: typescript-eslint's recommended rules, and the layering the architecture
// depends on (docs/design.md, "Module map"): the core — tokenizer, pricing, estimate, request —
// runs where only ES modules and fetch exist, so it imports no Node built-ins and nothing from
// the Node, gate or CLI layers; nothing imports the CLI.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const CORE = ["src/index.ts", "src/api.ts", "src/errors.ts", "src/tokenizer/**/*.ts", "src/pricing/**/*.ts", "src/estimate/**/*.ts", "src/request/**/*.ts", "src/util/**/*.ts"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        fetch: "readonly",
        AbortController: "readonly",
        Buffer: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        performance: "readonly",
        setImmediate: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
        ReadableStream: "readonly",
        Blob: "readonly",
        FormData: "readonly",
        AbortSignal: "readonly",
        atob: "readonly",
        btoa: "readonly",
        crypto: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-control-regex": "off",
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/cli/**", "./cli/*"], message: "Nothing imports the CLI: it only parses, calls the library and renders." }] }] },
  },
  {
    files: CORE,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "os", "worker_threads", "child_process"],
              message: "The core runs where only ES modules and fetch exist: Node APIs belong in src/node, src/gate or src/cli.",
            },
            { group: ["**/node/**", "**/gate/**", "**/cli/**", "./node/*", "./gate/*", "./cli/*"], message: "The core may not import the Node, gate or CLI layers." },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "process", message: "The core has no process: take what you need as an option." },
        { name: "Buffer", message: "The core has no Buffer: use Uint8Array." },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.js", "scripts/**/*.mjs", "bin/**/*.js"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-unused-vars": "off", "no-useless-assignment": "off", "preserve-caught-error": "off" },
  },
);
