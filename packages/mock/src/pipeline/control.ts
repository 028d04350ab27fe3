// Guard: the mock's own endpoints under /__mock/ (health, reset, violations), answered before
// anything of the API, and only to the mock's own callers: a web page the user visits must not
// reset the records or read the log. They send no CORS headers (a browser shows a cross-origin
// page nothing), refuse a request that says it comes from another origin (Origin, or
// Sec-Fetch-Site: cross-site), and a reset or a clear needs the `x-mock-control` header or a JSON
// Content-Type, which a page can only send after a preflight, which they refuse.
import { handleReset, type State } from "../state.js";
import type { IncomingMessage } from "node:http";
import type { Guard } from "./exchange.js";
import { sendJson } from "./send.js";
import type { ViolationRecorder } from "./violations.js";

export function controlEndpoints(options: {
  health: () => object;
  state: State | undefined;
  violations: ViolationRecorder;
}): Guard {
  return ({ req, res, pathname }) => {
    if (!pathname.startsWith("/__mock/")) return false;
    const refusal = crossOriginProblem(req);
    if (refusal) {
      req.resume();
      sendJson(res, 403, { error: refusal });
      return true;
    }
    if (pathname === "/__mock/health") sendJson(res, 200, { ok: true, ...options.health() });
    else if (pathname === "/__mock/reset") return handleReset(req, res, options.state).then(() => true);
    else if (pathname === "/__mock/violations" && req.method === "DELETE") {
      options.violations.clear();
      res.writeHead(204).end();
    } else if (pathname === "/__mock/violations") sendJson(res, 200, options.violations.log());
    else return false;
    return true;
  };
}

/** The header a caller of the control endpoints sends with a reset or a clear (startMock does). */
export const CONTROL_HEADER = "x-mock-control";

/** Why a request to a control endpoint is refused as possibly cross-origin, or undefined. */
export function crossOriginProblem(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (!host || host !== req.headers.host)
      return `The mock's control endpoints answer no cross-origin request (Origin: ${origin}).`;
  }
  if (req.headers["sec-fetch-site"] === "cross-site")
    return "The mock's control endpoints answer no cross-origin request (Sec-Fetch-Site: cross-site).";
  if (req.method === "OPTIONS") return "The mock's control endpoints answer no preflight: they are not for web pages.";
  if (
    (req.method === "POST" || req.method === "DELETE") &&
    req.headers[CONTROL_HEADER] === undefined &&
    !/^application\/json\b/i.test(req.headers["content-type"] ?? "")
  ) {
    return `Send the ${CONTROL_HEADER} header (any value) or a JSON Content-Type with ${req.method} to a control endpoint: a web page cannot send either without a preflight, which the mock refuses.`;
  }
  return undefined;
}
