// Build step: copies every API's mock bundle (spec/dist/<api>.mock.json, for each API that
// spec/redocly.yaml lists) into dist/bundles/, so the published package serves them without
// the workspace, and stores beside each what Prism makes of it (see src/engine.ts): its
// operation model (<api>.mock.operations.json.br), so Prism does not rebuild it, and its answer
// to a valid request of each operation (<api>.mock.answers.json.br), so the mock answers those
// without loading Prism. The list comes from @mizan/spec; nothing here names an API. Runs after
// tsc (it uses dist/engine.js).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listApis } from "@mizan/spec";
import { prepareAnswers, prepareOperations, savePrepared, savePreparedAnswers } from "../dist/engine.js";

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "bundles");
mkdirSync(target, { recursive: true });
const apis = listApis();
for (const api of apis) {
  if (!existsSync(api.mockBundle)) {
    console.error(
      `copy-bundles: ${api.mockBundle} is missing: bundle the spec first (pnpm --filter @mizan/spec bundle, or pnpm build).`,
    );
    process.exit(1);
  }
  const bundle = path.join(target, `${api.name}.mock.json`);
  copyFileSync(api.mockBundle, bundle);
  const model = await prepareOperations(bundle);
  savePrepared(bundle, model);
  savePreparedAnswers(bundle, await prepareAnswers(model));
}
console.log(
  `copy-bundles: ${apis.map((api) => api.name).join(", ")} (bundles, Prism operation models and answers) -> ${path.relative(process.cwd(), target)}`,
);
