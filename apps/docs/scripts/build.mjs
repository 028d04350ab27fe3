// Builds a self-contained Redoc page per API into apps/docs/dist/, with the bundled
// document beside it for download. The first API in spec/redocly.yaml is the flagship and
// gets index.html; any other API gets <name>.html.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listApis, readBundle } from "@mizan/spec";
import { prepareForDocs } from "./prepare.mjs";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(appDir, "dist");
const redocly = path.join(appDir, "node_modules", ".bin", "redocly");
const REDOC_BADGE =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='44' height='14'%3E%3Ctext x='0' y='11' font-family='sans-serif' font-size='11' fill='%23555'%3ERedoc%3C/text%3E%3C/svg%3E";

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

listApis().forEach((api, index) => {
  const page = index === 0 ? "index.html" : `${api.name}.html`;
  const prepared = path.join(outDir, `.${api.name}.docs.json`);
  writeFileSync(prepared, JSON.stringify(prepareForDocs(readBundle(api.name))));
  const res = spawnSync(
    redocly,
    ["build-docs", prepared, "--output", path.join(outDir, page), "--inlineBundle", "--title", `${readBundle(api.name).info.title} reference`],
    { cwd: appDir, encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
  );
  rmSync(prepared);
  if (res.status !== 0) {
    process.stderr.write(res.stdout + res.stderr);
    throw new Error(`redocly build-docs failed for ${api.name}`);
  }
  // Redoc's "API docs by" badge loads its logo from a CDN; inline a small SVG instead so the
  // page makes no request at all when opened from disk.
  const html = readFileSync(path.join(outDir, page), "utf8").replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, REDOC_BADGE);
  writeFileSync(path.join(outDir, page), html);
  // The page must work from disk with no network: no script or stylesheet from another host,
  // and Redoc's telemetry switched off.
  if (/<(?:script|link)\b[^>]*\b(?:src|href)="https?:\/\//i.test(html) || /from\s*"https?:\/\//.test(html) || !/"disableTelemetry":\s*true/.test(html)) {
    throw new Error(`${page} would load Redoc from a CDN or send telemetry; check --inlineBundle and REDOCLY_TELEMETRY.`);
  }
  copyFileSync(api.bundle, path.join(outDir, path.basename(api.bundle)));
  copyFileSync(api.bundleYaml, path.join(outDir, path.basename(api.bundleYaml)));
  console.log(`${api.name}: dist/${page} (${(html.length / 1024).toFixed(0)} KiB) + ${path.basename(api.bundle)}, ${path.basename(api.bundleYaml)}`);
});
