// Every published package has a CHANGELOG.md. Changesets writes its versions at each release
// (`changeset version`); between releases, its "Unreleased" section lists the pending changesets
// of .changeset/ that bump it, so users see what is coming.
//   node scripts/changelogs.mjs            write (or refresh) each package's Unreleased section
//   node scripts/changelogs.mjs --check    exit 1 if one is missing or out of date
//   node scripts/changelogs.mjs --strip    remove the sections (the release step, before changeset version)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUMPS = ["major", "minor", "patch"];
const HEADINGS = { major: "Major Changes", minor: "Minor Changes", patch: "Patch Changes" };
const UNRELEASED = /\n## Unreleased\n[\s\S]*?(?=\n## |$)/;

/** The workspace's published packages: `{ name, dir }` of every package.json without `private`. */
export function publishedPackages() {
  return ["packages", "apps"]
    .flatMap((group) => readdirSync(path.join(root, group)).map((name) => path.join(root, group, name)))
    .filter((dir) => existsSync(path.join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The pending changesets: `{ file, bumps: Map<package, bump>, summary }`, by file name. */
export function pendingChangesets(dir = path.join(root, ".changeset")) {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md") && file !== "README.md")
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), "utf8");
      const [, front = "", summary = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      const bumps = new Map(
        [...front.matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)].map((m) => [m[1], m[2]]),
      );
      return { file, bumps, summary: summary.trim() };
    });
}

/** A package's Unreleased section from the pending changesets, or "" when none bumps it. */
export function unreleasedSection(name, changesets) {
  const mine = changesets.filter((c) => c.bumps.has(name));
  if (!mine.length) return "";
  const parts = [
    "",
    "## Unreleased",
    "",
    "Pending changes: `changeset version` turns them into the next version's entry.",
    "",
  ];
  for (const bump of BUMPS) {
    const entries = mine.filter((c) => c.bumps.get(name) === bump);
    if (!entries.length) continue;
    parts.push(`### ${HEADINGS[bump]}`, "");
    for (const entry of entries) parts.push(`- ${entry.summary.replace(/\n/g, "\n  ")}`, "");
  }
  return parts.join("\n").replace(/\n+$/, "\n");
}

/** The CHANGELOG.md text a package should have: its released versions, after the Unreleased section. */
export function expectedChangelog(name, current, changesets, { strip = false } = {}) {
  const released = (current ?? `# ${name}\n`).replace(UNRELEASED, "");
  if (strip) return released;
  const [title, ...rest] = released.split("\n");
  const section = unreleasedSection(name, changesets);
  return [
    title,
    section ? section.replace(/^\n/, "\n") : "",
    rest.join("\n").replace(/^\n*/, rest.join("").trim() ? "\n" : ""),
  ]
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/\n*$/, "\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2] ?? "--write";
  const changesets = pendingChangesets();
  let stale = 0;
  for (const { name, dir } of publishedPackages()) {
    const file = path.join(dir, "CHANGELOG.md");
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    const expected = expectedChangelog(name, current, changesets, { strip: mode === "--strip" });
    if (current === expected) continue;
    if (mode === "--check") {
      console.error(`${path.relative(root, file)} is out of date: run node scripts/changelogs.mjs`);
      stale++;
    } else {
      writeFileSync(file, expected);
      console.log(`${path.relative(root, file)} written`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
