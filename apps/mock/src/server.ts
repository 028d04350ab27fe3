// The mock server: Prism, run in this process through its own modules, behind a thin front
// that speaks Daftra where Prism does not:
//   - request validation failures keep the documented error body but name each field and rule;
//   - a request carrying both `apikey` and `Authorization` is refused, as the real server does;
//   - in proxy mode, every spec violation of the real server's answers is logged and listed.
// Running Prism in-process (instead of its CLI, which forks a cluster worker) halves start-up.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

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

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { createServer: createPrismServer } = fromPrism("@stoplight/prism-http-server");
  const { createLogger } = fromPrism("@stoplight/prism-core");
  const { getHttpOperationsFromSpec } = fromPrism("@stoplight/prism-http");
  // Without this, generated objects get random extra properties (see anchors: Prism).
  fromPrism("json-schema-faker").JSONSchemaFaker.option("fillProperties", false);

  const operations = await getHttpOperationsFromSpec(options.specFile);
  if (!operations.length) throw new Error(`No operations found in ${options.specFile}.`);
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  const prism = createPrismServer(operations, {
    cors: true,
    components: { logger: createLogger("mock", { level: options.verbose ? "info" : "silent" }) },
    config: {
      checkSecurity: true,
      validateRequest: true,
      validateResponse: true,
      errors: false,
      upstreamProxy: undefined,
      mock: { dynamic: !!options.dynamic, seed: options.seed },
      ...(upstream ? { isProxy: true, upstream } : { isProxy: false }),
    },
  });
  const prismUrl = new URL(await prism.listen(0, "127.0.0.1"));
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const violations: Violation[] = [];

  function forward(req: IncomingMessage, res: ServerResponse) {
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (pathname === "/__mock/health") return send(res, 200, { ok: true });
    if (pathname === "/__mock/violations") return send(res, 200, violations);
    if (req.headers.apikey !== undefined && req.headers.authorization !== undefined && pathname.startsWith("/api2/")) {
      req.resume();
      return send(res, 401, { result: "failed", code: 401, message: "Send either the apikey header or an Authorization header, not both." });
    }
    const upstreamReq = httpRequest(
      { host: prismUrl.hostname, port: prismUrl.port, method: req.method, path: req.url, headers: req.headers, agent },
      (prismRes) => {
        const header = prismRes.headers["sl-violations"];
        const found: PrismViolation[] = header ? JSON.parse(String(header)) : [];
        for (const v of found) {
          violations.push({
            side: String(v.location[0]),
            method: req.method ?? "GET",
            path: pathname,
            status: prismRes.statusCode ?? 0,
            location: v.location.join("."),
            message: v.message,
          });
          if (upstream) process.stderr.write(`[mizan-mock] ${v.location[0]} violation: ${req.method} ${pathname}: ${v.message}\n`);
        }
        const requestErrors = found.filter((v) => v.location[0] === "request" && v.code !== 401 && v.code !== 403);
        if (!upstream && requestErrors.length && prismRes.statusCode === 400) {
          const chunks: Buffer[] = [];
          prismRes.on("data", (c: Buffer) => chunks.push(c));
          prismRes.on("end", () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString());
            } catch {
              body = undefined;
            }
            send(res, 400, explainViolations(body, requestErrors) ?? { message: violationFields(requestErrors) });
          });
          return;
        }
        res.writeHead(prismRes.statusCode ?? 502, prismRes.headers);
        prismRes.pipe(res);
      },
    );
    upstreamReq.on("error", (error) => send(res, 502, { result: "failed", code: 502, message: `mock: ${error.message}` }));
    req.pipe(upstreamReq);
  }

  const front = createServer(forward);
  front.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = front.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    violations,
    async close() {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeAllConnections();
      await closed;
      agent.destroy();
      await prism.close();
    },
  };
}
