#!/usr/bin/env node
// Usage: node scripts/vendor-examples.mjs <Daftra API.apidog.json> > test/fixtures/vendor-response-examples.json
// Extracts every response example body of the vendor's Apidog export (the docs' own project,
// recorded in the research as [EXP]) and names the operation and status of this description it
// belongs to, through the docs page ids of daftra/catalogue.json. test/vendor-examples.test.mjs
// checks each body against the published bundle's response schemas.
import { readFileSync } from "node:fs";
import path from "node:path";
import { specDir } from "./apis.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/vendor-examples.mjs <Daftra API.apidog.json>");
  process.exit(2);
}
const exported = JSON.parse(readFileSync(file, "utf8"));
const catalogue = JSON.parse(readFileSync(path.join(specDir, "daftra", "catalogue.json"), "utf8")).operations;
const byDocs = new Map();
for (const op of catalogue) {
  for (const docs of [op.docs, op.alsoDocumentedAs?.docs]) if (docs && !byDocs.has(docs)) byDocs.set(docs, op);
}
const apis = [];
const walk = (node) => {
  if (Array.isArray(node)) node.forEach(walk);
  else if (node && typeof node === "object") {
    if (node.api && typeof node.api === "object") apis.push(node.api);
    Object.values(node).forEach(walk);
  }
};
walk(exported.apiCollection);
const examples = [];
for (const api of apis) {
  const statuses = new Map((api.responses ?? []).map((r) => [String(r.id), String(r.code)]));
  for (const example of api.responseExamples ?? []) {
    const op = byDocs.get(String(api.id));
    if (!op) throw new Error(`docs ${api.id} (${api.method} ${api.path}) is in no catalogue entry`);
    examples.push({
      docs: String(api.id),
      method: op.method,
      path: op.path,
      status: statuses.get(String(example.responseId)),
      name: example.name,
      body: JSON.parse(example.data),
    });
  }
}
console.log(
  JSON.stringify(
    {
      $comment:
        "Every response example body of the vendor's docs (Apidog export of project 846139, AlazabDev/daftra-connect-hub docs/Daftra API.apidog.json at 9805311), mapped to this description's operations by scripts/vendor-examples.mjs.",
      examples,
    },
    null,
    1,
  ),
);
