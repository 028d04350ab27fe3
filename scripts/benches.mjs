// Runs a package's benchmark scripts one after another and fails at the end, not at the first:
// a budget broken by one script must not hide the figures of the others.
// Usage (from a package): node ../../scripts/benches.mjs bench/a.mjs bench/b.mjs
import { spawnSync } from "node:child_process";

const broken = [];
for (const script of process.argv.slice(2)) {
  const { status, signal } = spawnSync(process.execPath, [script], { stdio: "inherit" });
  if (status !== 0) broken.push(`${script} (${signal ?? `exit ${status}`})`);
}
if (broken.length) {
  console.error(`\nBenchmarks over budget or failed: ${broken.join(", ")}`);
  process.exit(1);
}
