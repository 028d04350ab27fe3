// Guard: CORS, so a page in a browser can call the mock; answers preflights.
import type { Guard } from "./exchange.js";

export const cors: Guard = ({ req, res }) => {
  // Any origin may call a local mock; Vary keeps caches from serving one origin's answer to another.
  res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
  res.setHeader("vary", "Origin");
  res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
  res.setHeader("access-control-expose-headers", "*");
  if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
    res.setHeader("access-control-allow-methods", req.headers["access-control-request-method"]);
    res.writeHead(204).end();
    return true;
  }
  return false;
};
