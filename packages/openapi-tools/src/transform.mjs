// Pure transforms applied to a bundled OpenAPI document. No I/O here, so each is unit-tested.

import { deref, forEachObject, HTTP_METHODS, operationsOf, templateSpecificity } from "./walker.mjs";

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

/**
 * Widens one schema node (not its children) the way the live server bends types in responses:
 * numbers may come as numeric strings, booleans as 0/1 or "0"/"1".
 */
function widenNode(node) {
  const types = asArray(node.type);
  const isInteger = types.includes("integer");
  const isNumber = types.includes("number");
  const isBoolean = types.includes("boolean");
  if (!isInteger && !isNumber && !isBoolean) return;

  const added = new Set(types);
  if (isInteger || isNumber) added.add("string");
  if (isBoolean) {
    added.add("integer");
    added.add("string");
  }

  const values = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
  if (values) {
    const widened = [...values];
    for (const v of values) {
      if (typeof v === "number" && !widened.includes(String(v))) widened.push(String(v));
      if (typeof v === "boolean") {
        for (const alt of [v ? 1 : 0, v ? "1" : "0"]) if (!widened.includes(alt)) widened.push(alt);
      }
    }
    delete node.const;
    node.enum = widened;
  } else if (isBoolean) {
    node.enum = [true, false, 0, 1, "0", "1", ...(types.includes("null") ? [null] : [])];
  } else if (node.pattern === undefined && !types.includes("string")) {
    node.pattern = isNumber ? NUMERIC_STRING : INTEGER_STRING;
  }
  node.type = [...added];
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

/**
 * Widens a response-side schema in place; with `nulls` (the document opts into
 * "null-optional"), its optional properties may also be null, as the server sends them.
 */
function widenDeep(schema, renameRef, nulls) {
  forEachObject(schema, (node) => {
    if (typeof node.$ref === "string") {
      const renamed = renameRef(node.$ref);
      if (renamed) node.$ref = renamed;
    }
    // Only nodes that describe a value carry `type`; property maps never do.
    if ("type" in node || "const" in node) widenNode(node);
    if (nulls) nullOptional(node, node === schema ? nulls.required : []);
  });
}

/**
 * Makes every schema reachable from a response tolerant of the server's loose scalars,
 * leaving request schemas strict. A component used on both sides is copied to
 * `<Name>Record` for the response side; one used only by responses is widened in place.
 */
export function loosenResponses(input) {
  const doc = clone(input);
  const schemas = doc.components?.schemas ?? {};
  // Optional response fields may come as null where the server is known to send them so.
  const composers = (doc["x-mock-coercions"] ?? []).includes("null-optional") ? requiredByComposers(doc) : undefined;
  const nullsFor = (name) => composers && { required: [...(composers.get(`${SCHEMA_PREFIX}${name}`) ?? [])] };
  const { requestParts, responseParts } = sides(doc);
  const requestSide = reachable(doc, requestParts.flatMap((p) => [...schemaRefsIn(p)]));
  const responseSide = reachable(doc, responseParts.flatMap((p) => [...schemaRefsIn(p)]));

  // A schema used on both sides needs a response copy when widening changes it, or when it
  // refers to another schema that needs one. Iterate to a fixed point.
  const bothSides = [...responseSide].filter((name) => requestSide.has(name));
  const changesWhenWidened = (name) => {
    const copy = clone(schemas[name]);
    widenDeep(copy, () => undefined, nullsFor(name));
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
    widenDeep(copy, renameRef, nullsFor(name));
    copy["x-derived-from"] = `${SCHEMA_PREFIX}${name}`;
    schemas[`${name}${RECORD_SUFFIX}`] = copy;
  }
  for (const name of responseSide) {
    if (!requestSide.has(name)) widenDeep(schemas[name], renameRef, nullsFor(name));
  }
  // Inline schemas inside responses (envelopes written in the path files).
  const { responseParts: parts } = sides(doc);
  const done = new Set();
  for (const response of parts) {
    if (done.has(response)) continue;
    done.add(response);
    for (const media of Object.values(response.content ?? {})) {
      if (media.schema) widenDeep(media.schema, renameRef, composers && { required: [] });
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
 * How a live server bends request values, as rules a description opts into with the root
 * extension `x-mock-coercions` (a list of rule names). The mock applies them to its own bundle
 * only: the published description and the client's request types stay strict. Each rule says
 * where the evidence comes from.
 */
export const MOCK_COERCIONS = {
  "numeric-strings":
    "Numbers and integers also as numeric strings (`\"123\"`, `\"10.00\"`): PHP compares and stores them alike, and shop integrations send form-style strings.",
  "flag-numbers": "Booleans also as 0/1 and \"0\"/\"1\", and numeric enums also as their strings: PHP's loose comparison.",
  "null-optional":
    "An optional field may be null (`\"city\": null`): the server treats null as absent in requests and sends null for unset fields in responses. A field required anywhere stays non-null in requests. Applied to the published responses too (their types admit null).",
  "date-only": "A `YYYY-MM-DD HH:MM:SS` value may be sent as its date alone: the server's date parser fills in midnight.",
  "numbers-for-strings":
    "A free-text field (a string with no format, pattern or enum) may be sent as a JSON number: PHP stores it as its text. Seen in spec/daftra/corpus: zkriahac/daftra-magento2-product-invoice-integration sends a client's `client_number` and `password` and a product's `product_code` as numbers, daftra/woocommerce-plugin an order id as a custom field's `value`.",
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

export const internals = { widenNode, reachable };
