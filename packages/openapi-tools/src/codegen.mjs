// Generates a client package's src/generated/ from a bundle, for every API the same way:
//   <api>.ts        types for openapi-fetch (openapi-typescript)
//   operations.ts   what the client runtime needs from the spec (security, body middleware, paged lists)
// The CLI is bin/mizan-codegen.mjs.
import { createRequire } from "node:module";
import { branches, operationsOf, pathTemplateRegex, securitySchemeOf } from "./walker.mjs";

/**
 * openapi-typescript, loaded when types are generated, and the typescript it prints with (its
 * peer dependency, resolved from where openapi-typescript is installed, so the nodes built here
 * come from the same compiler that prints them). openapi-typescript is this package's only
 * optional peer: the packages that only read documents (the mock among them) install neither,
 * and their users' TypeScript, whatever its version, is no concern of this package.
 */
async function typeGenerator() {
  try {
    const { default: openapiTS, astToString } = await import("openapi-typescript");
    const ts = createRequire(import.meta.resolve("openapi-typescript"))("typescript");
    return { openapiTS, astToString, ts };
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" && error?.code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      `generateTypes needs openapi-typescript (an optional peer dependency of @mizan/openapi-tools) and the typescript it prints with: npm install --save-dev openapi-typescript@7.13.0 typescript@5.9.3 (${error.message})`,
    );
  }
}

export async function generateTypes(doc, banner = "") {
  const { openapiTS, astToString, ts } = await typeGenerator();
  // `format: binary` (uploaded photos and files) accepts a Blob as well as a string.
  const binary = ts.factory.createUnionTypeNode([
    ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob")),
    ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
  ]);
  // defaultNonNullable: false keeps fields with a documented default optional in requests.
  const ast = await openapiTS(doc, {
    alphabetize: false,
    rootTypes: false,
    defaultNonNullable: false,
    transform: (schema) => (schema.format === "binary" ? binary : undefined),
  });
  return banner + astToString(ast);
}

/** The schema at a dotted property path ("pagination.page_count"), through $refs and allOf. */
function schemaAt(doc, schema, dotted) {
  let nodes = [schema];
  for (const key of dotted.split("."))
    nodes = nodes
      .flatMap((n) => branches(doc, n))
      .map((n) => n.properties?.[key])
      .filter(Boolean);
  return nodes.length ? { allOf: nodes } : undefined;
}

/**
 * How a GET operation pages, if it does: the first of the API's pagination styles (a per-API
 * codegen option) whose page parameter it takes and whose item array and last-page field its
 * 200 body has. `wrapper` is the one required key of each item when items are wrapped
 * ({"Client": {...}} -> "Client").
 */
export function listMeta(doc, { op, parameters }, styles = []) {
  const schema =
    op.responses?.["200"] &&
    branches(doc, op.responses["200"])
      .map((r) => r.content?.["application/json"]?.schema)
      .find(Boolean);
  if (!schema) return undefined;
  const isArray = (s) => branches(doc, s).some((b) => b.type === "array" || b.items);
  const style = styles.find(
    (s) =>
      parameters.some((p) => p.in === "query" && p.name === s.page) &&
      isArray(schemaAt(doc, schema, s.items)) &&
      (!s.lastPage || schemaAt(doc, schema, s.lastPage)),
  );
  if (!style) return undefined;
  const items = branches(doc, schemaAt(doc, schema, style.items)).flatMap((d) =>
    d.items ? branches(doc, d.items) : [],
  );
  const keys = [...new Set(items.flatMap((i) => i.required ?? []))];
  const wrapped =
    keys.length === 1 &&
    items.some((i) => branches(doc, i.properties?.[keys[0]]).some((b) => b.type === "object" || b.properties));
  return { style, wrapper: wrapped ? keys[0] : undefined };
}

/** A security scheme as the client runtime fills it (AuthScheme in @mizan/client-core), or undefined when it cannot. */
function runtimeScheme(scheme = {}) {
  const http = scheme.type === "http" ? scheme.scheme?.toLowerCase() : undefined;
  if (http === "bearer" || http === "basic") return { type: http };
  if (scheme.type === "apiKey" && scheme.in === "header") {
    return {
      type: "apiKey",
      header: scheme.name.toLowerCase(),
      ...(scheme["x-token-prefix"] ? { prefix: scheme["x-token-prefix"] } : {}),
    };
  }
  return undefined;
}

const alternatives = (security) => security.map((requirement) => Object.keys(requirement));

/**
 * A path template as a regex literal over the URL after the base, query string allowed:
 * the walker's template regex (`/clients/{id}.json` -> ^\/clients\/[^/]+\.json$), ending at `?` or `#` too.
 */
const pathRegex = (template) => `/${pathTemplateRegex(template).source.replace(/\$$/, "(?:[?#]|$)")}/`;

/**
 * The operations whose security differs from the document's, as [method, URL regex,
 * alternatives], most concrete first. The runtime sets credentials in the transport, which sees
 * URLs, not path templates. A concrete operation with the default security that a template of
 * this list would match is listed too, so that it keeps its own.
 */
export function securityMatchers(rows, defaultSecurity) {
  const same = (r) => JSON.stringify(r.security) === JSON.stringify(defaultSecurity);
  const listed = rows.filter((r) => !same(r));
  const templates = listed.filter((r) => r.key.includes("{"));
  const shadowed = rows.filter(
    (r) =>
      same(r) &&
      templates.some(
        (t) =>
          t.key.split(" ")[0] === r.key.split(" ")[0] &&
          pathTemplateRegex(t.key.split(" ")[1]).test(r.key.split(" ")[1]),
      ),
  );
  return [...listed, ...shadowed]
    .map((r) => ({ method: r.key.split(" ")[0], template: r.key.split(" ")[1], security: r.security }))
    .sort((a, b) => a.template.split("{").length - b.template.split("{").length)
    .map((r) => ({ ...r, regex: pathRegex(r.template) }));
}

/**
 * The tables the client runtime needs, and nothing else: security per operation (only where it
 * differs from the document's), middleware for urlencoded bodies, paged lists. `options.pagination` lists
 * the API's pagination styles (the client package's "mizanCodegen" in package.json).
 */
export function generateOperations(doc, banner = "", options = {}) {
  const json = (v) => JSON.stringify(v);
  const defaultSecurity = alternatives(doc.security ?? []);
  const rows = [];
  const lists = [];
  for (const entry of operationsOf(doc)) {
    const { key, path, method, op, security, requestMediaType } = entry;
    rows.push({
      key,
      operationId: op.operationId,
      security: alternatives(security),
      urlencoded: requestMediaType === "application/x-www-form-urlencoded",
    });
    const list = method === "get" ? listMeta(doc, entry, options.pagination) : undefined;
    if (list) lists.push([path, list]);
  }
  const schemes = {};
  for (const name of Object.keys(doc.components?.securitySchemes ?? {})) {
    const runtime = runtimeScheme(securitySchemeOf(doc, name));
    if (runtime) schemes[name] = runtime;
  }
  const urlencodedKeys = rows.filter((r) => r.urlencoded).map((r) => r.key);
  const nestedQuery = operationsOf(doc)
    .flatMap((e) => e.parameters)
    .filter((p) => p.in === "query" && p.style === "deepObject" && nestsValues(doc, p.schema));
  const imports = urlencodedKeys.length
    ? `import { urlencodedMiddleware, type Middleware, type SecurityTable } from "@mizan/client-core";`
    : `import type { Middleware, SecurityTable } from "@mizan/client-core";`;
  return `${banner}${imports}

/** Each operation's id, keyed by "METHOD /path" as written in the spec. */
export const operations = {
${rows.map((r) => `  ${json(r.key)}: { operationId: ${json(r.operationId)} },`).join("\n")}
} as const;

export type OperationKey = keyof typeof operations;

/**
 * Security per operation: alternatives of scheme names, the document's own unless the
 * operation says otherwise. Schemes the runtime cannot fill (query keys, OAuth flows) are left out.
 */
export const security: SecurityTable = {
  schemes: ${json(schemes)},
  default: ${json(defaultSecurity)},
  match: [
${securityMatchers(rows, defaultSecurity)
  .map(({ method, regex, security }) => `    [${json(method)}, ${regex}, ${json(security)}],`)
  .join("\n")}
  ],
};

/**
 * Middleware the spec calls for, if any: a label for urlencoded request bodies (openapi-fetch
 * labels every non-FormData body as JSON). Empty when no operation takes one, so that the
 * middleware's code and openapi-fetch's middleware step cost such a client nothing.
 */
export const middleware: Middleware[] = [
${urlencodedKeys.length ? `  urlencodedMiddleware(new Set(${json(urlencodedKeys)})),` : ""}
];

/**
 * Paged list operations: how each pages and which key wraps its items. Plain literals (no
 * spread), so that bundlers drop the table from programs that never page.
 */
export const lists = {
${lists.map(([p, l]) => `  ${json(p)}: ${json({ ...l.style, ...(l.wrapper ? { wrapper: l.wrapper } : {}) })},`).join("\n")}
} as const;

export type ListPath = keyof typeof lists;
${
  nestedQuery.length
    ? `
/**
 * How query strings are written. Some query parameters nest objects or lists (${[...new Set(nestedQuery.map((p) => p.name))].join(", ")}), which
 * openapi-fetch's default serialiser would send as "[object Object]": they go in bracket form.
 */
export { bracketQuery as querySerializer } from "@mizan/client-core";
`
    : ""
}`;
}

/** Whether an object parameter holds objects or lists among its values (deeper than deepObject's one level). */
function nestsValues(doc, schema) {
  const deeper = (s) =>
    branches(doc, s).some(
      (b) => b.type === "object" || b.type === "array" || b.properties || b.items || b.additionalProperties,
    );
  return branches(doc, schema).some(
    (b) =>
      Object.values(b.properties ?? {}).some(deeper) ||
      (typeof b.additionalProperties === "object" && deeper(b.additionalProperties)),
  );
}
