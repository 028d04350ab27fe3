// Typed errors shared by every @mizan client, so `instanceof ApiError` works whichever client
// threw. Every error names the method and path of the call and never carries a credential:
// messages, bodies and headers pass through `redact` with the secrets the client holds.

export interface ErrorContext {
  /** HTTP method, e.g. "GET". */
  method: string;
  /** URL path without the query string, e.g. "/api2/invoices/42.json". */
  path: string;
}

// Each class names itself with a string: bundlers rename classes when they minify.
export class MizanError extends Error {
  override name: string = "MizanError";
  // `declare`: assigned in the constructor, no class-field code emitted (the size budget).
  declare readonly method: string;
  declare readonly path: string;
  /** The message is prefixed with the call ("GET /api2/clients.json: ..."), when there is one; `extra` fields are set on the error. */
  constructor(message: string, context?: ErrorContext, extra?: { cause?: unknown; [field: string]: unknown }) {
    const { cause, ...fields } = extra ?? {};
    super(
      context ? `${context.method} ${context.path}: ${message}` : message,
      extra && "cause" in extra ? { cause } : undefined,
    );
    Object.assign(this, context, fields);
  }
}

export interface ApiErrorInit {
  status: number;
  message: string;
  /** The parsed error body, credentials removed (cut short when it was very large). */
  body: unknown;
  headers?: Record<string, string>;
  retryAfterMs?: number;
  /** Field -> problem, when the body lists offending fields. */
  fields?: Record<string, string>;
  /** The server's own error code, when its body gives one. */
  code?: string;
}

/** The server answered, and the answer is an error (an HTTP error status, or an error body). */
export class ApiError extends MizanError {
  override name = "ApiError";
  declare readonly status: number;
  declare readonly body: unknown;
  /** The response headers (credentials removed). */
  declare readonly headers: Record<string, string>;
  /** The server's id for the request, from the `x-request-id` header or the body's `requestId`. */
  declare readonly requestId?: string;
  /** How long the server asked us to wait (from Retry-After), when it said. */
  declare readonly retryAfterMs?: number;
  /** Field -> problem, when the server named offending fields (empty otherwise). */
  declare readonly fields: Record<string, string>;
  declare readonly code?: string;
  constructor(init: ApiErrorInit, context: ErrorContext) {
    const { message, headers = {}, ...rest } = init;
    const id = headers["x-request-id"] ?? (init.body as { requestId?: unknown })?.requestId;
    super(`${init.status} ${message}`, context, {
      fields: {},
      headers,
      ...rest,
      ...(typeof id === "string" && id ? { requestId: id } : {}),
    });
  }
}

/** The request was refused as invalid (400/422); `fields` maps field names to reasons. */
export class ValidationError extends ApiError {
  override name = "ValidationError";
}
/** Missing, unknown or expired credentials (401). */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
/** Valid credentials without the permission the operation needs (403). */
export class PermissionError extends ApiError {
  override name = "PermissionError";
}
/** No such record (404, or what an API says instead). */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
/** Too many requests (429). `retryAfterMs` is set when the server said how long to wait. */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
}
/** The server failed (5xx). */
export class ServerError extends ApiError {
  override name = "ServerError";
}

/**
 * A value the caller gave cannot be sent as it is: a credential a header cannot carry (CR, LF...),
 * a path value that would change the route ("", ".", ".."). Raised before anything is sent;
 * `field` names the value, and the message never quotes a credential.
 */
export class InvalidArgumentError extends MizanError {
  override name = "InvalidArgumentError";
  declare readonly field: string;
}

/** The request got no complete HTTP answer: DNS, refused or reset connection, a body cut short. */
export class ConnectionError extends MizanError {
  override name = "ConnectionError";
}

/** The server answered 2xx, but its body is not what its content type says (e.g. truncated JSON). */
export class ResponseParseError extends MizanError {
  override name = "ResponseParseError";
  declare readonly status: number;
}

/** The server redirected. Redirects are never followed, so no credential or body goes where the caller did not send it. */
export class RedirectError extends MizanError {
  override name = "RedirectError";
  declare readonly status: number;
  /** Where the server pointed (query string removed). */
  declare readonly location: string;
}

export interface TimeoutDetails {
  /** The limit that ran out. */
  timeoutMs: number;
  /** "attempt": one attempt ran out of `timeoutMs`; "call": the whole call ran out of `totalTimeoutMs`. */
  scope: "attempt" | "call";
  /** Attempts made, the last one included. */
  attempts: number;
  /** Time from the start of the call to the error. */
  elapsedMs: number;
}

/** An attempt, or the whole call, took longer than its time limit. */
export class TimeoutError extends MizanError {
  override name = "TimeoutError";
  declare readonly timeoutMs: number;
  declare readonly scope: "attempt" | "call";
  declare readonly attempts: number;
  declare readonly elapsedMs: number;
}

const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of each secret in a string, or in the strings and keys of a
 * JSON-like value (a copy; objects are built with own properties only, so a "__proto__" key
 * stays data). Nesting deeper than 64 levels is cut: no real body needs more, and a hostile one
 * must not overflow the stack.
 */
export function redact<T>(value: T, secrets: readonly (string | undefined)[]): T {
  // Short strings would redact ordinary words; real keys, tokens and passwords are longer.
  const live = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  const scrub = (text: string) => live.reduce((t, s) => t.split(s).join(REDACTED), text);
  const walk = (v: unknown, depth: number): unknown =>
    typeof v === "string"
      ? scrub(v)
      : !v || typeof v !== "object"
        ? v
        : depth > 64
          ? "[cut: nested too deep]"
          : Array.isArray(v)
            ? v.map((x) => walk(x, depth + 1))
            : Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x, depth + 1)]));
  return live.length ? (walk(value, 0) as T) : value;
}

export function contextOf(request: Request): ErrorContext {
  return { method: request.method, path: new URL(request.url).pathname };
}

/**
 * Seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now (a past date is 0);
 * undefined when absent or unreadable, negative or beyond any useful wait.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  // Date.parse reads "-1" or "5" as years: a date must at least name its day or month.
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(header)
    ? Number(header) * 1000
    : /[a-z]{3}/i.test(header)
      ? Date.parse(header) - now
      : NaN;
  return ms < Infinity ? Math.max(0, ms) : undefined;
}

/**
 * What a client knows of its API's error bodies. Everything is optional: by default the
 * message is the body's `message`, and the class follows the status.
 */
export interface ErrorShape {
  /** The class for an error answer, when the status alone does not say (VMSAlpha's 200s, Daftra v2's 400 "Record not found"). */
  classify?(status: number, body: unknown): typeof ApiError | undefined;
  /** The human message in a body. */
  message?(body: unknown): string | undefined;
  /** Offending fields in a body: field -> problem. */
  fields?(body: unknown): Record<string, string> | undefined;
  /** The server's error code in a body. */
  code?(body: unknown): string | undefined;
}

const BY_STATUS: Record<number, typeof ApiError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  422: ValidationError,
  429: RateLimitError,
};

/** The typed error for an error answer whose body has already been read (and bounded). */
export function apiErrorFor(
  response: Response,
  body: unknown,
  context: ErrorContext,
  shape: ErrorShape = {},
  secrets: readonly (string | undefined)[] = [],
): ApiError {
  const clean = redact(body, secrets);
  const s = response.status;
  const Kind = shape.classify?.(s, clean) ?? BY_STATUS[s] ?? (s >= 500 ? ServerError : ApiError);
  const headers = redact(Object.fromEntries(response.headers) as Record<string, string>, secrets);
  const init: ApiErrorInit = {
    status: s,
    // From the already redacted body, or from the status line.
    message:
      shape.message?.(clean) ?? String((clean as { message?: unknown })?.message || response.statusText || "error"),
    body: clean,
    headers,
    fields: shape.fields?.(clean) ?? {},
  };
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const code = shape.code?.(clean);
  return new Kind(
    Object.assign(init, retryAfter !== undefined && { retryAfterMs: retryAfter }, code !== undefined && { code }),
    context,
  );
}
