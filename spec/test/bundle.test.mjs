// Checks on the bundles in dist/ (built by `pnpm bundle`, which turbo runs before this test).
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "../scripts/apis.mjs";
import { HTTP_METHODS } from "../scripts/transform.mjs";

function operationsOf(doc) {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${p}`, op: item[m] })),
  );
}

/** Every example in the document with the schema it belongs to. */
function examplesOf(doc) {
  const deref = (node) => (node?.$ref ? deref(node.$ref.slice(2).split("/").reduce((n, k) => n[k], doc)) : node);
  const found = [];
  const fromContent = (where, content) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      const values = media.example !== undefined ? [["example", media.example]] : Object.entries(media.examples ?? {}).map(([k, e]) => [k, deref(e).value]);
      for (const [name, value] of values) found.push({ where: `${where} ${type} ${name}`, schema: media.schema, value });
    }
  };
  for (const { key, op } of operationsOf(doc)) {
    if (op.requestBody) fromContent(`${key} request`, deref(op.requestBody).content);
    for (const [status, response] of Object.entries(op.responses ?? {})) fromContent(`${key} ${status}`, deref(response).content);
  }
  return found;
}

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
  it.each(examplesOf(doc).map((e) => [e.where, e]))("example %s matches its schema", (_where, { schema, value }) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: "bundle.json" });
    const validate = ajv.compile(rewriteRefs(schema));
    const ok = validate(value);
    expect(ok ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
    // JSON Schema lets undeclared fields through; an example must not use one, or the docs
    // and the mock would show a field the types do not know.
    expect(undeclaredFields(doc, schema, value)).toEqual([]);
  });

  it("mock bundle serves every path with and without .json", () => {
    for (const p of Object.keys(doc.paths)) {
      expect(mock.paths[p]).toBeDefined();
      if (p.endsWith(".json")) expect(mock.paths[p.slice(0, -5)]?.["x-alias-of"]).toBe(p);
    }
  });
});

/** Points local refs at the bundle registered under $id "bundle.json". */
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#") ? `bundle.json${v}` : rewriteRefs(v)]));
}

/** Paths of the fields in `value` that no (sub)schema of `schema` declares. */
function undeclaredFields(doc, schema, value, at = "") {
  const resolve = (node) => (node?.$ref ? resolve(node.$ref.slice(2).split("/").reduce((n, k) => n[k], doc)) : node);
  const branches = (node) => {
    const s = resolve(node);
    if (!s || typeof s !== "object") return [];
    return [s, ...["allOf", "anyOf", "oneOf"].flatMap((k) => (s[k] ?? []).flatMap(branches))];
  };
  const all = branches(schema);
  if (Array.isArray(value)) {
    const items = all.map((s) => s.items).filter(Boolean);
    return items.length ? value.flatMap((v, i) => undeclaredFields(doc, { allOf: items }, v, `${at}/${i}`)) : [];
  }
  if (!value || typeof value !== "object") return [];
  const open = all.some((s) => (s.additionalProperties !== undefined && s.additionalProperties !== false) || s.patternProperties);
  const problems = [];
  for (const [key, v] of Object.entries(value)) {
    const declared = all.map((s) => s.properties?.[key]).filter(Boolean);
    if (!declared.length) {
      if (!open) problems.push(`${at}/${key}`);
      continue;
    }
    // allOf branches apply together, so their declarations of the same field add up.
    problems.push(...undeclaredFields(doc, { allOf: declared }, v, `${at}/${key}`));
  }
  return problems;
}
