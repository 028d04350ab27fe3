// Guard: body fields the operation's request schema does not declare. The live server ignores
// them, so a misspelt field (`bussines_name`) is data lost in production while the mock answers
// 2xx. By default the request goes on and each such field is recorded as a warning (the
// violations log, the request log, the metrics); with `strictBodies` the request is refused with
// 400 in the operation's error shape, naming the fields.
//
// What "declared" means is @mizan/openapi-tools' undeclaredFieldsOf: $refs and allOf/oneOf/anyOf
// branches followed, and an object whose schema names no properties or allows additional ones is
// free-form (nothing in it is unknown). It keeps declared names only, in Maps: no object is ever
// keyed by the request's own field names.
import { deref } from "@mizan/openapi-tools";
import { undeclaredFieldsOf } from "@mizan/openapi-tools/examples";
import type { Exchange, Guard, Route } from "./exchange.js";
import { sendJson } from "./send.js";
import { explainViolations, type PrismViolation, type ViolationRecorder } from "./violations.js";

/** Bodies with more values than this, or nested deeper, are not checked (the check stays linear and shallow). */
export const UNKNOWN_FIELDS_MAX_NODES = 100_000;
export const UNKNOWN_FIELDS_MAX_DEPTH = 64;
/** At most this many unknown fields are reported per request. */
export const UNKNOWN_FIELDS_MAX_REPORTED = 20;

export const IGNORED_BY_THE_SERVER = "unknown field, ignored by the server";

type Check = (value: unknown) => string[];

/** Whether a parsed body is within the bounds the check walks (counted without recursion). */
function withinBounds(body: unknown): boolean {
  const stack: [unknown, number][] = [[body, 0]];
  let nodes = 0;
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (++nodes > UNKNOWN_FIELDS_MAX_NODES || depth > UNKNOWN_FIELDS_MAX_DEPTH) return false;
    if (value && typeof value === "object") for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return true;
}

/** "/Client/bussines_name" (the walker's trail) as the field path Daftra names fields with: Client.bussines_name. */
const fieldPath = (trail: string) => trail.replace(/^\//, "").split("/").join(".");

export function unknownFields(options: { doc: unknown; strict: boolean; violations: ViolationRecorder }): Guard {
  const { doc, strict, violations } = options;
  const checks = new Map<Route, Check | null>();
  const checkOf = (route: Route): Check | null => {
    let check = checks.get(route);
    if (check === undefined) {
      const body = deref(doc, route.entry.requestBody) as
        | { content?: Record<string, { schema?: unknown }> }
        | undefined;
      const schema = Object.entries(body?.content ?? {}).find(([type]) => /^application\/(.+\+)?json/i.test(type))?.[1]
        ?.schema;
      check = schema ? undeclaredFieldsOf(doc, schema) : null;
      checks.set(route, check);
    }
    return check;
  };

  return (exchange: Exchange) => {
    const { route, body, res } = exchange;
    if (!route || !body || typeof body !== "object") return false;
    const check = checkOf(route);
    if (!check || !withinBounds(body)) return false;
    const fields = check(body).slice(0, UNKNOWN_FIELDS_MAX_REPORTED).map(fieldPath);
    if (!fields.length) return false;
    if (strict) {
      const found: PrismViolation[] = fields.map((field) => ({
        location: ["request", "body", ...field.split(".")],
        severity: "Error",
        code: "unknown",
        message: `${field} is not a field of this operation; the server would ignore it`,
      }));
      const answer = route.errorShape(400, `Unknown body fields (refused by --strict-bodies): ${fields.join(", ")}`);
      sendJson(res, answer.status, explainViolations(answer.body, found));
      return true;
    }
    const found = fields.map((field) => ({
      side: "request",
      method: exchange.method,
      path: exchange.pathname,
      status: 0,
      location: `request.body.${field}`,
      message: IGNORED_BY_THE_SERVER,
      severity: "Warning",
    }));
    (exchange.violations ??= []).push(...found);
    // Logged with the status of the answer, once it is known.
    res.once("finish", () => {
      for (const violation of found) violations.record({ ...violation, status: res.statusCode });
    });
    return false;
  };
}
