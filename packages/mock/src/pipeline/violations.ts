// Spec violations: how Prism reports them, how a refused request names its fields in the API's
// error body, and the bounded log `/__mock/violations` reads.
import { fieldReasons } from "../messages.js";
import { fillError, MESSAGE_KEY } from "./error-shape.js";

/** How many violations `/__mock/violations` keeps (the newest); older ones are only counted. */
export const VIOLATION_LOG_SIZE = 1000;

export interface ViolationLog {
  /** Violations seen since start (or the last clear). */
  total: number;
  /** How many of those fell out of the log because it keeps only the newest ones. */
  dropped: number;
  violations: Violation[];
}

export interface Violation {
  /** "request" or "response". */
  side: string;
  method: string;
  path: string;
  status: number;
  location: string;
  message: string;
  /** "Error" (the default: the request or answer breaks the spec) or "Warning" (an unknown body field the server ignores). */
  severity?: string;
}

/** A violation as Prism's validators report it. */
export interface PrismDetail {
  path?: (string | number)[];
  severity: number;
  code: string | number;
  message: string;
}

export interface PrismViolation {
  location: (string | number)[];
  severity: string;
  code: string | number;
  message: string;
}

const SEVERITY = ["Error", "Warning", "Information", "Hint"];
export function toViolation(side: string, d: PrismDetail): PrismViolation {
  return {
    location: [side, ...(d.path ?? [])],
    severity: SEVERITY[d.severity] ?? String(d.severity),
    code: d.code,
    message: d.message,
  };
}

/** Each offending field of a request with one reason, as the vendor words them (../messages.ts): field -> reason. */
export function violationFields(violations: PrismViolation[]): Record<string, string> {
  return fieldReasons(violations);
}

/**
 * Prism answers an invalid request with the example of the documented error response, which
 * names some field or other. Keep that response's shape, but say what is really wrong: the
 * field map goes into `validation_errors` (Daftra v1) or `errors` (Daftra v2, lists of reasons),
 * and a summary into `message` / `error_description` (other shapes, e.g. the OAuth token errors).
 */
export function explainViolations(body: unknown, violations: PrismViolation[]): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const fields = violationFields(violations);
  const summary = Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ");
  const out = { ...(body as Record<string, unknown>) };
  // An envelope around the error ({errorResponse: {...}}: EnKash) is explained inside.
  const envelope = Object.entries(out).find(
    ([, v]) => v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).some((k) => MESSAGE_KEY.test(k)),
  );
  if (envelope && !("validation_errors" in out) && !out.errors && !Object.keys(out).some((k) => MESSAGE_KEY.test(k))) {
    out[envelope[0]] = explainViolations(envelope[1], violations);
    return out;
  }
  if ("validation_errors" in out) out.validation_errors = fields;
  // A list of finer problems (EnKash's apiSubErrors): one per field; the message sums them up.
  else if (Array.isArray(out.apiSubErrors)) {
    out.apiSubErrors = Object.entries(fields).map(([field, problem]) => ({ field, message: problem }));
    for (const key of Object.keys(out)) if (MESSAGE_KEY.test(key) && typeof out[key] === "string") out[key] = summary;
  }
  // An error detail object ({message, type, code}: VMSAlpha) keeps its shape; its message says what is wrong.
  else if (
    out.errors &&
    typeof out.errors === "object" &&
    !Array.isArray(out.errors) &&
    Object.keys(out.errors).some((k) => MESSAGE_KEY.test(k))
  )
    out.errors = fillError(out.errors, NaN, NaN, summary);
  // Daftra v2: `errors` maps each field to a list of reasons; the summary message stays.
  else if (out.errors && typeof out.errors === "object" && !Array.isArray(out.errors))
    out.errors = Object.fromEntries(Object.entries(fields).map(([field, problem]) => [field, [problem]]));
  else if (typeof out.error_description === "string") out.error_description = summary;
  else if (typeof out.message === "string") out.message = summary;
  return out;
}

/** The violations seen, newest kept: a long proxy session must not grow the mock's memory without end. */
export function violationRecorder(size = VIOLATION_LOG_SIZE) {
  let violations: Violation[] = [];
  let total = 0;
  return {
    record(violation: Violation) {
      total++;
      violations.push(violation);
      if (violations.length > size) violations.shift();
    },
    log: (): ViolationLog => ({ total, dropped: total - violations.length, violations }),
    clear() {
      violations = [];
      total = 0;
    },
  };
}

export type ViolationRecorder = ReturnType<typeof violationRecorder>;
