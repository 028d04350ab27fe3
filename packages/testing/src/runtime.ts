// The runtime behaviour every @mizan client must show, run against misbehaving servers on
// 127.0.0.1 (real sockets, no stubs): retries after 503, time limits that raise TimeoutError,
// typed errors with throwOnError, no redirect followed (so no credential or body crosses origins), typed
// errors for truncated JSON and cut bodies, bounded error bodies, and caller signals on any
// method. The operations used come from the API's bundle (an authenticated GET and POST),
// so a client package only says how to build its client:
//
//   // test/runtime.test.ts
//   defineRuntimeTests({ api: "daftra", secret: "key-123456", client: (o) => createDaftraClient({ ...o, auth: { apiKey: "key-123456" } }) });
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { operationsOf } from "@mizan/openapi-tools";
import { exampleRequest } from "@mizan/openapi-tools/examples";
import { readBundle } from "@mizan/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type AnyClient = { request(method: string, url: string, init?: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }> };

/** The runtime options every client takes (RuntimeOptions in @mizan/client-core). */
export interface RuntimeTestOptions {
  baseUrl: string;
  retry?: { retries?: number; minDelayMs?: number; maxDelayMs?: number } | false;
  timeoutMs?: number;
  totalTimeoutMs?: number;
  maxErrorBodyBytes?: number;
  throwOnError?: boolean;
}

export interface RuntimeTestConfig {
  /** The API, as named in spec/redocly.yaml. */
  api: string;
  /** The client under test, with credentials that contain `secret`. */
  client: (options: RuntimeTestOptions) => unknown;
  /** A credential string the client sends; it must never reach another origin. */
  secret: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A server on 127.0.0.1 whose answer each test scripts; it records what it received. */
class ScriptedServer {
  server: Server;
  handler: Handler = (_req, res) => res.end();
  received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  url = "";
  constructor() {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        this.received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        this.handler(req, res, body);
      });
    });
  }
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  script(handler: Handler) {
    this.received = [];
    this.handler = handler;
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers }).end(text);
};

export function defineRuntimeTests({ api, client, secret }: RuntimeTestConfig) {
  const doc = readBundle(api);
  // An authenticated GET and POST (any POST when none is authenticated: VMSAlpha's take the token in the body).
  const operations = operationsOf(doc);
  const pick = (method: string) => operations.find((o) => o.method === method && o.security.length > 0) ?? operations.find((o) => o.method === method);
  const get = pick("get");
  const post = pick("post");
  const a = new ScriptedServer();
  const b = new ScriptedServer(); // another origin: another port
  beforeAll(async () => {
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };
  const make = (options: Partial<RuntimeTestOptions> = {}) => client({ baseUrl: a.url, retry: fast, ...options }) as AnyClient;
  const send = (c: AnyClient, o: NonNullable<typeof get>, init: Record<string, unknown> = {}) => {
    const { params, body } = exampleRequest(doc, o);
    return c.request(o.method, o.path, { params: { path: params.path, query: params.query }, ...(body !== undefined && o.requestMediaType === "application/json" ? { body } : {}), ...init });
  };
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as Error & Record<string, unknown>);

  describe(`${api}: the shared runtime against misbehaving servers`, () => {
    it("has a GET and a POST to try", () => {
      expect(get?.security.length, "an authenticated GET").toBeGreaterThan(0);
      expect(post, "a POST").toBeDefined();
    });

    it("retries a GET after 503 and returns the success", async () => {
      a.script((_req, res) => (a.received.length < 3 ? json(res, 503, { message: "down" }) : json(res, 200, {})));
      const { response } = await send(make(), get!);
      expect(response.status).toBe(200);
      expect(a.received).toHaveLength(3);
    });

    it("does not repeat a POST that got a 503", async () => {
      a.script((_req, res) => json(res, 503, { message: "down" }));
      const { response } = await send(make(), post!);
      expect(response.status).toBe(503);
      expect(a.received).toHaveLength(1);
    });

    it("raises TimeoutError after the per-attempt limit, saying how many attempts ran", async () => {
      a.script(() => undefined); // never answers
      const error = await failure(send(make({ timeoutMs: 50, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } }), get!));
      expect(error?.name).toBe("TimeoutError");
      expect(error).toMatchObject({ scope: "attempt", attempts: 2, timeoutMs: 50, method: "GET" });
      expect(error?.message).toMatch(/^GET \S+: timed out: timeoutMs 50 ms, 2 attempt\(s\), \d+ ms$/);
    });

    it("raises TimeoutError for the whole call after totalTimeoutMs", async () => {
      a.script(() => undefined);
      const started = Date.now();
      const error = await failure(send(make({ timeoutMs: 5_000, totalTimeoutMs: 120, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 2 } }), get!));
      expect(error).toMatchObject({ name: "TimeoutError", scope: "call", timeoutMs: 120 });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it("throws typed errors with throwOnError: status, method, path, request id", async () => {
      a.script((_req, res) => json(res, 404, { message: "no such record" }, { "x-request-id": "req-42" }));
      const error = await failure(send(make({ throwOnError: true }), get!));
      expect(error?.name).toBe("NotFoundError");
      expect(error).toMatchObject({ status: 404, method: "GET", requestId: "req-42" });
      expect(Object.getPrototypeOf(Object.getPrototypeOf(error)).constructor.name).toBe("ApiError");
    });

    it.each([301, 302, 303, 307, 308])("never carries a credential or body to another origin on a %i", async (status) => {
      b.script((_req, res) => json(res, 200, {}));
      a.script((_req, res) => res.writeHead(status, { location: `${b.url}/elsewhere` }).end());
      for (const op of [get!, post!]) {
        const error = await failure(send(make(), op));
        expect(error?.name, `${op.key}`).toBe("RedirectError");
        expect(error).toMatchObject({ status, location: `${b.url}/elsewhere` });
      }
      expect(b.received).toEqual([]);
    });

    it("does not follow a redirect on the same origin either (the policy: none is followed)", async () => {
      a.script((req, res) => (req.url?.startsWith("/moved") ? json(res, 200, {}) : res.writeHead(307, { location: "/moved" }).end()));
      const error = await failure(send(make(), get!));
      expect(error).toMatchObject({ name: "RedirectError", status: 307, location: `${a.url}/moved` });
      expect(a.received).toHaveLength(1);
    });

    it("raises ResponseParseError for a 2xx with truncated JSON", async () => {
      a.script((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"data": {"id": 1'));
      const error = await failure(send(make(), get!));
      expect(error?.name).toBe("ResponseParseError");
      expect(error).toMatchObject({ status: 200, method: "GET" });
    });

    it("retries a GET whose body was cut, and raises ConnectionError for a cut POST", async () => {
      const cut = (res: ServerResponse) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"data": [');
        setTimeout(() => res.destroy(), 10);
      };
      a.script((_req, res) => (a.received.length === 1 ? cut(res) : json(res, 200, { ok: true })));
      const { data } = await send(make(), get!);
      expect(data).toEqual({ ok: true });
      expect(a.received).toHaveLength(2);
      a.script((_req, res) => cut(res));
      const error = await failure(send(make(), post!));
      expect(error?.name).toBe("ConnectionError");
      expect(a.received).toHaveLength(1);
    });

    it("reads a huge error body only up to maxErrorBodyBytes", async () => {
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      a.script((_req, res) => {
        res.writeHead(500, { "content-type": "text/plain" });
        const pump = () => {
          while (sent < 200 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 200 * 1024 * 1024 && !res.destroyed) res.once("drain", pump);
          else res.end();
        };
        res.on("close", () => undefined);
        pump();
      });
      const error = await failure(send(make({ throwOnError: true, retry: false, maxErrorBodyBytes: 4096 }), get!));
      expect(error?.name).toBe("ServerError");
      expect(String(error?.body).length).toBeLessThanOrEqual(4096);
      expect(sent).toBeLessThan(50 * 1024 * 1024);
    });

    it.each(["PATCH", "HEAD", "OPTIONS"])("honours the caller's signal on %s too", async (method) => {
      a.script(() => undefined);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = Date.now();
      const error = await failure(make().request(method, get!.path, { params: exampleRequest(doc, get!).params, signal: controller.signal }));
      expect(error?.name).toBe("AbortError");
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
}
