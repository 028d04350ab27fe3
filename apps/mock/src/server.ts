// The mock server: Prism's engine (prism-http), run in this process with our own small HTTP
// layer, which also speaks Daftra where Prism does not:
//   - request validation failures keep the documented error body but name each field and rule;
//   - a request carrying two alternative credentials (Daftra: `apikey` and a Bearer token) is
//     refused, as the real server does;
//   - in proxy mode, every spec violation of the real server's answers is logged and listed.
// Running Prism in-process (instead of its CLI, which forks a cluster worker) with its operation
// model prepared at build time (engine.ts) makes start-up fast; routing each request to its few
// candidate operations, and answering valid ones from Prism's stored answers (fast-path.ts),
// makes requests fast.
import { readFileSync } from "node:fs";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { deref, operationRoutes, operationsOf, pathTemplateMatcher, routeFor, securityAlternatives, type OperationEntry, type SchemeInfo } from "@mizan/openapi-tools";
import { documentSchemaCompiler } from "@mizan/openapi-tools/examples";
import { bracketQueryChecker } from "@mizan/openapi-tools/query";
import { loadPrism } from "./engine.js";
import { fastPathOf, type FastVerdict, type StoredAnswer } from "./fast-path.js";
import { faultInjector, FaultOptionError, INJECTED_FAILURE_STATUS, pauseUnlessClosed, preference, requestedCode, requestedDelay, type FaultOptions } from "./faults.js";
import { createState, formFields, handleReset } from "./state.js";
import { isMediaType, jsonDepthBeyond, MAX_JSON_DEPTH, withPartTypes } from "./body-checks.js";
import { fieldReasons } from "./messages.js";
import { allowOf, documentedShape, unsafeIntegerParameter, type ProblemPlace } from "./refusals.js";

export interface ServeOptions {
  /** The OpenAPI document to serve (a bundle). */
  specFile: string;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  port?: number;
  /** Generate responses from schemas instead of serving examples. */
  dynamic?: boolean;
  /** Seed of the generators, for repeatable dynamic responses and injected faults. */
  seed?: number;
  /** Proxy to this upstream (a real Daftra account) and report where it breaks the spec. */
  upstream?: string;
  /** Write Prism's request log to stderr. */
  verbose?: boolean;
  /** Refuse request bodies larger than this with 413. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Cut off a client that has not sent its headers within this time. Default 10 s. */
  headersTimeoutMs?: number;
  /** Cut off a client that has not sent its whole request within this time. Default 60 s. */
  requestTimeoutMs?: number;
  /** Proxy mode: answer an invalid request with its validation error instead of forwarding it. */
  refuseInvalid?: boolean;
  /** Wait this many milliseconds before each answer, or a random time in `{ min, max }` (drawn from `seed`). */
  delayMs?: FaultOptions["delayMs"];
  /** The share of requests (0 to 1) answered with 503 in the API's error shape, decided by `seed`. */
  failureRate?: number;
  /**
   * Remember writes: a create answers with a fresh id, and reads, lists, updates and deletes see
   * it. Each `x-mock-session` request header value has its own records (src/state.ts).
   */
  stateful?: boolean;
  /**
   * Answer valid requests from Prism's stored answers after a check compiled per operation
   * (src/fast-path.ts). Default true; false sends every request through Prism's whole pipeline,
   * for comparison (the answers are the same, only slower).
   */
  fastPath?: boolean;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** How many violations `/__mock/violations` keeps (the newest); older ones are only counted. */
export const VIOLATION_LOG_SIZE = 1000;

export interface ViolationLog {
  /** Violations seen since start (or the last clear). */
  total: number;
  /** How many of those fell out of the log because it keeps only the newest ones. */
  dropped: number;
  violations: Violation[];
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
  /** The seed of the injected faults: `seed` if given, else a random one (pass it to repeat a run). */
  faultSeed: number;
  violationLog(): ViolationLog;
  close(): Promise<void>;
}

interface PrismViolation {
  location: (string | number)[];
  severity: string;
  code: string | number;
  message: string;
}

/** Each offending field of a request with one reason, as the vendor words them (src/messages.ts): field -> reason. */
export function violationFields(violations: PrismViolation[]): Record<string, string> {
  return fieldReasons(violations);
}

/**
 * Prism answers an invalid request with the example of the documented error response, which
 * names some field or other. Keep that response's shape, but say what is really wrong: the
 * field map goes into `validation_errors` (Daftra v1) or `errors` (Daftra v2, lists of reasons),
 * and a summary into `message` / `error_description` (other shapes, e.g. the OAuth token errors).
 */
export function explainViolations(body: unknown, violations: PrismViolation[]): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const fields = violationFields(violations);
  const summary = Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ");
  const out = { ...(body as Record<string, unknown>) };
  // An envelope around the error ({errorResponse: {...}}: EnKash) is explained inside.
  const envelope = Object.entries(out).find(([, v]) => v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).some((k) => MESSAGE_KEY.test(k)));
  if (envelope && !("validation_errors" in out) && !out.errors && !Object.keys(out).some((k) => MESSAGE_KEY.test(k))) {
    out[envelope[0]] = explainViolations(envelope[1], violations);
    return out;
  }
  if ("validation_errors" in out) out.validation_errors = fields;
  // A list of finer problems (EnKash's apiSubErrors): one per field; the message sums them up.
  else if (Array.isArray(out.apiSubErrors)) {
    out.apiSubErrors = Object.entries(fields).map(([field, problem]) => ({ field, message: problem }));
    for (const key of Object.keys(out)) if (MESSAGE_KEY.test(key) && typeof out[key] === "string") out[key] = summary;
  }
  // An error detail object ({message, type, code}: VMSAlpha) keeps its shape; its message says what is wrong.
  else if (out.errors && typeof out.errors === "object" && !Array.isArray(out.errors) && Object.keys(out.errors).some((k) => MESSAGE_KEY.test(k))) out.errors = fillError(out.errors, NaN, NaN, summary);
  // Daftra v2: `errors` maps each field to a list of reasons; the summary message stays.
  else if (out.errors && typeof out.errors === "object" && !Array.isArray(out.errors)) out.errors = Object.fromEntries(Object.entries(fields).map(([field, problem]) => [field, [problem]]));
  else if (typeof out.error_description === "string") out.error_description = summary;
  else if (typeof out.message === "string") out.message = summary;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, text = JSON.stringify(body)) {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Whether an operation documents an error answer with an example body. */
function hasErrorExamples(doc: unknown, entry: OperationEntry): boolean {
  return Object.entries((entry.op as { responses?: Record<string, unknown> }).responses ?? {}).some(([code, response]) => Number(code) >= 400 && typeof exampleOf(doc, response) === "object");
}

/** The body of the first JSON media type of a response: its example, or its first named one. */
function exampleOf(doc: unknown, response: unknown): unknown {
  const content = (deref(doc, response) as { content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }> } | undefined)?.content ?? {};
  const media = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return (deref(doc, first) as { value?: unknown } | undefined)?.value;
}

/** The nesting of an example's keys (null values left out), to tell bodies of one shape. */
function keyShape(value: unknown): string {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "";
  return Object.entries(value)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}{${keyShape(v)}}`)
    .sort()
    .join(",");
}

export interface ErrorShape {
  /** The status and body of the mock's own error answer for `status`, in the API's own shape (`where`: what was wrong, when known). */
  (status: number, message: string, where?: ProblemPlace): { status: number; body: unknown };
}

/**
 * The API's error shape, read from the served bundle so each API answers the mock's own errors
 * (bad JSON, too large, bad path encoding, two credentials, unknown route) the way it documents:
 * - a status the spec documents takes its most common example; others take the 400's (or 401's,
 *   or any 4xx's) example;
 * - an API whose 2xx examples include bodies of that same shape reports errors with 200 (VMSAlpha),
 *   except for statuses it documents itself;
 * - in the example, message fields take our message, numbers and reason phrases of the example's
 *   status become the real status, and lists of field problems are emptied.
 */
export function errorShapeOf(doc: unknown, entries: OperationEntry[] = operationsOf(doc)): ErrorShape {
  const counts = new Map<number, Map<string, number>>();
  const successShapes = new Set<string>();
  /** Named examples of 2xx answers (error bodies sent with 200 among them), by name. */
  const successExamples: [string, unknown][] = [];
  for (const entry of entries) {
    for (const [code, response] of Object.entries((entry.op as { responses?: Record<string, unknown> }).responses ?? {})) {
      const status = Number(code);
      if (!Number.isInteger(status)) continue;
      const example = exampleOf(doc, response);
      if (!example || typeof example !== "object") continue;
      if (status < 300) {
        // Every named example counts here: error bodies sent with 200 are named examples.
        const content = (deref(doc, response) as { content?: Record<string, { examples?: Record<string, unknown> }> }).content ?? {};
        for (const media of Object.values(content)) {
          for (const [name, named] of Object.entries(media.examples ?? {})) {
            const value = (deref(doc, named) as { value?: unknown })?.value;
            successShapes.add(keyShape(value));
            successExamples.push([name, value]);
          }
        }
        successShapes.add(keyShape(example));
      } else if (status >= 400) {
        const byBody = counts.get(status) ?? new Map<string, number>();
        const text = JSON.stringify(example);
        byBody.set(text, (byBody.get(text) ?? 0) + 1);
        counts.set(status, byBody);
      }
    }
  }
  const templates = new Map<number, unknown>();
  for (const [status, byBody] of counts) templates.set(status, JSON.parse([...byBody].sort((a, b) => b[1] - a[1])[0]![0]));
  const fallbackStatus = [400, 401, ...[...templates.keys()].sort((a, b) => a - b)].find((s) => templates.has(s));
  const errorsWith200 = fallbackStatus !== undefined && successShapes.has(keyShape(templates.get(fallbackStatus)));
  // An API that sends its errors with 200 documents them as named 200 examples: a refusal takes
  // one of those (the 200 schema admits them), not the body of another status. Missing or bad
  // credentials take the documented credentials example as it is (VMSAlpha's missingToken).
  const errorExamples = errorsWith200 ? successExamples.filter(([, value]) => keyShape(value) === keyShape(templates.get(fallbackStatus!))) : [];
  const CREDENTIALS = /token|auth|credential|login/i;
  const credentialsExample = errorExamples.find(([name]) => CREDENTIALS.test(name))?.[1];
  const requestExample = (errorExamples.find(([name]) => !CREDENTIALS.test(name) && !/server/i.test(name)) ?? errorExamples.find(([name]) => !/server/i.test(name)))?.[1];
  return (status, message) => {
    const ownStatus = templates.has(status);
    if (!ownStatus && (status === 401 || status === 403) && credentialsExample !== undefined) return { status: 200, body: structuredClone(credentialsExample) };
    if (!ownStatus && errorsWith200 && requestExample !== undefined && status !== 405 && status < 500) return { status: 200, body: fillError(requestExample, 200, status, message) };
    const templateStatus = ownStatus ? status : fallbackStatus;
    if (templateStatus === undefined) return { status, body: { status, message } };
    const sentStatus = ownStatus || !errorsWith200 ? status : 200;
    return { status: sentStatus, body: fillError(templates.get(templateStatus), templateStatus, status, message) };
  };
}

const MESSAGE_KEY = /^(message|errorMessage|error_description|detail)$/i;
function fillError(template: unknown, templateStatus: number, status: number, message: string): unknown {
  if (Array.isArray(template)) return [];
  if (!template || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (MESSAGE_KEY.test(key) && typeof value === "string") out[key] = message;
    else if (value === templateStatus) out[key] = status;
    else if (typeof value === "string" && value === STATUS_CODES[templateStatus]) out[key] = STATUS_CODES[status];
    // A map of field problems (Daftra's validation_errors) would name the example's fields.
    else if (value && typeof value === "object" && !Array.isArray(value) && /errors$/i.test(key) && !Object.keys(value).some((k) => MESSAGE_KEY.test(k))) out[key] = {};
    else out[key] = fillError(value, templateStatus, status, message);
  }
  return out;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (req.headers["content-length"] === "0" || (req.headers["transfer-encoding"] === undefined && req.headers["content-length"] === undefined)) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop reading as soon as the limit is passed, so a huge body is never held in memory.
    if (size > maxBytes) throw new RequestError(413, `The request body is larger than the mock's limit of ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString();
  // JSON bodies are parsed, anything else (multipart, urlencoded) goes to Prism as text.
  if (/^application\/(.+\+)?json/i.test(req.headers["content-type"] ?? "")) {
    // Refused before parsing: recursive steps after it (validation, merging) would overflow.
    if (jsonDepthBeyond(text) !== undefined) throw new RequestError(400, `The request body nests deeper than the mock's limit of ${MAX_JSON_DEPTH} levels.`);
    try {
      return JSON.parse(text);
    } catch {
      throw new RequestError(400, "The request body is not valid JSON.");
    }
  }
  // A file part without its Content-Type is application/octet-stream (RFC 7578), said out loud for Prism's parser.
  if (/^multipart\//i.test(req.headers["content-type"] ?? "")) return withPartTypes(text, req.headers["content-type"]!);
  return text;
}

function queryOf(searchParams: URLSearchParams): Record<string, string | string[]> {
  // Keys come from the request: no prototype, so `__proto__` is a key like any other.
  const query: Record<string, string | string[]> = Object.create(null);
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { createInstance, createLogger, getHttpConfigFromRequest, serialize, operationsOf: prismOperationsOf } = loadPrism({ dynamic: !!options.dynamic });

  const faultSeed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  // Checked before the spec is read, so a bad option fails at once with its own message.
  const faults = faultInjector({ delayMs: options.delayMs, failureRate: options.failureRate, seed: faultSeed });
  const operations = await prismOperationsOf(options.specFile);
  if (!operations.length) throw new Error(`No operations found in ${options.specFile}.`);
  // Prism has read the file by now, so it is a valid document (Prism's errors say more).
  const doc = JSON.parse(readFileSync(options.specFile, "utf8"));
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  if (upstream && options.stateful) throw new Error("Stateful mode answers from the spec's examples; it cannot be combined with a proxy upstream.");
  const state = options.stateful ? createState(doc) : undefined;
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
  // Proxy mode with refuseInvalid checks each request with a mock-mode instance first.
  const mockModeConfig = { ...config, validateResponse: false, isProxy: false, upstream: undefined };
  const mockOnly = upstream && options.refuseInvalid ? createInstance(mockModeConfig, { logger }) : prism;
  // Prism scores every operation against every request. Hand it only the operations whose path
  // template matches (in spec order), which is what makes the mock fast on a 300-path spec.
  const prismOperations = new Map(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));
  const errorShape = errorShapeOf(doc);
  // Prism reports path and query parameters by their names in lower case: name them as declared.
  const declaredNames = new Map<string, string>();
  for (const entry of operationsOf(doc)) for (const p of entry.parameters as { name: string; in: string }[]) if (p.in !== "header") declaredNames.set(p.name.toLowerCase(), p.name);
  const asDeclared = (v: PrismViolation): PrismViolation =>
    v.location[1] === "path" || v.location[1] === "query" ? { ...v, location: v.location.map((part, i) => (i === 2 ? (declaredNames.get(String(part).toLowerCase()) ?? part) : part)) } : v;
  // Nested query parameters (Daftra v2's filter[field][op]=v) are checked here: Prism reads
  // only the properties a deepObject schema names.
  // Schemas of the served document, compiled on first use: parameters (with coercion: they arrive
  // as text), and bodies and x-mock-when conditions.
  let paramCompiler: ReturnType<typeof documentSchemaCompiler> | undefined;
  const compileQuerySchema = (schema: unknown) => (paramCompiler ??= documentSchemaCompiler(doc, { coerceTypes: true, verbose: true }))(schema);
  let compiler: ReturnType<typeof documentSchemaCompiler> | undefined;
  const compileSchema = (schema: unknown) => (compiler ??= documentSchemaCompiler(doc))(schema);
  const routes = operationRoutes(doc).flatMap((entry) => {
    const prism = prismOperations.get(entry.key);
    if (!prism) return [];
    // The mock's own errors on this route take the shape its operation documents (Daftra v1 and
    // v2 answer errors differently); an operation that documents none takes the API's.
    const routeShape = hasErrorExamples(doc, entry) ? errorShapeOf(doc, [entry]) : errorShape;
    return [
      {
        entry,
        method: entry.method,
        regex: entry.regex,
        specificity: entry.specificity,
        security: securityAlternatives(doc, entry.security),
        prism,
        errorShape: documentedShape(routeShape, Object.keys((entry.op as { responses?: object }).responses ?? {})),
        statuses: Object.keys((entry.op as { responses?: object }).responses ?? {}),
        integerPathParams: (entry.parameters as { in: string; name: string; schema?: unknown }[]).filter((p) => p.in === "path" && [(deref(doc, p.schema) as { type?: unknown } | undefined)?.type].flat().includes("integer") && ![(deref(doc, p.schema) as { type?: unknown } | undefined)?.type].flat().includes("string")).map((p) => p.name),
        pathParams: pathTemplateMatcher(entry.path),
        checkQuery: bracketQueryChecker(doc, entry.parameters, compileQuerySchema),
        // The fast check (src/fast-path.ts), compiled on the route's first request; null when
        // the route is not a candidate or has been taken off the fast path.
        fast: undefined as ReturnType<typeof fastPathOf> | null | undefined,
        conditional: conditionalExamplesOf(doc, entry, compileSchema),
      },
    ];
  });
  type Route = (typeof routes)[number];
  const findRoutes = routeIndex(routes);
  // Static answers only: dynamic ones differ per request, and a proxy's come from upstream.
  const fastPathOn = options.fastPath !== false && !upstream && !options.dynamic;
  // What the fast path did, for GET /__mock/health.
  const fastPath = { answered: 0, stored: 0, off: [] as string[] };

  const fastVerdict = (route: Route, req: IncomingMessage, pathname: string, query: URLSearchParams, body: unknown): FastVerdict => {
    if (route.fast === undefined) route.fast = fastPathOf(doc, route.entry, route.security, compileSchema, compileQuerySchema) ?? null;
    return route.fast?.(req, pathname, query, body);
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // A bounded log: a long proxy session must not grow the mock's memory without end.
  let violations: Violation[] = [];
  let violationTotal = 0;
  const violationLog = (): ViolationLog => ({ total: violationTotal, dropped: violationTotal - violations.length, violations });
  const record = (violation: Violation) => {
    violationTotal++;
    violations.push(violation);
    if (violations.length > VIOLATION_LOG_SIZE) violations.shift();
  };

  function sendError(res: ServerResponse, status: number, message: string, shape: ErrorShape = errorShape, where?: ProblemPlace) {
    const answer = shape(status, message, where);
    send(res, answer.status, answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://mock.invalid");
    const pathname = url.pathname;
    if (pathname === "/__mock/health") return send(res, 200, { ok: true, fastPath: { on: fastPathOn, ...fastPath } });
    if (pathname === "/__mock/reset") return handleReset(req, res, state);
    if (pathname === "/__mock/violations") {
      if (req.method === "DELETE") {
        violations = [];
        violationTotal = 0;
        res.writeHead(204).end();
        return;
      }
      return send(res, 200, violationLog());
    }
    // Any origin may call a local mock; Vary keeps caches from serving one origin's answer to another.
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("vary", "Origin");
    res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
    res.setHeader("access-control-expose-headers", "*");
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      res.setHeader("access-control-allow-methods", req.headers["access-control-request-method"]);
      res.writeHead(204).end();
      return;
    }
    const declaredLength = Number(req.headers["content-length"] ?? 0);
    if (declaredLength > maxBodyBytes) return refuseBody(req, res, new RequestError(413, `The request body is larger than the mock's limit of ${maxBodyBytes} bytes.`));
    const matching = findRoutes(pathname);
    const candidates = matching.map((r) => r.prism);
    // Security alternatives mean "one of these": a request that carries two is refused, as
    // Daftra refuses an API key sent together with a Bearer token.
    // The most specific path wins (OpenAPI; the spec lint checks one exists), as Prism routes.
    const route = routeFor(matching, req.method ?? "GET", pathname);
    try {
      decodeURIComponent(pathname);
    } catch {
      req.resume();
      return sendError(res, 400, `The request path is not valid percent-encoding: ${pathname}`, route?.errorShape, "path");
    }
    if (!route && matching.length && req.method !== "OPTIONS") {
      // A path the spec has, with another method: 405 and the methods it has (RFC 9110 §15.5.6).
      req.resume();
      res.setHeader("allow", allowOf(matching.map((r) => r.method)));
      const refusal = errorShape(405, `${req.method} is not allowed on ${pathname}; use ${allowOf(matching.map((r) => r.method))}.`);
      return send(res, 405, refusal.body);
    }
    const unsafe = route ? unsafeIntegerParameter(route.pathParams(pathname), route.integerPathParams) : undefined;
    if (unsafe) {
      req.resume();
      return sendError(res, 404, `${unsafe}: ${route!.pathParams(pathname)![unsafe]} is beyond the integers the API holds (2^53).`, route!.errorShape, "path");
    }
    const contentType = req.headers["content-type"];
    if (contentType !== undefined && !isMediaType(contentType)) {
      // A Content-Type that is no media type: meaningless without a body, refused with one.
      if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) delete req.headers["content-type"];
      else {
        req.resume();
        return sendError(res, 400, `Content-Type: "${contentType}" is not a media type (type/subtype).`, route?.errorShape, "header");
      }
    }
    if (await injectFaults(req, res, route)) return;
    const carried = (route?.security ?? []).filter((alternative) => alternative.length && alternative.every((scheme) => carries(req, scheme)));
    if (carried.length > 1) {
      req.resume();
      const names = carried.map((alternative) => alternative.map((scheme) => scheme.key).join("+")).join(" and ");
      return sendError(res, 401, `Send one credential, not several: this request carries ${names}.`, route?.errorShape);
    }
    const queryProblem = route?.checkQuery?.(url.searchParams);
    if (queryProblem && upstream && !options.refuseInvalid) {
      // Proxy mode forwards invalid requests (see --proxy-refuse-invalid): log it as Prism's
      // violations are (status 0: logged before the answer exists).
      record({ side: "request", method: req.method ?? "GET", path: pathname, status: 0, location: "request.query", message: queryProblem });
    } else if (queryProblem) {
      req.resume();
      return sendError(res, 400, queryProblem, route?.errorShape, "query");
    }
    let body: unknown;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof RequestError && error.status === 413) return refuseBody(req, res, error);
      if (error instanceof RequestError) return sendError(res, error.status, error.message, route?.errorShape, "body");
      throw error;
    }
    // The fast path (src/fast-path.ts): a valid request answered with Prism's stored answer.
    const verdict = fastPathOn && route?.fast !== null && req.headers.prefer === undefined && route ? fastVerdict(route, req, pathname, url.searchParams, body) : undefined;
    if (verdict && state) {
      const stored = await state.answer({ entry: route!.entry, pathname, query: url.searchParams, headers: req.headers, body, errorShape: route!.errorShape });
      if (stored) return send(res, stored.status, stored.body, stored.text);
    }
    if (verdict && "answer" in verdict) {
      fastPath.answered++;
      return sendStored(res, verdict.answer);
    }
    const input = {
      method: (req.method ?? "GET").toLowerCase(),
      url: { path: pathname, baseUrl: url.searchParams.get("__server") || undefined, query: queryOf(url.searchParams) },
      headers: req.headers,
      body,
    };
    const requestConfig = getHttpConfigFromRequest(input);
    if (requestConfig._tag === "Left") return sendProblem(res, requestConfig.left, route?.errorShape);
    const mockConfig = { ...config.mock, ...Object.fromEntries(Object.entries(requestConfig.right).filter(([, v]) => v !== undefined)) };
    const toTry = candidates.length ? candidates : operations;
    if (upstream && options.refuseInvalid) {
      // Validate as the mock would, and forward only what the spec accepts.
      const checked = await mockOnly.request(input, toTry, { ...mockModeConfig, mock: mockConfig })();
      const invalid = checked._tag === "Right" && checked.right.validations.input.some((v: PrismDetail) => v.severity === 0);
      if (checked._tag === "Left" || invalid) return answer(req, res, pathname, checked, true, route?.errorShape);
    }
    let result = await prism.request(input, toTry, { ...config, mock: mockConfig })();
    if (route?.conditional.size && result._tag === "Right" && !/example=/.test(String(req.headers.prefer ?? ""))) result = await withConditionalExample(route.conditional, result, body, req.headers["content-type"]);
    // Stateful mode: a request Prism accepted (valid, authorised) is answered from the stored records.
    const accepted = result._tag === "Right" && result.right.output.statusCode < 400 && !result.right.validations.input.some((v: PrismDetail) => v.severity === 0);
    if (verdict && "store" in verdict) {
      if (accepted && !result.right.validations.output.length) {
        const { output } = result.right;
        const headers = Object.entries(output.headers ?? {}) as [string, string | string[]][];
        const contentType = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1];
        const stored: StoredAnswer = { status: output.statusCode, headers, body: Buffer.from(serialize(output.body, contentType)) };
        verdict.store(stored);
        fastPath.stored++;
        if (!state) return sendStored(res, stored);
      } else if (result._tag === "Left" ? INPUT_REFUSALS.includes(result.left.status) : result.right.validations.input.some((v: PrismDetail) => v.severity === 0)) {
        // Prism refused what the fast check let through: that check is not to be trusted on this route.
        route!.fast = null;
        fastPath.off.push(route!.entry.key);
        process.stderr.write(`[mizan-mock] fast path off for ${route!.entry.key}: Prism refused a request it accepted (please report this): ${JSON.stringify(result._tag === "Left" ? result.left : result.right.validations.input).slice(0, 500)}\n`);
      }
    }
    if (state && route && accepted && !verdict) {
      const stored = await state.answer({ entry: route.entry, pathname, query: url.searchParams, headers: req.headers, body, errorShape: route.errorShape });
      if (stored) return send(res, stored.status, stored.body, stored.text);
    }
    return answer(req, res, pathname, result, !upstream, route?.errorShape);
  }

  /**
   * Delays and failures (faults.ts): the global ones, then the request's own `Prefer: delay=`
   * and, in mock mode, `Prefer: code=` for a failure status the operation does not document
   * (Prism would answer that with a 404). A failure is answered before validation, as a gateway would, with
   * its real status even where the API reports its own errors with 200. True when answered.
   */
  async function injectFaults(req: IncomingMessage, res: ServerResponse, route: { errorShape: ErrorShape; statuses: string[] } | undefined): Promise<boolean> {
    // The usual request (no faults set, no Prefer header) costs one check.
    if (!faults.active && req.headers.prefer === undefined) return false;
    const shape = route?.errorShape ?? errorShape;
    const planned = faults.active ? faults.next() : { delayMs: 0, fail: false };
    let delayMs = planned.delayMs;
    try {
      delayMs = requestedDelay(req.headers.prefer) ?? delayMs;
      if (!upstream && route) requestedCode(req.headers.prefer, route.statuses);
    } catch (error) {
      if (!(error instanceof FaultOptionError)) throw error;
      req.resume();
      sendError(res, 400, error.message, shape);
      return true;
    }
    if (!(await pauseUnlessClosed(delayMs, res))) return true;
    const forced = Number(preference(req.headers.prefer, "code"));
    const undocumented = !upstream && route && forced >= 400 && forced <= 599 && !route.statuses.some((s) => s === String(forced) || s === "default" || s.toUpperCase() === `${String(forced)[0]}XX`);
    if (!planned.fail && !undocumented) return false;
    req.resume();
    const status = planned.fail ? INJECTED_FAILURE_STATUS : forced;
    const message = planned.fail ? `Injected failure: the mock fails this share of requests (failure rate ${options.failureRate}, seed ${faultSeed}).` : `Forced by Prefer: code=${forced}; this operation does not document that status.`;
    send(res, status, shape(status, message).body);
    return true;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function answer(req: IncomingMessage, res: ServerResponse, pathname: string, result: any, explain: boolean, shape?: ErrorShape) {
    if (result._tag === "Left") return sendProblem(res, result.left, shape);
    const { output, validations } = result.right;
    const found = [
      ...validations.input.map((v: PrismDetail) => asDeclared(toViolation("request", v))),
      ...validations.output.map((v: PrismDetail) => toViolation("response", v)),
    ];
    for (const v of found) {
      record({ side: String(v.location[0]), method: req.method ?? "GET", path: pathname, status: output.statusCode, location: v.location.join("."), message: v.message });
      if (upstream) process.stderr.write(`[mizan-mock] ${v.location[0]} violation: ${req.method} ${pathname}: ${v.message}\n`);
    }
    if (found.length) res.setHeader("sl-violations", JSON.stringify(found).slice(0, 8000));
    for (const [name, value] of Object.entries(output.headers ?? {})) res.setHeader(name, value as string);
    const requestErrors = found.filter((v) => v.location[0] === "request" && v.code !== 401 && v.code !== 403);
    if (explain && shape && requestErrors.length && requestErrors.every((v) => v.location[1] === "path") && (output.statusCode === 400 || output.statusCode === 422)) {
      // A path value no route takes: the operation's documented 404 where it has one (src/refusals.ts).
      const summary = Object.entries(violationFields(requestErrors)).map(([field, problem]) => `${field}: ${problem}`).join("; ");
      const refusal = shape(output.statusCode, summary, "path");
      if (refusal.status !== output.statusCode) return send(res, refusal.status, explainViolations(refusal.body, requestErrors));
    }
    const payload = explain && requestErrors.length && (output.statusCode === 400 || output.statusCode === 422) ? explainViolations(output.body, requestErrors) : output.body;
    const text = serialize(payload, res.getHeader("content-type"));
    res.writeHead(output.statusCode);
    res.end(text);
  }

  function sendStored(res: ServerResponse, stored: StoredAnswer) {
    for (const [name, value] of stored.headers) res.setHeader(name, value);
    res.setHeader("content-length", stored.body.length);
    res.writeHead(stored.status);
    res.end(stored.body);
  }

  /** 413, then close: the rest of the body is never read. */
  function refuseBody(req: IncomingMessage, res: ServerResponse, error: RequestError) {
    const answer = errorShape(error.status, error.message);
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), connection: "close" });
    // The socket is detached from the request once the answer is out; keep hold of it.
    const socket = req.socket;
    res.end(text, () => socket?.destroy());
  }

  function sendProblem(
    res: ServerResponse,
    error: { status?: number; name?: string; title?: string; detail?: string; additional?: { headers?: Record<string, string>; validation?: PrismDetail[] } },
    shape: ErrorShape = errorShape,
  ) {
    for (const [name, value] of Object.entries(error.additional?.headers ?? {})) res.setHeader(name, value);
    // Prism's `name` is a URL of its error type; its detail says what happened. When it refuses
    // a request that no documented error fits (an invalid path parameter, say), it lists the
    // violations: name them, as the documented validation answers do.
    // Its problem lists them as {location, severity: "Error", code, message}.
    const listed = (error.additional?.validation ?? []) as (PrismDetail & { location?: string[] })[];
    const violations = listed.filter((d) => d.severity === 0 || (d.severity as unknown) === "Error").map((d) => asDeclared(toViolation("request", { ...d, path: d.path ?? d.location })));
    const fields = violationFields(violations);
    const message = violations.length ? Object.entries(fields).map(([field, problem]) => `${field}: ${problem}`).join("; ") : (error.detail ?? error.title ?? String(error));
    const place = violations[0]?.location[1];
    const answer = shape(error.status ?? 500, message, place === "path" || place === "query" || place === "body" || place === "header" ? place : undefined);
    send(res, answer.status, violations.length ? explainViolations(answer.body, violations) : answer.body);
  }

  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout);
  // Node checks these timeouts only every connectionsCheckingInterval (30 s by default).
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, (req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendError(res, 500, `mock: ${error.message}`);
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
    faultSeed,
    violationLog,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
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
/** Statuses of Prism's own errors that refuse the request itself (not, say, a 406 for an Accept it cannot meet). */
const INPUT_REFUSALS = [400, 401, 403, 415, 422];
function toViolation(side: string, d: PrismDetail): PrismViolation {
  return { location: [side, ...(d.path ?? [])], severity: SEVERITY[d.severity] ?? String(d.severity), code: d.code, message: d.message };
}

/**
 * The routes whose template can match a path, in their listed order, found by the path's leading
 * literal segments instead of testing every route's pattern (400 on the Daftra bundle): each route
 * is filed under the literal segments its template starts with (at most four).
 */
function routeIndex<R extends { entry: { path: string }; regex: RegExp }>(routes: R[]): (pathname: string) => R[] {
  const DEPTH = 4;
  const byPrefix = new Map<string, { route: R; order: number }[]>();
  routes.forEach((route, order) => {
    const segments = route.entry.path.split("/").slice(1);
    let literal = 0;
    while (literal < DEPTH && literal < segments.length && !segments[literal]!.includes("{")) literal++;
    const key = `${literal}:${segments.slice(0, literal).join("/")}`;
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), { route, order }]);
  });
  return (pathname) => {
    const segments = pathname.split("/").slice(1);
    const found: { route: R; order: number }[] = [];
    for (let depth = 0; depth <= Math.min(DEPTH, segments.length); depth++) {
      for (const hit of byPrefix.get(`${depth}:${segments.slice(0, depth).join("/")}`) ?? []) if (hit.route.regex.test(pathname)) found.push(hit);
    }
    return found.sort((a, b) => a.order - b.order).map((hit) => hit.route);
  };
}

type Conditional = Map<number, { value: unknown; matches: (body: unknown) => boolean }[]>;

/**
 * The named error examples of an operation that say which refused requests they answer, by status:
 * `x-mock-when: { body: <JSON Schema> }` on an example of a 4xx response (the OAuth token
 * endpoint answers an unknown grant_type with unsupported_grant_type, other problems with
 * invalid_request). Compiled once; empty for most operations.
 */
function conditionalExamplesOf(doc: unknown, entry: OperationEntry, compile: (schema: unknown) => (value: unknown) => boolean): Conditional {
  const found: Conditional = new Map();
  for (const [code, raw] of Object.entries((entry.op as { responses?: Record<string, unknown> }).responses ?? {})) {
    const response = deref(doc, raw) as { content?: Record<string, { examples?: Record<string, unknown> }> } | undefined;
    for (const [type, media] of Object.entries(response?.content ?? {})) {
      if (!/json/i.test(type)) continue;
      for (const named of Object.values(media.examples ?? {})) {
        const example = deref(doc, named) as { value?: unknown; "x-mock-when"?: { body?: unknown } } | undefined;
        const when = example?.["x-mock-when"];
        if (!when) continue;
        if (typeof when !== "object" || !when.body) throw new Error(`${entry.key}: x-mock-when on a ${code} example must be {body: <JSON Schema>}.`);
        let validate: ((value: unknown) => boolean) | undefined;
        const matches = (body: unknown) => (validate ??= compile(when.body))(body);
        found.set(Number(code), [...(found.get(Number(code)) ?? []), { value: example!.value, matches }]);
      }
    }
  }
  return found;
}

/** Prism's refusal answered with the first example whose x-mock-when the request body meets, if one does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function withConditionalExample(conditional: Conditional, result: any, body: unknown, contentType: string | undefined) {
  const candidates = conditional.get(result.right.output.statusCode);
  if (!candidates || !result.right.validations.input.some((v: PrismDetail) => v.severity === 0)) return result;
  let fields = body;
  if (typeof body === "string") {
    try {
      fields = await formFields(body, contentType ?? "");
    } catch {
      return result;
    }
  }
  const chosen = candidates.find((candidate) => candidate.matches(fields));
  return chosen ? { ...result, right: { ...result.right, output: { ...result.right.output, body: structuredClone(chosen.value) } } } : result;
}
