// Guard: the mock's own endpoints under /__mock/ (health, reset, violations), answered before
// anything of the API.
import { handleReset, type State } from "../state.js";
import type { Guard } from "./exchange.js";
import { sendJson } from "./send.js";
import type { ViolationRecorder } from "./violations.js";

export function controlEndpoints(options: { health: () => object; state: State | undefined; violations: ViolationRecorder }): Guard {
  return ({ req, res, pathname }) => {
    if (!pathname.startsWith("/__mock/")) return false;
    if (pathname === "/__mock/health") sendJson(res, 200, { ok: true, ...options.health() });
    else if (pathname === "/__mock/reset") handleReset(req, res, options.state);
    else if (pathname === "/__mock/violations" && req.method === "DELETE") {
      options.violations.clear();
      res.writeHead(204).end();
    } else if (pathname === "/__mock/violations") sendJson(res, 200, options.violations.log());
    else return false;
    return true;
  };
}
