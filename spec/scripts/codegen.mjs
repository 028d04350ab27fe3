#!/usr/bin/env node
// mizan-codegen <api> [outDir]: generates a client package's src/generated/ from the bundle
// spec/dist/<api>.json, for every API the same way:
//   <api>.ts        types for openapi-fetch (openapi-typescript)
//   operations.ts   per-operation facts the runtime needs (public operations, list item keys)
// Nothing in src/generated/ is edited by hand or committed; `pnpm build` recreates it.
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { getApi, readBundle } from "./apis.mjs";
import { HTTP_METHODS } from "./transform.mjs";

const bannerFor = (api) => `// Generated from spec/dist/${api}.json by mizan-codegen (spec/scripts/codegen.mjs). Do not edit.\n`;

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

/** Follows $refs and merges allOf branches into one list of subschemas. */
function branches(doc, schema) {
  const resolve = (node) => (node?.$ref ? resolve(node.$ref.slice(2).split("/").reduce((n, k) => n[k], doc)) : node);
  const s = resolve(schema);
  return s ? [s, ...(s.allOf ?? []).flatMap((b) => branches(doc, b))] : [];
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

function authKind(doc, security) {
  const name = Object.keys(security[0] ?? {})[0];
  if (!name) return "none";
  const scheme = doc.components?.securitySchemes?.[name] ?? {};
  if (scheme.type === "http") return scheme.scheme?.toLowerCase() === "basic" ? "basic" : scheme.scheme?.toLowerCase() === "bearer" ? "bearer" : "other";
  if (scheme.type === "apiKey" && scheme.in === "header") return `header:${scheme.name}`;
  return "other";
}

export function generateOperations(doc, banner = "") {
  const globalSecurity = doc.security ?? [];
  const rows = [];
  const lists = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const security = op.security ?? globalSecurity;
      const body = op.requestBody?.$ref ? op.requestBody.$ref.slice(2).split("/").reduce((n, k) => n[k], doc) : op.requestBody;
      const urlencoded = Object.keys(body?.content ?? {})[0] === "application/x-www-form-urlencoded";
      rows.push({ key: `${method.toUpperCase()} ${p}`, operationId: op.operationId, authenticated: security.length > 0, auth: authKind(doc, security), urlencoded });
      const wrapper = method === "get" ? listWrapper(doc, op) : undefined;
      if (wrapper) lists.push([p, wrapper]);
    }
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

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [api, out = "src/generated"] = process.argv.slice(2);
  if (!api) {
    console.error("usage: mizan-codegen <api> [outDir]   (writes <outDir>/<api>.ts and <outDir>/operations.ts)");
    process.exit(2);
  }
  const doc = readBundle(api);
  const outDir = path.resolve(out);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `${api}.ts`), await generateTypes(doc, bannerFor(api)));
  writeFileSync(path.join(outDir, "operations.ts"), generateOperations(doc, bannerFor(api)));
  console.log(`generated ${path.relative(process.cwd(), outDir)}/{${api},operations}.ts from ${path.relative(process.cwd(), getApi(api).bundle)}`);
}
