// Pure transforms applied to a bundled OpenAPI document. No I/O here, so each is unit-tested.

import { declaredOperators, FILTER_OPERATORS } from "./query.mjs";
import { deref, forEachObject, HTTP_METHODS, jsonExamples, operationsOf, templateSpecificity } from "./walker.mjs";

export { HTTP_METHODS };

const SCHEMA_PREFIX = "#/components/schemas/";
const RECORD_SUFFIX = "Record";

const clone = (value) => structuredClone(value);
const asArray = (type) => (type === undefined ? [] : Array.isArray(type) ? type : [type]);

function schemaRefsIn(value) {
  const names = new Set();
  forEachObject(value, (node) => {
    if (typeof node.$ref === "string" && node.$ref.startsWith(SCHEMA_PREFIX)) {
      names.add(node.$ref.slice(SCHEMA_PREFIX.length));
    }
  });
  return names;
}

/** Component schema names reachable from `roots`, following schema refs transitively. */
function reachable(doc, roots) {
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
const isNumericCode = (value) => typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value;

/** The list with `last` (null, or the type "null") moved to its end, so that generated types read `... | null`. */
const moveLast = (list, last) => (list.includes(last) ? [...list.filter((v) => v !== last), last] : list);

/**
 * Widens one schema node (not its children) the way the live server bends types in responses:
 * numbers may come as numeric strings, booleans as 0/1 or "0"/"1". With `numericCodes` (the
 * document opts into "flag-numbers"), a string enum or const of numeric codes (`["0", "1"]`) may
 * also come as the numbers themselves; a string enum of words is left alone.
 */
function widenNode(node, { numericCodes = false } = {}) {
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
  if (codes.length && !isInteger && !isNumber) added.add(codes.every((v) => Number.isInteger(Number(v))) ? "integer" : "number");

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

const jsonTypeOf = (v) => (v === null ? "null" : typeof v === "boolean" ? "boolean" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : "string");

/**
 * An enum mixing JSON types (`[1, 2, "1", "2", null]`) is valid JSON Schema, but generators that
 * turn enums into named constants (orval) give `1` and `"1"` the same key, and they merge the
 * enums of `anyOf` branches into one constant object too. The same set of values is written as
 * `anyOf` of one typed `const` per value (`{type: integer, const: 1}`, `{type: string, const: "1"}`,
 * ..., `{type: "null"}`), which openapi-typescript, orval and hey-api all read as the literal union
 * `1 | 2 | "1" | "2" | null`; the node keeps its annotations (description, readOnly, ...).
 */
const ANNOTATION = /^(description|title|readOnly|writeOnly|deprecated|x-.*)$/;
const isConstLeaf = (v) => v !== null && typeof v === "object" && typeof v.type === "string" && Object.keys(v).every((k) => k === "type" || k === "const") && (v.const !== undefined || v.type === "null");

/** The typed consts a union of them holds, through nested anyOf with annotations only; else undefined. */
function constLeaves(node, top = true) {
  if (isConstLeaf(node)) return [node];
  if (!Array.isArray(node?.anyOf) || (!top && Object.keys(node).some((k) => k !== "anyOf" && !ANNOTATION.test(k)))) return undefined;
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
    const key = type === "integer" && asArray(node.type).includes("number") && !asArray(node.type).includes("integer") ? "number" : type;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(v);
  }
  if (groups.size < 2 || node.anyOf !== undefined) return;
  node.anyOf = [...groups].flatMap(([type, values]) => (type === "null" ? [{ type: "null" }] : values.map((value) => ({ type, const: value }))));
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
function nullOptional(node, required = []) {
  if (!node.properties || typeof node.properties !== "object") return;
  const keep = new Set([...(node.required ?? []), ...required]);
  for (const [key, prop] of Object.entries(node.properties)) if (!keep.has(key) && prop && typeof prop === "object") node.properties[key] = makeNullable(prop);
}

// Dates in the account's display format (rule "account-dates"): day or month first, with "/", "-"
// or "." between the parts, optionally followed by a time.
const DISPLAY_DATE = "(?:\\d{2}/\\d{2}/\\d{4}|\\d{2}-\\d{2}-\\d{4}|\\d{2}\\.\\d{2}\\.\\d{4})(?: \\d{2}:\\d{2}(?::\\d{2})?)?";
const DISPLAY_FORMS = ["DD/MM/YYYY", "MM/DD/YYYY", "DD-MM-YYYY", "DD.MM.YYYY"].map((form) => `${form}[ HH:MM[:SS]]`);
const ISO_DATE_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}/;
const ISO_FORMS = { "\\d{4}-\\d{2}-\\d{2}": "YYYY-MM-DD", "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}": "YYYY-MM-DD HH:MM:SS" };
const ACCOUNT_DATE_NOTE = "A response may also give it in the account's display format, day or month first (`15/06/2026`, `06/15/2026`, `15-06-2026`, `15.06.2026`), optionally with a time (`14:32`).";
const ACCOUNT_DATE_ASSUMPTION =
  "That responses may use the account's display date format (Site Info's date_format: day or month first, with /, - or . between the parts, optionally with a time) rests on evidence, not on the docs for this field: the vendor's own examples write requisition, booking and v2 dates as dd/mm/yyyy, and a live-account note (hellye-star/daftra-pdf-generator) reads estimate dates day first.";

/**
 * A response date that the server may format per account: a `format: date` string, or one whose
 * pattern admits only the ISO form (`^\d{4}-\d{2}-\d{2}...`), also takes the display forms, with
 * `x-date-formats` listing what it takes. A pattern that already admits a display form (`dd/mm/yyyy`)
 * says how the field is written and is kept, and so is any enum or const.
 */
function acceptAccountDate(node) {
  if (!asArray(node.type).includes("string") || node.enum !== undefined || node.const !== undefined || node["x-date-formats"]) return;
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
  node["x-assumption"] = node["x-assumption"] ? `${node["x-assumption"]} ${ACCOUNT_DATE_ASSUMPTION}` : ACCOUNT_DATE_ASSUMPTION;
  node["x-assumption-kind"] ??= "inference";
}

/**
 * Widens a response-side schema in place; with `nulls` (the document opts into "null-optional"),
 * its optional properties may also be null, as the server sends them, with `dates` (it opts
 * into "account-dates") its dates may come in the account's display format, and with
 * `numericCodes` ("flag-numbers") its string enums of numeric codes may come as numbers.
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
 */
export function loosenResponses(input) {
  const doc = clone(input);
  const schemas = doc.components?.schemas ?? {};
  const rules = new Set(doc["x-mock-coercions"] ?? []);
  // Optional response fields may come as null, string codes as numbers and dates in the account's
  // display format, where the document says the server sends them so.
  const composers = rules.has("null-optional") ? requiredByComposers(doc) : undefined;
  const dates = rules.has("account-dates");
  const numericCodes = rules.has("flag-numbers");
  const optionsFor = (name) => ({ nulls: composers && { required: [...(composers.get(`${SCHEMA_PREFIX}${name}`) ?? [])] }, dates, numericCodes });
  const { requestParts, responseParts } = sides(doc);
  const requestSide = reachable(doc, requestParts.flatMap((p) => [...schemaRefsIn(p)]));
  const responseSide = reachable(doc, responseParts.flatMap((p) => [...schemaRefsIn(p)]));

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
      if (media.schema) widenDeep(media.schema, renameRef, { nulls: composers && { required: [] }, dates, numericCodes });
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
  doc.paths = Object.fromEntries(Object.entries(doc.paths ?? {}).sort(([a], [b]) => templateSpecificity(a) - templateSpecificity(b)));
  return doc;
}

/**
 * How a live server bends values, as rules a description opts into with the root extension
 * `x-mock-coercions` (a list of rule names). Request rules are applied to the mock's bundle only:
 * the published description and the client's request types stay strict. Response rules
 * (`null-optional`, `account-dates`) are applied by `loosenResponses` to the published responses.
 * Each rule says where the evidence comes from.
 */
export const MOCK_COERCIONS = {
  "numeric-strings":
    "Numbers and integers also as numeric strings (`\"123\"`, `\"10.00\"`): PHP compares and stores them alike, and shop integrations send form-style strings.",
  "flag-numbers":
    "Booleans also as 0/1 and \"0\"/\"1\", and numeric enums also as their strings: PHP's loose comparison. Applied to the published responses too, and there in both directions: a string enum or const of numeric codes (`[\"0\", \"1\"]`) also takes the numbers. The docs type some codes as integers and others as strings, and the server sends numbers as strings (see numeric-strings), so the documented type of a code says little about the JSON type it arrives in; this direction is an assumption, not yet seen in traffic. Enums of words are left as they are.",
  "null-optional":
    "An optional field may be null (`\"city\": null`): the server treats null as absent in requests and sends null for unset fields in responses. A field required anywhere stays non-null in requests. Applied to the published responses too (their types admit null).",
  "date-only": "A `YYYY-MM-DD HH:MM:SS` value may be sent as its date alone: the server's date parser fills in midnight.",
  "numbers-for-strings":
    "A free-text field (a string with no format, pattern or enum) may be sent as a JSON number: PHP stores it as its text. Seen in spec/daftra/corpus: zkriahac/daftra-magento2-product-invoice-integration sends a client's `client_number` and `password` and a product's `product_code` as numbers, daftra/woocommerce-plugin an order id as a custom field's `value`.",
  "account-dates":
    "Responses only: a date (`format: date`, or a pattern admitting only `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`) may come in the account's display format, day or month first with `/`, `-` or `.` and an optional `HH:MM[:SS]`; the response copy lists the forms in `x-date-formats` and says why in `x-assumption`. Evidence, not docs: the vendor's examples write requisition (`09/11/2025 14:32`), booking (`28/09/2025`) and v2 workflow, credit and debit-note dates (`01/06/2026`) in that format, Site Info exposes the account's `date_format`, and hellye-star/daftra-pdf-generator (CLAUDE_CONTEXT.md, notes taken against a live account) parses an estimate's `date` as DD/MM/YYYY. Requests stay ISO; a field whose pattern already admits `dd/mm/yyyy` is left as it is.",
  "empty-optional":
    "An optional field may be sent as an empty string: the server's validation skips empty values and stores nothing. Seen in spec/daftra/corpus: daftra/woocommerce-plugin, the vendor's own plugin, creates its walk-in client with `email: \"\"`.",
};

const DATE_TIME_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}[ T]/;

/** A free-text string schema (no format, pattern, enum or const) also admits numbers. */
function acceptNumberForString(node) {
  const types = asArray(node.type);
  if (!types.includes("string") || types.includes("number") || types.includes("integer")) return;
  if (node.format !== undefined || node.pattern !== undefined || node.enum !== undefined || node.const !== undefined) return;
  node.type = [...types, "number"];
}

/** Whether a property schema already admits "" (any string, unconstrained). */
function admitsEmptyString(prop) {
  const types = asArray(prop.type);
  return types.includes("string") && prop.format === undefined && prop.pattern === undefined && prop.enum === undefined && prop.const === undefined && !(prop.minLength > 0);
}

/** Lets the optional properties of an object schema be ""; `required` adds names that stay as they are. */
function emptyOptional(node, required = []) {
  if (!node.properties || typeof node.properties !== "object") return;
  const keep = new Set([...(node.required ?? []), ...required]);
  for (const [key, prop] of Object.entries(node.properties)) {
    if (keep.has(key) || !prop || typeof prop !== "object" || admitsEmptyString(prop)) continue;
    node.properties[key] = { anyOf: [prop, { const: "" }] };
  }
}

/** Names of properties that some schema requires while composing `name` with allOf. */
function requiredByComposers(doc) {
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

/**
 * The mock's copy of a bundle, with the request bodies (and every schema they reach) widened
 * by the coercion rules the document opts into (`x-mock-coercions`). A
 * value that is really wrong (`"abc"` for a number, an e-mail without `@`) is still refused,
 * and required fields stay required.
 */
export function coerceRequestsForMock(input) {
  const doc = clone(input);
  // A schema marked `x-mock-accepts-unknown` (the reason in its value) lists what clients send,
  // but the server ignores other fields rather than refusing them (OAuth token requests,
  // RFC 6749 §3.2): the mock accepts them too.
  forEachObject(doc.components?.schemas, (node) => {
    if (node["x-mock-accepts-unknown"] && node.additionalProperties === false) delete node.additionalProperties;
  });
  const rules = new Set(doc["x-mock-coercions"] ?? []);
  for (const rule of rules) if (!(rule in MOCK_COERCIONS)) throw new Error(`Unknown x-mock-coercions rule "${rule}". Known: ${Object.keys(MOCK_COERCIONS).join(", ")}.`);
  if (!rules.size) return doc;
  // Request bodies only: parameters arrive as strings anyway and Prism converts them itself, so
  // widening them would only let out-of-range values (`limit=5000`) through as strings.
  const requestParts = operationsOf(doc).flatMap(({ requestBody }) => (requestBody ? [requestBody] : []));
  const schemas = doc.components?.schemas ?? {};
  const names = reachable(doc, requestParts.flatMap((p) => [...schemaRefsIn(p)]));
  const composers = requiredByComposers(doc);
  const visit = (node, ref) => {
    if (rules.has("numeric-strings") || rules.has("flag-numbers")) {
      const types = asArray(node.type);
      const numeric = types.includes("integer") || types.includes("number");
      if ((numeric && rules.has("numeric-strings")) || (types.includes("boolean") && rules.has("flag-numbers"))) widenNode(node);
    }
    if (rules.has("date-only") && typeof node.pattern === "string" && DATE_TIME_PATTERN.test(node.pattern)) {
      node.pattern = `^(?:${node.pattern.replace(/^\^|\$$/g, "")}|\\d{4}-\\d{2}-\\d{2})$`;
    }
    if (rules.has("numbers-for-strings")) acceptNumberForString(node);
    if (rules.has("null-optional")) nullOptional(node, [...(composers.get(ref) ?? [])]);
    if (rules.has("empty-optional")) emptyOptional(node, [...(composers.get(ref) ?? [])]);
  };
  for (const name of names) forEachObject(schemas[name], (node) => visit(node, node === schemas[name] ? `${SCHEMA_PREFIX}${name}` : undefined));
  for (const part of requestParts) forEachObject(part, (node) => visit(node, undefined));
  return doc;
}

/*
 * The mock's stateful mode needs to know, for each resource, which operation creates, reads,
 * lists, updates and deletes its records, where the id is and how records are wrapped. That is
 * derived here from the document, once, and written on each operation as `x-mock-resource`
 * (the mock bundle only), so the mock itself has no per-resource code.
 */

export const MOCK_RESOURCE = "x-mock-resource";
export const MOCK_RESOURCE_ACTIONS = ["create", "read", "list", "update", "delete"];

const TEMPLATE_SEGMENT = /^\{([^}]+)\}$/;
// A whole path segment naming a record: `{id}`, `{bookingId}`, `{visitor_id}`.
const ID_PARAM = /^(id|.+Id|.+_id)$/;
const ITEM_ACTIONS = { get: "read", put: "update", patch: "update", delete: "delete" };
const COLLECTION_ACTIONS = { get: "list", post: "create" };

/** Paging fields by their usual names (Daftra v1's `pagination` block, Laravel's paginator). */
const PAGING_FIELDS = {
  page: ["page", "current_page", "currentpage"],
  pageCount: ["page_count", "last_page", "total_pages", "pagecount", "lastpage", "totalpages"],
  total: ["total", "total_results", "total_count", "totalresults", "totalcount"],
  size: ["per_page", "page_size", "perpage", "pagesize"],
  from: ["from"],
  to: ["to"],
  next: ["next", "next_page_url", "nextpageurl"],
  prev: ["prev", "previous", "prev_page_url", "prevpageurl"],
  first: ["first_page_url", "firstpageurl"],
  last: ["last_page_url", "lastpageurl"],
  path: ["path"],
  links: ["links"],
};
const PAGE_PARAM = /^page$/i;
const SIZE_PARAM = /^(limit|per_page|perPage|page_size|pageSize)$/;

const normName = (name) => String(name).toLowerCase().replace(/[^a-z0-9]/g, "");
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isScalar = (v) => typeof v === "string" || typeof v === "number";
const toPointer = (segments) => segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
const valueAt = (value, segments) => segments.reduce((node, key) => (node !== null && typeof node === "object" ? node[key] : undefined), value);

/** The collection a path belongs to and what the method does there, from the path's shape alone. */
function pathRole({ path, method }) {
  const segments = path.replace(/\.json$/, "").replace(/\/+$/, "").split("/");
  const idAt = segments.findLastIndex((s) => ID_PARAM.test(TEMPLATE_SEGMENT.exec(s)?.[1] ?? ""));
  if (idAt >= 0) {
    // Only template segments may follow the id (Daftra v2's `{level}`); a literal one names an action on the record.
    if (!segments.slice(idAt + 1).every((s) => TEMPLATE_SEGMENT.test(s))) return undefined;
    const action = ITEM_ACTIONS[method];
    return action && { resource: segments.slice(0, idAt).join("/"), action, idParam: TEMPLATE_SEGMENT.exec(segments[idAt])[1] };
  }
  let end = segments.length;
  while (end > 1 && TEMPLATE_SEGMENT.test(segments[end - 1])) end--;
  const action = COLLECTION_ACTIONS[method];
  return action && { resource: segments.slice(0, end).join("/"), action };
}

/** The last whole-segment path parameter that names a record, for a written read, update or delete. */
function idParamOf(path) {
  return path
    .split("/")
    .map((s) => TEMPLATE_SEGMENT.exec(s.replace(/\.json$/, ""))?.[1])
    .findLast((name) => name && ID_PARAM.test(name));
}

/** The lowest 2xx response of an operation, with its JSON examples as [name | undefined, value]. */
function successExamples(doc, op) {
  const status = Object.keys(op.responses ?? {})
    .filter((code) => /^2\d\d$/.test(code))
    .sort()[0];
  return status ? { status, examples: jsonExamples(doc, op.responses[status]) } : { status: undefined, examples: [] };
}

/** A body with its top-level wrappers renamed (`{FollowUpReminder: {...}}` -> `{ClientAppointment: {...}}`). */
export function rewrap(body, wrappers) {
  if (!wrappers || !isObject(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [wrappers[key] ?? key, value]));
}

/** The first example of a request body's documented (first) media type. */
function bodyExample(entry) {
  const media = entry.requestBody?.content?.[entry.requestMediaType];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  return Object.values(media.examples ?? {})[0]?.value;
}

/** The shallowest key path in `value` whose key `accepts` and whose value is a string or a number. */
function findKey(value, accepts) {
  for (let level = [[[], value]]; level.length; ) {
    const next = [];
    for (const [at, node] of level) {
      if (node === null || typeof node !== "object") continue;
      if (!Array.isArray(node)) {
        const hit = Object.entries(node).find(([key, v]) => accepts(key) && isScalar(v));
        if (hit) return [...at, hit[0]];
      }
      for (const [key, v] of Object.entries(node)) next.push([[...at, key], v]);
    }
    level = next;
  }
  return undefined;
}

/** The first example (of a response's examples) with an id field, and where it is: the field named like the id parameter first, then `id`. */
function findId(examples, names) {
  for (const name of names) {
    for (const [example, value] of examples) {
      const at = findKey(value, (key) => normName(key) === normName(name));
      if (at) return { example, at };
    }
  }
  return undefined;
}

/** The shallowest array in `value` whose first item holds a scalar at `idField`. */
function findItems(value, idField) {
  for (let level = [[[], value]]; level.length; ) {
    const next = [];
    for (const [at, node] of level) {
      if (node === null || typeof node !== "object") continue;
      if (Array.isArray(node) && node.length && isScalar(valueAt(node[0], idField))) return at;
      if (!Array.isArray(node)) for (const [key, v] of Object.entries(node)) next.push([[...at, key], v]);
    }
    level = next;
  }
  return undefined;
}

/** The documented answer for a record that does not exist: an example named so, one that says so, or a 404. */
function notFoundOf(doc, op) {
  let best;
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    if (!/^\d{3}$/.test(status)) continue;
    for (const [example, value] of jsonExamples(doc, response)) {
      const named = /not_?found/i.test(example ?? "");
      if (Number(status) < 400 && !named) continue;
      const score = (named ? 4 : 0) + (/not found|does not exist/i.test(JSON.stringify(value)) ? 2 : 0) + (status === "404" ? 1 : 0);
      if (score && (!best || score > best.score)) best = { score, answer: { status, ...(example ? { example } : {}) } };
    }
  }
  return best?.answer;
}

/** How a list pages: its page and size parameters and the paging fields of its answer. */
function pagingOf(entry, example, items) {
  const page = entry.parameters.find((p) => p.in === "query" && PAGE_PARAM.test(p.name));
  const size = entry.parameters.find((p) => p.in === "query" && SIZE_PARAM.test(p.name));
  const fields = {};
  const walk = (node, at) => {
    for (const [key, value] of Object.entries(node)) {
      const here = [...at, key];
      if (JSON.stringify(here) === JSON.stringify(items)) continue;
      const role = Object.keys(PAGING_FIELDS).find((r) => PAGING_FIELDS[r].includes(key.toLowerCase()));
      if (role) fields[toPointer(here)] = role;
      else if (isObject(value)) walk(value, here);
    }
  };
  if (isObject(example)) walk(example, []);
  if (!page && !Object.keys(fields).length) return undefined;
  const sizeField = Object.entries(fields).find(([, role]) => role === "size")?.[0];
  const defaultSize = size?.schema?.default ?? (sizeField ? valueAt(example, sizeField.split("/").slice(1)) : undefined) ?? 20;
  return { ...(page ? { page: page.name } : {}), ...(size ? { size: size.name } : {}), defaultSize: Number(defaultSize) || 20, fields };
}

/**
 * A list's filter and sort parameters, as its parameters mark them: `x-mock-filter: all` (every
 * condition must hold) or `any` (one must), `x-mock-sort: true`. A filter whose schema declares
 * an operator the grammar does not know (@mizan/openapi-tools/query) is an error.
 */
function queryRolesOf(doc, entry) {
  const filters = [];
  let sort;
  for (const p of entry.parameters) {
    const match = p["x-mock-filter"];
    if (match !== undefined) {
      if (match !== "all" && match !== "any") throw new Error(`${entry.key}: parameter ${p.name}: x-mock-filter must be "all" or "any".`);
      const unknown = declaredOperators(doc, p.schema).filter((name) => !(name in FILTER_OPERATORS));
      if (unknown.length) throw new Error(`${entry.key}: parameter ${p.name} declares filter operators the mock does not know: ${unknown.join(", ")} (known: ${Object.keys(FILTER_OPERATORS).join(", ")}).`);
      filters.push({ param: p.name, match });
    }
    if (p["x-mock-sort"] === true) sort = p.name;
  }
  return filters.length || sort ? { filters, ...(sort ? { sort } : {}) } : undefined;
}

/** A family's operations completed into their `x-mock-resource` extensions, or the reason it cannot be. */
function completeFamily(doc, resource, family) {
  const { read, list, create, update } = family;
  if (!read) return { reason: "it has no read operation (a GET of one record by its id)" };
  const readAnswer = successExamples(doc, read.entry.op);
  const idNames = [...new Set([read.idParam, "id"])];
  const found = findId(readAnswer.examples, idNames);
  if (!found) return { reason: `the read operation's answer has no example with an id field (${idNames.join(" or ")})` };
  const readExample = readAnswer.examples.find(([name]) => name === found.example)[1];
  const idKey = found.at.at(-1);
  const parents = found.at.slice(0, -1);
  // Request bodies as the records read them: a body may wrap its record under another name (`wrappers`).
  const bodies = [create, update].filter(Boolean).map((member) => rewrap(bodyExample(member.entry), member.wrappers));
  const listAnswer = list && successExamples(doc, list.entry.op);
  // Where a record sits in the read answer (`/data` for Daftra v1, whose bodies wrap it as
  // {"Client": {...}}, the root for v2): the deepest level whose keys the request bodies share
  // and whose id field the list's items hold too.
  for (let depth = parents.length; depth >= 0; depth--) {
    const record = parents.slice(0, depth);
    const idField = [...parents.slice(depth), idKey];
    const recordValue = valueAt(readExample, record);
    if (!isObject(recordValue) || !bodies.every((body) => isObject(body) && Object.keys(body).some((key) => key in recordValue))) continue;
    let items;
    if (list) {
      items = listAnswer.examples.map(([example, value]) => ({ example, at: findItems(value, idField), value })).find((hit) => hit.at);
      if (!items) continue;
    }
    const base = { resource, idField: toPointer(idField) };
    const answer = (status, example) => ({ status, ...(example ? { example } : {}) });
    const out = new Map();
    out.set(read.entry, { ...base, action: "read", idParam: read.idParam, answer: answer(readAnswer.status, found.example), record: toPointer(record), notFound: notFoundOf(doc, read.entry.op) });
    if (list) {
      const query = queryRolesOf(doc, list.entry);
      out.set(list.entry, { ...base, action: "list", answer: answer(listAnswer.status, items.example), items: toPointer(items.at), paging: pagingOf(list.entry, items.value, items.at), ...(query ? { query } : {}) });
    }
    const answerNames = [...new Set([idKey, read.idParam, "id"])];
    for (const member of [create, update, family.delete]) {
      if (!member) continue;
      const { status, examples } = successExamples(doc, member.entry.op);
      const withId = member.action === "delete" ? undefined : findId(examples, answerNames);
      if (member.action === "create" && !withId) {
        if (member.written) return { reason: `${member.entry.key} documents no answer with the new id (${answerNames.join(" or ")})` };
        continue;
      }
      out.set(member.entry, {
        ...base,
        action: member.action,
        ...(member.idParam ? { idParam: member.idParam } : {}),
        answer: answer(status, withId?.example ?? examples[0]?.[0]),
        ...(withId ? { answerId: toPointer(withId.at) } : {}),
        ...(member.wrappers ? { wrappers: member.wrappers } : {}),
        ...(member.action === "create" ? {} : { notFound: notFoundOf(doc, member.entry.op) }),
      });
    }
    // A read alone keeps nothing worth remembering.
    if (out.size < 2) return { reason: "it has no list, create, update or delete operation" };
    return { extensions: out };
  }
  return { reason: "no level of the read answer matches both the request bodies and the list items" };
}

/**
 * The mock's copy of a bundle with `x-mock-resource` on every operation of a resource, for the
 * mock's stateful mode. Operations are grouped by path: a collection (`/api2/clients.json`,
 * `/v2/api/entity/brand`) with POST = create and GET = list, its item path (`.../{id}`, trailing
 * template segments such as `{level}` allowed) with GET = read, PUT/PATCH = update and
 * DELETE = delete. A list or create on a sub-path (`/brand/list/{level}`, `/bookings/add`)
 * joins the nearest enclosing collection that has a read and no operation of that kind yet.
 * From the examples it then finds the id field, where a record sits in each answer, the list's
 * items and paging fields, and the documented not-found answer.
 *
 * Where the paths do not say it, a source description writes `x-mock-resource:
 * {resource, action}` on the operation (the rest is derived the same way), or `false` to leave
 * an operation out. A written annotation that cannot be completed is an error.
 */
export function markMockResources(input) {
  const doc = clone(input);
  const families = new Map();
  const family = (resource) => families.get(resource) ?? families.set(resource, {}).get(resource);
  const joinLater = [];
  for (const entry of operationsOf(doc)) {
    const written = entry.op[MOCK_RESOURCE];
    delete entry.op[MOCK_RESOURCE];
    if (written === false) continue;
    if (written !== undefined) {
      if (!isObject(written) || typeof written.resource !== "string" || !MOCK_RESOURCE_ACTIONS.includes(written.action)) {
        throw new Error(`${entry.key}: ${MOCK_RESOURCE} must be false or {resource: <name>, action: ${MOCK_RESOURCE_ACTIONS.join(" | ")}}.`);
      }
      const { wrappers } = written;
      if (wrappers !== undefined && (!["create", "update"].includes(written.action) || !isObject(wrappers) || !Object.values(wrappers).every((v) => typeof v === "string" && v))) {
        throw new Error(`${entry.key}: ${MOCK_RESOURCE}.wrappers maps a request body's wrapper to the record's ({FollowUpReminder: ClientAppointment}), on a create or update only.`);
      }
      const idParam = ["read", "update", "delete"].includes(written.action) ? (written.idParam ?? idParamOf(entry.path)) : undefined;
      if (idParam === undefined && ["read", "update", "delete"].includes(written.action)) throw new Error(`${entry.key}: ${MOCK_RESOURCE} says ${written.action}, but the path has no id parameter.`);
      const members = family(written.resource);
      if (members[written.action]?.written) throw new Error(`${entry.key}: ${written.resource} already has a ${written.action} operation (${members[written.action].entry.key}).`);
      members[written.action] = { entry, action: written.action, idParam, written: true, ...(wrappers ? { wrappers } : {}) };
      continue;
    }
    const role = pathRole(entry);
    if (!role) continue;
    const members = family(role.resource);
    members[role.action] ??= { entry, action: role.action, idParam: role.idParam };
  }
  // A list or create whose own collection has no read joins the nearest enclosing one that has.
  for (const [resource, members] of families) {
    if (members.read) continue;
    for (const action of ["list", "create"]) if (members[action] && !members[action].written) joinLater.push({ ...members[action], resource });
  }
  for (const { entry, action, resource } of joinLater) {
    const segments = resource.split("/");
    for (let end = segments.length - 1; end > 1; end--) {
      const members = families.get(segments.slice(0, end).join("/"));
      if (!members?.read) continue;
      if (!members[action]) members[action] = { entry, action };
      break;
    }
  }
  for (const [resource, members] of families) {
    const written = Object.values(members).filter((m) => m.written);
    const { extensions, reason } = completeFamily(doc, resource, members);
    if (extensions) for (const [entry, extension] of extensions) entry.op[MOCK_RESOURCE] = extension;
    if (!extensions && written.length) throw new Error(`${written[0].entry.key}: ${MOCK_RESOURCE} "${resource}" cannot be completed: ${reason}.`);
  }
  return doc;
}

export const internals = { widenNode, reachable, pathRole };
