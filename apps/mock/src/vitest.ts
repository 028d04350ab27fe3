// A vitest globalSetup that runs the mock of one API for the whole test run:
//   // test/mock.global-setup.ts
//   export default mockGlobalSetup("daftra");
// Tests read the URL with `inject("mockUrl")`.
import type {} from "vitest";
import { startMock } from "./index.js";

export interface MockSetupProject {
  provide(key: "mockUrl", value: string): void;
}

export function mockGlobalSetup(api: string) {
  return async function setup(project: MockSetupProject) {
    const mock = await startMock({ api, port: 0 });
    project.provide("mockUrl", mock.url);
    return () => mock.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}
