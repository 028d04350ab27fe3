// Walking a bundled OpenAPI 3.x document: its operations, local $refs, composed schemas and
// security. Every tool of the repository (bundle transforms, example checks, codegen, docs
// samples, mock routing, contract tests) reads the spec through these few functions, so each
// rule of the format (parameter overriding, effective security, ref escaping) lives once.
//
// Documents arrive as parsed JSON, so the functions take `unknown` and narrow. What they hand
// back is typed by the OpenAPI objects below: the fields this toolkit and its callers read, each
// optional, and `[field: string]: unknown` for everything else (extensions included).

/** A JSON object (or an array, which `typeof` cannot tell apart: check with Array.isArray). */
export type JsonObject = { [key: string]: unknown };

/** Whether a value is a JSON object or array, not null or a scalar. */
export const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === "object";

/** A list, or none for anything that is not one. */
export const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A schema (JSON Schema 2020-12 as OpenAPI 3.1 uses it), with the keywords these tools read. */
export interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  patternProperties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  nullable?: boolean;
  default?: unknown;
  minimum?: number;
  example?: unknown;
  examples?: unknown;
  description?: string;
  [keyword: string]: unknown;
}

export interface ExampleObject {
  value?: unknown;
  [field: string]: unknown;
}

export interface MediaTypeObject {
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, ExampleObject>;
  [field: string]: unknown;
}

export interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  style?: string;
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, ExampleObject>;
  [field: string]: unknown;
}

export interface RequestBodyObject {
  required?: boolean;
  content?: Record<string, MediaTypeObject>;
  [field: string]: unknown;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, { schema?: SchemaObject; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** One entry of a security requirement object: scheme name -> scopes. */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses?: Record<string, ResponseObject>;
  security?: SecurityRequirement[];
  deprecated?: boolean;
  [field: string]: unknown;
}

export type PathItemObject = { parameters?: ParameterObject[] } & { [field: string]: unknown };

export interface SecuritySchemeObject {
  type?: string;
  in?: string;
  name?: string;
  scheme?: string;
  "x-token-prefix"?: string;
  [field: string]: unknown;
}

/** A bundled OpenAPI document: what the walker reads of it. */
export interface OpenApiDocument {
  paths?: Record<string, PathItemObject>;
  security?: SecurityRequirement[];
  components?: {
    schemas?: Record<string, SchemaObject>;
    securitySchemes?: Record<string, SecuritySchemeObject>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Calls fn on every object inside value (depth first), including value itself. */
export function forEachObject(value: unknown, fn: (node: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) forEachObject(v, fn);
  } else if (isObject(value)) {
    fn(value);
    for (const v of Object.values(value)) forEachObject(v, fn);
  }
}

/** One JSON-pointer segment of a URI fragment: percent-decoded, then `~1` -> `/` and `~0` -> `~`. */
function unescapeSegment(segment: string): string {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // A lone `%` is not an escape; keep the segment as written.
  }
  return text.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The node a local ref (`#/components/schemas/Client`) points at, or undefined. */
export function resolveRef(doc: unknown, ref: unknown): unknown {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, segment) => (isObject(node) ? node[unescapeSegment(segment)] : undefined), doc);
}

/**
 * `node` itself, or what its $ref chain ends at. Typed as the node passed in (a schema's ref
 * ends at a schema), or `unknown` for a node of unknown type: narrow or assert what it reads.
 */
export function deref<T = unknown>(doc: unknown, node: T): T | undefined;
export function deref(doc: unknown, node: unknown): unknown {
  const seen = new Set<string>();
  let current = node;
  while (isObject(current) && typeof current.$ref === "string") {
    if (seen.has(current.$ref)) throw new Error(`Circular $ref: ${current.$ref}`);
    seen.add(current.$ref);
    current = resolveRef(doc, current.$ref);
  }
  return current;
}

/** An object node, or undefined for anything else (a missing or mistyped part of a document). */
const objectOrUndefined = <T>(value: unknown): T | undefined => (isObject(value) ? (value as T) : undefined);

/** The parameters a path item or operation lists, dereferenced; entries that are not objects are left out. */
function parametersIn(doc: unknown, list: unknown): ParameterObject[] {
  return arrayOf(list).flatMap((raw) => {
    const p = objectOrUndefined<ParameterObject>(deref(doc, raw));
    return p ? [p] : [];
  });
}

/** Path-level parameters overridden by the operation's own, matched by name and location. */
function mergedParameters(doc: unknown, pathItem: PathItemObject, op: OperationObject): ParameterObject[] {
  const merged = parametersIn(doc, pathItem.parameters);
  for (const p of parametersIn(doc, op.parameters)) {
    const at = merged.findIndex((q) => q.name === p.name && q.in === p.in);
    if (at >= 0) merged[at] = p;
    else merged.push(p);
  }
  return merged;
}

export interface OperationEntry {
  /** "METHOD /path", e.g. "GET /api2/clients.json". */
  key: string;
  path: string;
  method: HttpMethod;
  op: OperationObject;
  pathItem: PathItemObject;
  /** Path-level and operation-level parameters, the operation's winning by name and `in`, dereferenced. */
  parameters: ParameterObject[];
  /** The effective requirements: the operation's, else the document's, else none. */
  security: SecurityRequirement[];
  /** The dereferenced request body, if any. */
  requestBody: RequestBodyObject | undefined;
  /** The request body's first (documented) media type. */
  requestMediaType: string | undefined;
}

/**
 * Every operation of the document, in document order, with what tools ask of it:
 * `key` ("GET /clients.json"), the merged and dereferenced `parameters`, the effective
 * `security` (the operation's, else the document's, else none), the dereferenced
 * `requestBody` and its first (documented) media type.
 */
export function operationsOf(doc: unknown): OperationEntry[] {
  const operations: OperationEntry[] = [];
  const paths = isObject(doc) && isObject(doc.paths) ? doc.paths : {};
  const documentSecurity = isObject(doc) ? (doc.security as SecurityRequirement[] | undefined) : undefined;
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = objectOrUndefined<PathItemObject>(deref(doc, rawItem)) ?? {};
    for (const method of HTTP_METHODS) {
      const op = objectOrUndefined<OperationObject>(pathItem[method]);
      if (!op) continue;
      const requestBody = objectOrUndefined<RequestBodyObject>(deref(doc, op.requestBody));
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        path,
        method,
        op,
        pathItem,
        parameters: mergedParameters(doc, pathItem, op),
        security: op.security ?? documentSecurity ?? [],
        requestBody,
        requestMediaType: Object.keys(requestBody?.content ?? {})[0],
      });
    }
  }
  return operations;
}

/**
 * The JSON examples of a response (or request body) as [name, value] pairs: its first JSON media
 * type's `example` (name undefined), else each of its named `examples`, refs followed.
 */
export function jsonExamples(doc: unknown, responseOrBody: unknown): [name: string | undefined, value: unknown][] {
  const resolved = objectOrUndefined<ResponseObject>(deref(doc, responseOrBody));
  const content = isObject(resolved?.content) ? resolved.content : {};
  const media = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
  if (!isObject(media)) return [];
  if (media.example !== undefined) return [[undefined, media.example]];
  return Object.entries(isObject(media.examples) ? media.examples : {}).map(([name, example]) => [
    name,
    objectOrUndefined<ExampleObject>(deref(doc, example))?.value,
  ]);
}

/** Compiles a path template to a regex: `/clients/{id}.json` -> ^/clients/[^/]+\.json$ */
export function pathTemplateRegex(template: string): RegExp {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${pattern}$`);
}

/** How specific a path template is: its characters outside `{...}`. */
export function templateSpecificity(template: string): number {
  return template.replace(/\{[^}]*\}/g, "").length;
}

/** An operation with its path's regex and specificity. */
export interface OperationRoute extends OperationEntry {
  regex: RegExp;
  specificity: number;
}

/** Every operation with its path's regex and specificity, ready for `routeFor`. */
export function operationRoutes(doc: unknown): OperationRoute[] {
  return operationsOf(doc).map((entry) => ({
    ...entry,
    regex: pathTemplateRegex(entry.path),
    specificity: templateSpecificity(entry.path),
  }));
}

/**
 * The route a request reaches: of the routes for `method` whose template matches `path`, the
 * most specific (OpenAPI: concrete paths win), and of equally specific ones the last listed,
 * as Prism routes. `/clients/5.json` reaches `/clients/{id}.json`, not `/clients/{id}`.
 */
export function routeFor<R extends { method: string; regex: RegExp; specificity: number }>(
  routes: readonly R[],
  method: string,
  path: string,
): R | undefined {
  const wanted = method.toLowerCase();
  let best: R | undefined;
  for (const route of routes) {
    if (route.method !== wanted || !route.regex.test(path)) continue;
    if (!best || route.specificity >= best.specificity) best = route;
  }
  return best;
}

/**
 * A function that gives the path parameters of a concrete path under `template`, percent-decoded,
 * or undefined when the path does not match: for `/clients/{id}.json`, `/clients/512.json` ->
 * { id: "512" }. Compile once, match many.
 */
export function pathTemplateMatcher(template: string): (path: string) => Record<string, string> | undefined {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const regex = new RegExp(pathTemplateRegex(template).source.replaceAll("[^/]+", "([^/]+)"));
  return (path) => {
    const match = regex.exec(path);
    if (!match) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      const raw = match[i + 1] as string;
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return params;
  };
}

/** The path parameters of one path under a template (see pathTemplateMatcher). */
export function pathTemplateParams(template: string, path: string): Record<string, string> | undefined {
  return pathTemplateMatcher(template)(path);
}

const DEFAULT_KEYWORDS = ["allOf"] as const;

/**
 * A schema and the subschemas that apply together with it, $refs followed: by default its
 * allOf branches (recursively); pass `keywords: ["allOf", "anyOf", "oneOf"]` for every branch
 * that may apply.
 */
export function branches(
  doc: unknown,
  schema: unknown,
  { keywords = DEFAULT_KEYWORDS }: { keywords?: readonly string[] } = {},
): SchemaObject[] {
  const s = deref(doc, schema);
  if (!isObject(s)) return [];
  return [s as SchemaObject, ...keywords.flatMap((k) => arrayOf(s[k]).flatMap((b) => branches(doc, b, { keywords })))];
}

/** The properties a schema declares with its allOf branches; its own win over the branches'. */
export function propertiesOf(doc: unknown, schema: unknown): Record<string, SchemaObject> {
  const s = objectOrUndefined<SchemaObject>(deref(doc, schema)) ?? {};
  return Object.assign(
    {},
    ...arrayOf(s.allOf).map((b) => propertiesOf(doc, b)),
    isObject(s.properties) ? s.properties : {},
  );
}

/** A security scheme by its name in components.securitySchemes, dereferenced. */
export function securitySchemeOf(doc: unknown, name: string): SecuritySchemeObject | undefined {
  const components = isObject(doc) && isObject(doc.components) ? doc.components : undefined;
  const schemes = isObject(components?.securitySchemes) ? components.securitySchemes : undefined;
  return objectOrUndefined<SecuritySchemeObject>(deref(doc, schemes?.[name]));
}

export interface SchemeInfo {
  /** The scheme's name in components.securitySchemes. */
  key: string;
  type?: string;
  in?: string;
  name?: string;
  scheme?: string;
  /** The `x-token-prefix` extension: the word before the token, e.g. "Token". */
  tokenPrefix?: string;
  [field: string]: unknown;
}

/**
 * The alternatives of a security requirement list, each a list of the schemes it needs at
 * once, as `{ key, ...scheme }` with `tokenPrefix` for the `x-token-prefix` extension (a token
 * sent behind a word other than Bearer, e.g. `Authorization: Token <token>`).
 */
export function securityAlternatives(doc: unknown, security: readonly unknown[] | undefined): SchemeInfo[][] {
  return (security ?? []).map((requirement) =>
    Object.keys(isObject(requirement) ? requirement : {}).map((key) => {
      const scheme = securitySchemeOf(doc, key) ?? {};
      return { key, ...scheme, tokenPrefix: scheme["x-token-prefix"] };
    }),
  );
}

/** The scheme that authenticates an operation: the first of its first requirement, if any. */
export function primarySchemeOf(doc: unknown, security: readonly unknown[] | undefined): SchemeInfo | undefined {
  return securityAlternatives(doc, security)[0]?.[0];
}

export type AuthKind = "none" | "basic" | "bearer" | `header:${string}` | "other";

/** How an operation authenticates: "none", "basic", "bearer", `header:<name>` or "other". */
export function authKindOf(doc: unknown, security: readonly unknown[] | undefined): AuthKind {
  const scheme = primarySchemeOf(doc, security);
  if (!scheme) return "none";
  const httpScheme = scheme.scheme?.toLowerCase();
  if (scheme.type === "http") return httpScheme === "basic" || httpScheme === "bearer" ? httpScheme : "other";
  if (scheme.type === "apiKey" && scheme.in === "header") return `header:${scheme.name}`;
  return "other";
}
