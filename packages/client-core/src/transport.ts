// The fetch that openapi-fetch calls (its public `fetch` option): retries, time limits,
// the redirect policy, body checks and the one-time replay after a renewed token all live here, beneath
// the middleware chain, so each attempt is a fresh copy of the request and middleware runs
// once per call. The caller's AbortSignal arrives as `request.signal` (openapi-fetch builds the
// Request from the call's init), for every HTTP method alike.
import { ConnectionError, MizanError, RedirectError, ResponseParseError, TimeoutError, contextOf, parseRetryAfter } from "./errors.js";

/** A fetch function. The transport passes each attempt's signal and redirect mode in `init`. */
export type FetchLike = (request: Request, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt. Default 2; 0 turns retrying off. */
  retries?: number;
  /** Backoff base: the cap of the first wait. Default 500 ms. */
  minDelayMs?: number;
  /** Longest wait between attempts. Default 8000 ms. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the response is returned. Default 60 s. */
  maxRetryAfterMs?: number;
}

export interface TransportOptions {
  fetch?: FetchLike | undefined;
  retry?: RetryOptions | false | undefined;
  /** Time limit of each attempt, the body included. Default 30 s; 0 for none. */
  timeoutMs?: number | undefined;
  /** Time limit of the whole call, retries and waits included. Default none. */
  totalTimeoutMs?: number | undefined;
  /** Error bodies are read up to this many bytes (the rest is dropped). Default 1 MiB. */
  maxErrorBodyBytes?: number | undefined;
  /** Called after a 401 on a request that carried a renewable token; returns the request to replay. */
  onUnauthorized?: ((request: Request) => Promise<Request | undefined>) | undefined;
  /** Randomness for the jitter (tests pin it). */
  random?: () => number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
// Errors that prove the request never reached the server, so even a POST may be sent again.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

// undici puts the system error code on the cause of its "fetch failed" TypeError.
const errorCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
};

class AttemptTimeout extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** At most `limit` bytes of a body; the rest is cancelled, not read. */
async function readBounded(response: Response, limit: number): Promise<Blob> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let size = 0; size < limit; ) {
    const { done, value } = await reader.read();
    if (done) return new Blob(chunks);
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return new Blob(chunks).slice(0, limit);
}

const hasNoBody = (request: Request, status: number) => request.method === "HEAD" || status === 204 || status === 205 || status === 304;

/**
 * A response whose body is read lazily (no copy on the happy path) but fails typed: a 2xx JSON
 * body that does not parse is a ResponseParseError, and a body cut short is a ConnectionError,
 * or, for a request that may be repeated, a new attempt whose body is returned instead.
 * openapi-fetch reads bodies through these methods, so callers never see a bare SyntaxError
 * or "TypeError: terminated".
 */
class CheckedResponse extends Response {
  readonly #request: Request;
  readonly #settled: () => void;
  readonly #again: (() => Promise<Response>) | undefined;
  constructor(response: Response, request: Request, settled: () => void, again?: () => Promise<Response>) {
    super(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    this.#request = request;
    this.#settled = settled;
    this.#again = again;
  }
  async #read<T>(kind: "text" | "json" | "arrayBuffer" | "blob", own: () => Promise<T>): Promise<T> {
    try {
      return await own();
    } catch (error) {
      const context = contextOf(this.#request);
      if (error instanceof SyntaxError) {
        throw new ResponseParseError(`${context.method} ${context.path}: invalid JSON in the ${this.status} body`, this.status, context, { cause: error });
      }
      if (this.#again && !this.#request.signal.aborted) return (await this.#again())[kind]() as Promise<T>;
      throw (error as Error)?.name === "AbortError" || error instanceof MizanError ? error : new ConnectionError(`${context.method} ${context.path}: body cut short`, context, { cause: error });
    } finally {
      this.#settled();
    }
  }
  override text() {
    // openapi-fetch reads a JSON body without Content-Length as text and parses it itself, so
    // check that it parses here (the one case where a JSON body is parsed twice).
    return this.#read("text", async () => {
      const text = await super.text();
      if (text && /json/i.test(this.headers.get("content-type") ?? "")) JSON.parse(text);
      return text;
    });
  }
  override json() {
    return this.#read("json", () => super.json());
  }
  override arrayBuffer() {
    return this.#read("arrayBuffer", () => super.arrayBuffer());
  }
  override blob() {
    return this.#read("blob", () => super.blob());
  }
}

export function createTransport(options: TransportOptions = {}): FetchLike {
  const base: FetchLike = options.fetch ?? ((r, init) => globalThis.fetch(r, init));
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  // A negative or non-numeric setting would mean "no retries" or "time out at once": refuse it.
  const count = (value: number | undefined, fallback: number, name: string) => {
    if (value !== undefined && !(value >= 0)) throw new TypeError(`${name} must be a number >= 0`);
    return value ?? fallback;
  };
  const retries = count(retry.retries, 2, "retry.retries");
  const minDelay = retry.minDelayMs ?? 500;
  const maxDelay = retry.maxDelayMs ?? 8000;
  const maxRetryAfter = retry.maxRetryAfterMs ?? 60_000;
  const timeoutMs = count(options.timeoutMs, 30_000, "timeoutMs");
  const totalTimeoutMs = count(options.totalTimeoutMs, 0, "totalTimeoutMs");
  const maxErrorBytes = count(options.maxErrorBodyBytes, 1 << 20, "maxErrorBodyBytes");
  const random = options.random ?? Math.random;
  // Full jitter: a uniform wait between 0 and the exponential cap.
  const backoff = (n: number) => random() * Math.min(maxDelay, minDelay * 2 ** n);

  /**
   * One attempt: send within `limit` ms, which keeps running while the body is read. The caller's signal (request.signal) aborts it too. Error bodies
   * are read here, up to maxErrorBodyBytes; other bodies are read by the caller, through a
   * CheckedResponse (`again` is the next attempt, for requests that may be repeated).
   */
  async function attempt(request: Request, limit: number, again?: () => Promise<Response>): Promise<Response> {
    const controller = new AbortController();
    const caller = request.signal;
    const onAbort = () => controller.abort(caller.reason);
    caller.addEventListener("abort", onAbort, { once: true });
    const timer = limit ? setTimeout(() => controller.abort(new AttemptTimeout()), limit) : undefined;
    const settled = () => {
      clearTimeout(timer);
      caller.removeEventListener("abort", onAbort);
    };
    const init: RequestInit = { signal: controller.signal, redirect: "manual" };
    try {
      const response = await base(request, init);
      // Redirects are never followed: a credential header or a body must not go anywhere the
      // caller did not name. (A browser hides the target: "opaqueredirect".)
      if (REDIRECTS.has(response.status) || response.type === "opaqueredirect") {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get("location");
        const target = location ? new URL(location, request.url) : undefined;
        throw new RedirectError(response.status, target ? target.origin + target.pathname : "?", contextOf(request));
      }
      if (!response.body || hasNoBody(request, response.status)) return (settled(), response);
      if (response.status < 400) return new CheckedResponse(response, request, settled, again);
      const bytes = await readBounded(response, maxErrorBytes);
      settled();
      return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      settled();
      // The time limit or the caller aborted the attempt: say which, not "operation aborted".
      throw controller.signal.aborted ? controller.signal.reason : error;
    }
  }

  async function withRetries(request: Request, started: number, deadline: number, first = 0): Promise<Response> {
    const method = request.method;
    // A body can be read only once: keep a pristine copy for later attempts.
    const template = request.body ? request.clone() : undefined;
    const context = contextOf(request);
    let n = first;
    const timeout = (scope: "attempt" | "call") =>
      new TimeoutError({ timeoutMs: scope === "call" ? totalTimeoutMs : timeoutMs, scope, attempts: n + 1, elapsedMs: Date.now() - started }, context);
    for (; ; n++) {
      const left = deadline - Date.now();
      if (left <= 0) throw timeout("call");
      // The attempt's limit, shortened when the whole call's deadline comes first.
      const limit = Math.min(timeoutMs || Infinity, left);
      let wait: number;
      try {
        // A body cut short is a connection failure: a request that may be repeated is.
        const next = n + 1;
        const again = IDEMPOTENT.has(method) && n < retries ? () => withRetries(template ? template.clone() : new Request(request), started, deadline, next) : undefined;
        const response = await attempt(n > first && template ? template.clone() : request, limit < Infinity ? limit : 0, again);
        const s = response.status;
        const retryable = s === 429 || (IDEMPOTENT.has(method) && (s === 408 || s >= 500));
        if (!retryable || n >= retries) return response;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter! > maxRetryAfter) return response;
        wait = retryAfter ?? backoff(n);
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        if (error instanceof RedirectError || error instanceof ResponseParseError) throw error;
        const timedOut = error instanceof AttemptTimeout;
        if (timedOut && Date.now() >= deadline) throw timeout("call");
        const safe = IDEMPOTENT.has(method) || (!timedOut && NOT_SENT.has(errorCode(error)!));
        if (!safe || n >= retries) {
          if (timedOut) throw timeout("attempt");
          throw new ConnectionError(`${method} ${context.path} got no complete response after ${n + 1} attempt(s): ${(error as Error)?.message}`, context, { cause: error });
        }
        wait = backoff(n);
      }
      if (Date.now() + wait >= deadline) throw timeout("call");
      await sleep(wait, request.signal);
    }
  }

  return async (request) => {
    const started = Date.now();
    const deadline = totalTimeoutMs ? started + totalTimeoutMs : Infinity;
    const replayable = options.onUnauthorized ? (request.body ? request.clone() : new Request(request)) : undefined;
    const response = await withRetries(request, started, deadline);
    if (response.status !== 401 || !replayable) return response;
    const replay = await options.onUnauthorized!(replayable);
    if (!replay) return response;
    return withRetries(replay, started, deadline);
  };
}
