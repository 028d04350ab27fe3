// Guard: nested query parameters (Daftra v2's filter[field][op]=v), checked here because Prism
// reads only the properties a deepObject schema names (the grammar: @mizan/openapi-tools/query).
// In proxy mode an invalid request is forwarded anyway (unless refuseInvalid) and its problem logged.
import type { Guard } from "./exchange.js";
import { sendError } from "./send.js";
import type { ViolationRecorder } from "./violations.js";

export function queryCheck(options: { forwardInvalid: boolean; violations: ViolationRecorder }): Guard {
  return (exchange) => {
    const { req, res, url, route, method, pathname } = exchange;
    const problem = route?.checkQuery?.(url.searchParams);
    if (!problem) return false;
    if (options.forwardInvalid) {
      // Logged as Prism's violations are (status 0: logged before the answer exists).
      const violation = {
        side: "request",
        method,
        path: pathname,
        status: 0,
        location: "request.query",
        message: problem,
        severity: "Error",
      };
      options.violations.record(violation);
      (exchange.violations ??= []).push(violation);
      return false;
    }
    req.resume();
    sendError(res, route!.errorShape, 400, problem, "query");
    return true;
  };
}
