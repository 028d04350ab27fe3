// The built site as files: self-contained, telemetry off, every operation and assumption in it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { operationsOf } from "@mizan/openapi-tools";
import { prepareForDocs, renderAssumptions } from "../scripts/prepare.mjs";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

describe("renderAssumptions", () => {
  it("appends each x-assumption to the description beside it, once", () => {
    const doc = { paths: { "/a": { get: { description: "Reads a.", "x-assumption": "Assumed for a test." } } }, components: { schemas: { B: { "x-assumption": "No description yet." } } } };
    const out = renderAssumptions(renderAssumptions(structuredClone(doc)));
    expect(out.paths["/a"].get.description).toBe("Reads a.\n\n> **Assumption (not confirmed by the vendor):** Assumed for a test.");
    expect(out.components.schemas.B.description).toMatch(/^> \*\*Assumption.*No description yet\.$/);
  });

  it("leaves the bundle itself untouched", () => {
    const bundle = readBundle("daftra");
    const before = JSON.stringify(bundle);
    prepareForDocs("daftra", bundle, { hasClient: true });
    expect(JSON.stringify(bundle)).toBe(before);
  });
});

describe("landing page", () => {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");

  it.each(listApis().map((api) => [api.name]))("links the %s reference and both bundles", (name) => {
    for (const file of [`${name}.html`, `${name}.json`, `${name}.yaml`]) {
      expect(html).toContain(`href="${file}"`);
      expect(existsSync(path.join(dist, file))).toBe(true);
    }
    expect(html).toContain(readBundle(name).info.title);
  });

  it("loads nothing from another host", () => {
    expect(html).not.toMatch(/<(?:script|link|img)\b[^>]*\b(?:src|href)="https?:\/\//i);
  });
});

describe.each(listApis().map((api) => [api.name, `${api.name}.html`]))("%s reference (%s)", (name, page) => {
  const html = readFileSync(path.join(dist, page), "utf8");
  const doc = readBundle(name);

  it("loads nothing from another host and sends no telemetry", () => {
    expect(html).not.toMatch(/<(?:script|link)\b[^>]*\b(?:src|href)="https?:\/\//i);
    expect(html).toMatch(/"disableTelemetry":\s*true/);
  });

  it("contains every operation of the bundle", () => {
    const missing = operationsOf(doc).map((e) => e.op.operationId).filter((id) => !html.includes(id));
    expect(missing).toEqual([]);
  });

  it("carries a curl sample for every operation", () => {
    const count = operationsOf(doc).length;
    expect(html.match(/curl (?:-g )?-X (GET|POST|PUT|DELETE|PATCH) /g)?.length ?? 0).toBeGreaterThanOrEqual(count);
  });

  it("shows every labelled assumption", () => {
    const count = JSON.stringify(doc).match(/"x-assumption"/g)?.length ?? 0;
    expect(count).toBeGreaterThan(0);
    expect(html.match(/Assumption \(not confirmed by the vendor\)/g)?.length ?? 0).toBeGreaterThanOrEqual(count);
  });

  it("ships the bundle beside the page for download", () => {
    for (const ext of ["json", "yaml"]) expect(existsSync(path.join(dist, `${name}.${ext}`))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dist, `${name}.json`), "utf8"))).toEqual(doc);
  });
});
