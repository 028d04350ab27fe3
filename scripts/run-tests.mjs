#!/usr/bin/env node
// The README's test command: lint, type-check and test every package through turbo, then
// print one plain "N passed, N failed" line summed from each package's vitest JSON report.
// `test:image` (the mock's container image) builds only where buildah runs as root; elsewhere
// its build tests are reported as skipped, and under CI=true they fail instead. The mock's
// replica tests (redis-server and haproxy from Debian) are skipped or fail the same way.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "./test-summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildah = spawnSync("sh", ["-c", "command -v buildah"], { stdio: "ignore" }).status === 0;
const imageTools = buildah && process.getuid?.() === 0 ? "ready" : "missing";
if (imageTools === "missing")
  console.log(
    "npm test: the mock image's build tests need buildah and root (npm run setup as root on Debian installs buildah); they are skipped here",
  );
const has = (command) =>
  ["/usr/sbin", "/usr/local/sbin", ...(process.env.PATH ?? "").split(":")].some(
    (dir) => dir && existsSync(path.join(dir, command)),
  );
if (!has("redis-server") || !has("haproxy"))
  console.log(
    "npm test: the mock's replica tests need redis-server and haproxy (npm run setup as root on Debian installs them); they are skipped here, and fail under CI=true",
  );
// One formatter and one linter for the whole tree (biome.json): a failure counts as one failed test.
const biome = spawnSync(path.join(root, "node_modules", ".bin", "biome"), ["ci", "."], { stdio: "inherit", cwd: root });
if (biome.status !== 0)
  console.log("npm test: biome ci found formatting or lint errors (npm run format fixes the formatting)");
const res = spawnSync(
  process.execPath,
  // Three tasks at a time: the machines this runs on have two cores, and more suites at once
  // (each starting a mock or a browser) only make each slower, and their start-up timing flaky.
  [
    path.join(root, "scripts", "pnpm.mjs"),
    "exec",
    "turbo",
    "run",
    "lint",
    "typecheck",
    "test",
    "test:image",
    "--continue",
    "--concurrency=3",
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", cwd: root, env: { ...process.env, MOCK_IMAGE_TOOLS: imageTools } },
);
const ok = summarize(root, { failed: biome.status === 0 ? 0 : 1 });
process.exit(res.status === 0 && biome.status === 0 && ok ? 0 : res.status || 1);
