import { defineConfig } from "vitest/config";

// Generating and type-checking three clients per API and linting each bundle takes minutes on a
// shared 2-core machine: the limits are generous and bound nothing but a hung process.
export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
