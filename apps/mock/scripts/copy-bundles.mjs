// Build step: copies every API's mock bundle (spec/dist/<api>.mock.json, for each API that
// spec/redocly.yaml lists) into dist/bundles/, so the published package serves them without
// the workspace. The list comes from @mizan/spec; nothing here names an API.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listApis } from "@mizan/spec";

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "bundles");
mkdirSync(target, { recursive: true });
const apis = listApis();
for (const api of apis) {
  if (!existsSync(api.mockBundle)) {
    console.error(`copy-bundles: ${api.mockBundle} is missing: bundle the spec first (pnpm --filter @mizan/spec bundle, or pnpm build).`);
    process.exit(1);
  }
  copyFileSync(api.mockBundle, path.join(target, `${api.name}.mock.json`));
}
console.log(`copy-bundles: ${apis.map((api) => api.name).join(", ")} -> ${path.relative(process.cwd(), target)}`);
