// The mock served from its sources, in the test's own process: what most tests need (a running
// mock with the options they give), without building it first (the bundles are the build's
// data, dist/bundles). startMock() itself, its child process and the CLI are tested from the
// build (mock.test.ts, package.test.ts).
import { remoteControl, type RunningMock, type StartMockOptions } from "../src/index.js";
import { serve } from "../src/server.js";

export type { RunningMock };

/** startMock(), in this process. */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { startTimeoutMs: _, ...served } = options;
  const server = await serve(served);
  let stopping: Promise<void> | undefined;
  return remoteControl(server, () => (stopping ??= server.close()));
}
