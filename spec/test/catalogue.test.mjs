// The spec against the vendor's own list of operations (spec/daftra/catalogue.json).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readBundle, specDir } from "../scripts/apis.mjs";
import { operationsOf } from "@mizan/openapi-tools";

const catalogue = JSON.parse(readFileSync(path.join(specDir, "daftra", "catalogue.json"), "utf8")).operations;
const bundle = readBundle("daftra");
const inBundle = new Set(operationsOf(bundle).map((o) => o.key));
const documented = new Set(catalogue.map((o) => `${o.method} ${o.path}`));

describe("daftra catalogue", () => {
  it("lists each documented operation once", () => {
    expect(documented.size).toBe(catalogue.length);
    expect(catalogue.length).toBeGreaterThan(150);
  });

  it.each(catalogue.map((o) => [`${o.method} ${o.path}`, o]))("the bundle has %s", (key) => {
    expect(inBundle.has(key)).toBe(true);
  });

  it("invents no operation the docs do not list", () => {
    expect([...inBundle].filter((key) => !documented.has(key))).toEqual([]);
  });
});
