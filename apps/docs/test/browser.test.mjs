// Opens the built reference from disk in Debian's Chromium (driven by playwright-core) with
// every request off the machine blocked, and checks what a reader sees.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { operationsOf } from "@mizan/openapi-tools";
import { serverUrl as serverUrlOf } from "../scripts/samples.mjs";

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// Flags for a root user on a machine whose network is closed (see the toolchain notes).
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

if (!existsSync(executablePath)) {
  throw new Error(`No Chromium at ${executablePath}. Run \`npm run setup\` (it installs Debian's chromium) or set CHROMIUM_PATH.`);
}

describe.each(listApis().map((api) => [api.name, `${api.name}.html`]))("%s reference in Chromium", (name, page) => {
  let browser;
  let tab;
  const offMachine = [];
  const consoleErrors = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
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
    for (const tag of doc.tags) {
      const exact = new RegExp(`^${tag.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`); // "Bookings (v2)"
      await tab.locator('[data-component-name="Menu/MenuItem"] a', { hasText: exact }).first().click();
      await tab.waitForTimeout(200);
      for (const text of await tab.locator('[data-component-name="Menu/MenuItem"]').allTextContents()) seen.add(text);
    }
    const menu = [...seen].join("\n");
    const summaries = operationsOf(doc).map((e) => e.op.summary);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.filter((s) => !menu.includes(s))).toEqual([]);
  }, 180_000);

  it("finds a resource's operations by searching for it (\"invoice\" for Daftra)", async () => {
    const doc = readBundle(name);
    const opsOf = (t) => operationsOf(doc).map((e) => e.op).filter((op) => op.tags?.includes(t.name));
    // The resource with the most operations, searched by its singular name ("Invoices" -> "invoice").
    const tag = [...doc.tags].sort((a, b) => opsOf(b).length - opsOf(a).length)[0];
    const term = tag.name.split(" ").at(-1).toLowerCase().replace(/s$/, "");
    const expected = opsOf(tag).filter((op) => op.summary.toLowerCase().includes(term));
    expect(expected.length).toBeGreaterThan(0);
    await tab.locator('[data-component-name*="Search"]').first().click();
    try {
      await tab.keyboard.type(term);
      await expect.poll(() => tab.locator('[data-component-name="Search/SearchItem"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const results = (await tab.locator('[data-component-name="Search/SearchItem"]').allTextContents()).join("\n");
      expect(expected.map((op) => op.summary).filter((s) => !results.includes(s))).toEqual([]);
    } finally {
      await tab.keyboard.press("Escape");
    }
  });

  it("shows code samples for an operation", async () => {
    const doc = readBundle(name);
    const tag = doc.tags[0];
    await tab.locator('[data-component-name="Menu/MenuItem"] a', { hasText: new RegExp(`^${tag.name}$`) }).first().click();
    await expect.poll(async () => (await tab.locator("main").innerText()).includes("curl -X "), { timeout: 10_000 }).toBe(true);
    const text = await tab.locator("main").innerText();
    expect(text).toContain(serverUrlOf(doc));
  });

  it("renders a tag's operations with their labelled assumptions", async () => {
    const doc = readBundle(name);
    // The first tag one of whose operations carries an assumption.
    const opsOf = (t) => operationsOf(doc).map((e) => e.op).filter((op) => op.tags?.includes(t.name));
    const tag = doc.tags.find((t) => opsOf(t).some((op) => JSON.stringify(op).includes("x-assumption")));
    expect(tag).toBeDefined();
    await tab.locator('[data-component-name="Menu/MenuItem"] a', { hasText: new RegExp(`^${tag.name}$`) }).first().click();
    await expect.poll(() => tab.locator("main >> text=Assumption (not confirmed by the vendor)").count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });
});

describe("landing page in Chromium", () => {
  it("opens from disk, offline, and links every reference", async () => {
    const browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
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
