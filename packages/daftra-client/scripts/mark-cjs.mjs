// dist/cjs holds CommonJS under a package that says "type": "module": a nested package.json
// tells Node (and TypeScript) to read the .js and .d.ts files in that folder as CommonJS.
import { writeFileSync } from "node:fs";
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), `${JSON.stringify({ type: "commonjs" })}\n`);
