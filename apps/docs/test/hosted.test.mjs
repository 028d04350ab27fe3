// The built site served the way GitHub Pages serves a project (https://<owner>.github.io/<repo>/):
// from a static server on 127.0.0.1 under a sub-path. A reader starts on the landing page and
// clicks through to every reference, bundle, README and changelog, and back. Every page must
// load, and no request may leave the sub-path or the machine.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { launchChromium } from "@mizan/test-helpers/chromium";
import { escapeRegex, firstOperationOf, samplePanelOf, selectedLanguage, shownCode, squash } from "./redoc-page.mjs";
import { serveStatic } from "../scripts/serve.mjs";
import { clientPackageDir, formatTypescript, typescriptSample } from "../scripts/samples.mjs";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const BASE = "/mizan/";

let site;
let browser;
let context;
let tab;
const outside = []; // requests the browser made outside the site's sub-path
const consoleErrors = [];

beforeAll(async () => {
  site = await serveStatic(dist, { base: BASE });
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(site.url) || /^(data|blob):/.test(url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  tab = await context.newPage();
  tab.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Clicks a link to a page of the site and waits for that page: returns the server's response. */
async function follow(link) {
  const href = await link.getAttribute("href");
  expect(href, "a link between the site's pages is relative").not.toMatch(/^(\/|[a-z][a-z0-9+.-]*:)/i);
  const target = new URL(href, tab.url()).href;
  const [response] = await Promise.all([tab.waitForResponse((r) => r.url() === target), link.click()]);
  await tab.waitForURL(target);
  return response;
}

/** Clicks a download link; returns the file's address and its content. */
async function download(link) {
  const [file] = await Promise.all([tab.waitForEvent("download"), link.click()]);
  return { url: file.url(), text: readFileSync(await file.path(), "utf8") };
}

const landing = () => `${site.url}`;

describe("the site under a sub-path", () => {
  it("serves the landing page at the sub-path itself", async () => {
    const response = await tab.goto(landing());
    expect(response.status()).toBe(200);
    expect(await tab.title()).toBe("Mizan: API references");
  });

  describe.each(listApis().map((api) => [api.name, api]))("%s", (name, api) => {
    const doc = readBundle(name);
    const card = () => tab.locator(`article#${name}`);

    it("links the reference, which opens with the TypeScript sample first and links back", async () => {
      await tab.goto(landing());
      const response = await follow(card().locator("h2 a"));
      expect(response.status()).toBe(200);
      expect(tab.url()).toBe(`${site.url}${name}.html`);
      await tab.locator('[data-component-name="Menu/MenuItem"]').first().waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered (what a reader sees), not the DOM property
      expect(await tab.locator("main").innerText()).toContain(doc.info.title);

      // The first operation of the first tag: its sample panel opens on TypeScript, when the API has a client.
      await tab
        .locator('[data-component-name="Menu/MenuItem"] a', {
          hasText: new RegExp(`^${escapeRegex(doc.tags[0].name)}$`),
        })
        .first()
        .click();
      expect(tab.url(), "moving inside the reference stays on its page").toMatch(
        new RegExp(`^${escapeRegex(site.url)}${escapeRegex(name)}\\.html(#|$)`),
      );
      const entry = firstOperationOf(doc, doc.tags[0]);
      const panel = samplePanelOf(tab, entry);
      await panel.waitFor();
      if (clientPackageDir(name) !== undefined) {
        expect(await selectedLanguage(panel)).toBe("TypeScript");
        expect(await shownCode(panel)).toBe(
          squash((await formatTypescript(typescriptSample(name, doc, entry))).trimEnd()),
        );
      }

      const back = await follow(tab.locator("a", { hasText: /^All API references$/ }).first());
      expect(back.status()).toBe(200);
      expect(await tab.title()).toBe("Mizan: API references");
    });

    it("links both bundles from the landing page and from the reference", async () => {
      const files = [api.bundle, api.bundleYaml].map((file) => path.basename(file));
      for (const start of [landing(), `${site.url}${name}.html`]) {
        await tab.goto(start);
        for (const file of files) {
          const { url, text } = await download(tab.locator(`a[href="${file}"]`).first());
          expect(url).toBe(`${site.url}${file}`);
          expect(text).toBe(readFileSync(file.endsWith(".json") ? api.bundle : api.bundleYaml, "utf8"));
        }
      }
      expect(JSON.parse(readFileSync(api.bundle, "utf8"))).toEqual(doc);
    });

    it("links the client's README and changelog where there are any", async () => {
      const dir = clientPackageDir(name);
      await tab.goto(landing());
      if (dir === undefined) {
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered (what a reader sees), not the DOM property
        expect(await card().locator(".client").innerText()).toMatch(/No typed client/);
        return;
      }
      for (const [key, file] of [
        ["readme", "README.md"],
        ["changelog", "CHANGELOG.md"],
      ]) {
        const link = card().locator(`.${key === "readme" ? "client" : "changelog"} a`);
        let text;
        try {
          text = readFileSync(path.join(dir, file), "utf8");
        } catch {
          expect(await link.count(), `${file} is missing, so nothing links it`).toBe(0);
          continue;
        }
        const response = await follow(link);
        expect(response.status()).toBe(200);
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered (what a reader sees), not the DOM property
        expect(squash(await tab.locator("pre").innerText())).toBe(squash(text));
        await follow(tab.locator("a", { hasText: /^All API references$/ }));
      }
    });
  });

  it("never asks for anything outside the sub-path, and everything it asks for is there", () => {
    expect(outside).toEqual([]);
    expect(site.requests.filter((r) => !r.path.startsWith(BASE) || r.status !== 200)).toEqual([]);
    expect(site.requests.length).toBeGreaterThan(listApis().length * 4);
    expect(consoleErrors).toEqual([]);
  });
});
