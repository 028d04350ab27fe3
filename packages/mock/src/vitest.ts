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

/**
 * A vitest global setup that starts the mock of `api` on a free port of 127.0.0.1, provides its
 * URL as `mockUrl`, and stops it when the run ends. `options` are startMock's (a delay, a
 * failure rate, a seed...).
 */
export function mockGlobalSetup(api: string, options: Omit<StartMockOptions, "api"> = {}) {
  return async function setup(project: MockSetupProject) {
    const mock = await startMock({ port: 0, ...options, api });
    project.provide("mockUrl", mock.url);
    return () => mock.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}
