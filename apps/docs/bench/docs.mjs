// Docs figures: the weight of each built page, and how fast it renders from disk in headless
// Chromium (first contentful paint, and until the reference's menu is interactive). No network:
// every request that would leave the machine is refused.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listApis } from "@mizan/spec";
import { launchChromium } from "@mizan/test-helpers/chromium";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const RUNS = 5;
// The landing page and the references; the client README and changelog pages are plain text.
const references = new Set(listApis().map((api) => `${api.name}.html`));
const pages = readdirSync(dist)
  .filter((f) => f === "index.html" || references.has(f))
  .sort((a, b) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));

const browser = await launchChromium();
const rows = [];
for (const page of pages) {
  const file = path.join(dist, page);
  const bytes = statSync(file).size;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  const fcp = [];
  const ready = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.route("**/*", (route) =>
      /^(file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort(),
    );
    const t0 = Date.now();
    await tab.goto(pathToFileURL(file).href);
    const isReference = references.has(page);
    if (isReference) await tab.locator('[data-component-name="Menu/MenuItem"]').first().waitFor();
    ready.push(Date.now() - t0);
    await tab.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, undefined, {
      timeout: 10_000,
    });
    fcp.push(await tab.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0].startTime));
    await context.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  rows.push({ page, bytes, gz, fcp: median(fcp), ready: median(ready) });
}
await browser.close();

console.log(`\nDocs pages, headless Chromium from file://, median of ${RUNS} loads:`);
console.log("  page                 size        gzip    first paint   menu ready");
for (const r of rows) {
  console.log(
    `  ${r.page.padEnd(18)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB ${(r.gz / 1024).toFixed(0).padStart(6)} KiB ${r.fcp.toFixed(0).padStart(9)} ms ${String(r.page === "index.html" ? "-" : r.ready).padStart(9)}${r.page === "index.html" ? "" : " ms"}`,
  );
}
