// The release gate's rules for this repository: a breaking change of an API (found by
// @mizan/openapi-tools/diff) needs a pending changeset that bumps the API's client by major.
// The changesets are read from .changeset/ (front matter: `"<package>": major|minor|patch`).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { diffDocuments } from "@mizan/openapi-tools/diff";
import { clientOf } from "./apis.mjs";

/**
 * The bumps pending changesets ask for: package name -> "major" | "minor" | "patch" (the
 * largest over all files). Reads the front matter of every .md file in `dir` that has one.
 */
export function pendingBumps(dir) {
  const order = ["patch", "minor", "major"];
  const bumps = new Map();
  if (!existsSync(dir)) return bumps;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(path.join(dir, file), "utf8");
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!front) continue;
    for (const line of front[1].split(/\r?\n/)) {
      const m = /^\s*["']?([^"':\s][^"':]*?)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (!m) continue;
      const [, name, bump] = m;
      if (order.indexOf(bump) > order.indexOf(bumps.get(name) ?? "none")) bumps.set(name, bump);
    }
  }
  return bumps;
}

/**
 * The gate for one API: its changes, the breaking ones, and whether a pending major changeset
 * of its client allows them.
 */
export function gateApi({ name, released, current, changesetDir }) {
  const changes = diffDocuments(released, current);
  const breaking = changes.filter((c) => c.breaking);
  const clientPackage = clientOf(name).packageName;
  const majorPending = pendingBumps(changesetDir).get(clientPackage) === "major";
  return { name, clientPackage, changes, breaking, majorPending, ok: breaking.length === 0 || majorPending };
}
