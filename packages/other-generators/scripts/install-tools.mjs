#!/usr/bin/env node
// Installs the other stacks' tools into tools/node_modules with `npm ci` against
// tools/package-lock.json (exact versions), once per lockfile: a stamp holding the lockfile's
// hash skips the install while it is unchanged. The tools live outside the pnpm workspace
// because orval and hey-api declare Node >= 22.18 and the workspace installs under
// engine-strict on Node 20; the tests run them on the Node 24 of this package's devDependencies.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const tools = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tools");
const lock = readFileSync(path.join(tools, "package-lock.json"));
const hash = createHash("sha256").update(lock).digest("hex");
const stamp = path.join(tools, "node_modules", ".mizan-installed");

if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) {
  console.log("other-generators: tools up to date");
  process.exit(0);
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
// engine-strict off for this install only: `npm run setup` passes the workspace's engine-strict on
// to child npm processes (npm_config_engine_strict), and these tools declare Node >= 22.18; they
// run on the Node 24 of this package's devDependencies, never on the installing Node.
const res = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--engine-strict=false"], {
  cwd: tools,
  stdio: "inherit",
});
if (res.status !== 0) {
  console.error(`other-generators: npm ci in ${tools} failed (exit ${res.status ?? res.signal})`);
  process.exit(res.status || 1);
}
writeFileSync(stamp, hash);
console.log("other-generators: tools installed");
