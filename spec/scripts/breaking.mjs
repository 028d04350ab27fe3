#!/usr/bin/env node
// `npm run spec:breaking`: compares each API's fresh bundle (spec/dist/) with its last release
// (spec/released/) and fails on breaking changes, unless a pending changeset bumps the API's
// client (`@mizan/<api>-client`) by major.
//   --changelog         print the markdown changelog of every API instead (exit 0)
//   --update-released   copy today's bundles to spec/released/ (the release step)
//   --write-changelogs  put each API's section into its client's CHANGELOG.md, under the version
//                       `changeset version` has just written (the release step, before --update-released)
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { changelogMarkdown } from "@mizan/openapi-tools/diff";
import { clientOf, listApis, readBundle, releasedDir, specDir } from "./apis.mjs";
import { gateApi } from "./release-gate.mjs";

const args = new Set(process.argv.slice(2));
const changesetDir = process.env.MIZAN_CHANGESET_DIR ?? path.join(specDir, "..", ".changeset");
const apis = listApis();

if (args.has("--update-released")) {
  mkdirSync(releasedDir, { recursive: true });
  for (const api of apis) {
    readBundle(api.name); // fails with a hint when the bundle is missing
    copyFileSync(api.bundle, api.released);
    console.log(`${api.name}: ${path.relative(process.cwd(), api.released)} updated`);
  }
  process.exit(0);
}

// The API changes go under the newest version heading of the client's changelog (changesets
// writes `## <version>` and its own `### Minor Changes` groups below it).
if (args.has("--write-changelogs")) {
  const packagesDir = process.env.MIZAN_PACKAGES_DIR ?? path.join(specDir, "..", "packages");
  for (const api of apis) {
    const file = path.join(packagesDir, clientOf(api.name).folder, "CHANGELOG.md");
    if (!existsSync(api.released) || !existsSync(file)) {
      console.log(
        `${api.name}: ${existsSync(file) ? "no released bundle" : `no ${path.relative(process.cwd(), file)}`}, nothing written`,
      );
      continue;
    }
    const { changes } = gateApi({
      name: api.name,
      released: JSON.parse(readFileSync(api.released, "utf8")),
      current: readBundle(api.name),
      changesetDir,
    });
    if (!changes.length) {
      console.log(`${api.name}: no API changes since the last release`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    const heading = /^## .*$/m.exec(text);
    if (!heading) throw new Error(`${file} has no "## <version>" heading: run \`changeset version\` first.`);
    // One level down, so the API's groups sit inside the version.
    const section = changelogMarkdown(changes, { title: "API changes" }).replace(/^(#+) /gm, "#$1 ");
    const at = heading.index + heading[0].length;
    writeFileSync(file, `${text.slice(0, at)}\n\n${section.trimEnd()}\n${text.slice(at)}`);
    console.log(`${api.name}: ${changes.length} API change(s) written to ${path.relative(process.cwd(), file)}`);
  }
  process.exit(0);
}

let failed = false;
const sections = [];
for (const api of apis) {
  const current = readBundle(api.name);
  if (!existsSync(api.released)) {
    // A new API has no users yet: nothing it does can break them.
    console.log(`${api.name}: no released bundle (${path.relative(process.cwd(), api.released)}), nothing to compare`);
    sections.push(`## ${api.name} API\n\nNew API.\n`);
    continue;
  }
  const released = JSON.parse(readFileSync(api.released, "utf8"));
  const result = gateApi({ name: api.name, released, current, changesetDir });
  sections.push(changelogMarkdown(result.changes, { title: `${api.name} API` }));
  if (args.has("--changelog")) continue;

  const additive = result.changes.length - result.breaking.length;
  if (result.breaking.length === 0) {
    console.log(`${api.name}: no breaking changes (${additive} additive)`);
    continue;
  }
  console.log(`${api.name}: ${result.breaking.length} breaking change(s), ${additive} additive`);
  for (const c of result.breaking) console.log(`  ${c.operation} — ${c.location}: ${c.message}`);
  if (result.majorPending) {
    console.log(`  allowed: a pending changeset bumps ${result.clientPackage} by major`);
  } else {
    console.log(
      `  add a changeset that bumps ${result.clientPackage} by major (\`pnpm changeset\`), or keep the old behaviour`,
    );
    failed = true;
  }
}

if (args.has("--changelog")) console.log(sections.join("\n"));
process.exit(failed ? 1 : 0);
