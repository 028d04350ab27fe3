// Installs workspace packages the way a user gets them: each packed with pnpm (which turns
// `workspace:` ranges into versions), with the workspace packages it depends on at run time,
// then installed with npm into an empty folder outside the repository. Used by the tests that
// check a published package from its tarball (packages/mock, packages/runtime-matrix).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace's root: the folder above this package that holds pnpm-workspace.yaml. */
function workspaceRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir)
      throw new Error("packed-install: no pnpm-workspace.yaml above this package: it runs inside the repository.");
  }
}

// The repository's own pnpm (scripts/pnpm.mjs runs the version package.json pins).
const pnpm = path.join(workspaceRoot(), "scripts", "pnpm.mjs");

/**
 * The environment of a user's shell: without the npm_/pnpm_ settings of the run that started
 * these tests, and without the workspace's `node_modules/.bin` folders on PATH. A package script
 * puts them first, so `npm` would otherwise run on whatever `node` a devDependency ships (the
 * runtime matrix's Node 24), which reads its global npmrc from that package instead of the
 * machine's (and so misses, for one, the machine's CA settings).
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)));
  if (env.PATH)
    env.PATH = env.PATH.split(path.delimiter)
      .filter((dir) => !dir.split(path.sep).includes("node_modules"))
      .join(path.delimiter);
  return env;
}

/**
 * Signals a child and everything it started: it runs in its own process group, because a
 * package's bin is often a shell or Node wrapper that does not pass signals on to the real binary.
 */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid === undefined)
      child.kill(signal); // it never started
    else process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already, or this platform has none
  }
}

/**
 * Runs a command to its end, killed (with all it started) after `timeoutMs`; resolves with its
 * stdout, rejects with all it printed. Pass a Set as `children` to track the child so an afterAll
 * can stop it with stopChild.
 */
export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** A set the child is kept in while it runs, for an afterAll to stop with stopChild. */
  children?: Set<ChildProcess>;
}

export function runCommand(
  command: string,
  args: string[],
  { cwd, timeoutMs, env = userEnv(), children }: RunOptions,
): Promise<string> {
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: process.platform !== "win32",
  });
  children?.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => killTree(child, "SIGKILL"), timeoutMs);
  return new Promise<string>((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      children?.delete(child);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      children?.delete(child);
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${stdout}\n${stderr}`));
    });
  });
}

/** Stops a child and all it started: SIGTERM, then SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => killTree(child, "SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      if (child.pid) killTree(child, "SIGKILL"); // what it started may outlive it
      resolve();
    });
    killTree(child, "SIGTERM");
  });
}

/** The folders of the workspace packages a package depends on at run time, and theirs. */
export function workspaceDependencies(dir: string, found: Set<string> = new Set()): Set<string> {
  const { dependencies = {} }: { dependencies?: Record<string, string> } = JSON.parse(
    readFileSync(path.join(dir, "package.json"), "utf8"),
  );
  for (const [name, range] of Object.entries(dependencies)) {
    if (!range.startsWith("workspace:")) continue;
    const depDir = realpathSync(path.join(dir, "node_modules", ...name.split("/")));
    if (!found.has(depDir)) workspaceDependencies(depDir, found.add(depDir));
  }
  return found;
}

/**
 * Packs `packageDir` and its workspace dependencies into `work`/packs and installs the tarballs
 * (and `extra` registry specs) with npm into `work`/consumer, a new ES-module project. Returns
 * the consumer folder. npm fetches third-party dependencies from the registry (or its cache).
 */
export interface InstallOptions {
  /** More specs for npm install (registry packages, a TypeScript version). */
  extra?: string[];
  children?: Set<ChildProcess>;
  packTimeoutMs?: number;
  installTimeoutMs?: number;
}

export async function installPacked(
  packageDir: string,
  work: string,
  { extra = [], children, packTimeoutMs = 120_000, installTimeoutMs = 540_000 }: InstallOptions = {},
): Promise<string> {
  const packs = path.join(work, "packs");
  const consumer = path.join(work, "consumer");
  mkdirSync(packs);
  mkdirSync(consumer);
  for (const dir of [packageDir, ...workspaceDependencies(packageDir)]) {
    await runCommand(process.execPath, [pnpm, "pack", "--pack-destination", packs], {
      cwd: dir,
      timeoutMs: packTimeoutMs,
      children,
    });
  }
  writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "packed-consumer", private: true, type: "module" }),
  );
  const tarballs = readdirSync(packs).map((file) => path.join(packs, file));
  const install = () =>
    runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs, ...extra], {
      cwd: consumer,
      timeoutMs: installTimeoutMs,
      children,
    });
  try {
    await install();
  } catch (error) {
    // The registry is the one thing here outside this machine: one more try after a network
    // failure (a CI run once got a TLS error mid-install that did not come back on retry).
    process.stderr.write(
      `packed-install: npm install failed, trying once more: ${
        String(error)
          .split("\n")
          .find((l) => /npm error (code|request)/.test(l)) ?? error
      }\n`,
    );
    await install();
  }
  return consumer;
}
