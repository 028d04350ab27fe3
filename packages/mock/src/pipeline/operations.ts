// Guard: the endpoints orchestrators and dashboards ask: readiness (/__mock/ready) and metrics
// (/__mock/metrics, Prometheus text format). Liveness is /__mock/health (control.ts).
import type { MockMetrics } from "../metrics.js";
import type { Guard } from "./exchange.js";
import { sendJson } from "./send.js";

export interface OperationsOptions {
  metrics: MockMetrics;
  /** The checks readiness needs: each resolves or throws. The API is loaded before the server listens. */
  checks: Record<string, () => unknown>;
  /** Shutting down: not ready any more, so a balancer sends nothing new. */
  draining: () => boolean;
}

export function operationsEndpoints({ metrics, checks, draining }: OperationsOptions): Guard {
  return async ({ res, pathname }) => {
    if (pathname === "/__mock/metrics") {
      const text = await metrics.text();
      res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    if (pathname !== "/__mock/ready") return false;
    const results: Record<string, string> = { api: "ok" };
    let ready = !draining();
    if (!ready) results.server = "shutting down";
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        results[name] = "ok";
      } catch (error) {
        ready = false;
        results[name] = (error as Error).message;
      }
    }
    sendJson(res, ready ? 200 : 503, { ready, checks: results });
    return true;
  };
}
