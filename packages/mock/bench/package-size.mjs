// What the published package weighs: packs it as a release would (pnpm pack) and prints the
// tarball's size, its unpacked size, and the share of that taken by the API bundles it
// carries. No budget: the bundles are the spec itself. No network.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(path.join(tmpdir(), "mizan-mock-size-"));
try {
  const pack = spawnSync(
    process.execPath,
    [path.join(packageDir, "..", "..", "scripts", "pnpm.mjs"), "pack", "--pack-destination", out],
    { cwd: packageDir, encoding: "utf8" },
  );
  if (pack.status !== 0) throw new Error(`pnpm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  const tarball = path.join(out, readdirSync(out)[0]);
  const list = spawnSync("tar", ["-tzvf", tarball], { encoding: "utf8" }).stdout.trim().split("\n");
  // tar -v lines: mode owner size date time name
  const files = list
    .map((line) => line.trim().split(/\s+/))
    .map((cols) => ({ size: Number(cols[2]), name: cols.slice(5).join(" ") }));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const bundles = files.filter((f) => f.name.startsWith("package/dist/bundles/"));
  const bundleBytes = bundles.reduce((sum, f) => sum + f.size, 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `@mizan/mock packed: ${kb(statSync(tarball).size)} tarball, ${kb(total)} unpacked in ${files.length} files`,
  );
  console.log(
    `  API bundles: ${bundles.map((f) => `${path.basename(f.name)} ${kb(f.size)}`).join(", ")} (${((100 * bundleBytes) / total).toFixed(0)}% of the unpacked size)`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
