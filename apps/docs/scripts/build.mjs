// Builds the docs site into apps/docs/dist/, self-contained and usable from disk or under any
// sub-path of a static host (every link between its pages is relative):
//   index.html                 landing page: each API's figures, reference, bundles, client, mock
//   <api>.html                 Redoc reference (--inlineBundle, telemetry off, nothing from other hosts)
//   <api>.json / .yaml         the bundled description, for download
//   <api>.postman.json         a Postman collection of the API (scripts/postman.mjs)
//   <api>-client.readme.html   the client's README (and .changelog.html once it has a CHANGELOG.md)
// and writes generated/<api>.samples.ts, the TypeScript code samples that `typecheck` compiles.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listApis, readBundle } from "@mizan/spec";
import { apiFacts, guideTitles, hasRelease, landingPage, tarballName, textPage } from "./landing.mjs";
import { postmanCollection } from "./postman.mjs";
import { prepareForDocs, redocOptions } from "./prepare.mjs";
import { clientFor, clientPackageDir, formatCodeSamples, typescriptSamplesModule } from "./samples.mjs";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(appDir, "dist");
const samplesDir = path.join(appDir, "generated");
const redocly = path.join(appDir, "node_modules", ".bin", "redocly");
const REDOC_BADGE =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='44' height='14'%3E%3Ctext x='0' y='11' font-family='sans-serif' font-size='11' fill='%23555'%3ERedoc%3C/text%3E%3C/svg%3E";

/** The client's README page, and its CHANGELOG page once a release has written one. */
function clientPages(api, dir) {
  const { packageName } = clientFor(api);
  const changelog = path.join(dir, "CHANGELOG.md");
  // The client and the workspace package it runs on, as a user packs them before the first release.
  const packed = [
    dir,
    path.dirname(createRequire(path.join(dir, "package.json")).resolve("@mizan/client-core/package.json")),
  ];
  const pages = {
    packageName,
    folders: packed.map((d) => path.relative(path.resolve(appDir, "..", ".."), d)),
    tarballs: packed.map((d) => tarballName(JSON.parse(readFileSync(path.join(d, "package.json"), "utf8")))),
    released: existsSync(changelog) && hasRelease(readFileSync(changelog, "utf8")),
  };
  for (const [key, file] of [
    ["readme", "README.md"],
    ["changelog", "CHANGELOG.md"],
  ]) {
    if (!existsSync(path.join(dir, file))) continue;
    pages[key] = `${api}-client.${key}.html`;
    writeFileSync(
      path.join(outDir, pages[key]),
      textPage({ title: `${packageName}: ${file}`, text: readFileSync(path.join(dir, file), "utf8") }),
    );
  }
  return pages;
}

rmSync(outDir, { recursive: true, force: true });
rmSync(samplesDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
mkdirSync(samplesDir, { recursive: true });

const pages = [];
for (const api of listApis()) {
  const bundle = readBundle(api.name);
  const guideFile = path.join(appDir, "guides", `${api.name}.md`);
  const guide = existsSync(guideFile) ? readFileSync(guideFile, "utf8") : undefined;
  const clientPackage = clientPackageDir(api.name);
  const hasClient = clientPackage !== undefined;
  const bundleFiles = [api.bundle, api.bundleYaml].map((file) => path.basename(file));
  const doc = await formatCodeSamples(prepareForDocs(api.name, bundle, { guide, hasClient }));
  if (hasClient)
    writeFileSync(path.join(samplesDir, `${api.name}.samples.ts`), typescriptSamplesModule(api.name, bundle));

  const page = `${api.name}.html`;
  const prepared = path.join(outDir, `.${api.name}.docs.json`);
  // Redoc reads its options from a config file; JSON is YAML. Telemetry off there and in the env.
  const config = path.join(outDir, `.${api.name}.redocly.yaml`);
  writeFileSync(prepared, JSON.stringify(doc));
  writeFileSync(
    config,
    JSON.stringify({ telemetry: "off", openapi: redocOptions({ hasClient, bundleFiles }) }, null, 2),
  );
  const res = spawnSync(
    redocly,
    [
      "build-docs",
      prepared,
      "--config",
      config,
      "--output",
      path.join(outDir, page),
      "--inlineBundle",
      "--title",
      `${bundle.info.title} reference`,
    ],
    {
      cwd: appDir,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  rmSync(prepared);
  rmSync(config);
  if (res.status !== 0) {
    process.stderr.write(res.stdout + res.stderr);
    throw new Error(`redocly build-docs failed for ${api.name}`);
  }
  // Redoc's "API docs by" badge loads its logo from a CDN; inline a small SVG instead so the
  // page makes no request at all when opened from disk.
  const html = readFileSync(path.join(outDir, page), "utf8").replace(
    /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g,
    REDOC_BADGE,
  );
  writeFileSync(path.join(outDir, page), html);
  // The page must work from disk with no network: no script or stylesheet from another host,
  // and Redoc's telemetry switched off.
  if (
    /<(?:script|link)\b[^>]*\b(?:src|href)="https?:\/\//i.test(html) ||
    /from\s*"https?:\/\//.test(html) ||
    !/"disableTelemetry":\s*true/.test(html)
  ) {
    throw new Error(
      `${page} would load Redoc from a CDN or send telemetry; check --inlineBundle and REDOCLY_TELEMETRY.`,
    );
  }
  const postman = `${api.name}.postman.json`;
  writeFileSync(path.join(outDir, postman), JSON.stringify(await postmanCollection(bundle)));
  copyFileSync(api.bundle, path.join(outDir, bundleFiles[0]));
  copyFileSync(api.bundleYaml, path.join(outDir, bundleFiles[1]));
  pages.push({
    api: api.name,
    page,
    info: bundle.info,
    facts: apiFacts(bundle),
    bundleFiles,
    guides: guideTitles(guide),
    postman,
    client: hasClient ? clientPages(api.name, clientPackage) : undefined,
  });
  console.log(
    `${api.name}: dist/${page} (${(html.length / 1024).toFixed(0)} KiB), ${pages.at(-1).facts.operations} operations${hasClient ? ", TypeScript samples" : ""}`,
  );
}
writeFileSync(path.join(outDir, "index.html"), landingPage(pages));
console.log(`landing: dist/index.html (${pages.length} APIs)`);
