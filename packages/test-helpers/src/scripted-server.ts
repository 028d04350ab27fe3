// A server on 127.0.0.1 whose answers each test scripts (real sockets, no stubbed fetch), and
// the small answers tests script it with. The transport tests of @mizan/client-core and the
// per-client runtime tests of @mizan/testing both drive their clients against it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the server answers a request: `body` is the request's whole body, `n` counts requests since the last script. */
export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A server on 127.0.0.1 (port 0: a free one) that records what it receives and answers as scripted. */
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
  /** Answers the next requests with `handler`, forgetting what was received so far. */
  script(handler: Handler): void {
    this.received = [];
    this.handler = handler;
  }
  /** How many requests were received since the last script, all or those to `path` (query ignored). */
  count(path?: string): number {
    return this.received.filter((r) => path === undefined || r.url.split("?")[0] === path).length;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers with a JSON body and its length. */
export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
    .end(text);
};
