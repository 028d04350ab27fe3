// The mock's metrics, in the Prometheus text format (prom-client), on /__mock/metrics. Each
// server has its own Registry: two mocks in one process never share a counter. Label values come
// from the served spec (operation ids) and from HTTP (status), never from request text, so the
// number of series stays bounded.
//
// prom-client is loaded when the first request is counted or the first scrape comes, not at
// start (it takes ~60 ms to load, off the path to the first answer). Counting a request costs
// about 0.7 µs (BENCHMARKS.md); keeping prom-client's label children would not cut that, as a
// child's inc() looks its labels up again.
import { createRequire } from "node:module";
import type * as PromClient from "prom-client";

const require = createRequire(import.meta.url);

export interface MetricsOptions {
  api: string;
  /** The stateful mode's size, read when scraped; none without state. */
  stateSize?: () => Promise<{ sessions: number; records: number }>;
  /** Requests being answered, read when scraped. */
  inFlight: () => number;
}

/** Seconds; the mock answers in well under a millisecond, delays and proxies take seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The Prometheus text format's content type, as prom-client's Registry gives it. */
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function registryOf({ api, stateSize, inFlight }: MetricsOptions) {
  const { Counter, Gauge, Histogram, Registry } = require("prom-client") as typeof PromClient;
  const registry = new Registry();
  const requests = new Counter({
    name: "mizan_mock_requests_total",
    help: "Requests answered, by API, operation (operationId, or none) and status.",
    labelNames: ["api", "operation", "status"],
    registers: [registry],
  });
  const violations = new Counter({
    name: "mizan_mock_violations_total",
    help: "Spec violations found, by API, operation and severity (error, warning).",
    labelNames: ["api", "operation", "severity"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "mizan_mock_request_duration_seconds",
    help: "Time from a request's arrival to the end of its answer, by API and operation.",
    labelNames: ["api", "operation"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: "mizan_mock_requests_in_flight",
    help: "Requests being answered, the mock's own endpoints (this scrape too) included.",
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  if (stateSize) {
    new Gauge({
      name: "mizan_mock_state_sessions",
      help: "Sessions the stateful mode keeps.",
      registers: [registry],
      async collect() {
        this.set((await stateSize()).sessions);
      },
    });
    new Gauge({
      name: "mizan_mock_state_records",
      help: "Records the stateful mode keeps, over all sessions.",
      registers: [registry],
      async collect() {
        this.set((await stateSize()).records);
      },
    });
  }

  return {
    registry,
    observe(operation: string, status: number, seconds: number, found: { severity?: string }[]) {
      requests.inc({ api, operation, status: String(status) });
      latency.observe({ api, operation }, seconds);
      for (const v of found)
        violations.inc({ api, operation, severity: v.severity === "Warning" ? "warning" : "error" });
    },
  };
}

export function createMetrics(options: MetricsOptions) {
  let metrics: ReturnType<typeof registryOf> | undefined;
  const made = () => (metrics ??= registryOf(options));
  return {
    contentType: CONTENT_TYPE,
    text: () => made().registry.metrics(),
    /** One answered request. */
    observe(operation: string, status: number, seconds: number, found: { severity?: string }[]) {
      made().observe(operation, status, seconds, found);
    },
  };
}

export type MockMetrics = ReturnType<typeof createMetrics>;
