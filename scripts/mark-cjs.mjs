#!/usr/bin/env node
// Usage: node ../../scripts/mark-cjs.mjs dist/cjs
// A dual package keeps CommonJS output under a package that says "type": "module": a nested
// package.json tells Node (and TypeScript) to read the .js and .d.ts files there as CommonJS.
import { writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: mark-cjs.mjs <cjs output folder>");
  process.exit(2);
}
writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
