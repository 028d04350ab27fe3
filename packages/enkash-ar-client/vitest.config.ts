import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/mock.global-setup.ts"],
    testTimeout: 15_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
