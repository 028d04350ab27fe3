// The breaking-change gate's command line on the real bundles (the comparison itself is tested
// with small documents in packages/openapi-tools/test/diff.test.ts).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listApis, specDir } from "../scripts/apis.mjs";

const cli = path.join(specDir, "scripts", "breaking.mjs");
const run = (args, env = {}) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

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

  it("writes each API's changes into its client's changelog, under the newest version", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mizan-changelogs-"));
    try {
      for (const api of listApis()) {
        mkdirSync(path.join(dir, `${api.name}-client`));
        writeFileSync(
          path.join(dir, `${api.name}-client`, "CHANGELOG.md"),
          `# @mizan/${api.name}-client\n\n## 0.2.0\n\n### Minor Changes\n\n- something\n\n## 0.1.0\n\n- first\n`,
        );
      }
      const res = run(["--write-changelogs"], { MIZAN_PACKAGES_DIR: dir });
      expect(res.status, res.stderr).toBe(0);
      for (const api of listApis()) {
        const text = readFileSync(path.join(dir, `${api.name}-client`, "CHANGELOG.md"), "utf8");
        const changed = new RegExp(`^${api.name}: (\\d+) API change`, "m").exec(res.stdout);
        if (!changed) {
          expect(res.stdout).toMatch(new RegExp(`^${api.name}: no API changes`, "m"));
          continue;
        }
        // Inside 0.2.0, before the changesets' own groups and before 0.1.0.
        const at = (s) => text.indexOf(s);
        expect(at("### API changes")).toBeGreaterThan(at("## 0.2.0"));
        expect(at("### API changes")).toBeLessThan(at("### Minor Changes"));
        expect(text.match(/^- /gm).length).toBe(Number(changed[1]) + 2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
