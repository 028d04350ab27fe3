// The mock's coercion rules: how a live server bends request values, as rules a description opts
// into with the root extension `x-mock-coercions`, each with its evidence. Applied to the mock's
// bundle at bundle time (see index.ts); the response-side rules are handed to the general
// response loosening of @mizan/openapi-tools (loosenResponses) as its options.
import { forEachObject, operationsOf } from "@mizan/openapi-tools";
import {
  nullOptional,
  reachableSchemas,
  requiredByComposers,
  schemaRefsIn,
  widenNode,
  type LoosenOptions,
} from "@mizan/openapi-tools/transform";

// JSON Schema and OpenAPI nodes are walked as plain JSON of any shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

const SCHEMA_PREFIX = "#/components/schemas/";
const asArray = (type: unknown): unknown[] => (type === undefined ? [] : Array.isArray(type) ? type : [type]);

/**
 * How a live server bends values, as rules a description opts into with the root extension
 * `x-mock-coercions` (a list of rule names). Request rules are applied to the mock's bundle only:
 * the published description and the client's request types stay strict. Response rules
 * (`null-optional`, `account-dates`) are applied by `loosenResponses` to the published responses.
 * Each rule says where the evidence comes from.
 */
export const MOCK_COERCIONS = {
  "numeric-strings":
    'Numbers and integers also as numeric strings (`"123"`, `"10.00"`): PHP compares and stores them alike, and shop integrations send form-style strings.',
  "flag-numbers":
    'Booleans also as 0/1 and "0"/"1", and numeric enums also as their strings: PHP\'s loose comparison. Applied to the published responses too, and there in both directions: a string enum or const of numeric codes (`["0", "1"]`) also takes the numbers. The docs type some codes as integers and others as strings, and the server sends numbers as strings (see numeric-strings), so the documented type of a code says little about the JSON type it arrives in; this direction is an assumption, not yet seen in traffic. Enums of words are left as they are.',
  "null-optional":
    'An optional field may be null (`"city": null`): the server treats null as absent in requests and sends null for unset fields in responses. A field required anywhere stays non-null in requests. Applied to the published responses too (their types admit null).',
  "date-only":
    "A `YYYY-MM-DD HH:MM:SS` value may be sent as its date alone: the server's date parser fills in midnight.",
  "numbers-for-strings":
    "A free-text field (a string with no format, pattern or enum) may be sent as a JSON number: PHP stores it as its text. Seen in spec/daftra/corpus: zkriahac/daftra-magento2-product-invoice-integration sends a client's `client_number` and `password` and a product's `product_code` as numbers, daftra/woocommerce-plugin an order id as a custom field's `value`.",
  "account-dates":
    "Responses only: a date (`format: date`, or a pattern admitting only `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`) may come in the account's display format, day or month first with `/`, `-` or `.` and an optional `HH:MM[:SS]`; the response copy lists the forms in `x-date-formats` and says why in `x-assumption`. Evidence, not docs: the vendor's examples write requisition (`09/11/2025 14:32`), booking (`28/09/2025`) and v2 workflow, credit and debit-note dates (`01/06/2026`) in that format, Site Info exposes the account's `date_format`, and hellye-star/daftra-pdf-generator (CLAUDE_CONTEXT.md, notes taken against a live account) parses an estimate's `date` as DD/MM/YYYY. Requests stay ISO; a field whose pattern already admits `dd/mm/yyyy` is left as it is.",
  "empty-optional":
    "An optional field may be sent as an empty string: the server's validation skips empty values and stores nothing. Seen in spec/daftra/corpus: daftra/woocommerce-plugin, the vendor's own plugin, creates its walk-in client with `email: \"\"`.",
} as const;

export type MockCoercion = keyof typeof MOCK_COERCIONS;

/** The root extension that lists the rules a description opts into. */
export const MOCK_COERCIONS_EXTENSION = "x-mock-coercions";

/** The rules a document opts into; an unknown one is an error. */
export function coercionsOf(doc: Node): Set<MockCoercion> {
  const rules = new Set<string>(doc?.[MOCK_COERCIONS_EXTENSION] ?? []);
  for (const rule of rules)
    if (!(rule in MOCK_COERCIONS))
      throw new Error(
        `Unknown ${MOCK_COERCIONS_EXTENSION} rule "${rule}". Known: ${Object.keys(MOCK_COERCIONS).join(", ")}.`,
      );
  return rules as Set<MockCoercion>;
}

/** The options of the published responses' loosening (loosenResponses) that the document's rules ask for. */
export function responseLoosening(doc: Node): LoosenOptions {
  const rules = coercionsOf(doc);
  return {
    nullOptional: rules.has("null-optional"),
    accountDates: rules.has("account-dates"),
    numericCodes: rules.has("flag-numbers"),
  };
}

const DATE_TIME_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}[ T]/;

/** A free-text string schema (no format, pattern, enum or const) also admits numbers. */
function acceptNumberForString(node: Node) {
  const types = asArray(node.type);
  if (!types.includes("string") || types.includes("number") || types.includes("integer")) return;
  if (node.format !== undefined || node.pattern !== undefined || node.enum !== undefined || node.const !== undefined)
    return;
  node.type = [...types, "number"];
}

/** Whether a property schema already admits "" (any string, unconstrained). */
function admitsEmptyString(prop: Node) {
  const types = asArray(prop.type);
  return (
    types.includes("string") &&
    prop.format === undefined &&
    prop.pattern === undefined &&
    prop.enum === undefined &&
    prop.const === undefined &&
    !(prop.minLength > 0)
  );
}

/** Lets the optional properties of an object schema be ""; `required` adds names that stay as they are. */
function emptyOptional(node: Node, required: string[] = []) {
  if (!node.properties || typeof node.properties !== "object") return;
  const keep = new Set([...(node.required ?? []), ...required]);
  for (const [key, prop] of Object.entries<Node>(node.properties)) {
    if (keep.has(key) || !prop || typeof prop !== "object" || admitsEmptyString(prop)) continue;
    node.properties[key] = { anyOf: [prop, { const: "" }] };
  }
}

/**
 * The mock's copy of a bundle, with the request bodies (and every schema they reach) widened
 * by the coercion rules the document opts into (`x-mock-coercions`). A
 * value that is really wrong (`"abc"` for a number, an e-mail without `@`) is still refused,
 * and required fields stay required.
 */
export function coerceRequestsForMock<T>(input: T): T {
  const doc: Node = structuredClone(input);
  // A schema marked `x-mock-accepts-unknown` (the reason in its value) lists what clients send,
  // but the server ignores other fields rather than refusing them (OAuth token requests,
  // RFC 6749 §3.2): the mock accepts them too.
  forEachObject(doc.components?.schemas, (node: Node) => {
    if (node["x-mock-accepts-unknown"] && node.additionalProperties === false) delete node.additionalProperties;
  });
  const rules = coercionsOf(doc);
  if (!rules.size) return doc;
  // Request bodies only: parameters arrive as strings anyway and Prism converts them itself, so
  // widening them would only let out-of-range values (`limit=5000`) through as strings.
  const requestParts = operationsOf(doc).flatMap(({ requestBody }) => (requestBody ? [requestBody] : []));
  const schemas = doc.components?.schemas ?? {};
  const names = reachableSchemas(
    doc,
    requestParts.flatMap((p) => [...schemaRefsIn(p)]),
  );
  const composers = requiredByComposers(doc);
  const visit = (node: Node, ref: string | undefined) => {
    if (rules.has("numeric-strings") || rules.has("flag-numbers")) {
      const types = asArray(node.type);
      const numeric = types.includes("integer") || types.includes("number");
      if ((numeric && rules.has("numeric-strings")) || (types.includes("boolean") && rules.has("flag-numbers")))
        widenNode(node);
    }
    if (rules.has("date-only") && typeof node.pattern === "string" && DATE_TIME_PATTERN.test(node.pattern)) {
      node.pattern = `^(?:${node.pattern.replace(/^\^|\$$/g, "")}|\\d{4}-\\d{2}-\\d{2})$`;
    }
    if (rules.has("numbers-for-strings")) acceptNumberForString(node);
    if (rules.has("null-optional")) nullOptional(node, [...((ref && composers.get(ref)) ?? [])]);
    if (rules.has("empty-optional")) emptyOptional(node, [...((ref && composers.get(ref)) ?? [])]);
  };
  for (const name of names)
    forEachObject(schemas[name], (node: Node) =>
      visit(node, node === schemas[name] ? `${SCHEMA_PREFIX}${name}` : undefined),
    );
  for (const part of requestParts) forEachObject(part, (node: Node) => visit(node, undefined));
  return doc;
}
