#!/usr/bin/env node
// The README's test command: lint, type-check and test every package through turbo, then
// print one plain "N passed, N failed" line summed from each package's vitest JSON report.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "./test-summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const res = spawnSync(
  process.execPath,
  // Three tasks at a time: the machines this runs on have two cores, and more suites at once
  // (each starting a mock or a browser) only make each slower, and their start-up timing flaky.
  [path.join(root, "scripts", "pnpm.mjs"), "exec", "turbo", "run", "lint", "typecheck", "test", "--continue", "--concurrency=3", ...process.argv.slice(2)],
  { stdio: "inherit", cwd: root },
);
const ok = summarize(root);
process.exit(res.status === 0 && ok ? 0 : res.status || 1);
