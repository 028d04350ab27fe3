// The APIs this copy of the package can serve: the mock bundles its build copied into
// dist/bundles/ (scripts/copy-bundles.mjs). Read from the package's own folder, so an installed
// package needs nothing from the repository it was built in.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding `<api>.mock.json` for every bundled API: the package's dist/bundles (found from dist/ or, in this package's tests, src/). */
export const bundlesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "bundles");
const SUFFIX = ".mock.json";

/** The names of the bundled APIs (e.g. "daftra"), sorted. */
export function availableApis(): string[] {
  if (!existsSync(bundlesDir))
    throw new Error(
      `This copy of @mizan/mock has no API bundles (${bundlesDir} is missing): build it first (pnpm build).`,
    );
  return readdirSync(bundlesDir)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

/** The mock bundle of an API; an unknown name fails with the list of known ones. */
export function mockBundleOf(api: string): string {
  const known = availableApis();
  if (!known.includes(api)) throw new Error(`Unknown API "${api}". Known APIs: ${known.join(", ")}.`);
  return path.join(bundlesDir, `${api}${SUFFIX}`);
}
