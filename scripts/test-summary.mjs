// Sums the vitest JSON reports (reports/vitest.json in each workspace package, and
// <name>/reports/vitest.json for a `test:<name>` script) into the plain line CI reads. A
// missing report counts as a failure, because it means those tests did not run to the end.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function workspacePackages(root) {
  const dirs = ["spec"];
  for (const group of ["packages", "apps"]) {
    const base = path.join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) dirs.push(path.join(group, name));
  }
  return dirs.filter((dir) => existsSync(path.join(root, dir, "package.json")));
}

export function summarize(root, extra = { failed: 0 }) {
  let passed = 0;
  let failed = extra.failed;
  let skipped = 0;
  let complete = true;
  for (const dir of workspacePackages(root)) {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8"));
    for (const script of Object.keys(pkg.scripts ?? {}).filter((name) => /^test(:[\w-]+)?$/.test(name))) {
      const suffix = script.slice("test:".length);
      const label = suffix ? `${pkg.name} (${suffix})` : pkg.name;
      const report = path.join(root, dir, ...(suffix ? [suffix] : []), "reports", "vitest.json");
      if (!existsSync(report)) {
        console.log(`  ${label.padEnd(26)} no test report (its tests did not finish)`);
        failed += 1;
        complete = false;
        continue;
      }
      const r = JSON.parse(readFileSync(report, "utf8"));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      // A suite that failed to load has no failed tests but is still a failure.
      failed += r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0;
      // Per package in another wording, so that the total below is the only "N passed, N failed" line.
      console.log(
        `  ${label.padEnd(26)} ${String(r.numPassedTests).padStart(5)} ok  ${r.numFailedTests} failing${r.numPendingTests ? `  ${r.numPendingTests} skipped` : ""}`,
      );
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return complete && failed === 0 && passed > 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(summarize(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")) ? 0 : 1);
}
