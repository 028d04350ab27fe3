// Guard: a path the spec has, asked with a method it does not list, gets 405 with the methods it
// does list in `Allow` (RFC 9110 §15.5.6). OPTIONS is the CORS stage's.
import { allowOf } from "../refusals.js";
import type { ErrorShape } from "./error-shape.js";
import type { Guard } from "./exchange.js";
import { sendJson } from "./send.js";

export function methodCheck(errorShape: ErrorShape): Guard {
  return ({ req, res, method, pathname, route, candidates }) => {
    if (route || !candidates?.length || method === "OPTIONS") return false;
    req.resume();
    const allow = allowOf(candidates.map((r) => r.method));
    res.setHeader("allow", allow);
    // A real 405 even where the API reports its errors with 200: it is HTTP's answer, not the API's.
    sendJson(res, 405, errorShape(405, `${method} is not allowed on ${pathname}; use ${allow}.`).body);
    return true;
  };
}
