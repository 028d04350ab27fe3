// Pure transforms applied to a bundled OpenAPI document. No I/O here, so each is unit-tested.

import {
  arrayOf,
  deref,
  forEachObject,
  HTTP_METHODS,
  isObject,
  type JsonObject,
  type OpenApiDocument,
  operationsOf,
  type SchemaObject,
  templateSpecificity,
} from "./walker.js";

export { HTTP_METHODS };

const SCHEMA_PREFIX = "#/components/schemas/";
const RECORD_SUFFIX = "Record";

const clone = <T>(value: T): T => structuredClone(value);
const asArray = (type: unknown): unknown[] => (type === undefined ? [] : Array.isArray(type) ? type : [type]);

/** What loosenResponses widens beyond numbers and booleans (each off by default). */
export interface LoosenOptions {
  /** Optional response fields may also be null. */
  nullOptional?: boolean;
  /** Response dates may also come in the account's display format (`15/06/2026`, `06/15/2026 14:32`). */
  accountDates?: boolean;
  /** A string enum or const of numeric codes (`["0", "1"]`) may also come as the numbers. */
  numericCodes?: boolean;
}

/** The document's components.schemas, if it has them. */
function componentSchemas(doc: unknown): Record<string, SchemaObject> | undefined {
  const components = isObject(doc) ? doc.components : undefined;
  const schemas = isObject(components) ? components.schemas : undefined;
  return isObject(schemas) ? (schemas as Record<string, SchemaObject>) : undefined;
}

/** The component schema names a value refers to (directly). */
export function schemaRefsIn(value: unknown): Set<string> {
  const names = new Set<string>();
  forEachObject(value, (node) => {
    if (typeof node.$ref === "string" && node.$ref.startsWith(SCHEMA_PREFIX)) {
      names.add(node.$ref.slice(SCHEMA_PREFIX.length));
    }
  });
  return names;
}

/** Component schema names reachable from `roots`, following schema refs transitively. */
export function reachableSchemas(doc: unknown, roots: Iterable<string>): Set<string> {
  const schemas = componentSchemas(doc);
  const seen = new Set<string>();
  const queue = [...roots];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const next of schemaRefsIn(schemas?.[name])) queue.push(next);
  }
  return seen;
}

/** The request side (bodies and parameters) and the response side of every operation. */
function sides(doc: unknown): { requestParts: JsonObject[]; responseParts: JsonObject[] } {
  const requestParts: JsonObject[] = [];
  const responseParts: JsonObject[] = [];
  for (const { op, parameters, requestBody } of operationsOf(doc)) {
    requestParts.push(...parameters);
    if (requestBody) requestParts.push(requestBody);
    for (const response of Object.values(op.responses ?? {})) {
      const resolved = deref<unknown>(doc, response);
      if (isObject(resolved)) responseParts.push(resolved);
    }
  }
  return { requestParts, responseParts };
}

const NUMERIC_STRING = "^-?\\d+(\\.\\d+)?$";
const INTEGER_STRING = "^-?\\d+$";

/** A string that is exactly how its number prints ("0", "12", "2.5"; not "01" or "1.0"). */
const isNumericCode = (value: unknown): value is string =>
  typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value;

/** The list with `last` (null, or the type "null") moved to its end, so that generated types read `... | null`. */
const moveLast = (list: unknown[], last: unknown): unknown[] =>
  list.includes(last) ? [...list.filter((v) => v !== last), last] : list;

/**
 * Widens one schema node (not its children) the way the live server bends types in responses:
 * numbers may come as numeric strings, booleans as 0/1 or "0"/"1". With `numericCodes`, a
 * string enum or const of numeric codes (`["0", "1"]`) may
 * also come as the numbers themselves; a string enum of words is left alone.
 */
export function widenNode(node: JsonObject, { numericCodes = false }: { numericCodes?: boolean } = {}): void {
  const types = asArray(node.type);
  const isInteger = types.includes("integer");
  const isNumber = types.includes("number");
  const isBoolean = types.includes("boolean");
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  const codes: unknown[] = numericCodes && types.includes("string") && values ? values.filter(isNumericCode) : [];
  if (!isInteger && !isNumber && !isBoolean && !codes.length) return;

  const added = new Set(types);
  if (isInteger || isNumber) added.add("string");
  if (isBoolean) {
    added.add("integer");
    added.add("string");
  }
  if (codes.length && !isInteger && !isNumber)
    added.add(codes.every((v) => Number.isInteger(Number(v))) ? "integer" : "number");

  if (values) {
    const widened = [...values];
    const add = (alt: unknown) => {
      if (!widened.includes(alt)) widened.push(alt);
    };
    for (const v of values) {
      if (typeof v === "number") add(String(v));
      if (typeof v === "boolean") [v ? 1 : 0, v ? "1" : "0"].forEach(add);
      if (codes.includes(v)) add(Number(v));
    }
    delete node.const;
    node.enum = moveLast(widened, null);
  } else if (isBoolean) {
    node.enum = [true, false, 0, 1, "0", "1", ...(types.includes("null") ? [null] : [])];
  } else if (node.pattern === undefined && !types.includes("string")) {
    node.pattern = isNumber ? NUMERIC_STRING : INTEGER_STRING;
  }
  node.type = moveLast([...added], "null");
}

const jsonTypeOf = (v: unknown): string =>
  v === null
    ? "null"
    : typeof v === "boolean"
      ? "boolean"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? "integer"
          : "number"
        : "string";

/**
 * An enum mixing JSON types (`[1, 2, "1", "2", null]`) is valid JSON Schema, but generators that
 * turn enums into named constants (orval) give `1` and `"1"` the same key, and they merge the
 * enums of `anyOf` branches into one constant object too. The same set of values is written as
 * `anyOf` of one typed `const` per value (`{type: integer, const: 1}`, `{type: string, const: "1"}`,
 * ..., `{type: "null"}`), which openapi-typescript, orval and hey-api all read as the literal union
 * `1 | 2 | "1" | "2" | null`; the node keeps its annotations (description, readOnly, ...).
 */
const ANNOTATION = /^(description|title|readOnly|writeOnly|deprecated|x-.*)$/;
const isConstLeaf = (v: unknown): v is JsonObject =>
  isObject(v) &&
  typeof v.type === "string" &&
  Object.keys(v).every((k) => k === "type" || k === "const") &&
  (v.const !== undefined || v.type === "null");

/** The typed consts a union of them holds, through nested anyOf with annotations only; else undefined. */
function constLeaves(node: unknown, top = true): JsonObject[] | undefined {
  if (isConstLeaf(node)) return [node];
  if (
    !isObject(node) ||
    !Array.isArray(node.anyOf) ||
    (!top && Object.keys(node).some((k) => k !== "anyOf" && !ANNOTATION.test(k)))
  )
    return undefined;
  const leaves: JsonObject[] = [];
  for (const member of node.anyOf) {
    const found = constLeaves(member, false);
    if (!found) return undefined;
    leaves.push(...found);
  }
  return leaves;
}

/**
 * A union of typed consts nested in unions (a const union widened, then made nullable) is
 * written as one flat anyOf, the nested members' annotations moved up where the node has none.
 */
function flattenConstUnion(node: JsonObject): void {
  const leaves = Array.isArray(node.anyOf) && !node.anyOf.every(isConstLeaf) ? constLeaves(node) : undefined;
  if (!leaves) return;
  for (const member of arrayOf(node.anyOf)) {
    if (isConstLeaf(member) || !isObject(member)) continue;
    for (const [key, value] of Object.entries(member)) if (key !== "anyOf" && !(key in node)) node[key] = value;
  }
  const seen = new Set<string>();
  const flat = leaves.filter((leaf) => {
    const key = JSON.stringify(leaf);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const nulls = flat.filter((leaf) => leaf.type === "null");
  node.anyOf = [...flat.filter((leaf) => leaf.type !== "null"), ...nulls];
}

function splitMixedEnum(node: JsonObject, values: readonly unknown[]): void {
  const groups = new Map<string, unknown[]>();
  for (const v of values) {
    const type = jsonTypeOf(v);
    const key =
      type === "integer" && asArray(node.type).includes("number") && !asArray(node.type).includes("integer")
        ? "number"
        : type;
    const group = groups.get(key) ?? [];
    group.push(v);
    groups.set(key, group);
  }
  if (groups.size < 2 || node.anyOf !== undefined) return;
  node.anyOf = [...groups].flatMap(([type, values]) =>
    type === "null" ? [{ type: "null" }] : values.map((value) => ({ type, const: value })),
  );
  delete node.type;
  delete node.enum;
}

/** A property schema that also admits null. */
function makeNullable(prop: JsonObject): JsonObject {
  if (prop.type !== undefined) {
    if (!asArray(prop.type).includes("null")) prop.type = [...asArray(prop.type), "null"];
    if (Array.isArray(prop.enum) && !prop.enum.includes(null)) prop.enum = [...prop.enum, null];
    return prop;
  }
  return { anyOf: [prop, { type: "null" }] };
}

/** Makes the optional properties of an object schema nullable; `required` adds names that stay as they are. */
export function nullOptional(node: JsonObject, required: readonly string[] = []): void {
  const properties = node.properties;
  if (!isObject(properties)) return;
  const keep = new Set([...arrayOf(node.required), ...required]);
  for (const [key, prop] of Object.entries(properties))
    if (!keep.has(key) && isObject(prop)) properties[key] = makeNullable(prop);
}

// Dates in the account's display format (rule "account-dates"): day or month first, with "/", "-"
// or "." between the parts, optionally followed by a time.
const DISPLAY_DATE =
  "(?:\\d{2}/\\d{2}/\\d{4}|\\d{2}-\\d{2}-\\d{4}|\\d{2}\\.\\d{2}\\.\\d{4})(?: \\d{2}:\\d{2}(?::\\d{2})?)?";
const DISPLAY_FORMS = ["DD/MM/YYYY", "MM/DD/YYYY", "DD-MM-YYYY", "DD.MM.YYYY"].map((form) => `${form}[ HH:MM[:SS]]`);
const ISO_DATE_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}/;
const ISO_FORMS: Record<string, string> = {
  "\\d{4}-\\d{2}-\\d{2}": "YYYY-MM-DD",
  "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}": "YYYY-MM-DD HH:MM:SS",
};
const ACCOUNT_DATE_NOTE =
  "A response may also give it in the account's display format, day or month first (`15/06/2026`, `06/15/2026`, `15-06-2026`, `15.06.2026`), optionally with a time (`14:32`).";
const ACCOUNT_DATE_ASSUMPTION =
  "That responses may use the account's display date format (Site Info's date_format: day or month first, with /, - or . between the parts, optionally with a time) rests on evidence, not on the docs for this field: the vendor's own examples write requisition, booking and v2 dates as dd/mm/yyyy, and a live-account note (hellye-star/daftra-pdf-generator) reads estimate dates day first.";

/**
 * A response date that the server may format per account: a `format: date` string, or one whose
 * pattern admits only the ISO form (`^\d{4}-\d{2}-\d{2}...`), also takes the display forms, with
 * `x-date-formats` listing what it takes. A pattern that already admits a display form (`dd/mm/yyyy`)
 * says how the field is written and is kept, and so is any enum or const.
 */
function acceptAccountDate(node: JsonObject): void {
  if (
    !asArray(node.type).includes("string") ||
    node.enum !== undefined ||
    node.const !== undefined ||
    node["x-date-formats"]
  )
    return;
  let iso: string;
  if (typeof node.pattern === "string") {
    if (!ISO_DATE_PATTERN.test(node.pattern) || node.pattern.includes("/")) return;
    iso = node.pattern.replace(/^\^|\$$/g, "");
  } else if (node.format === "date") {
    iso = "\\d{4}-\\d{2}-\\d{2}";
  } else return;
  if (node.format === "date") delete node.format;
  node.pattern = `^(?:${iso}|${DISPLAY_DATE})$`;
  node["x-date-formats"] = [ISO_FORMS[iso] ?? `^${iso}$`, ...DISPLAY_FORMS];
  node.description =
    typeof node.description === "string" && node.description
      ? `${node.description.trimEnd()} ${ACCOUNT_DATE_NOTE}`
      : ACCOUNT_DATE_NOTE;
  node["x-assumption"] = node["x-assumption"]
    ? `${String(node["x-assumption"])} ${ACCOUNT_DATE_ASSUMPTION}`
    : ACCOUNT_DATE_ASSUMPTION;
  node["x-assumption-kind"] ??= "inference";
}

/**
 * Widens a response-side schema in place; with `nulls` its optional properties may also be
 * null, as the server sends them, with `dates` its dates may come in the account's display
 * format, and with `numericCodes` its string enums of numeric codes may come as numbers.
 */
interface WidenOptions {
  nulls?: { required: string[] } | undefined;
  dates?: boolean;
  numericCodes?: boolean;
}

function widenDeep(schema: unknown, renameRef: (ref: string) => string | undefined, options: WidenOptions = {}): void {
  const { nulls, dates, numericCodes } = options;
  forEachObject(schema, (node) => {
    if (typeof node.$ref === "string") {
      const renamed = renameRef(node.$ref);
      if (renamed) node.$ref = renamed;
    }
    // Only nodes that describe a value carry `type`; property maps never do.
    if ("type" in node || "const" in node) widenNode(node, { numericCodes: !!numericCodes });
    if (dates) acceptAccountDate(node);
    if (nulls) nullOptional(node, node === schema ? nulls.required : []);
  });
  // After the walk, so that the single-typed branches it writes are not widened again.
  forEachObject(schema, (node) => {
    if (Array.isArray(node.enum)) splitMixedEnum(node, node.enum);
  });
  forEachObject(schema, flattenConstUnion);
}

/**
 * Makes every schema reachable from a response tolerant of the server's loose scalars,
 * leaving request schemas strict. A component used on both sides is copied to
 * `<Name>Record` for the response side; one used only by responses is widened in place.
 * `options` (each off by default): `nullOptional` (optional fields may be null), `accountDates`
 * (dates may come in the account's display format), `numericCodes` (string enums of numeric
 * codes may come as numbers).
 */
export function loosenResponses<T>(input: T, options: LoosenOptions = {}): T {
  const doc = clone(input);
  const schemas = componentSchemas(doc) ?? {};
  // Optional response fields may come as null, string codes as numbers and dates in the account's
  // display format, where the caller says the server sends them so.
  const composers = options.nullOptional ? requiredByComposers(doc) : undefined;
  const dates = !!options.accountDates;
  const numericCodes = !!options.numericCodes;
  const optionsFor = (name: string): WidenOptions => ({
    nulls: composers && { required: [...(composers.get(`${SCHEMA_PREFIX}${name}`) ?? [])] },
    dates,
    numericCodes,
  });
  const { requestParts, responseParts } = sides(doc);
  const requestSide = reachableSchemas(
    doc,
    requestParts.flatMap((p) => [...schemaRefsIn(p)]),
  );
  const responseSide = reachableSchemas(
    doc,
    responseParts.flatMap((p) => [...schemaRefsIn(p)]),
  );

  // A schema used on both sides needs a response copy when widening changes it, or when it
  // refers to another schema that needs one. Iterate to a fixed point.
  const bothSides = [...responseSide].filter((name) => requestSide.has(name));
  const changesWhenWidened = (name: string) => {
    const copy = clone(schemas[name]);
    widenDeep(copy, () => undefined, optionsFor(name));
    return JSON.stringify(copy) !== JSON.stringify(schemas[name]);
  };
  const needsCopy = new Set(bothSides.filter(changesWhenWidened));
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of bothSides) {
      if (needsCopy.has(name)) continue;
      if ([...schemaRefsIn(schemas[name])].some((ref) => needsCopy.has(ref))) {
        needsCopy.add(name);
        grew = true;
      }
    }
  }
  const shared = [...needsCopy];
  for (const name of shared) {
    const copy = `${name}${RECORD_SUFFIX}`;
    if (schemas[copy]) throw new Error(`Cannot derive ${copy}: a schema with that name already exists.`);
  }
  const sharedSet = new Set(shared);
  const renameRef = (ref: string) => {
    if (!ref.startsWith(SCHEMA_PREFIX)) return undefined;
    const name = ref.slice(SCHEMA_PREFIX.length);
    return sharedSet.has(name) ? `${SCHEMA_PREFIX}${name}${RECORD_SUFFIX}` : undefined;
  };

  for (const name of shared) {
    const original = schemas[name];
    if (!original) continue; // a missing schema never changes when widened, so is never shared
    const copy = clone(original);
    widenDeep(copy, renameRef, optionsFor(name));
    copy["x-derived-from"] = `${SCHEMA_PREFIX}${name}`;
    schemas[`${name}${RECORD_SUFFIX}`] = copy;
  }
  for (const name of responseSide) {
    if (!requestSide.has(name)) widenDeep(schemas[name], renameRef, optionsFor(name));
  }
  // Inline schemas inside responses (envelopes written in the path files).
  const { responseParts: parts } = sides(doc);
  const done = new Set<JsonObject>();
  for (const response of parts) {
    if (done.has(response)) continue;
    done.add(response);
    for (const media of Object.values(isObject(response.content) ? response.content : {})) {
      if (isObject(media) && media.schema)
        widenDeep(media.schema, renameRef, { nulls: composers && { required: [] }, dates, numericCodes });
    }
    for (const header of Object.values(isObject(response.headers) ? response.headers : {})) {
      if (isObject(header) && header.schema) widenDeep(header.schema, renameRef);
    }
  }
  return doc;
}

/**
 * The mock serves both `/api2/clients.json` and `/api2/clients`, because real integrations
 * call both. Each `.json` path gets a suffix-less twin that points at the same operations.
 */
export function addSuffixlessAliases<T>(input: T): T {
  const doc = clone(input) as T & OpenApiDocument;
  const paths = doc.paths ?? {};
  const aliases: Record<string, JsonObject> = {};
  for (const [pathKey, item] of Object.entries(paths)) {
    if (!pathKey.endsWith(".json")) continue;
    const alias = pathKey.slice(0, -".json".length);
    if (paths[alias]) throw new Error(`Cannot alias ${pathKey}: ${alias} is already a path.`);
    const twin: JsonObject = clone(item);
    for (const method of HTTP_METHODS) {
      const op = twin[method];
      if (isObject(op) && op.operationId) op.operationId = `${String(op.operationId)}WithoutSuffix`;
    }
    twin["x-alias-of"] = pathKey;
    aliases[alias] = twin;
  }
  doc.paths = { ...aliases, ...paths };
  return orderPathsForRouting(doc);
}

/**
 * Lists the paths from the least to the most specific (literal characters outside `{...}`),
 * keeping the document's order among equals. Prism ranks the paths a URL matches by their
 * literal segments and, among equal ranks, uses the one listed last: `/clients/5.json` matches
 * both `/clients/{id}` and `/clients/{id}.json`, and `/v2/api/entity/le_workflow-type-entity-7/list/1`
 * both the generic `/{entity}/list/{level}` and the workflow path. The more specific one must win,
 * as OpenAPI says concrete paths do.
 */
export function orderPathsForRouting<T>(input: T): T {
  const doc = clone(input) as T & OpenApiDocument;
  doc.paths = Object.fromEntries(
    Object.entries(doc.paths ?? {}).sort(([a], [b]) => templateSpecificity(a) - templateSpecificity(b)),
  );
  return doc;
}

/** Names of properties that some schema requires while composing `name` with allOf. */
export function requiredByComposers(doc: unknown): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>();
  forEachObject(doc, (node) => {
    const names = node.required;
    if (!Array.isArray(node.allOf) || !Array.isArray(names)) return;
    for (const branch of node.allOf) {
      if (!isObject(branch) || typeof branch.$ref !== "string") continue;
      const set = required.get(branch.$ref) ?? new Set<string>();
      for (const n of names) if (typeof n === "string") set.add(n);
      required.set(branch.$ref, set);
    }
  });
  return required;
}

export const internals = { widenNode, reachable: reachableSchemas };
