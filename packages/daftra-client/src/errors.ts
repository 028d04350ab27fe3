// Typed errors. Every error names the method and path of the call and never carries a
// credential: messages and bodies pass through `redact` with the secrets the client knows.

export interface ErrorContext {
  /** HTTP method, e.g. "GET". */
  method: string;
  /** URL path without the query string, e.g. "/api2/invoices/42.json". */
  path: string;
}

// Each class names itself with a string: bundlers rename classes when they minify.
export class DaftraError extends Error {
  override name: string = "DaftraError";
  readonly method: string;
  readonly path: string;
  constructor(message: string, context: ErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.method = context.method;
    this.path = context.path;
  }
}

/** The server answered with an HTTP error status. */
export class DaftraApiError extends DaftraError {
  override name = "DaftraApiError";
  readonly status: number;
  /** The parsed error body (credentials removed). */
  readonly body: unknown;
  /** How long the server asked us to wait (from Retry-After), when it said. */
  readonly retryAfterMs?: number;
  constructor(status: number, message: string, body: unknown, context: ErrorContext, retryAfterMs?: number) {
    super(`${context.method} ${context.path} failed with ${status}: ${message}`, context);
    this.status = status;
    this.body = body;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** 400: the request was refused; `validationErrors` maps field names to reasons. */
export class DaftraValidationError extends DaftraApiError {
  override name = "DaftraValidationError";
  get validationErrors(): Record<string, string> {
    const v = (this.body as { validation_errors?: unknown } | undefined)?.validation_errors;
    return v && typeof v === "object" ? (v as Record<string, string>) : {};
  }
}
/** 401: missing, unknown or expired credentials. */
export class DaftraAuthenticationError extends DaftraApiError {
  override name = "DaftraAuthenticationError";
}
/** 403: valid credentials without the permission or plugin the operation needs. */
export class DaftraPermissionError extends DaftraApiError {
  override name = "DaftraPermissionError";
}
/** 404: no such record. */
export class DaftraNotFoundError extends DaftraApiError {
  override name = "DaftraNotFoundError";
}
/** 429: too many requests. `retryAfterMs` is set when the server said how long to wait. */
export class DaftraRateLimitError extends DaftraApiError {
  override name = "DaftraRateLimitError";
}
/** 5xx: the server failed. */
export class DaftraServerError extends DaftraApiError {
  override name = "DaftraServerError";
}

/** The request never got an HTTP answer (DNS, refused connection, reset...). */
export class DaftraConnectionError extends DaftraError {
  override name = "DaftraConnectionError";
}

/** An attempt, or the whole call, took longer than its time limit. */
export class DaftraTimeoutError extends DaftraError {
  override name = "DaftraTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number, context: ErrorContext) {
    super(`${context.method} ${context.path} timed out after ${timeoutMs} ms`, context);
    this.timeoutMs = timeoutMs;
  }
}

const REDACTED = "[redacted]";

/** Replaces every occurrence of each secret in a string or JSON-like value. */
export function redact<T>(value: T, secrets: readonly string[]): T {
  // Short strings would redact ordinary words; real keys, tokens and passwords are longer.
  const live = secrets.filter((s) => s?.length >= 4);
  if (!live.length || value === undefined) return value;
  const scrub = (text: string) => live.reduce((t, s) => t.split(s).join(REDACTED), text);
  if (typeof value === "string") return scrub(value) as T;
  try {
    return JSON.parse(scrub(JSON.stringify(value))) as T;
  } catch {
    return value;
  }
}

export function contextOf(request: Request): ErrorContext {
  return { method: request.method, path: new URL(request.url).pathname };
}

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The typed error for an HTTP error response whose body has already been read. */
export function apiErrorFor(response: Response, body: unknown, context: ErrorContext, secrets: readonly string[] = []): DaftraApiError {
  const clean = redact(body, secrets);
  const fromBody = (clean as { message?: unknown } | undefined)?.message;
  const message = typeof fromBody === "string" && fromBody ? fromBody : response.statusText || "request failed";
  const s = response.status;
  const byStatus: Record<number, typeof DaftraApiError> = {
    400: DaftraValidationError,
    401: DaftraAuthenticationError,
    403: DaftraPermissionError,
    404: DaftraNotFoundError,
    429: DaftraRateLimitError,
  };
  const Kind = byStatus[s] ?? (s >= 500 ? DaftraServerError : DaftraApiError);
  // `message` comes from the already redacted body, or from the status line.
  return new Kind(s, message, clean, context, parseRetryAfter(response.headers.get("retry-after")));
}
