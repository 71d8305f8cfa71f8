/** Node-only entry point (file system, worker threads). */
export * from "./count-files.js";
