// Guard: injected faults (../faults.ts): the server-wide delay and failure rate, then the
// request's own `Prefer: delay=` and, in mock mode, `Prefer: code=` for a failure status the
// operation does not document (Prism would answer that with a 404). A failure is answered before
// validation, as a gateway would, with its real status even where the API reports its own errors
// with 200.
import {
  FaultOptionError,
  INJECTED_FAILURE_STATUS,
  pauseUnlessClosed,
  preference,
  requestedCode,
  requestedDelay,
  type FaultInjector,
} from "../faults.js";
import type { Guard, ShapeOf } from "./exchange.js";
import { sendError, sendJson } from "./send.js";

export interface FaultStageOptions {
  faults: FaultInjector;
  /** Said in the injected failure's message, so a run can be repeated. */
  failureRate: number | undefined;
  seed: number;
  /** Proxy mode: `Prefer: code=` is the upstream's business. */
  proxied: boolean;
  shapeOf: ShapeOf;
}

export function faultInjection({ faults, failureRate, seed, proxied, shapeOf }: FaultStageOptions): Guard {
  return async (exchange) => {
    const { req, res, route } = exchange;
    // The usual request (no faults set, no Prefer header) costs one check.
    if (!faults.active && req.headers.prefer === undefined) return false;
    const shape = shapeOf(exchange);
    const planned = faults.active ? faults.next() : { delayMs: 0, fail: false };
    let delayMs = planned.delayMs;
    try {
      delayMs = requestedDelay(req.headers.prefer) ?? delayMs;
      if (!proxied && route) requestedCode(req.headers.prefer, route.statuses);
    } catch (error) {
      if (!(error instanceof FaultOptionError)) throw error;
      req.resume();
      sendError(res, shape, 400, error.message);
      return true;
    }
    if (!(await pauseUnlessClosed(delayMs, res))) return true;
    const forced = Number(preference(req.headers.prefer, "code"));
    const undocumented =
      !proxied &&
      route &&
      forced >= 400 &&
      forced <= 599 &&
      !route.statuses.some(
        (s) => s === String(forced) || s === "default" || s.toUpperCase() === `${String(forced)[0]}XX`,
      );
    if (!planned.fail && !undocumented) return false;
    req.resume();
    const status = planned.fail ? INJECTED_FAILURE_STATUS : forced;
    const message = planned.fail
      ? `Injected failure: the mock fails this share of requests (failure rate ${failureRate}, seed ${seed}).`
      : `Forced by Prefer: code=${forced}; this operation does not document that status.`;
    sendJson(res, status, shape(status, message).body);
    return true;
  };
}
