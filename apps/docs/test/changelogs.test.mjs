// Every published package has a CHANGELOG.md whose Unreleased section lists the pending
// changesets that bump it (scripts/changelogs.mjs writes it; `changeset version` the releases).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectedChangelog,
  pendingChangesets,
  publishedPackages,
  unreleasedSection,
} from "../../../scripts/changelogs.mjs";

const changesets = pendingChangesets();

describe("changelogs", () => {
  it.each(publishedPackages().map((p) => [p.name, p.dir]))("%s has one, up to date with .changeset/", (name, dir) => {
    const file = path.join(dir, "CHANGELOG.md");
    expect(existsSync(file), `${file}: run node scripts/changelogs.mjs`).toBe(true);
    const text = readFileSync(file, "utf8");
    expect(text, "run node scripts/changelogs.mjs").toBe(expectedChangelog(name, text, changesets));
    for (const c of changesets.filter((c) => c.bumps.has(name))) expect(text).toContain(c.summary.split("\n")[0]);
  });

  it("keeps released versions below the Unreleased section, and strips it for changeset version", () => {
    const sets = [{ file: "a.md", bumps: new Map([["@x/a", "minor"]]), summary: "Adds a." }];
    const released = "# @x/a\n\n## 0.2.0\n\n### Minor Changes\n\n- abc123: Added b.\n";
    const written = expectedChangelog("@x/a", released, sets);
    expect(written).toBe(
      "# @x/a\n\n## Unreleased\n\nPending changes: `changeset version` turns them into the next version's entry.\n\n### Minor Changes\n\n- Adds a.\n\n## 0.2.0\n\n### Minor Changes\n\n- abc123: Added b.\n",
    );
    expect(expectedChangelog("@x/a", written, sets)).toBe(written);
    expect(expectedChangelog("@x/a", written, sets, { strip: true })).toBe(released);
    expect(unreleasedSection("@x/b", sets)).toBe("");
  });
});
