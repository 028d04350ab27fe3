#!/usr/bin/env node
// What each runtime of the matrix costs a checkout: the disk its installed packages take (the
// wrapper package and, through its dependencies, the platform package with the binary) and how
// long it takes to start (`--version`, best of 5). Run after `npm run setup`.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIMES = ["node", "bun", "deno", "workerd"];

/** Bytes of the files under `dir`, each inode once (install scripts hard-link binaries). */
function bytesIn(dir, seen) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesIn(full, seen);
    else if (entry.isFile()) {
      const stat = lstatSync(full);
      const key = `${stat.dev}:${stat.ino}`;
      if (!seen.has(key)) total += (seen.add(key), stat.size);
    }
  }
  return total;
}

/** The package's folder and those of its installed (optional) dependencies, each once. */
function installedFolders(dir, seen = new Set()) {
  const real = realpathSync(dir);
  if (seen.has(real)) return seen;
  seen.add(real);
  const manifest = JSON.parse(readFileSync(path.join(real, "package.json"), "utf8"));
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    // pnpm links a package's dependencies next to it, under the same node_modules.
    const dep = path.join(real.slice(0, real.length - manifest.name.length), name);
    if (existsSync(dep)) installedFolders(dep, seen);
  }
  return seen;
}

const rows = [];
for (const name of RUNTIMES) {
  const dir = path.join(packageDir, "node_modules", name);
  const inodes = new Set();
  const bytes = [...installedFolders(dir)].reduce((sum, folder) => sum + bytesIn(folder, inodes), 0);
  const bin = path.join(packageDir, "node_modules", ".bin", name);
  let best = Infinity;
  let version = "";
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(bin, ["--version"], { encoding: "utf8" });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    version = res.stdout.split("\n")[0].trim();
  }
  rows.push({
    runtime: name,
    version,
    "installed MB": (bytes / 1e6).toFixed(1),
    "start-up ms (best of 5)": best.toFixed(0),
  });
}
console.table(rows);
