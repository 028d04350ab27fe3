// Starts Prism on a bundled API description and hands back its URL and a stop().
// Prism runs as a child process through its public CLI; a small supervisor sits between
// us and Prism so that Prism also goes away when this process dies without calling stop().
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getApi, listApis } from "@mizan/spec";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface StartMockOptions {
  /** Which API to serve, as named in spec/redocly.yaml. Default "daftra". */
  api?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Generate responses from the schemas instead of serving the examples. */
  dynamic?: boolean;
  /** Seed for dynamic responses, so generated data repeats from run to run. */
  seed?: number;
  /** Pass Prism's own log through (it slows Prism down, so it is off by default). */
  verbose?: boolean;
  /** How long to wait for Prism to answer before giving up. Default 30 s. */
  startTimeoutMs?: number;
  /** Serve this document instead of a bundled API (tests of the mock itself). */
  specFile?: string;
}

export interface RunningMock {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** Stops Prism and waits until its process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export function availableApis(): string[] {
  return listApis().map((api) => api.name);
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function prismBin(): string {
  const pkgFile = require.resolve("@stoplight/prism-cli/package.json");
  const pkg = require(pkgFile) as { bin: { prism: string } };
  return path.join(path.dirname(pkgFile), pkg.bin.prism);
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Prism ${exited} before it was ready:\n${log()}`);
    try {
      // Any HTTP answer (Prism says 404 for "/") means the server is up.
      await fetch(`${url}/__mizan_ready`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Prism did not answer on ${url} within ${timeoutMs} ms:\n${log()}`);
}

export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port && options.port > 0 ? options.port : await freePort(host);
  const spec = options.specFile ?? getApi(options.api ?? "daftra").mockBundle;
  const args = [prismBin(), "mock", spec, "--host", host, "--port", String(port)];
  if (options.dynamic) args.push("--dynamic");
  if (options.seed !== undefined) args.push("--seed", String(options.seed));
  if (!options.verbose) args.push("--verboseLevel", "error");

  const child = spawn(process.execPath, [path.join(here, "supervisor.js"), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-20_000);
    if (options.verbose) process.stderr.write(chunk);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill("SIGKILL"), 3000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill("SIGTERM");
    });
    return stopped;
  };

  try {
    await waitUntilAnswering(url, child, options.startTimeoutMs ?? 30_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}
