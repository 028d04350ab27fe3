#!/usr/bin/env node
// `npm run setup`: everything a fresh machine with only Node 20 and npm needs, then the build.
//   1. the pinned pnpm (into .tools/, see pnpm.mjs) and the workspace's packages;
//   2. Chromium for the docs' browser test, from Debian, when it is missing;
//   3. as root on Debian: buildah and mmdebstrap, for the mock's container image and its test,
//      and redis-server and haproxy, for the test of mock replicas sharing their state;
//   4. `pnpm build`: spec bundles, client, mock and docs;
//   5. with those tools: the image's base, made from Debian's and npm's packages (once per recipe).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pnpm = (...args) => run(process.execPath, [path.join(root, "scripts", "pnpm.mjs"), ...args]);

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (res.status !== 0) {
    console.error(`setup: \`${[path.basename(cmd), ...args].join(" ")}\` failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = process.platform === "linux" && existsSync("/usr/bin/apt-get");
let aptUpdated = false;

function aptInstall(packages) {
  const sudo = isRoot ? [] : ["sudo"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (...args) => run(sudo[0] ?? "apt-get", [...(isRoot ? [] : ["apt-get"]), ...args], { env });
  if (!aptUpdated) apt("update", "-qq");
  aptUpdated = true;
  apt("install", "-y", "-qq", "--no-install-recommends", ...packages);
}

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (!hasApt) {
    console.warn(
      `setup: no Chromium at ${CHROMIUM}. Install Chromium and set CHROMIUM_PATH to run the docs' browser test.`,
    );
    return;
  }
  console.log("setup: installing Chromium from Debian for the docs' browser test");
  aptInstall(["chromium"]);
}

// The mock's image test builds with `buildah bud --isolation chroot` (no container runtime
// needed) on a base made with mmdebstrap, and runs the image with chroot: all of it as root.
// Elsewhere the image test does not run (scripts/run-tests.mjs says so), unless CI requires it.
const IMAGE_TOOLS = { buildah: "buildah", mmdebstrap: "mmdebstrap" };

function ensureImageTools() {
  if (!hasApt || !isRoot) return false;
  const missing = Object.entries(IMAGE_TOOLS).filter(
    ([bin]) => !["/usr/bin", "/usr/local/bin"].some((dir) => existsSync(path.join(dir, bin))),
  );
  if (missing.length) {
    console.log("setup: installing buildah and mmdebstrap from Debian for the mock's container image");
    aptInstall(missing.map(([, pkg]) => pkg));
  }
  return true;
}

// The mock's replica test runs three replicas sharing Debian's redis-server behind Debian's
// HAProxy; it starts both itself on free 127.0.0.1 ports. Elsewhere it is skipped, saying why.
const REPLICA_TOOLS = { "redis-server": "redis-server", haproxy: "haproxy" };

function ensureReplicaTools() {
  const missing = Object.entries(REPLICA_TOOLS).filter(
    ([bin]) => !["/usr/bin", "/usr/sbin", "/usr/local/bin"].some((dir) => existsSync(path.join(dir, bin))),
  );
  if (!missing.length) return;
  if (!hasApt || !isRoot) {
    console.warn(
      `setup: the mock's replica test needs ${missing.map(([bin]) => bin).join(" and ")}, which setup installs as root on Debian (or Ubuntu); it is skipped here.`,
    );
    return;
  }
  console.log("setup: installing redis-server and haproxy from Debian for the mock's replica test");
  aptInstall(missing.map(([, pkg]) => pkg));
}

pnpm("install", "--frozen-lockfile");
// Other stacks' generators (orval, hey-api, Spectral) need Node 22+, so they live outside the
// workspace with their own lockfile; installing them is an install step, not a build task.
run(process.execPath, [path.join(root, "packages", "other-generators", "scripts", "install-tools.mjs")]);
ensureChromium();
ensureReplicaTools();
const imageTools = ensureImageTools();
if (!imageTools)
  console.warn(
    "setup: the mock's image test runs as root on Debian (or Ubuntu), where setup installs buildah and mmdebstrap; it is skipped here.",
  );
pnpm("run", "build");
// Downloads happen here, not in the tests: a Debian root file system and Node from the npm
// registry, imported into buildah as the base the image test builds on. Reused while its recipe holds.
if (imageTools) run(process.execPath, [path.join(root, "apps", "mock", "image", "base.mjs")]);
