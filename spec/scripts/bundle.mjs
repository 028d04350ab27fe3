// Bundles every API listed in redocly.yaml into spec/dist/:
//   <api>.json / <api>.yaml  the published document (client, docs), without the mock's x-mock-* marks
//   <api>.mock.json          the same with the marks, plus suffix-less path aliases, request
//                            coercions and the resources of the stateful mode (mock server)
// The general response loosening is @mizan/openapi-tools'; everything the mock adds is the
// mock's model (@mizan/mock-model), called here through its bundle hook.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { operationsOf } from "@mizan/openapi-tools";
import { mockBundleHook } from "@mizan/mock-model";
import { loosenResponses } from "@mizan/openapi-tools/transform";
import { stringify } from "yaml";
import { distDir, listApis, specDir } from "./apis.mjs";

const redocly = path.join(specDir, "node_modules", ".bin", "redocly");

rmSync(distDir, { recursive: true, force: true });
mkdirSync(distDir, { recursive: true });

for (const api of listApis()) {
  const raw = path.join(distDir, `${api.name}.raw.json`);
  const res = spawnSync(redocly, ["bundle", api.name, "--output", raw, "--ext", "json"], {
    cwd: specDir,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  if (res.status !== 0) {
    process.stderr.write(res.stdout + res.stderr);
    throw new Error(`redocly bundle failed for ${api.name}`);
  }
  const bundled = JSON.parse(readFileSync(raw, "utf8"));
  rmSync(raw);

  const loosened = loosenResponses(bundled, mockBundleHook.responseLoosening(bundled));
  const published = mockBundleHook.published(loosened);
  writeFileSync(api.bundle, `${JSON.stringify(published, null, 2)}\n`);
  // Written with YAML 1.1's rules, so that strings such as `no`, `on` or `2026-03-01` are quoted:
  // a YAML 1.1 reader (PyYAML and the many tools built on it) would otherwise read them as a
  // boolean or a date. The result reads the same under YAML 1.2.
  writeFileSync(api.bundleYaml, stringify(published, { lineWidth: 0, version: "1.1" }));
  const mock = mockBundleHook.mock(loosened);
  writeFileSync(api.mockBundle, `${JSON.stringify(mock, null, 2)}\n`);

  console.log(
    `${api.name}: ${operationsOf(published).length} operations -> ${path.relative(specDir, api.bundle)}, ${path.basename(api.bundleYaml)}, ${path.basename(api.mockBundle)}`,
  );
}
