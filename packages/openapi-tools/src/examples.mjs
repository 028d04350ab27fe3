// Example checks shared by the test suite and by `node scripts/check-examples.mjs <root>`:
// every example must validate against its schema, and must not use a field that no schema
// declares (JSON Schema would let it through, but the docs and the mock would then show a
// field the generated types do not know).
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { branches, deref, operationsOf } from "./walker.mjs";

// Re-exported: callers of this module used to get them from here.
export { deref, operationsOf };

const EVERY_BRANCH = { keywords: ["allOf", "anyOf", "oneOf"] };

/** Every request and response example in the document, with the schema it belongs to. */
export function examplesOf(doc) {
  const found = [];
  const fromContent = (where, content) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      const values =
        media.example !== undefined
          ? [["example", media.example]]
          : Object.entries(media.examples ?? {}).map(([k, e]) => [k, deref(doc, e).value]);
      for (const [name, value] of values)
        found.push({ where: `${where} ${type} ${name}`, schema: media.schema, value });
    }
  };
  for (const { key, op, requestBody } of operationsOf(doc)) {
    if (requestBody) fromContent(`${key} request`, requestBody.content);
    for (const [status, response] of Object.entries(op.responses ?? {}))
      fromContent(`${key} ${status}`, deref(doc, response).content);
  }
  return found;
}

/** Points local refs at the document registered under $id "bundle.json". */
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" && v.startsWith("#") ? `bundle.json${v}` : rewriteRefs(v),
    ]),
  );
}

/**
 * A function giving the paths of the fields in a value that no (sub)schema of `schema` declares.
 * The schema is walked once per subschema reached, so checking many values costs little more
 * than reading them (the stateful mock prunes each answer with one).
 */
export function undeclaredFieldsOf(doc, schema, { forReading = false } = {}) {
  const allowsMore = (s) =>
    (s.additionalProperties !== undefined && s.additionalProperties !== false) || s.patternProperties;
  const compile = (schemas) => {
    const all = schemas.flatMap((s) => branches(doc, s, EVERY_BRANCH));
    // A schema that names no properties is free-form, and so is one where some branch allows
    // additional properties: a writer may send any field there. With `forReading`, what a reader
    // may rely on instead: where some branch names the record's fields and does not allow
    // others (a resource's schema inside a generic, open frame), only the named fields count.
    const naming = all.filter((s) => s.properties);
    const open = !naming.length || (forReading ? naming.every(allowsMore) : all.some(allowsMore));
    let items;
    const properties = new Map();
    return {
      open,
      items() {
        if (items === undefined) {
          const found = all.map((s) => s.items).filter(Boolean);
          items = found.length ? compile(found) : null;
        }
        return items;
      },
      // allOf branches apply together, so their declarations of the same field add up. Only
      // declared names are kept, so the values' own keys never grow this.
      property(key) {
        if (properties.has(key)) return properties.get(key);
        const declared = all
          .map((s) => (Object.hasOwn(s.properties ?? {}, key) ? s.properties[key] : undefined))
          .filter(Boolean);
        if (!declared.length) return undefined;
        const compiled = compile(declared);
        properties.set(key, compiled);
        return compiled;
      },
    };
  };
  const root = compile([schema]);
  // `trail` holds the keys on the way down; a path string is built only for a problem.
  const walk = (node, value, trail, problems) => {
    if (Array.isArray(value)) {
      const items = node.items();
      if (!items) return;
      for (let i = 0; i < value.length; i++) {
        trail.push(i);
        walk(items, value[i], trail, problems);
        trail.pop();
      }
      return;
    }
    if (!value || typeof value !== "object") return;
    for (const key of Object.keys(value)) {
      const declared = node.property(key);
      trail.push(key);
      if (declared) walk(declared, value[key], trail, problems);
      else if (!node.open) problems.push(trail.join("/"));
      trail.pop();
    }
  };
  return (value, at = "") => {
    const problems = [];
    walk(root, value, [at], problems);
    return problems;
  };
}

/** Paths of the fields in `value` that no (sub)schema of `schema` declares (see undeclaredFieldsOf). */
export function undeclaredFields(doc, schema, value, at = "", options = {}) {
  return undeclaredFieldsOf(doc, schema, options)(value, at);
}

/**
 * An Ajv instance that knows `doc`, and a compiler for any schema of it (its local `$ref`s
 * resolve inside the document). `ajvOptions` are Ajv's (e.g. `coerceTypes` for query values).
 */
export function documentSchemaCompiler(doc, ajvOptions = {}) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, ...ajvOptions });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "bundle.json" });
  return (schema) => ajv.compile(rewriteRefs(schema));
}

/** A validator for schemas of `doc` (refs resolved inside it). */
export function schemaValidator(doc) {
  const compile = documentSchemaCompiler(doc);
  return (schema, value) => {
    const validate = compile(schema);
    const errors = validate(value) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
    return [...errors, ...undeclaredFields(doc, schema, value).map((p) => `${p} is not declared by the schema`)];
  };
}

/** All problems with the examples of a document, as "where: problem" lines. */
export function exampleProblems(doc) {
  const check = schemaValidator(doc);
  return examplesOf(doc).flatMap(({ where, schema, value }) => check(schema, value).map((p) => `${where}: ${p}`));
}

function firstExample(node) {
  if (!node) return undefined;
  if (node.example !== undefined) return node.example;
  if (Array.isArray(node.examples) && node.examples.length) return node.examples[0];
  if (node.examples && typeof node.examples === "object") {
    const first = Object.values(node.examples)[0];
    if (first && "value" in first) return first.value;
  }
  return undefined;
}

function fallbackValue(schema) {
  if (!schema) return "example";
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum.find((v) => v !== null);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "integer" || type === "number") return schema.minimum ?? 1;
  if (type === "boolean") return true;
  if (type === "array") return [fallbackValue(schema.items)];
  return "example";
}

/**
 * A valid request for an operation, built from the document's own examples: path and query
 * parameters (required ones always, optional ones when they carry an example, unless
 * `optional: false`) and the body.
 * Shared by the generated contract tests and the docs' code samples.
 */
export function exampleRequest(doc, { parameters, requestBody, requestMediaType }, { optional = true } = {}) {
  const params = { path: {}, query: {}, header: {} };
  for (const p of parameters) {
    if (!(p.in in params)) continue;
    const schema = deref(doc, p.schema);
    const value = firstExample(p) ?? firstExample(schema);
    if (!p.required && (value === undefined || !optional)) continue;
    params[p.in][p.name] = value ?? fallbackValue(schema);
  }
  // The first media type is the documented one (the token endpoint lists multipart first).
  const body = requestBody ? firstExample(requestBody.content?.[requestMediaType]) : undefined;
  return { params, body, contentType: requestBody ? requestMediaType : undefined };
}
