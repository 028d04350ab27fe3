// The request pipeline, in the order a request meets it: route, guards, responders tried in turn,
// each stage a function in its own file. A guard or responder that answers ends the request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorShape } from "./error-shape.js";
import type { Exchange, Guard, Responder } from "./exchange.js";
import { sendError } from "./send.js";

export interface Pipeline {
  /** Before the route is known: the mock's own endpoints, CORS, the declared body size. */
  before: Guard[];
  /** Finds the route (and refuses a path it cannot read). */
  route: Guard;
  /** Faults, credentials, the query, the body. */
  guards: Guard[];
  /** Tried in order until one answers; the last always does. */
  responders: Responder[];
}

export function requestHandler(pipeline: Pipeline, errorShape: ErrorShape) {
  const stages = [...pipeline.before, pipeline.route, ...pipeline.guards, ...pipeline.responders];
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.url ?? "/";
    // An origin-form target is a path, also when it starts with "//" (which `new URL` would read
    // as a host name: //api2/clients.json as host "api2"); an absolute-form target is a URL.
    const url = new URL(target.startsWith("/") ? `http://mock.invalid${target}` : target, "http://mock.invalid");
    const exchange: Exchange = { req, res, url, pathname: url.pathname, method: req.method ?? "GET" };
    for (const stage of stages) {
      const answered = stage(exchange);
      if (answered === true || (answered !== false && (await answered))) return;
    }
    throw new Error(`no stage answered ${exchange.method} ${exchange.pathname}`);
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendError(res, errorShape, 500, `mock: ${error.message}`);
      else res.end();
    });
  };
}
