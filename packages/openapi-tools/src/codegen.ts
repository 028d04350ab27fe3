// Generates a client package's src/generated/ from a bundle, for every API the same way:
//   <api>.ts        types for openapi-fetch (openapi-typescript)
//   operations.ts   what the client runtime needs from the spec (security, body middleware, paged lists)
// The CLI is bin/mizan-codegen.mjs.
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";
import {
  type OperationEntry,
  operationsOf,
  pathTemplateRegex,
  type SchemaObject,
  type SecurityRequirement,
  type SecuritySchemeObject,
  branches,
  isObject,
  securitySchemeOf,
} from "./walker.js";

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
    const ts: typeof TypeScript = createRequire(import.meta.resolve("openapi-typescript"))("typescript");
    return { openapiTS, astToString, ts };
  } catch (error) {
    const code = isObject(error) ? error.code : undefined;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      `generateTypes needs openapi-typescript (an optional peer dependency of @mizan/openapi-tools) and the typescript it prints with: npm install --save-dev openapi-typescript@7.13.0 typescript@5.9.3 (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** TypeScript types for openapi-fetch (`paths`, `components`, ...), after `banner`. */
export async function generateTypes(doc: unknown, banner = ""): Promise<string> {
  const { openapiTS, astToString, ts } = await typeGenerator();
  // `format: binary` (uploaded photos and files) accepts a Blob as well as a string.
  const binary = ts.factory.createUnionTypeNode([
    ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob")),
    ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
  ]);
  // defaultNonNullable: false keeps fields with a documented default optional in requests.
  // openapi-typescript reads the document as an OpenAPI 3 object; it is one, parsed from JSON.
  const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0], {
    alphabetize: false,
    rootTypes: false,
    defaultNonNullable: false,
    transform: (schema) => (schema.format === "binary" ? binary : undefined),
  });
  return banner + astToString(ast);
}

/** A pagination style: query parameter of the page, dotted paths of the items, last page and next link. */
export interface PaginationStyle {
  page: string;
  items: string;
  lastPage?: string;
  next?: string;
}

export interface CodegenOptions {
  /** The API's pagination styles; a GET whose 200 body and parameters fit one is a paged list. */
  pagination?: PaginationStyle[];
}

/** What listMeta reads of a response. */
interface ResponseLike {
  content?: Record<string, { schema?: unknown }>;
}

/** The schema at a dotted property path ("pagination.page_count"), through $refs and allOf. */
function schemaAt(doc: unknown, schema: unknown, dotted: string): SchemaObject | undefined {
  let nodes: unknown[] = [schema];
  for (const key of dotted.split("."))
    nodes = nodes
      .flatMap((n) => branches(doc, n))
      .map((n) => n.properties?.[key])
      .filter(Boolean);
  return nodes.length ? { allOf: nodes as SchemaObject[] } : undefined;
}

/**
 * How a GET operation pages, if it does: the first of the API's pagination styles (a per-API
 * codegen option) whose page parameter it takes and whose item array and last-page field its
 * 200 body has. `wrapper` is the one required key of each item when items are wrapped
 * ({"Client": {...}} -> "Client").
 */
export function listMeta(
  doc: unknown,
  { op, parameters }: Pick<OperationEntry, "op" | "parameters">,
  styles: readonly PaginationStyle[] = [],
): { style: PaginationStyle; wrapper: string | undefined } | undefined {
  const ok = op.responses?.["200"];
  // A response is no schema, but branches() only follows its $ref here, and content is what is read.
  const schema =
    ok &&
    branches(doc, ok)
      .map((r) => (r as ResponseLike).content?.["application/json"]?.schema)
      .find(Boolean);
  if (!schema) return undefined;
  const isArray = (s: unknown) => branches(doc, s).some((b) => b.type === "array" || b.items);
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
  const only = keys.length === 1 ? keys[0] : undefined;
  const wrapped =
    only !== undefined &&
    items.some((i) => branches(doc, i.properties?.[only]).some((b) => b.type === "object" || b.properties));
  return { style, wrapper: wrapped ? only : undefined };
}

/** A security scheme as the client runtime fills it (AuthScheme in @mizan/client-core), or undefined when it cannot. */
type RuntimeScheme = { type: "bearer" | "basic" } | { type: "apiKey"; header: string; prefix?: string };

function runtimeScheme(scheme: SecuritySchemeObject = {}): RuntimeScheme | undefined {
  const http = scheme.type === "http" ? scheme.scheme?.toLowerCase() : undefined;
  if (http === "bearer" || http === "basic") return { type: http };
  if (scheme.type === "apiKey" && scheme.in === "header") {
    return {
      type: "apiKey",
      header: String(scheme.name).toLowerCase(),
      ...(scheme["x-token-prefix"] ? { prefix: scheme["x-token-prefix"] } : {}),
    };
  }
  return undefined;
}

const alternatives = (security: readonly SecurityRequirement[]): string[][] =>
  security.map((requirement) => Object.keys(requirement));

/**
 * A path template as a regex literal over the URL after the base, query string allowed:
 * the walker's template regex (`/clients/{id}.json` -> ^\/clients\/[^/]+\.json$), ending at `?` or `#` too.
 */
const pathRegex = (template: string): string => `/${pathTemplateRegex(template).source.replace(/\$$/, "(?:[?#]|$)")}/`;

/**
 * The operations whose security differs from the document's, as [method, URL regex,
 * alternatives], most concrete first. The runtime sets credentials in the transport, which sees
 * URLs, not path templates. A concrete operation with the default security that a template of
 * this list would match is listed too, so that it keeps its own.
 */
export function securityMatchers(
  rows: readonly { key: string; security: string[][] }[],
  defaultSecurity: string[][],
): { method: string; template: string; regex: string; security: string[][] }[] {
  const same = (r: { security: string[][] }) => JSON.stringify(r.security) === JSON.stringify(defaultSecurity);
  const methodOf = (key: string) => key.split(" ")[0] as string;
  const templateOf = (key: string) => key.split(" ")[1] ?? "";
  const listed = rows.filter((r) => !same(r));
  const templates = listed.filter((r) => r.key.includes("{"));
  const shadowed = rows.filter(
    (r) =>
      same(r) &&
      templates.some(
        (t) => methodOf(t.key) === methodOf(r.key) && pathTemplateRegex(templateOf(t.key)).test(templateOf(r.key)),
      ),
  );
  return [...listed, ...shadowed]
    .map((r) => ({ method: methodOf(r.key), template: templateOf(r.key), security: r.security }))
    .sort((a, b) => a.template.split("{").length - b.template.split("{").length)
    .map((r) => ({ ...r, regex: pathRegex(r.template) }));
}

/**
 * The tables the client runtime needs, and nothing else: security per operation (only where it
 * differs from the document's), middleware for urlencoded bodies, paged lists. `options.pagination` lists
 * the API's pagination styles (the client package's "mizanCodegen" in package.json).
 */
export function generateOperations(doc: unknown, banner = "", options: CodegenOptions = {}): string {
  const json = (v: unknown) => JSON.stringify(v);
  const documentSecurity = isObject(doc) && Array.isArray(doc.security) ? (doc.security as SecurityRequirement[]) : [];
  const defaultSecurity = alternatives(documentSecurity);
  const rows: { key: string; operationId: string | undefined; security: string[][]; urlencoded: boolean }[] = [];
  const lists: [string, NonNullable<ReturnType<typeof listMeta>>][] = [];
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
  const schemes: Record<string, RuntimeScheme> = {};
  const components = isObject(doc) && isObject(doc.components) ? doc.components : {};
  for (const name of Object.keys(isObject(components.securitySchemes) ? components.securitySchemes : {})) {
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
function nestsValues(doc: unknown, schema: unknown): boolean {
  const deeper = (s: unknown) =>
    branches(doc, s).some(
      (b) => b.type === "object" || b.type === "array" || b.properties || b.items || b.additionalProperties,
    );
  return branches(doc, schema).some(
    (b) =>
      Object.values(b.properties ?? {}).some(deeper) ||
      (typeof b.additionalProperties === "object" && deeper(b.additionalProperties)),
  );
}
