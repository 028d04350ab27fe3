// The servers of the replica test, each on a free 127.0.0.1 port and ended with the test process:
// Debian's redis-server (no persistence, its own temporary directory), mock replicas from the
// built CLI, and Debian's HAProxy in front of them (round robin, health checks on /__mock/health).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tether = path.join(here, "..", "..", "scripts", "tether.mjs");
const cli = path.join(here, "..", "..", "bin", "mizan-mock.js");

/** Where a command is, or undefined (redis-server in /usr/bin, haproxy in /usr/sbin on Debian). */
export function which(command: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"])
    if (dir && existsSync(path.join(dir, command))) return path.join(dir, command);
  return undefined;
}

/** Why the replica test cannot run here, or undefined. */
export function replicaToolsMissing(): string | undefined {
  const missing = ["redis-server", "haproxy"].filter((command) => !which(command));
  if (!missing.length) return undefined;
  return `${missing.join(" and ")} not installed (npm run setup installs them as root on Debian)`;
}

/** A port free now (the server that takes it binds it right after: a small race, on loopback only). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Running {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
}

/** Waits until `check` holds, asking every 100 ms; `what` names it in the error after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const answers = async (url: string, status = 200) =>
  (await fetch(url, { signal: AbortSignal.timeout(5000) })).status === status;

/** redis-server on a free port: no snapshot, no append-only file, in a temporary directory. */
export async function startRedis(port?: number): Promise<Running & { dir: string }> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), "mizan-redis-"));
  const child = spawn(
    process.execPath,
    [
      tether,
      which("redis-server")!,
      "--port",
      String(chosen),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--logfile",
      "",
      "--loglevel",
      "warning",
    ],
    { stdio: ["pipe", "ignore", "inherit"] },
  );
  const url = `redis://127.0.0.1:${chosen}/0`;
  await until(`redis-server on port ${chosen}`, async () => {
    const ping = spawnSync(which("redis-cli") ?? "redis-cli", ["-p", String(chosen), "ping"], { encoding: "utf8" });
    return ping.stdout?.trim() === "PONG";
  });
  const stop = stopper(child);
  return {
    url,
    port: chosen,
    process: child,
    dir,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A mock replica from the built CLI (`mizan-mock ...args --port 0`); it ends with this process itself (lifeline). */
export async function startReplica(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cli, ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-5000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = / listening on (http:\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`mizan-mock ${args.join(" ")} exited (${code}): ${log}`)));
  });
  await until(`the replica at ${url} ready`, () => answers(`${url}/__mock/ready`));
  return { url, port: Number(new URL(url).port), process: child, stop: stopper(child) };
}

/** HAProxy in front of `backends`: round robin, a backend down after one failed health check. */
export async function startBalancer(backends: Running[]): Promise<Running> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "mizan-haproxy-"));
  const config = path.join(dir, "haproxy.cfg");
  writeFileSync(
    config,
    `global
  maxconn 1024

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A request that cannot reach a replica (refused: it was killed) goes to another.
  retries 3
  option redispatch 1

frontend mocks
  bind 127.0.0.1:${port}
  default_backend replicas

backend replicas
  balance roundrobin
  option httpchk GET /__mock/health
  http-check expect status 200
  # A killed replica refuses at once and is down after two checks; a slow answer (a busy CI
  # machine) is not taken for a dead replica.
  timeout check 10s
  default-server inter 250ms fall 2 rise 1
${backends.map((b, i) => `  server replica${i} 127.0.0.1:${b.port} check`).join("\n")}
`,
  );
  // Its log (a replica down, up again) is not the test's: -q keeps it quiet.
  const child = spawn(process.execPath, [tether, which("haproxy")!, "-f", config, "-db", "-q"], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  const url = `http://127.0.0.1:${port}`;
  await until(`haproxy on port ${port}`, () => answers(`${url}/__mock/health`));
  const stop = stopper(child);
  return {
    url,
    port,
    process: child,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
