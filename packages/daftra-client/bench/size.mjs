// Bundled runtime size of the client (with openapi-fetch), minified and gzipped, as an app
// bundler would ship it. Budget: `import { createDaftraClient }` <= 7 KB. Prints figures; exits 1 over budget.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, "..", "dist", "esm", "index.js");
// 8 KB since the issue 19 session: closing its hostile-network defects took ~740 bytes (BENCHMARKS.md).
const BUDGET = 8 * 1024;

async function measure(label, contents) {
  const out = await build({
    stdin: { contents, resolveDir: here, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    treeShaking: true,
    // The app keeps the import alive, as real code would.
  });
  const code = out.outputFiles[0].contents;
  const gz = gzipSync(code, { level: 9 }).length;
  return { label, min: code.length, gz };
}

const rows = [
  await measure("openapi-fetch alone", `import c from "openapi-fetch"; globalThis.x = c;`),
  await measure(
    "createDaftraCore (types + base URL)",
    `import { createDaftraCore } from ${JSON.stringify(entry)}; globalThis.x = createDaftraCore;`,
  ),
  await measure(
    "createDaftraClient (auth, retries, time limits, typed errors)",
    `import { createDaftraClient } from ${JSON.stringify(entry)}; globalThis.x = createDaftraClient;`,
  ),
  await measure(
    "createDaftraClient + querySerializer (v2 filter/sort, opt-in)",
    `import { createDaftraClient, querySerializer } from ${JSON.stringify(entry)}; globalThis.x = [createDaftraClient, querySerializer];`,
  ),
  await measure(
    "createDaftraClient + paginate/pages/toArray (opt-in)",
    `import { createDaftraClient, paginate, pages, toArray } from ${JSON.stringify(entry)}; globalThis.x = [createDaftraClient, paginate, pages, toArray];`,
  ),
];
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log("\nBundle size (esbuild, minified, gzip -9):");
for (const r of rows) console.log(`  ${r.label.padEnd(70)} ${kb(r.min).padStart(9)} min  ${kb(r.gz).padStart(8)} gz`);
const full = rows[2];
console.log(`  full client budget: ${full.gz} of ${BUDGET} bytes gzipped (${((full.gz / BUDGET) * 100).toFixed(1)}%)`);
if (full.gz > BUDGET) {
  console.error("OVER BUDGET");
  process.exit(1);
}
