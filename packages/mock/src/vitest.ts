// The vitest global setup: one mock for the whole test run, its URL handed to the tests.
//   // vitest.config.ts:  test: { globalSetup: ["./test/mock.global-setup.ts"] }
//   // test/mock.global-setup.ts
//   import { mockGlobalSetup } from "@mizan/mock/vitest";
//   export default mockGlobalSetup("daftra");
//   // in a test
//   const baseUrl = inject("mockUrl");
// Nothing here loads vitest at run time; it only types `inject("mockUrl")`.
import type {} from "vitest"; // the module augmented below
import { startMock, type StartMockOptions } from "./index.js";

/** What a vitest global setup receives (`TestProject`); only `provide` is used. */
export interface MockSetupProject {
  provide(key: "mockUrl", value: string): void;
}

export interface MockSetupOptions extends Omit<StartMockOptions, "api"> {
  /**
   * Fail the run when the mock logged warnings: body fields the operations do not declare, which
   * the live server would silently ignore (see `strictBodies` to refuse them at once instead).
   */
  failOnWarnings?: boolean;
}

/**
 * A vitest global setup that starts the mock of `api` on a free port of 127.0.0.1, provides its
 * URL as `mockUrl`, and stops it when the run ends. `options` are startMock's (a delay, a
 * failure rate, a seed...).
 */
export function mockGlobalSetup(api: string, options: MockSetupOptions = {}) {
  const { failOnWarnings, ...served } = options;
  return async function setup(project: MockSetupProject) {
    const mock = await startMock({ port: 0, ...served, api });
    project.provide("mockUrl", mock.url);
    return async () => {
      const warnings = failOnWarnings ? (await mock.violations()).filter((v) => v.severity === "Warning") : [];
      await mock.stop();
      if (warnings.length)
        throw new Error(
          `The ${api} mock logged ${warnings.length} warning(s): the live server would ignore these fields:\n${warnings.map((v) => `  ${v.method} ${v.path}: ${v.location.replace(/^request\.body\./, "")} (${v.message})`).join("\n")}`,
        );
    };
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}
