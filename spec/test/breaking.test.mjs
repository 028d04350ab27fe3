// The breaking-change gate's command line on the real bundles (the comparison itself is tested
// with small documents in packages/openapi-tools/test/diff.test.mjs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listApis, specDir } from "../scripts/apis.mjs";

const cli = path.join(specDir, "scripts", "breaking.mjs");
const run = (args, env = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

describe("spec:breaking", () => {
  it("prints one changelog section per API", () => {
    const res = run(["--changelog"]);
    expect(res.status, res.stderr).toBe(0);
    for (const api of listApis()) expect(res.stdout).toContain(`## ${api.name} API`);
  });

  it("reports every API, with no changeset directory at all", () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "mizan-no-changesets-"));
    try {
      const res = run([], { MIZAN_CHANGESET_DIR: path.join(empty, "missing") });
      for (const api of listApis()) expect(res.stdout).toMatch(new RegExp(`^${api.name}: `, "m"));
      expect([0, 1]).toContain(res.status);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
