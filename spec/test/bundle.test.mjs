// Checks on the bundles in dist/ (built by `pnpm bundle`, which turbo runs before this test).
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "../scripts/apis.mjs";
import { operationsOf } from "@mizan/openapi-tools";
import { examplesOf, schemaValidator } from "@mizan/openapi-tools/examples";

describe.each(listApis().map((api) => [api.name]))("%s bundle", (name) => {
  const doc = readBundle(name);
  const mock = readBundle(name, { mock: true });

  it("is a self-contained OpenAPI 3.1 document", () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#)/);
  });

  it("has unique operationIds", () => {
    const ids = operationsOf(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Prism serves these examples as mock responses, so each must satisfy its (published) schema.
  const check = schemaValidator(doc);
  it.each(examplesOf(doc).map((e) => [e.where, e]))("example %s matches its schema", (_where, { schema, value }) => {
    expect(check(schema, value)).toEqual([]);
  });

  it("mock bundle serves every path with and without .json", () => {
    for (const p of Object.keys(doc.paths)) {
      expect(mock.paths[p]).toBeDefined();
      if (p.endsWith(".json")) expect(mock.paths[p.slice(0, -5)]?.["x-alias-of"]).toBe(p);
    }
  });
});
