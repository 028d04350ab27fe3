// Starts the Prism mock of the Daftra bundle on a free port of 127.0.0.1 for the whole run,
// through the mock app's public API, and stops it afterwards.
import { startMock } from "@mizan/mock";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const mock = await startMock({ api: "daftra", port: 0 });
  project.provide("mockUrl", mock.url);
  return () => mock.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}
