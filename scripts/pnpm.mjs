#!/usr/bin/env node
// Runs the repo's pinned pnpm, installing it into .tools/ on first use.
// A fresh machine has only Node and npm: no global pnpm, and corepack cannot verify
// pnpm's signature against this registry. npm installs a pinned pnpm locally instead,
// and .tools/ goes on PATH so that turbo's nested `pnpm run` calls find the same binary.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wanted = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager; // "pnpm@x.y.z"
const version = wanted.split("@")[1];
const toolsDir = path.join(root, ".tools");
const binDir = path.join(toolsDir, "node_modules", ".bin");
const pnpmPkg = path.join(toolsDir, "node_modules", "pnpm", "package.json");

function installedVersion() {
  return existsSync(pnpmPkg) ? JSON.parse(readFileSync(pnpmPkg, "utf8")).version : undefined;
}

if (installedVersion() !== version) {
  console.error(`[pnpm.mjs] installing pnpm@${version} into .tools/`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const res = spawnSync(
    npm,
    ["install", "--prefix", toolsDir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `pnpm@${version}`],
    { stdio: "inherit", cwd: root },
  );
  if (res.status !== 0 || installedVersion() !== version) {
    console.error(`[pnpm.mjs] could not install pnpm@${version} (npm exit ${res.status})`);
    process.exit(res.status || 1);
  }
}

const env = {
  ...process.env,
  PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
  TURBO_TELEMETRY_DISABLED: "1",
  REDOCLY_TELEMETRY: "off",
  COREPACK_ENABLE_STRICT: "0",
};
const res = spawnSync(path.join(binDir, "pnpm"), process.argv.slice(2), { stdio: "inherit", cwd: process.cwd(), env });
process.exit(res.status ?? 1);
