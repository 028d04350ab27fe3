#!/usr/bin/env node
// Usage: node scripts/check-examples.mjs <root.yaml | bundle.json>
// Bundles the document (when given YAML) and reports every example that breaks its schema.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exampleProblems, examplesOf } from "@mizan/openapi-tools/examples";
import { specDir } from "./apis.mjs";

const input = process.argv[2];
if (!input) {
  console.error("usage: node scripts/check-examples.mjs <root.yaml | bundle.json>");
  process.exit(2);
}
let file = path.resolve(input);
if (!file.endsWith(".json")) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "examples-")), "bundle.json");
  const res = spawnSync(
    path.join(specDir, "node_modules", ".bin", "redocly"),
    ["bundle", file, "-o", out, "--ext", "json"],
    { encoding: "utf8" },
  );
  if (res.status !== 0) {
    console.error(res.stdout + res.stderr);
    process.exit(1);
  }
  file = out;
}
const doc = JSON.parse(readFileSync(file, "utf8"));
const problems = exampleProblems(doc);
console.log(problems.length ? problems.join("\n") : `all ${examplesOf(doc).length} examples match their schemas`);
process.exit(problems.length ? 1 : 0);
