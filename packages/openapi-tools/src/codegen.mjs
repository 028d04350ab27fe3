// Generates a client package's src/generated/ from a bundle, for every API the same way:
//   <api>.ts        types for openapi-fetch (openapi-typescript)
//   operations.ts   per-operation facts the runtime needs (public operations, list item keys)
// The CLI is bin/mizan-codegen.mjs.
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { authKindOf, branches, operationsOf } from "./walker.mjs";

// `format: binary` (uploaded photos and files) accepts a Blob as well as a string.
const BINARY = ts.factory.createUnionTypeNode([
  ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob")),
  ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
]);

export async function generateTypes(doc, banner = "") {
  // defaultNonNullable: false keeps fields with a documented default optional in requests.
  const ast = await openapiTS(doc, {
    alphabetize: false,
    rootTypes: false,
    defaultNonNullable: false,
    transform: (schema) => (schema.format === "binary" ? BINARY : undefined),
  });
  return banner + astToString(ast);
}

/**
 * For a paginated list operation, the key that wraps each item (`{"Client": {...}}` -> "Client"):
 * the 200 body has `pagination` and a `data` array whose items have one required key.
 */
export function listWrapper(doc, op) {
  const schema = op.responses?.["200"] && branches(doc, op.responses["200"]).flatMap((r) => [r.content?.["application/json"]?.schema]).find(Boolean);
  if (!schema) return undefined;
  const parts = branches(doc, schema);
  if (!parts.some((p) => p.properties?.pagination)) return undefined;
  const items = parts.flatMap((p) => (p.properties?.data ? branches(doc, p.properties.data) : [])).flatMap((d) => (d.items ? branches(doc, d.items) : []));
  const keys = [...new Set(items.flatMap((i) => i.required ?? []))];
  return keys.length === 1 ? keys[0] : undefined;
}

export function generateOperations(doc, banner = "") {
  const rows = [];
  const lists = [];
  for (const { key, path, method, op, security, requestMediaType } of operationsOf(doc)) {
    const urlencoded = requestMediaType === "application/x-www-form-urlencoded";
    rows.push({ key, operationId: op.operationId, authenticated: security.length > 0, auth: authKindOf(doc, security), urlencoded });
    const wrapper = method === "get" ? listWrapper(doc, op) : undefined;
    if (wrapper) lists.push([path, wrapper]);
  }
  const lines = rows.map(
    (r) => `  ${JSON.stringify(r.key)}: { operationId: ${JSON.stringify(r.operationId)}, authenticated: ${r.authenticated} },`,
  );
  return `${banner}
/** Facts about each operation, keyed by "METHOD /path" as written in the spec. */
export const operations = {
${lines.join("\n")}
} as const;

export type OperationKey = keyof typeof operations;

/**
 * How each operation authenticates: the first scheme of its first security requirement, as
 * "basic", "bearer", "header:<name>" (an API key header) or "none". Clients whose operations
 * differ (a Basic-auth token endpoint, Bearer elsewhere) read this; others tree-shake it away.
 */
export const operationAuth: Record<OperationKey, "none" | "basic" | "bearer" | \`header:\${string}\` | "other"> = {
${rows.map((r) => `  ${JSON.stringify(r.key)}: ${JSON.stringify(r.auth)},`).join("\n")}
};

/**
 * Operations whose documented request body is a urlencoded form. openapi-fetch labels every
 * non-FormData body as JSON, so a client sets this Content-Type for them.
 */
export const urlencodedOperations: ReadonlySet<string> = new Set([
${rows.filter((r) => r.urlencoded).map((r) => `  ${JSON.stringify(r.key)},`).join("\n")}
]);

/** Operations that take no credentials (the runtime needs only this, not the whole table). */
export const publicOperations: ReadonlySet<string> = new Set([
${rows.filter((r) => !r.authenticated).map((r) => `  ${JSON.stringify(r.key)},`).join("\n")}
]);

/**
 * Paginated list operations and the key that wraps each of their items. Kept as a type (it
 * costs no bytes at run time): items are unwrapped by their model key, which the spec gives.
 */
export interface ListWrappers {
${lists.map(([p, w]) => `  ${JSON.stringify(p)}: ${JSON.stringify(w)};`).join("\n")}
}

export type ListPath = keyof ListWrappers;
`;
}
