// Opens the built reference from disk in Debian's Chromium (driven by playwright-core) with
// every request off the machine blocked, and checks what a reader sees.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { operationsOf } from "@mizan/openapi-tools";
import { launchChromium } from "@mizan/test-helpers/chromium";
import {
  clientPackageDir,
  connectionOptions,
  curlSample,
  formatTypescript,
  sampleLanguages,
  serverUrl as serverUrlOf,
  typescriptSample,
} from "../scripts/samples.mjs";
import {
  chooseLanguage,
  escapeRegex,
  firstOperationOf,
  samplePanelOf,
  selectedLanguage,
  shownCode,
  squash,
} from "./redoc-page.mjs";

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

describe.each(listApis().map((api) => [api.name, `${api.name}.html`]))("%s reference in Chromium", (name, page) => {
  let browser;
  let tab;
  const offMachine = [];
  const consoleErrors = [];

  beforeAll(async () => {
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.route("**/*", (route) => {
      const url = route.request().url();
      if (/^(file|data|blob):/.test(url)) return route.continue();
      offMachine.push(url);
      return route.abort();
    });
    tab.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    await tab.goto(pathToFileURL(path.join(appDir, "dist", page)).href);
    await tab.waitForLoadState("load");
  });

  afterAll(async () => {
    if (tab) {
      mkdirSync(path.join(appDir, "reports"), { recursive: true });
      await tab.screenshot({ path: path.join(appDir, "reports", `${name}.png`) });
    }
    await browser?.close();
  });

  it("opens from disk without any request leaving the machine", () => {
    expect(offMachine).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  // One click per tag: the Daftra reference has 58 tags, which takes most of a minute here.
  it("lists every operation of the bundle in the menu", async () => {
    const doc = readBundle(name);
    // Opening a tag shows its operations (and may fold its neighbours), so read the menu after each.
    const seen = new Set();
    const menuText = async () => {
      for (const text of await tab.locator('[data-component-name="Menu/MenuItem"]').allTextContents()) seen.add(text);
      return [...seen].join("\n");
    };
    for (const tag of doc.tags) {
      const exact = new RegExp(`^${escapeRegex(tag.name)}$`); // "Bookings (v2)"
      const own = operationsOf(doc)
        .filter((e) => e.op.tags?.includes(tag.name))
        .map((e) => e.op.summary);
      const shown = async () =>
        own.every((summary) => seen.has(summary) || (seen.size && [...seen].some((t) => t.includes(summary))));
      // Wait for the tag's own operations rather than a fixed time: on a busy machine the menu
      // can take seconds to render. A click on a tag that is already open folds it: click again.
      for (let clicks = 0; clicks < 2 && !(await shown()); clicks++) {
        await tab.locator('[data-component-name="Menu/MenuItem"] a', { hasText: exact }).first().click();
        await expect
          .poll(async () => (await menuText(), shown()), { timeout: 15_000 })
          .toBe(true)
          .catch(() => undefined);
      }
    }
    await menuText();
    const menu = [...seen].join("\n");
    const summaries = operationsOf(doc).map((e) => e.op.summary);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.filter((s) => !menu.includes(s))).toEqual([]);
  }, 600_000);

  it('finds a resource\'s operations by searching for it ("invoice" for Daftra)', async () => {
    const doc = readBundle(name);
    const opsOf = (t) =>
      operationsOf(doc)
        .map((e) => e.op)
        .filter((op) => op.tags?.includes(t.name));
    // The resource with the most operations, searched by its singular name ("Invoices" -> "invoice").
    const tag = [...doc.tags].sort((a, b) => opsOf(b).length - opsOf(a).length)[0];
    const term = tag.name.split(" ").at(-1).toLowerCase().replace(/s$/, "");
    const expected = opsOf(tag).filter((op) => op.summary.toLowerCase().includes(term));
    expect(expected.length).toBeGreaterThan(0);
    // The search icon opens a dialog whose input React focuses a moment later; keys typed before
    // that are lost on a busy machine, so fill the input itself once it is there.
    await tab.locator('[data-component-name*="Search"]').first().click();
    const input = tab.locator('[data-component-name="Search/SearchInput"] input');
    try {
      await input.fill(term, { timeout: 30_000 });
      expect(await input.inputValue()).toBe(term);
      // Results come a moment after the input changes: allow a slow, shared CI machine 30 s.
      const missing = async () => {
        const results = (await tab.locator('[data-component-name="Search/SearchItem"]').allTextContents()).join("\n");
        return expected.map((op) => op.summary).filter((s) => !results.includes(s));
      };
      await expect.poll(missing, { timeout: 30_000 }).toEqual([]);
    } finally {
      await tab.keyboard.press("Escape");
    }
  });

  it("shows the TypeScript sample first in an operation's sample panel, and curl beside it", async () => {
    const doc = readBundle(name);
    await tab
      .locator('[data-component-name="Menu/MenuItem"] a', { hasText: new RegExp(`^${escapeRegex(doc.tags[0].name)}$`) })
      .first()
      .click();
    const entry = firstOperationOf(doc, doc.tags[0]);
    const panel = samplePanelOf(tab, entry);
    await panel.waitFor();
    const hasClient = clientPackageDir(name) !== undefined;
    // The TypeScript sample as the build lays it out (Prettier).
    const typescript = (await formatTypescript(typescriptSample(name, doc, entry))).trimEnd();
    const source = (language) => (language.lang === "TypeScript" ? typescript : curlSample(doc, entry));

    // What a reader sees first: the call with the typed client, when the API has one.
    expect(await selectedLanguage(panel)).toBe(hasClient ? "TypeScript" : "curl");
    expect(await shownCode(panel)).toBe(squash(hasClient ? typescript : curlSample(doc, entry)));
    // Where it connects: the client's own options (Daftra's subdomain), else the server URL.
    expect(await shownCode(panel)).toContain(
      hasClient ? String(Object.values(connectionOptions(name, doc))[0]) : serverUrlOf(doc),
    );
    // The other samples are one click away.
    for (const language of sampleLanguages({ hasClient }).slice(1)) {
      await chooseLanguage(panel, language.label);
      await expect.poll(() => selectedLanguage(panel)).toBe(language.label);
      expect(await shownCode(panel)).toBe(squash(source(language)));
    }
  });

  it("renders a tag's operations with their labelled assumptions", async () => {
    const doc = readBundle(name);
    // The first tag one of whose operations carries an assumption.
    const opsOf = (t) =>
      operationsOf(doc)
        .map((e) => e.op)
        .filter((op) => op.tags?.includes(t.name));
    const tag = doc.tags.find((t) => opsOf(t).some((op) => JSON.stringify(op).includes("x-assumption")));
    expect(tag).toBeDefined();
    await tab
      .locator('[data-component-name="Menu/MenuItem"] a', { hasText: new RegExp(`^${escapeRegex(tag.name)}$`) })
      .first()
      .click();
    // Generous for a shared CI machine, where the clicked section can take seconds to render.
    await expect
      .poll(() => tab.locator("main >> text=Assumption (not confirmed by the vendor)").count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
  });
});

describe("landing page in Chromium", () => {
  it("opens from disk, offline, and links every reference", async () => {
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const offMachine = [];
      await tab.route("**/*", (route) => {
        const url = route.request().url();
        if (/^(file|data|blob):/.test(url)) return route.continue();
        offMachine.push(url);
        return route.abort();
      });
      await tab.goto(pathToFileURL(path.join(appDir, "dist", "index.html")).href);
      expect(offMachine).toEqual([]);
      for (const api of listApis()) {
        await expect.poll(() => tab.locator(`a[href="${api.name}.html"]`).count()).toBeGreaterThan(0);
      }
    } finally {
      await browser.close();
    }
  });
});
