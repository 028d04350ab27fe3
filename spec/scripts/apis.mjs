// The list of APIs lives in one place: the `apis` section of spec/redocly.yaml.
// Every consumer (bundle, client generation, mock, docs) asks this module instead of
// keeping its own list, so adding an API is a folder plus one line in redocly.yaml.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const specDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = path.join(specDir, "dist");
/** The bundles of the last release, which the breaking-change gate compares against. */
export const releasedDir = path.join(specDir, "released");

/** @returns {{ name: string, root: string, bundle: string, bundleYaml: string, mockBundle: string, released: string }[]} */
export function listApis() {
  const config = parse(readFileSync(path.join(specDir, "redocly.yaml"), "utf8"));
  return Object.entries(config.apis ?? {}).map(([name, api]) => ({
    name,
    root: path.join(specDir, api.root),
    bundle: path.join(distDir, `${name}.json`),
    bundleYaml: path.join(distDir, `${name}.yaml`),
    mockBundle: path.join(distDir, `${name}.mock.json`),
    released: path.join(releasedDir, `${name}.json`),
  }));
}

/** Looks an API up by name and fails with the list of known names when it is unknown. */
export function getApi(name) {
  const apis = listApis();
  const api = apis.find((a) => a.name === name);
  if (!api) {
    throw new Error(`Unknown API "${name}". Known APIs: ${apis.map((a) => a.name).join(", ")}.`);
  }
  return api;
}

/** Reads a bundled document, telling the caller how to produce it when it is missing. */
export function readBundle(name, { mock = false } = {}) {
  const api = getApi(name);
  const file = mock ? api.mockBundle : api.bundle;
  if (!existsSync(file)) {
    throw new Error(
      `${path.relative(process.cwd(), file)} does not exist yet: run \`pnpm build\` (or \`pnpm --filter @mizan/spec bundle\`) first.`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

const pascal = (name) => name.replace(/(^|[-_])(\w)/g, (_m, _s, c) => c.toUpperCase());

/**
 * An API's client package, by this repository's convention (written here once): `@mizan/<api>-client`
 * in packages/<api>-client, exporting `create<Api>Client({ baseUrl, auth })`.
 */
export function clientOf(apiName) {
  return {
    packageName: `@mizan/${apiName}-client`,
    folder: `${apiName}-client`,
    factory: `create${pascal(apiName)}Client`,
  };
}
