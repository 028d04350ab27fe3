import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts several mock processes; two files at once on a 2-core machine starve
    // each other's start-ups (and the 3-start dynamic test) past their timeouts.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
