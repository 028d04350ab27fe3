// Example checks shared by the test suite and by `node scripts/check-examples.mjs <root>`:
// every example must validate against its schema, and must not use a field that no schema
// declares (JSON Schema would let it through, but the docs and the mock would then show a
// field the generated types do not know).
import type { Options as AjvOptions, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import {
  branches,
  deref,
  type ExampleObject,
  isObject,
  type JsonObject,
  type MediaTypeObject,
  type OperationEntry,
  operationsOf,
  type SchemaObject,
} from "./walker.js";

// ajv-formats is CommonJS: its plugin is module.exports, and also its `default`, which is how
// TypeScript sees it from an ES module.
const addFormats = ajvFormats.default;

// Re-exported: callers of this module used to get them from here.
export { deref, operationsOf };
export type { OperationEntry };

const EVERY_BRANCH = { keywords: ["allOf", "anyOf", "oneOf"] };

export interface DocumentExample {
  /** "GET /path 200 application/json <name>" ("example" for an unnamed one). */
  where: string;
  schema: SchemaObject | undefined;
  value: unknown;
}

/** Every request and response example in the document, with the schema it belongs to. */
export function examplesOf(doc: unknown): DocumentExample[] {
  const found: DocumentExample[] = [];
  const fromContent = (where: string, content: Record<string, MediaTypeObject> | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      const values: [string, unknown][] =
        media.example !== undefined
          ? [["example", media.example]]
          : Object.entries(media.examples ?? {}).map(([k, e]) => [k, deref(doc, e)?.value]);
      for (const [name, value] of values)
        found.push({ where: `${where} ${type} ${name}`, schema: media.schema, value });
    }
  };
  for (const { key, op, requestBody } of operationsOf(doc)) {
    if (requestBody) fromContent(`${key} request`, requestBody.content);
    for (const [status, response] of Object.entries(op.responses ?? {}))
      fromContent(`${key} ${status}`, deref(doc, response)?.content);
  }
  return found;
}

/** Points local refs at the document registered under $id "bundle.json". */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" && v.startsWith("#") ? `bundle.json${v}` : rewriteRefs(v),
    ]),
  );
}

/** What a value may hold at one place of a schema, compiled on first use. */
interface CompiledNode {
  /** Whether fields the schema does not name are allowed here. */
  open: boolean;
  /** The node of the items, if the schema describes any (null: none). */
  items(): CompiledNode | null;
  /** The node of a declared field, or undefined for a field no branch names. */
  property(key: string): CompiledNode | undefined;
}

/**
 * A function giving the paths of the fields in a value that no (sub)schema of `schema` declares.
 * The schema is walked once per subschema reached, so checking many values costs little more
 * than reading them (the stateful mock prunes each answer with one).
 */
export function undeclaredFieldsOf(
  doc: unknown,
  schema: unknown,
  { forReading = false }: { forReading?: boolean } = {},
): (value: unknown, at?: string) => string[] {
  const allowsMore = (s: SchemaObject) =>
    (s.additionalProperties !== undefined && s.additionalProperties !== false) || !!s.patternProperties;
  const compile = (schemas: unknown[]): CompiledNode => {
    const all = schemas.flatMap((s) => branches(doc, s, EVERY_BRANCH));
    // A schema that names no properties is free-form, and so is one where some branch allows
    // additional properties: a writer may send any field there. With `forReading`, what a reader
    // may rely on instead: where some branch names the record's fields and does not allow
    // others (a resource's schema inside a generic, open frame), only the named fields count.
    const naming = all.filter((s) => s.properties);
    const open = !naming.length || (forReading ? naming.every(allowsMore) : all.some(allowsMore));
    let items: CompiledNode | null | undefined;
    const properties = new Map<string, CompiledNode>();
    return {
      open,
      items() {
        if (items === undefined) {
          const found = all.map((s) => s.items).filter((s) => s !== undefined);
          items = found.length ? compile(found) : null;
        }
        return items;
      },
      // allOf branches apply together, so their declarations of the same field add up. Only
      // declared names are kept, so the values' own keys never grow this.
      property(key: string) {
        if (properties.has(key)) return properties.get(key);
        const declared = all
          .map((s) => (isObject(s.properties) && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined))
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
  const walk = (node: CompiledNode, value: unknown, trail: (string | number)[], problems: string[]) => {
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
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      const declared = node.property(key);
      trail.push(key);
      if (declared) walk(declared, value[key], trail, problems);
      else if (!node.open) problems.push(trail.join("/"));
      trail.pop();
    }
  };
  return (value, at = "") => {
    const problems: string[] = [];
    walk(root, value, [at], problems);
    return problems;
  };
}

/** Paths of the fields in `value` that no (sub)schema of `schema` declares (see undeclaredFieldsOf). */
export function undeclaredFields(
  doc: unknown,
  schema: unknown,
  value: unknown,
  at = "",
  options: { forReading?: boolean } = {},
): string[] {
  return undeclaredFieldsOf(doc, schema, options)(value, at);
}

/**
 * An Ajv instance that knows `doc`, and a compiler for any schema of it (its local `$ref`s
 * resolve inside the document). `ajvOptions` are Ajv's (e.g. `coerceTypes` for query values).
 */
export function documentSchemaCompiler(
  doc: unknown,
  ajvOptions: AjvOptions = {},
): (schema: unknown) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true, ...ajvOptions });
  addFormats(ajv);
  ajv.addSchema({ ...(isObject(doc) ? doc : {}), $id: "bundle.json" });
  return (schema) => ajv.compile(rewriteRefs(schema) as JsonObject | boolean);
}

/** A validator for schemas of `doc` (refs resolved inside it). */
export function schemaValidator(doc: unknown): (schema: unknown, value: unknown) => string[] {
  const compile = documentSchemaCompiler(doc);
  return (schema, value) => {
    const validate = compile(schema);
    const errors = validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
    return [...errors, ...undeclaredFields(doc, schema, value).map((p) => `${p} is not declared by the schema`)];
  };
}

/** All problems with the examples of a document, as "where: problem" lines. */
export function exampleProblems(doc: unknown): string[] {
  const check = schemaValidator(doc);
  return examplesOf(doc).flatMap(({ where, schema, value }) => check(schema, value).map((p) => `${where}: ${p}`));
}

function firstExample(node: { example?: unknown; examples?: unknown } | undefined): unknown {
  if (!node) return undefined;
  if (node.example !== undefined) return node.example;
  if (Array.isArray(node.examples) && node.examples.length) return node.examples[0];
  if (isObject(node.examples)) {
    const first = Object.values(node.examples)[0];
    if (isObject(first) && "value" in first) return (first as ExampleObject).value;
  }
  return undefined;
}

function fallbackValue(schema: SchemaObject | undefined): unknown {
  if (!schema) return "example";
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum.find((v) => v !== null);
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
export interface ExampleRequest {
  params: { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown> };
  body: unknown;
  contentType: string | undefined;
}

export function exampleRequest(
  doc: unknown,
  {
    parameters,
    requestBody,
    requestMediaType,
  }: Pick<OperationEntry, "parameters" | "requestBody" | "requestMediaType">,
  { optional = true }: { optional?: boolean } = {},
): ExampleRequest {
  const params: ExampleRequest["params"] = { path: {}, query: {}, header: {} };
  for (const p of parameters) {
    if (p.in !== "path" && p.in !== "query" && p.in !== "header") continue;
    const schema = deref(doc, p.schema);
    const value = firstExample(p) ?? firstExample(schema);
    if (!p.required && (value === undefined || !optional)) continue;
    params[p.in][p.name] = value ?? fallbackValue(schema);
  }
  // The first media type is the documented one (the token endpoint lists multipart first).
  const body =
    requestBody && requestMediaType !== undefined ? firstExample(requestBody.content?.[requestMediaType]) : undefined;
  return { params, body, contentType: requestBody ? requestMediaType : undefined };
}
