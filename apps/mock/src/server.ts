// The mock server: Prism's engine (prism-http), run in this process with our own small HTTP
// layer, which also speaks Daftra where Prism does not:
//   - request validation failures keep the documented error body but name each field and rule;
//   - a request carrying two alternative credentials (Daftra: `apikey` and a Bearer token) is
//     refused, as the real server does;
//   - in proxy mode, every spec violation of the real server's answers is logged and listed.
// Running Prism in-process (instead of its CLI, which forks a cluster worker) halves start-up,
// and routing each request to its few candidate operations makes it several times faster.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { operationsOf, pathTemplateRegex, securityAlternatives, type SchemeInfo } from "@mizan/openapi-tools";

const require = createRequire(import.meta.url);
const prismCliDir = path.dirname(require.resolve("@stoplight/prism-cli/package.json"));
// Prism's own copies of its packages, so the versions are the ones the CLI was built with.
const fromPrism = (id: string) => require(require.resolve(id, { paths: [prismCliDir] }));

export interface ServeOptions {
  /** The OpenAPI document to serve (a bundle). */
  specFile: string;
  host?: string;
  port?: number;
  /** Generate responses from schemas instead of serving examples. */
  dynamic?: boolean;
  /** Seed of the generator, for repeatable dynamic responses. */
  seed?: number;
  /** Proxy to this upstream (a real Daftra account) and report where it breaks the spec. */
  upstream?: string;
  /** Write Prism's request log to stderr. */
  verbose?: boolean;
}

export interface Violation {
  /** "request" or "response". */
  side: string;
  method: string;
  path: string;
  status: number;
  location: string;
  message: string;
}

export interface RunningServer {
  url: string;
  port: number;
  violations: Violation[];
  close(): Promise<void>;
}

interface PrismViolation {
  location: (string | number)[];
  severity: string;
  code: string | number;
  message: string;
}

/** Each offending field of a request, as Daftra names them: field -> "rule: message". */
export function violationFields(violations: PrismViolation[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const v of violations) {
    const where = v.location.slice(2).map(String); // drop "request", "body" | "query" | ...
    // A missing property is reported on its parent; name the property itself.
    const missing = v.code === "required" ? /property '([^']+)'/.exec(v.message)?.[1] : undefined;
    const field = [...where, ...(missing ? [missing] : [])].join(".") || String(v.location[1] ?? "request");
    fields[field] = fields[field] ? `${fields[field]}; ${v.message}` : `${v.code}: ${v.message}`;
  }
  return fields;
}

/**
 * Prism answers an invalid request with the example of the documented error response, which
 * names some field or other. Keep that response's shape, but say what is really wrong: the
 * field map goes into `validation_errors` (Daftra v1), and a summary into `message` /
 * `error_description` (other shapes, e.g. the OAuth token errors).
 */
export function explainViolations(body: unknown, violations: PrismViolation[]): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const fields = violationFields(violations);
  const summary = Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ");
  const out = { ...(body as Record<string, unknown>) };
  if ("validation_errors" in out) out.validation_errors = fields;
  else if (typeof out.error_description === "string") out.error_description = summary;
  else if (typeof out.message === "string") out.message = summary;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.headers["content-length"] === "0" || (req.headers["transfer-encoding"] === undefined && req.headers["content-length"] === undefined)) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  // JSON bodies are parsed, anything else (multipart, urlencoded) goes to Prism as text.
  if (/^application\/(.+\+)?json/i.test(req.headers["content-type"] ?? "")) return JSON.parse(text);
  return text;
}

function queryOf(searchParams: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { createInstance, getHttpOperationsFromSpec } = fromPrism("@stoplight/prism-http");
  const { createLogger } = fromPrism("@stoplight/prism-core");
  const httpServerDir = path.dirname(require.resolve("@stoplight/prism-http-server/package.json", { paths: [prismCliDir] }));
  const { getHttpConfigFromRequest } = require(path.join(httpServerDir, "dist", "getHttpConfigFromRequest.js"));
  const { serialize } = require(path.join(httpServerDir, "dist", "serialize.js"));
  // Without this, generated objects get random extra properties (see anchors: Prism).
  fromPrism("json-schema-faker").JSONSchemaFaker.option("fillProperties", false);

  const operations: PrismOperation[] = await getHttpOperationsFromSpec(options.specFile);
  if (!operations.length) throw new Error(`No operations found in ${options.specFile}.`);
  // Prism has read the file by now, so it is a valid document (Prism's errors say more).
  const doc = JSON.parse(readFileSync(options.specFile, "utf8"));
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  const config = {
    checkSecurity: true,
    validateRequest: true,
    // Responses are the spec's own examples in mock mode (checked at build time); only a real
    // upstream's answers need checking.
    validateResponse: !!upstream,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: !!options.dynamic, seed: options.seed },
    ...(upstream ? { isProxy: true, upstream } : { isProxy: false }),
  };
  const logger = createLogger("mock", { level: options.verbose ? "info" : "silent" });
  const prism = createInstance(config, { logger });
  // Prism scores every operation against every request. Hand it only the operations whose path
  // template matches (in spec order), which is what makes the mock fast on a 300-path spec.
  const prismOperations = new Map(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));
  const routes = operationsOf(doc).flatMap((entry) => {
    const prism = prismOperations.get(entry.key);
    if (!prism) return [];
    return [{ method: entry.method, regex: pathTemplateRegex(entry.path), security: securityAlternatives(doc, entry.security), prism }];
  });
  const violations: Violation[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://mock.invalid");
    const pathname = url.pathname;
    if (pathname === "/__mock/health") return send(res, 200, { ok: true });
    if (pathname === "/__mock/violations") return send(res, 200, violations);
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
    res.setHeader("access-control-expose-headers", "*");
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      res.setHeader("access-control-allow-methods", req.headers["access-control-request-method"]);
      res.writeHead(204).end();
      return;
    }
    const matching = routes.filter((r) => r.regex.test(pathname));
    const candidates = matching.map((r) => r.prism);
    // Security alternatives mean "one of these": a request that carries two is refused, as
    // Daftra refuses an API key sent together with a Bearer token.
    const route = matching.find((r) => r.method === (req.method ?? "GET").toLowerCase());
    const carried = (route?.security ?? []).filter((alternative) => alternative.length && alternative.every((scheme) => carries(req, scheme)));
    if (carried.length > 1) {
      req.resume();
      const names = carried.map((alternative) => alternative.map((scheme) => scheme.key).join("+")).join(" and ");
      return send(res, 401, { result: "failed", code: 401, message: `Send one credential, not several: this request carries ${names}.` });
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 400, { result: "failed", code: 400, message: "The request body is not valid JSON." });
    }
    const input = {
      method: (req.method ?? "GET").toLowerCase(),
      url: { path: pathname, baseUrl: url.searchParams.get("__server") || undefined, query: queryOf(url.searchParams) },
      headers: req.headers,
      body,
    };
    const requestConfig = getHttpConfigFromRequest(input);
    if (requestConfig._tag === "Left") return sendProblem(res, requestConfig.left);
    const result = await prism.request(input, candidates.length ? candidates : operations, {
      ...config,
      mock: { ...config.mock, ...Object.fromEntries(Object.entries(requestConfig.right).filter(([, v]) => v !== undefined)) },
    })();
    if (result._tag === "Left") return sendProblem(res, result.left);
    const { output, validations } = result.right;
    const found = [
      ...validations.input.map((v: PrismDetail) => toViolation("request", v)),
      ...validations.output.map((v: PrismDetail) => toViolation("response", v)),
    ];
    for (const v of found) {
      violations.push({ side: String(v.location[0]), method: req.method ?? "GET", path: pathname, status: output.statusCode, location: v.location.join("."), message: v.message });
      if (upstream) process.stderr.write(`[mizan-mock] ${v.location[0]} violation: ${req.method} ${pathname}: ${v.message}\n`);
    }
    if (found.length) res.setHeader("sl-violations", JSON.stringify(found).slice(0, 8000));
    for (const [name, value] of Object.entries(output.headers ?? {})) res.setHeader(name, value as string);
    const requestErrors = found.filter((v) => v.location[0] === "request" && v.code !== 401 && v.code !== 403);
    const payload = !upstream && requestErrors.length && output.statusCode === 400 ? explainViolations(output.body, requestErrors) : output.body;
    const text = serialize(payload, res.getHeader("content-type"));
    res.writeHead(output.statusCode);
    res.end(text);
  }

  function sendProblem(res: ServerResponse, error: { status?: number; name?: string; title?: string; detail?: string; additional?: { headers?: Record<string, string> } }) {
    for (const [name, value] of Object.entries(error.additional?.headers ?? {})) res.setHeader(name, value);
    const problem = { type: error.name, title: error.title ?? error.name, status: error.status ?? 500, detail: error.detail ?? String(error) };
    const text = JSON.stringify(problem);
    res.writeHead(error.status ?? 500, { "content-type": "application/problem+json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { result: "failed", code: 500, message: `mock: ${error.message}` });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    violations,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

interface PrismOperation {
  path: string;
  method: string;
}

/** Whether the request carries the credential a security scheme describes. */
function carries(req: IncomingMessage, scheme: SchemeInfo): boolean {
  if (scheme.type === "apiKey" && scheme.in === "header") return req.headers[scheme.name!.toLowerCase()] !== undefined;
  if (scheme.type === "apiKey" && scheme.in === "query") return new URL(req.url ?? "/", "http://x").searchParams.has(scheme.name!);
  if (scheme.type === "http") return (req.headers.authorization ?? "").toLowerCase().startsWith(`${(scheme.scheme ?? "").toLowerCase()} `);
  return false;
}

interface PrismDetail {
  path?: (string | number)[];
  severity: number;
  code: string | number;
  message: string;
}

const SEVERITY = ["Error", "Warning", "Information", "Hint"];
function toViolation(side: string, d: PrismDetail): PrismViolation {
  return { location: [side, ...(d.path ?? [])], severity: SEVERITY[d.severity] ?? String(d.severity), code: d.code, message: d.message };
}
