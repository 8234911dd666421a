import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One seed for every property test unless FC_SEED says otherwise (test/support/fast-check-seed.ts).
    setupFiles: ["test/support/fast-check-seed.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
