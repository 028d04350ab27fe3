// Test helpers for the client packages: the vitest config, a global setup that runs an API's
// mock for the whole run, and (from "@mizan/testing/contract") the generated contract tests.
//   // vitest.config.ts
//   export default defineConfig(clientTestConfig());
//   // test/mock.global-setup.ts
//   export default mockGlobalSetup("daftra");
// Tests read the mock's URL with `inject("mockUrl")`.
import type { ViteUserConfig } from "vitest/config";

export { startMock, type RunningMock, type StartMockOptions } from "@mizan/mock";
// One implementation, in the mock's package, so projects outside this repository get it too;
// importing it also types inject("mockUrl").
export { mockGlobalSetup, type MockSetupProject } from "@mizan/mock/vitest";

/**
 * The vitest config of a client package: the tests are test/NAME.test.ts, the API's mock is
 * started once by test/mock.global-setup.ts, and a JSON report goes to reports/ for the
 * repository's summary line. Pass `typecheck: true` to also run the type tests (test/NAME.test-d.ts).
 */
export function clientTestConfig({ typecheck = false }: { typecheck?: boolean } = {}): ViteUserConfig {
  return {
    test: {
      include: ["test/**/*.test.ts"],
      globalSetup: ["./test/mock.global-setup.ts"],
      testTimeout: 15_000,
      hookTimeout: 180_000,
      reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
      ...(typecheck
        ? { typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" } }
        : {}),
    },
  };
}
