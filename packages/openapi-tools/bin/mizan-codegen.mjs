#!/usr/bin/env node
// mizan-codegen <bundle.json> [outDir]: writes <outDir>/<api>.ts (types for openapi-fetch) and
// <outDir>/operations.ts (the runtime's tables, with the options in ./package.json "mizanCodegen") from a bundled document, <api> being the bundle's
// file name. It takes a file, not an API name, so that this package does not depend on @mizan/spec.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateOperations, generateTypes } from "../dist/codegen.js";

const [bundleArg, out = "src/generated"] = process.argv.slice(2);
if (!bundleArg?.endsWith(".json")) {
  console.error("usage: mizan-codegen <bundle.json> [outDir]   (writes <outDir>/<api>.ts and <outDir>/operations.ts)");
  process.exit(2);
}
const bundle = path.resolve(bundleArg);
if (!existsSync(bundle)) {
  console.error(`mizan-codegen: ${bundleArg} does not exist yet: build the spec first (\`pnpm build\`).`);
  process.exit(1);
}
const api = path.basename(bundle, ".json");
const from = path.relative(process.cwd(), bundle).split(path.sep).join("/");
const banner = `// Generated from ${from} by mizan-codegen (@mizan/openapi-tools). Do not edit.\n`;
const doc = JSON.parse(readFileSync(bundle, "utf8"));
const outDir = path.resolve(out);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${api}.ts`), await generateTypes(doc, banner));
// Per-API options live in the client package's package.json, under "mizanCodegen".
const pkgFile = path.resolve("package.json");
const options = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, "utf8")).mizanCodegen ?? {}) : {};
writeFileSync(path.join(outDir, "operations.ts"), generateOperations(doc, banner, options));
console.log(`generated ${path.relative(process.cwd(), outDir)}/{${api},operations}.ts from ${from}`);
