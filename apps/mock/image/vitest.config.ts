import { defineConfig } from "vitest/config";

// The container image test, a task of its own (`test:image`): it needs buildah and root, which
// scripts/run-tests.mjs checks before it asks turbo for this task.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 180_000,
    // The first run makes the Debian+Node base (mmdebstrap, a few minutes on a 2-core machine),
    // then every run builds the image (an npm install from the registry).
    hookTimeout: 1_500_000,
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
