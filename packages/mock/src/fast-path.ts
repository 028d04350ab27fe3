// The fast path: most requests a contract test sends are valid, and in static mode Prism answers
// every valid request of an operation with the same bytes (the documented example). Prism's
// request pipeline costs ~0.3 ms of CPU per request, so those requests are checked here with
// validators compiled once per operation, and answered with the answer Prism gave the first
// such request, stored once. Prism still makes every answer: it answers the first valid request
// of each operation (and Accept header), and every request this check does not clear.
//
// The check only ever says "valid, and simple enough to be sure". Anything else goes to Prism,
// which refuses or answers it as before: a doubtful value, a form body, a deepObject query key or
// a repeated single-value one, a Prefer header, a readOnly field in the body, a missing
// credential. Its validators are compiled from the served bundle with AJV (JSON Schema 2020-12).
// That is stricter than Prism's draft-07 check in places (it enforces unevaluatedProperties),
// which only sends more requests to Prism; test/fast-path.test.ts replays every operation's
// requests, variations of them and the corpus through both and compares the answers.
import type { IncomingMessage } from "node:http";
import { deref, forEachObject, pathTemplateMatcher, type OperationEntry, type SchemeInfo } from "@mizan/openapi-tools";

type Validate = ((value: unknown) => boolean) & { errors?: unknown };
type Compile = (schema: unknown) => Validate;

export interface StoredAnswer {
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
}

/** What the fast path decided for one request: a stored answer, a slot to store Prism's, or nothing (Prism's turn). */
export type FastVerdict = { answer: StoredAnswer } | { store: (answer: StoredAnswer) => void } | undefined;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema?: { type?: unknown };
}

const JSON_MEDIA = /^application\/json\s*(;.*)?$/i;
/** How many Accept headers an operation keeps answers for; more distinct ones go to Prism each time. */
const ANSWERS_PER_OPERATION = 8;

const isPrimitiveSchema = (doc: unknown, schema: unknown): boolean => {
  const resolved = deref(doc, schema) as { type?: unknown; enum?: unknown } | undefined;
  const types = resolved?.type === undefined ? [] : ([] as unknown[]).concat(resolved.type);
  return (
    types.length > 0 &&
    types.every((t) => t === "string" || t === "integer" || t === "number" || t === "boolean" || t === "null")
  );
};

/** Names of the properties marked readOnly anywhere in a schema (refs followed): Prism drops them from request schemas. */
function readOnlyNames(doc: unknown, schema: unknown): Set<string> {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    forEachObject(node, (n: Record<string, unknown>) => {
      if (typeof n.$ref === "string") visit(deref(doc, n));
      const properties = n.properties as Record<string, { readOnly?: boolean; $ref?: string }> | undefined;
      if (properties && typeof properties === "object") {
        for (const [name, prop] of Object.entries(properties)) {
          if (prop?.readOnly === true || (deref(doc, prop) as { readOnly?: boolean } | undefined)?.readOnly === true)
            names.add(name);
        }
      }
    });
  };
  visit(schema);
  return names;
}

function hasAnyKey(value: unknown, names: Set<string>): boolean {
  if (!names.size || !value || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => hasAnyKey(item, names));
  for (const [key, item] of Object.entries(value)) if (names.has(key) || hasAnyKey(item, names)) return true;
  return false;
}

/**
 * Whether the request carries every credential of one security alternative, by the rules Prism's
 * own check applies (an API key header that is not empty; `Bearer <token>` with that capital B;
 * `Basic <base64 of user:password>`). Other schemes are left to Prism.
 */
function carriesOne(req: IncomingMessage, alternatives: SchemeInfo[][]): boolean {
  if (!alternatives.length) return true;
  return alternatives.some((alternative) =>
    alternative.every((scheme) => {
      if (scheme.type === "apiKey" && scheme.in === "header") return !!req.headers[scheme.name!.toLowerCase()];
      const authorization = req.headers.authorization ?? "";
      if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "bearer")
        return /^Bearer\s.+$/.test(authorization);
      if (scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic") {
        const [kind, token] = authorization.split(" ");
        return (
          kind?.toLowerCase() === "basic" && !!token && Buffer.from(token, "base64").toString().split(":").length === 2
        );
      }
      return false;
    }),
  );
}

/**
 * The fast check of one operation, or undefined when the operation is not a candidate (header
 * parameters, a request body that is not JSON). `compileStrict` and `compileCoercing` compile
 * schemas of the served bundle, without and with type coercion (parameters arrive as text).
 */
export function fastPathOf(
  doc: unknown,
  entry: OperationEntry,
  security: SchemeInfo[][],
  compileStrict: Compile,
  compileCoercing: Compile,
): ((req: IncomingMessage, pathname: string, query: URLSearchParams, body: unknown) => FastVerdict) | undefined {
  const parameters = entry.parameters as Parameter[];
  if (parameters.some((p) => p.in !== "path" && p.in !== "query")) return undefined;
  const content = (entry.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
  const bodySchema = content?.["application/json"]?.schema;
  if (content && !bodySchema) return undefined;
  const bodyRequired = !!(entry.requestBody as { required?: boolean } | undefined)?.required;

  const objectOf = (params: Parameter[]) => ({
    type: "object",
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
    required: params.filter((p) => p.required).map((p) => p.name),
  });
  const pathParams = parameters.filter((p) => p.in === "path");
  const queryParams = parameters.filter((p) => p.in === "query");
  // Only form-style query parameters holding a primitive, or a list of them sent as repeated keys
  // (explode: true), are read here; a request using any other goes to Prism.
  const queryShape = new Map<string, "one" | "list">();
  for (const p of queryParams) {
    if ((p.style ?? "form") !== "form") continue;
    const schema = deref(doc, p.schema) as { type?: unknown; items?: unknown } | undefined;
    if (isPrimitiveSchema(doc, schema)) queryShape.set(p.name, "one");
    else if (schema?.type === "array" && p.explode === true && isPrimitiveSchema(doc, schema.items))
      queryShape.set(p.name, "list");
  }
  const matchPath = pathTemplateMatcher(entry.path);
  const validatePath = pathParams.length ? compileCoercing(objectOf(pathParams)) : undefined;
  const validateQuery = queryParams.length ? compileCoercing(objectOf(queryParams)) : undefined;
  const validateBody = bodySchema ? compileStrict(bodySchema) : undefined;
  const readOnly = bodySchema ? readOnlyNames(doc, bodySchema) : new Set<string>();
  const answers = new Map<string, StoredAnswer>();

  return (req, pathname, query, body) => {
    if (!carriesOne(req, security)) return undefined;
    if (validatePath && !validatePath(matchPath(pathname) ?? {})) return undefined;
    if (validateQuery) {
      const values: Record<string, string | string[]> = {};
      for (const key of query.keys()) {
        const shape = queryShape.get(key);
        if (!shape) return undefined;
        const all = query.getAll(key);
        if (shape === "list") values[key] = all;
        else if (all.length === 1) values[key] = all[0]!;
        else return undefined;
      }
      if (!validateQuery(values)) return undefined;
    } else if (query.size) {
      return undefined;
    }
    const hasBody = body !== null && body !== undefined;
    if (hasBody) {
      if (!validateBody || !JSON_MEDIA.test(req.headers["content-type"] ?? "") || hasAnyKey(body, readOnly))
        return undefined;
      // AJV may not change the body, but it is the caller's and parsed afresh per request.
      if (!validateBody(body)) return undefined;
    } else if (bodyRequired) {
      return undefined;
    }
    const accept = req.headers.accept ?? "";
    const answer = answers.get(accept);
    if (answer) return { answer };
    if (answers.size >= ANSWERS_PER_OPERATION) return undefined;
    return { store: (stored) => answers.set(accept, stored) };
  };
}
