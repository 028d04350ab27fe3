// Responders: Prism (mock mode: its documented answers; proxy mode: the upstream's, checked
// against the spec). Prism is asked at most once per request: the stateful and fast-path
// responders before it ask through `resultOf`, which keeps the answer on the exchange.
import type { ServerResponse } from "node:http";
import type { PrismEngine } from "../engine.js";
import { withConditionalExample } from "./conditional.js";
import type { ErrorShape } from "./error-shape.js";
import type { Exchange, PrismResult, PrismProblem, Responder } from "./exchange.js";

export type { PrismResult };
import { sendJson } from "./send.js";
import {
  explainViolations,
  toViolation,
  violationFields,
  type PrismDetail,
  type PrismViolation,
  type ViolationRecorder,
} from "./violations.js";

/** Prism's configuration of the instance (see serve()), of which `mock` is overridden per request. */
export interface PrismConfig {
  mock: Record<string, unknown>;
  [key: string]: unknown;
}

/** Statuses of Prism's own errors that refuse the request itself (not, say, a 406 for an Accept it cannot meet). */
export const INPUT_REFUSALS = [400, 401, 403, 415, 422];

/** Whether Prism found the request invalid (an error of the input, or a refusal of it). */
export const refused = (result: PrismResult) =>
  result._tag === "Left"
    ? INPUT_REFUSALS.includes(result.left.status ?? 0)
    : result.right.validations.input.some((v) => v.severity === 0);

/** Whether Prism accepted the request: valid, authorised, answered below 400. */
export const accepted = (result: PrismResult) =>
  result._tag === "Right" &&
  result.right.output.statusCode < 400 &&
  !result.right.validations.input.some((v) => v.severity === 0);

export interface PrismStageOptions {
  /** Prism, in its own thread (engine.ts). */
  engine: PrismEngine;
  /** The configuration Prism's instance has (see serve()), of which `mock` is overridden per request. */
  config: PrismConfig;
  errorShape: ErrorShape;
  violations: ViolationRecorder;
  /** Proxy mode: answers come from upstream; their violations are also written to stderr. */
  proxied: boolean;
}

/** The engine's name of the main configuration (the mock's, or the proxy's). */
export const MAIN_CONFIG = "main";
/** The engine's name of the configuration that checks requests in proxy mode (--proxy-refuse-invalid). */
export const CHECK_CONFIG = "check";

export function prismStage(options: PrismStageOptions) {
  const { engine, errorShape, violations, proxied } = options;

  async function ask(exchange: Exchange, configName = MAIN_CONFIG): Promise<PrismResult> {
    const { req, url, pathname, body, route } = exchange;
    const input = {
      method: exchange.method.toLowerCase(),
      url: { path: pathname, baseUrl: url.searchParams.get("__server") || undefined, query: queryOf(url.searchParams) },
      headers: req.headers,
      body,
    };
    const requestConfig = engine.getHttpConfigFromRequest(input);
    if (requestConfig._tag === "Left") return requestConfig as PrismResult;
    const mock = Object.fromEntries(Object.entries(requestConfig.right).filter(([, v]) => v !== undefined));
    const toTry = exchange.candidates?.length ? exchange.candidates.map((r) => r.entry.key) : undefined;
    const result = await engine.request(configName, input, toTry, mock);
    if (route?.conditional().size && result._tag === "Right" && !/example=/.test(String(req.headers.prefer ?? "")))
      return withConditionalExample(route.conditional(), result, body, req.headers["content-type"]);
    return result;
  }

  /** Prism's answer to the request, asked the first time only. */
  const resultOf = (exchange: Exchange): Promise<PrismResult> => (exchange.prism ??= ask(exchange));

  /** Sends Prism's answer, logging its violations; `explain` names the invalid fields in a 400/422 body. */
  function answer(exchange: Exchange, result: PrismResult, explain: boolean): void {
    const { res, method, pathname } = exchange;
    const shape = exchange.route?.errorShape ?? errorShape;
    const named = asDeclared(exchange);
    if (result._tag === "Left") {
      sendProblem(res, result.left, shape, named);
      return;
    }
    const { output, validations } = result.right;
    const found = [
      ...validations.input.map((v) => named(toViolation("request", v))),
      ...validations.output.map((v) => toViolation("response", v)),
    ];
    for (const v of found) {
      const violation = {
        side: String(v.location[0]),
        method,
        path: pathname,
        status: output.statusCode,
        location: v.location.join("."),
        message: v.message,
        severity: v.severity,
      };
      violations.record(violation);
      (exchange.violations ??= []).push(violation);
      if (proxied)
        process.stderr.write(`[mizan-mock] ${v.location[0]} violation: ${method} ${pathname}: ${v.message}\n`);
    }
    if (found.length) res.setHeader("sl-violations", JSON.stringify(found).slice(0, 8000));
    for (const [name, value] of Object.entries(output.headers ?? {})) res.setHeader(name, value);
    const requestErrors = found.filter((v) => v.location[0] === "request" && v.code !== 401 && v.code !== 403);
    if (
      explain &&
      requestErrors.length &&
      requestErrors.every((v) => v.location[1] === "path") &&
      (output.statusCode === 400 || output.statusCode === 422)
    ) {
      // A path value no route takes: the operation's documented 404 where it has one (../refusals.ts).
      const summary = Object.entries(violationFields(requestErrors))
        .map(([field, problem]) => `${field}: ${problem}`)
        .join("; ");
      const refusal = shape(output.statusCode, summary, "path");
      if (refusal.status !== output.statusCode) {
        res.removeHeader("content-type");
        sendJson(res, refusal.status, explainViolations(refusal.body, requestErrors));
        return;
      }
    }
    const payload =
      explain && requestErrors.length && (output.statusCode === 400 || output.statusCode === 422)
        ? explainViolations(output.body, requestErrors)
        : output.body;
    const text = engine.serialize(payload, res.getHeader("content-type"));
    res.writeHead(output.statusCode);
    res.end(text);
  }

  /** Prism's answer, whatever it is: the last responder. */
  const responder: Responder = async (exchange) => {
    answer(exchange, await resultOf(exchange), !proxied);
    return true;
  };

  /** Proxy mode: validates as the mock would (with the mock-mode configuration CHECK_CONFIG) and answers an invalid request itself. */
  const refuseInvalid = (): Responder => {
    return async (exchange) => {
      const checked = await ask(exchange, CHECK_CONFIG);
      if (checked._tag === "Right" && !checked.right.validations.input.some((v) => v.severity === 0)) return false;
      answer(exchange, checked, true);
      return true;
    };
  };

  return { resultOf, answer, responder, refuseInvalid };
}

/** Prism reports path and query parameters by their names in lower case: name them as the operation declares them. */
function asDeclared(exchange: Exchange): (v: PrismViolation) => PrismViolation {
  const declared = new Map(
    ((exchange.route?.entry.parameters ?? []) as { name: string; in: string }[])
      .filter((p) => p.in === "path" || p.in === "query")
      .map((p) => [p.name.toLowerCase(), p.name]),
  );
  if (!declared.size) return (v) => v;
  return (v) =>
    v.location[1] === "path" || v.location[1] === "query"
      ? {
          ...v,
          location: v.location.map((part, i) => (i === 2 ? (declared.get(String(part).toLowerCase()) ?? part) : part)),
        }
      : v;
}

function queryOf(searchParams: URLSearchParams): Record<string, string | string[]> {
  // Keys come from the request: no prototype, so `__proto__` is a key like any other.
  const query: Record<string, string | string[]> = Object.create(null);
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

/**
 * Prism's refusal in the API's error shape. When it refuses a request that no documented error
 * fits (an invalid path parameter, say), it lists the violations ({location, severity: "Error",
 * code, message}): name them, as the documented validation answers do.
 */
function sendProblem(
  res: ServerResponse,
  error: PrismProblem,
  shape: ErrorShape,
  named: (v: PrismViolation) => PrismViolation = (v) => v,
): void {
  for (const [name, value] of Object.entries(error.additional?.headers ?? {})) res.setHeader(name, value);
  const listed = (error.additional?.validation ?? []) as (PrismDetail & { location?: string[] })[];
  const violations = listed
    .filter((d) => d.severity === 0 || (d.severity as unknown) === "Error")
    .map((d) => named(toViolation("request", { ...d, path: d.path ?? d.location })));
  const fields = violationFields(violations);
  const message = violations.length
    ? Object.entries(fields)
        .map(([field, problem]) => `${field}: ${problem}`)
        .join("; ")
    : (error.detail ?? error.title ?? String(error));
  const place = violations[0]?.location[1];
  const answer = shape(
    error.status ?? 500,
    message,
    place === "path" || place === "query" || place === "body" || place === "header" ? place : undefined,
  );
  sendJson(res, answer.status, violations.length ? explainViolations(answer.body, violations) : answer.body);
}
