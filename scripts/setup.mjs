#!/usr/bin/env node
// `npm run setup`: everything a fresh machine with only Node 20 and npm needs, then the build.
//   1. the pinned pnpm (into .tools/, see pnpm.mjs) and the workspace's packages;
//   2. Chromium for the docs' browser test, from Debian, when it is missing;
//   3. `pnpm build`: spec bundles, client, mock and docs.
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

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
    console.warn(`setup: no Chromium at ${CHROMIUM}. Install Chromium and set CHROMIUM_PATH to run the docs' browser test.`);
    return;
  }
  console.log("setup: installing Chromium from Debian for the docs' browser test");
  const sudo = isRoot ? [] : ["sudo"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run(sudo[0] ?? "apt-get", [...sudo.slice(1), ...(isRoot ? [] : ["apt-get"]), "update", "-qq"], { env });
  run(sudo[0] ?? "apt-get", [...(isRoot ? [] : ["apt-get"]), "install", "-y", "-qq", "--no-install-recommends", "chromium"], { env });
}

pnpm("install", "--frozen-lockfile");
ensureChromium();
pnpm("run", "build");
