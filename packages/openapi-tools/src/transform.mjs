// Pure transforms applied to a bundled OpenAPI document. No I/O here, so each is unit-tested.

import { deref, forEachObject, HTTP_METHODS, operationsOf, templateSpecificity } from "./walker.mjs";

export { HTTP_METHODS };

const SCHEMA_PREFIX = "#/components/schemas/";
const RECORD_SUFFIX = "Record";

const clone = (value) => structuredClone(value);
const asArray = (type) => (type === undefined ? [] : Array.isArray(type) ? type : [type]);

/** The component schema names a value refers to (directly). */
export function schemaRefsIn(value) {
  const names = new Set();
  forEachObject(value, (node) => {
    if (typeof node.$ref === "string" && node.$ref.startsWith(SCHEMA_PREFIX)) {
      names.add(node.$ref.slice(SCHEMA_PREFIX.length));
    }
  });
  return names;
}

/** Component schema names reachable from `roots`, following schema refs transitively. */
export function reachableSchemas(doc, roots) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    for (const next of schemaRefsIn(doc.components?.schemas?.[name])) queue.push(next);
  }
  return seen;
}

/** The request side (bodies and parameters) and the response side of every operation. */
function sides(doc) {
  const requestParts = [];
  const responseParts = [];
  for (const { op, parameters, requestBody } of operationsOf(doc)) {
    requestParts.push(...parameters);
    if (requestBody) requestParts.push(requestBody);
    for (const response of Object.values(op.responses ?? {})) responseParts.push(deref(doc, response));
  }
  return { requestParts, responseParts };
}

const NUMERIC_STRING = "^-?\\d+(\\.\\d+)?$";
const INTEGER_STRING = "^-?\\d+$";

/** A string that is exactly how its number prints ("0", "12", "2.5"; not "01" or "1.0"). */
const isNumericCode = (value) =>
  typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value;

/** The list with `last` (null, or the type "null") moved to its end, so that generated types read `... | null`. */
const moveLast = (list, last) => (list.includes(last) ? [...list.filter((v) => v !== last), last] : list);

/**
 * Widens one schema node (not its children) the way the live server bends types in responses:
 * numbers may come as numeric strings, booleans as 0/1 or "0"/"1". With `numericCodes`, a
 * string enum or const of numeric codes (`["0", "1"]`) may
 * also come as the numbers themselves; a string enum of words is left alone.
 */
export function widenNode(node, { numericCodes = false } = {}) {
  const types = asArray(node.type);
  const isInteger = types.includes("integer");
  const isNumber = types.includes("number");
  const isBoolean = types.includes("boolean");
  const values = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
  const codes = numericCodes && types.includes("string") && values ? values.filter(isNumericCode) : [];
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
    const add = (alt) => {
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

const jsonTypeOf = (v) =>
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
const isConstLeaf = (v) =>
  v !== null &&
  typeof v === "object" &&
  typeof v.type === "string" &&
  Object.keys(v).every((k) => k === "type" || k === "const") &&
  (v.const !== undefined || v.type === "null");

/** The typed consts a union of them holds, through nested anyOf with annotations only; else undefined. */
function constLeaves(node, top = true) {
  if (isConstLeaf(node)) return [node];
  if (!Array.isArray(node?.anyOf) || (!top && Object.keys(node).some((k) => k !== "anyOf" && !ANNOTATION.test(k))))
    return undefined;
  const leaves = [];
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
function flattenConstUnion(node) {
  const leaves = Array.isArray(node.anyOf) && !node.anyOf.every(isConstLeaf) ? constLeaves(node) : undefined;
  if (!leaves) return;
  for (const member of node.anyOf) {
    if (isConstLeaf(member)) continue;
    for (const [key, value] of Object.entries(member)) if (key !== "anyOf" && !(key in node)) node[key] = value;
  }
  const seen = new Set();
  const flat = leaves.filter((leaf) => {
    const key = JSON.stringify(leaf);
    return seen.has(key) ? false : seen.add(key);
  });
  const nulls = flat.filter((leaf) => leaf.type === "null");
  node.anyOf = [...flat.filter((leaf) => leaf.type !== "null"), ...nulls];
}

function splitMixedEnum(node) {
  const groups = new Map();
  for (const v of node.enum) {
    const type = jsonTypeOf(v);
    const key =
      type === "integer" && asArray(node.type).includes("number") && !asArray(node.type).includes("integer")
        ? "number"
        : type;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(v);
  }
  if (groups.size < 2 || node.anyOf !== undefined) return;
  node.anyOf = [...groups].flatMap(([type, values]) =>
    type === "null" ? [{ type: "null" }] : values.map((value) => ({ type, const: value })),
  );
  delete node.type;
  delete node.enum;
}

/** A property schema that also admits null. */
function makeNullable(prop) {
  if (prop.type !== undefined) {
    if (!asArray(prop.type).includes("null")) prop.type = [...asArray(prop.type), "null"];
    if (Array.isArray(prop.enum) && !prop.enum.includes(null)) prop.enum = [...prop.enum, null];
    return prop;
  }
  return { anyOf: [prop, { type: "null" }] };
}

/** Makes the optional properties of an object schema nullable; `required` adds names that stay as they are. */
export function nullOptional(node, required = []) {
  if (!node.properties || typeof node.properties !== "object") return;
  const keep = new Set([...(node.required ?? []), ...required]);
  for (const [key, prop] of Object.entries(node.properties))
    if (!keep.has(key) && prop && typeof prop === "object") node.properties[key] = makeNullable(prop);
}

// Dates in the account's display format (rule "account-dates"): day or month first, with "/", "-"
// or "." between the parts, optionally followed by a time.
const DISPLAY_DATE =
  "(?:\\d{2}/\\d{2}/\\d{4}|\\d{2}-\\d{2}-\\d{4}|\\d{2}\\.\\d{2}\\.\\d{4})(?: \\d{2}:\\d{2}(?::\\d{2})?)?";
const DISPLAY_FORMS = ["DD/MM/YYYY", "MM/DD/YYYY", "DD-MM-YYYY", "DD.MM.YYYY"].map((form) => `${form}[ HH:MM[:SS]]`);
const ISO_DATE_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}/;
const ISO_FORMS = {
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
function acceptAccountDate(node) {
  if (
    !asArray(node.type).includes("string") ||
    node.enum !== undefined ||
    node.const !== undefined ||
    node["x-date-formats"]
  )
    return;
  let iso;
  if (typeof node.pattern === "string") {
    if (!ISO_DATE_PATTERN.test(node.pattern) || node.pattern.includes("/")) return;
    iso = node.pattern.replace(/^\^|\$$/g, "");
  } else if (node.format === "date") {
    iso = "\\d{4}-\\d{2}-\\d{2}";
  } else return;
  if (node.format === "date") delete node.format;
  node.pattern = `^(?:${iso}|${DISPLAY_DATE})$`;
  node["x-date-formats"] = [ISO_FORMS[iso] ?? `^${iso}$`, ...DISPLAY_FORMS];
  node.description = node.description ? `${node.description.trimEnd()} ${ACCOUNT_DATE_NOTE}` : ACCOUNT_DATE_NOTE;
  node["x-assumption"] = node["x-assumption"]
    ? `${node["x-assumption"]} ${ACCOUNT_DATE_ASSUMPTION}`
    : ACCOUNT_DATE_ASSUMPTION;
  node["x-assumption-kind"] ??= "inference";
}

/**
 * Widens a response-side schema in place; with `nulls` its optional properties may also be
 * null, as the server sends them, with `dates` its dates may come in the account's display
 * format, and with `numericCodes` its string enums of numeric codes may come as numbers.
 */
function widenDeep(schema, renameRef, { nulls, dates, numericCodes } = {}) {
  forEachObject(schema, (node) => {
    if (typeof node.$ref === "string") {
      const renamed = renameRef(node.$ref);
      if (renamed) node.$ref = renamed;
    }
    // Only nodes that describe a value carry `type`; property maps never do.
    if ("type" in node || "const" in node) widenNode(node, { numericCodes });
    if (dates) acceptAccountDate(node);
    if (nulls) nullOptional(node, node === schema ? nulls.required : []);
  });
  // After the walk, so that the single-typed branches it writes are not widened again.
  forEachObject(schema, (node) => {
    if (Array.isArray(node.enum)) splitMixedEnum(node);
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
export function loosenResponses(input, options = {}) {
  const doc = clone(input);
  const schemas = doc.components?.schemas ?? {};
  // Optional response fields may come as null, string codes as numbers and dates in the account's
  // display format, where the caller says the server sends them so.
  const composers = options.nullOptional ? requiredByComposers(doc) : undefined;
  const dates = !!options.accountDates;
  const numericCodes = !!options.numericCodes;
  const optionsFor = (name) => ({
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
  const changesWhenWidened = (name) => {
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
  const renameRef = (ref) => {
    if (!ref.startsWith(SCHEMA_PREFIX)) return undefined;
    const name = ref.slice(SCHEMA_PREFIX.length);
    return sharedSet.has(name) ? `${SCHEMA_PREFIX}${name}${RECORD_SUFFIX}` : undefined;
  };

  for (const name of shared) {
    const copy = clone(schemas[name]);
    widenDeep(copy, renameRef, optionsFor(name));
    copy["x-derived-from"] = `${SCHEMA_PREFIX}${name}`;
    schemas[`${name}${RECORD_SUFFIX}`] = copy;
  }
  for (const name of responseSide) {
    if (!requestSide.has(name)) widenDeep(schemas[name], renameRef, optionsFor(name));
  }
  // Inline schemas inside responses (envelopes written in the path files).
  const { responseParts: parts } = sides(doc);
  const done = new Set();
  for (const response of parts) {
    if (done.has(response)) continue;
    done.add(response);
    for (const media of Object.values(response.content ?? {})) {
      if (media.schema)
        widenDeep(media.schema, renameRef, { nulls: composers && { required: [] }, dates, numericCodes });
    }
    for (const header of Object.values(response.headers ?? {})) {
      if (header.schema) widenDeep(header.schema, renameRef);
    }
  }
  return doc;
}

/**
 * The mock serves both `/api2/clients.json` and `/api2/clients`, because real integrations
 * call both. Each `.json` path gets a suffix-less twin that points at the same operations.
 */
export function addSuffixlessAliases(input) {
  const doc = clone(input);
  const aliases = {};
  for (const [pathKey, item] of Object.entries(doc.paths ?? {})) {
    if (!pathKey.endsWith(".json")) continue;
    const alias = pathKey.slice(0, -".json".length);
    if (doc.paths[alias]) throw new Error(`Cannot alias ${pathKey}: ${alias} is already a path.`);
    const twin = clone(item);
    for (const method of HTTP_METHODS) {
      if (twin[method]?.operationId) twin[method].operationId = `${twin[method].operationId}WithoutSuffix`;
    }
    twin["x-alias-of"] = pathKey;
    aliases[alias] = twin;
  }
  doc.paths = { ...aliases, ...doc.paths };
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
export function orderPathsForRouting(input) {
  const doc = clone(input);
  doc.paths = Object.fromEntries(
    Object.entries(doc.paths ?? {}).sort(([a], [b]) => templateSpecificity(a) - templateSpecificity(b)),
  );
  return doc;
}

/** Names of properties that some schema requires while composing `name` with allOf. */
export function requiredByComposers(doc) {
  const required = new Map();
  forEachObject(doc, (node) => {
    if (!Array.isArray(node.allOf) || !Array.isArray(node.required)) return;
    for (const branch of node.allOf) {
      if (typeof branch?.$ref !== "string") continue;
      const set = required.get(branch.$ref) ?? new Set();
      node.required.forEach((n) => set.add(n));
      required.set(branch.$ref, set);
    }
  });
  return required;
}

export const internals = { widenNode, reachable: reachableSchemas };
