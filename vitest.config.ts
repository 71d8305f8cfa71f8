import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-ranks.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CLI tests spawn the built binary; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
