// A server on 127.0.0.1 whose answers each test scripts (real sockets, no stubbed fetch), and a
// small typed API to call it with through the core's createApiClient.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiClient, type ApiClientConfig, type SecurityTable } from "../src/index.js";

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export class ScriptedServer {
  readonly server: Server;
  handler: Handler = (_req, res) => void res.end();
  received: Received[] = [];
  url = "";
  constructor() {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        this.received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        this.handler(req, res, body, this.received.length);
      });
    });
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  script(handler: Handler): void {
    this.received = [];
    this.handler = handler;
  }
  count(path?: string): number {
    return this.received.filter((r) => path === undefined || r.url.split("?")[0] === path).length;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
    .end(text);
};

/** Sends the head and part of a body, then drops the connection. */
export const cut = (
  res: ServerResponse,
  headers: Record<string, string> = { "content-type": "application/json", "content-length": "1000" },
) => {
  res.writeHead(200, headers);
  res.write('{"data": [');
  setTimeout(() => res.destroy(), 10);
};

/** A small API in the shape openapi-typescript writes. */
export interface TestPaths {
  "/items/{id}": {
    parameters: { query?: never; header?: never; path: { id: string | number }; cookie?: never };
    get: {
      parameters: { query?: { page?: number }; header?: never; path: { id: string | number }; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": { id: number; name?: string } } };
        404: { headers: { [name: string]: unknown }; content: { "application/json": { message: string } } };
      };
    };
  };
  "/items": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody: { content: { "application/json": { name: string } } };
      responses: {
        201: { headers: { [name: string]: unknown }; content: { "application/json": { id: number } } };
        422: { headers: { [name: string]: unknown }; content: { "application/json": { message: string } } };
      };
    };
  };
  "/token": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": { access_token: string } } };
      };
    };
  };
}

/** The security of the test API: an API key or a Bearer token on everything. */
export const security: SecurityTable = {
  schemes: { key: { type: "apiKey", header: "x-api-key" }, bearer: { type: "bearer" } },
  default: [["key"], ["bearer"]],
  match: [["POST", /^\/token(?:[?#]|$)/, []]],
};

export const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };

export function testClient(baseUrl: string, config: Partial<ApiClientConfig> = {}) {
  return createApiClient<TestPaths>({
    baseUrl,
    tables: { security, middleware: [] },
    credentials: { apiKey: "key-123456" },
    retry: fast,
    ...config,
  });
}

/** The rejection of a promise (undefined when it resolved). */
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & Record<string, unknown>,
  );
