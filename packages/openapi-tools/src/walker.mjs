// Walking a bundled OpenAPI 3.x document: its operations, local $refs, composed schemas and
// security. Every tool of the repository (bundle transforms, example checks, codegen, docs
// samples, mock routing, contract tests) reads the spec through these few functions, so each
// rule of the format (parameter overriding, effective security, ref escaping) lives once.

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** Calls fn on every object inside value (depth first), including value itself. */
export function forEachObject(value, fn) {
  if (Array.isArray(value)) {
    value.forEach((v) => forEachObject(v, fn));
  } else if (value && typeof value === "object") {
    fn(value);
    Object.values(value).forEach((v) => forEachObject(v, fn));
  }
}

/** One JSON-pointer segment of a URI fragment: percent-decoded, then `~1` -> `/` and `~0` -> `~`. */
function unescapeSegment(segment) {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // A lone `%` is not an escape; keep the segment as written.
  }
  return text.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The node a local ref (`#/components/schemas/Client`) points at, or undefined. */
export function resolveRef(doc, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .reduce((node, segment) => (node && typeof node === "object" ? node[unescapeSegment(segment)] : undefined), doc);
}

/** `node` itself, or what its $ref chain ends at. */
export function deref(doc, node) {
  const seen = new Set();
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    if (seen.has(current.$ref)) throw new Error(`Circular $ref: ${current.$ref}`);
    seen.add(current.$ref);
    current = resolveRef(doc, current.$ref);
  }
  return current;
}

/** Path-level parameters overridden by the operation's own, matched by name and location. */
function mergedParameters(doc, pathItem, op) {
  const merged = (pathItem.parameters ?? []).map((p) => deref(doc, p)).filter(Boolean);
  for (const raw of op.parameters ?? []) {
    const p = deref(doc, raw);
    if (!p) continue;
    const at = merged.findIndex((q) => q.name === p.name && q.in === p.in);
    if (at >= 0) merged[at] = p;
    else merged.push(p);
  }
  return merged;
}

/**
 * Every operation of the document, in document order, with what tools ask of it:
 * `key` ("GET /clients.json"), the merged and dereferenced `parameters`, the effective
 * `security` (the operation's, else the document's, else none), the dereferenced
 * `requestBody` and its first (documented) media type.
 */
export function operationsOf(doc) {
  const operations = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const pathItem = deref(doc, rawItem) ?? {};
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (!op) continue;
      const requestBody = deref(doc, op.requestBody);
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        path,
        method,
        op,
        pathItem,
        parameters: mergedParameters(doc, pathItem, op),
        security: op.security ?? doc.security ?? [],
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
export function jsonExamples(doc, responseOrBody) {
  const content = deref(doc, responseOrBody)?.content ?? {};
  const media = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
  if (!media) return [];
  if (media.example !== undefined) return [[undefined, media.example]];
  return Object.entries(media.examples ?? {}).map(([name, example]) => [name, deref(doc, example)?.value]);
}

/** Compiles a path template to a regex: `/clients/{id}.json` -> ^/clients/[^/]+\.json$ */
export function pathTemplateRegex(template) {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${pattern}$`);
}

/** How specific a path template is: its characters outside `{...}`. */
export function templateSpecificity(template) {
  return template.replace(/\{[^}]*\}/g, "").length;
}

/** Every operation with its path's regex and specificity, ready for `routeFor`. */
export function operationRoutes(doc) {
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
export function routeFor(routes, method, path) {
  const wanted = method.toLowerCase();
  let best;
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
export function pathTemplateMatcher(template) {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const regex = new RegExp(pathTemplateRegex(template).source.replaceAll("[^/]+", "([^/]+)"));
  return (path) => {
    const match = regex.exec(path);
    if (!match) return undefined;
    const params = {};
    names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(match[i + 1]);
      } catch {
        params[name] = match[i + 1];
      }
    });
    return params;
  };
}

/** The path parameters of one path under a template (see pathTemplateMatcher). */
export function pathTemplateParams(template, path) {
  return pathTemplateMatcher(template)(path);
}

const DEFAULT_KEYWORDS = ["allOf"];

/**
 * A schema and the subschemas that apply together with it, $refs followed: by default its
 * allOf branches (recursively); pass `keywords: ["allOf", "anyOf", "oneOf"]` for every branch
 * that may apply.
 */
export function branches(doc, schema, { keywords = DEFAULT_KEYWORDS } = {}) {
  const s = deref(doc, schema);
  if (!s || typeof s !== "object") return [];
  return [s, ...keywords.flatMap((k) => (s[k] ?? []).flatMap((b) => branches(doc, b, { keywords })))];
}

/** The properties a schema declares with its allOf branches; its own win over the branches'. */
export function propertiesOf(doc, schema) {
  const s = deref(doc, schema) ?? {};
  return Object.assign({}, ...(s.allOf ?? []).map((b) => propertiesOf(doc, b)), s.properties ?? {});
}

/** A security scheme by its name in components.securitySchemes, dereferenced. */
export function securitySchemeOf(doc, name) {
  return deref(doc, doc.components?.securitySchemes?.[name]);
}

/**
 * The alternatives of a security requirement list, each a list of the schemes it needs at
 * once, as `{ key, ...scheme }` with `tokenPrefix` for the `x-token-prefix` extension (a token
 * sent behind a word other than Bearer, e.g. `Authorization: Token <token>`).
 */
export function securityAlternatives(doc, security) {
  return (security ?? []).map((requirement) =>
    Object.keys(requirement).map((key) => {
      const scheme = securitySchemeOf(doc, key) ?? {};
      return { key, ...scheme, tokenPrefix: scheme["x-token-prefix"] };
    }),
  );
}

/** The scheme that authenticates an operation: the first of its first requirement, if any. */
export function primarySchemeOf(doc, security) {
  return securityAlternatives(doc, security)[0]?.[0];
}

/** How an operation authenticates: "none", "basic", "bearer", `header:<name>` or "other". */
export function authKindOf(doc, security) {
  const scheme = primarySchemeOf(doc, security);
  if (!scheme) return "none";
  const httpScheme = scheme.scheme?.toLowerCase();
  if (scheme.type === "http") return httpScheme === "basic" || httpScheme === "bearer" ? httpScheme : "other";
  if (scheme.type === "apiKey" && scheme.in === "header") return `header:${scheme.name}`;
  return "other";
}
