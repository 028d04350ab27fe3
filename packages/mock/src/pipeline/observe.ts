// Guard: watches each request of the API to its end, then writes its line of the request log
// (`--log json`) and counts it in the metrics. The mock's own endpoints (/__mock/...) are left
// out: an orchestrator's probes every few seconds would drown the log.
//
// A line never carries a credential: no header values, no query string (an API key may ride in
// it), no body. Only the path, the operation, the status, the time taken, the session's name and
// the spec violations found (their location and rule, never the offending value).
import type { MockMetrics } from "../metrics.js";
import { SESSION_HEADER } from "../state.js";
import type { Exchange, Guard } from "./exchange.js";

/** Longest path and session name written to a line, so one request cannot write a huge line. */
const MAX_TEXT = 2048;
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

export interface ObserveOptions {
  metrics: MockMetrics;
  /** Writes one line of the request log; none when the log is off. */
  writeLine?: (line: string) => void;
}

/** The operation a request was routed to: its operationId, else its method and path template. */
const operationOf = (exchange: Exchange) =>
  exchange.route
    ? ((exchange.route.entry.op as { operationId?: string }).operationId ?? exchange.route.entry.key)
    : undefined;

export function observer({ metrics, writeLine }: ObserveOptions): Guard {
  return (exchange) => {
    if (exchange.pathname.startsWith("/__mock/")) return false;
    const started = process.hrtime.bigint();
    const { req, res } = exchange;
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A client that went away before its answer is logged with status 0.
      const status = res.writableFinished ? res.statusCode : 0;
      const operation = operationOf(exchange);
      const found = exchange.violations ?? [];
      metrics.observe(operation ?? "none", status, seconds, found);
      if (!writeLine) return;
      const session = req.headers[SESSION_HEADER];
      const line: Record<string, unknown> = {
        time: new Date().toISOString(),
        method: clip(exchange.method),
        path: clip(exchange.pathname),
        operation: operation ?? null,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        session: typeof session === "string" ? clip(session) : null,
      };
      if (found.length)
        line.violations = found.map((v) => ({
          severity: v.severity ?? "Error",
          location: v.location,
          message: v.message,
        }));
      writeLine(`${JSON.stringify(line)}\n`);
    });
    return false;
  };
}
