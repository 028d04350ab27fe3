// startMock(): a mock server in its own process, for test runners (vitest/jest global setup).
// The options are checked here (options.ts), then handed to the child process as they are.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mockBundleOf } from "./apis.js";
import { checkOptions, optionValue, type MockOptions } from "./options.js";
import type { Violation, ViolationLog } from "./pipeline/violations.js";
import { SESSION_HEADER } from "./state.js";
import { CONTROL_HEADER } from "./pipeline/control.js";

export { availableApis, bundlesDir, mockBundleOf } from "./apis.js";
export { FaultOptionError, INJECTED_FAILURE_STATUS, MAX_DELAY_MS, type DelayRange } from "./faults.js";
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  MOCK_OPTIONS,
  MockOptionError,
  type MockOptions,
} from "./options.js";
export { CONTROL_HEADER } from "./pipeline/control.js";
export { errorShapeOf } from "./pipeline/error-shape.js";
export {
  explainViolations,
  VIOLATION_LOG_SIZE,
  violationFields,
  type Violation,
  type ViolationLog,
} from "./pipeline/violations.js";
export { MAX_RECORDS, MAX_SESSIONS, SESSION_HEADER } from "./state.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface StartMockOptions extends MockOptions {
  /** How long to wait for the server to be ready. Default 120 s: it needs about 1 s alone, but a busy CI machine running several suites at once can take many times that. */
  startTimeoutMs?: number;
}

export interface RunningMock {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** The seed of the injected faults: `seed` if given, else the random one chosen (pass it as `seed` to repeat a run). */
  faultSeed: number;
  /** The last 1,000 requests or responses the mock found at odds with the spec (proxy mode mostly). */
  violations(): Promise<Violation[]>;
  /** The same, with how many there were in all and how many fell out of the log. */
  violationLog(): Promise<ViolationLog>;
  /** Empties the violation log and its counters. */
  clearViolations(): Promise<void>;
  /** Stateful mode: forgets the writes of one session (as named by `x-mock-session`), or of all. */
  reset(session?: string): Promise<void>;
  /** Stops the server and waits until its process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { startTimeoutMs, ...served } = options;
  // Bad options fail here, before a process is started for nothing.
  checkOptions(served);
  const specFile = served.specFile ?? mockBundleOf(served.api ?? "daftra");
  const child = spawn(process.execPath, [path.join(here, "child.js"), JSON.stringify({ ...served, specFile })], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (options.verbose) process.stderr.write(chunk);
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // The child drains its requests in flight for up to shutdownTimeoutMs (graceful shutdown).
      const force = setTimeout(() => child.kill("SIGKILL"), optionValue(served, "shutdownTimeoutMs")! + 3000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill("SIGTERM");
    }));

  // Ready means: the child said so on stdout, and the server then answers a health request.
  const ready = await new Promise<{ url: string; port: number; faultSeed: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The mock did not start within ${startTimeoutMs ?? 120_000} ms.\n${log}`)),
      startTimeoutMs ?? 120_000,
    );
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        let message: { event?: string; url?: string; port?: number; faultSeed?: number; message?: string };
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if (message.event === "ready") {
          clearTimeout(timer);
          resolve({ url: message.url!, port: message.port!, faultSeed: message.faultSeed! });
        } else if (message.event === undefined && served.log === "json") {
          // A line of the request log: the launcher's stdout is where the user looks for it.
          process.stdout.write(`${line}\n`);
        } else if (message.event === "error") {
          clearTimeout(timer);
          reject(new Error(`The mock could not start: ${message.message}${log ? `\n${log}` : ""}`));
        }
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The mock exited (${signal ?? `code ${code}`}) before it was ready.\n${log}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });

  const health = await fetch(`${ready.url}/__mock/health`).catch((error: Error) => error);
  if (!(health instanceof Response) || !health.ok) {
    await stop();
    throw new Error(
      `The mock said it was ready on ${ready.url} but does not answer: ${health instanceof Error ? health.message : health.status}`,
    );
  }
  return remoteControl(ready, stop);
}

/** A running mock's handle, over its /__mock/ endpoints (startMock's answer; tests use it with serve() too). */
export function remoteControl(
  ready: { url: string; port: number; faultSeed: number },
  stop: () => Promise<void>,
): RunningMock {
  const violationLog = async () => (await fetch(`${ready.url}/__mock/violations`)).json() as Promise<ViolationLog>;
  return {
    ...ready,
    violationLog,
    violations: async () => (await violationLog()).violations,
    clearViolations: async () => {
      await fetch(`${ready.url}/__mock/violations`, { method: "DELETE", headers: { [CONTROL_HEADER]: "1" } });
    },
    reset: async (session) => {
      const response = await fetch(`${ready.url}/__mock/reset`, {
        method: "POST",
        headers: { [CONTROL_HEADER]: "1", ...(session === undefined ? {} : { [SESSION_HEADER]: session }) },
      });
      if (response.status !== 204)
        throw new Error(`The mock refused the reset (${response.status}): ${await response.text()}`);
    },
    stop,
  };
}
