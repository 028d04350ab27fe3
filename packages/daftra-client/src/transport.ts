// The fetch that openapi-fetch calls: retries, time limits and the one-time replay after a
// renewed token all live here, beneath the middleware chain, so each attempt is a fresh copy
// of the request and middleware runs once per call.
import { DaftraConnectionError, DaftraTimeoutError, contextOf, parseRetryAfter } from "./errors.js";

/** A fetch function. The transport passes the attempt's AbortSignal in `init.signal`. */
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
  fetch?: FetchLike;
  retry?: RetryOptions | false;
  /** Time limit of each attempt. Default 30 s; 0 for none. */
  timeoutMs?: number;
  /** Time limit of the whole call, retries and waits included. Default none. */
  totalTimeoutMs?: number;
  /** Called after a 401 on a request that carried a renewable token; returns the request to replay. */
  onUnauthorized?: (request: Request) => Promise<Request | undefined>;
  /** Randomness for the jitter (tests pin it). */
  random?: () => number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
// Errors that prove the request never reached the server, so even a POST may be sent again.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

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

// Attempts that start within the same 250 ms share one AbortController for their time limit:
// on Node 20 creating a controller costs about as much as a whole openapi-fetch call. So an
// attempt's limit is between timeoutMs and timeoutMs + 250 ms.
const BUCKET_MS = 250;
let bucket: { until: number; limit: number; controller: AbortController } | undefined;

function timeoutSignal(limit: number): AbortSignal {
  const now = Date.now();
  if (!bucket || bucket.limit !== limit || now >= bucket.until) {
    const controller = new AbortController();
    bucket = { until: now + BUCKET_MS, limit, controller };
    const timer = setTimeout(() => controller.abort(new AttemptTimeout()), BUCKET_MS + limit);
    // The timer outlives the calls it guards; it must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
  }
  return bucket.controller.signal;
}

/** Set on requests whose caller passed an AbortSignal (see `linkCallerSignals`). */
export const CALLER_SIGNAL = "daftraSignal";

/**
 * Sends one attempt with a time limit. The limit's signal replaces the request's own in
 * `init`; when the caller passed a signal of their own, both are combined.
 */
function attempt(fetchFn: FetchLike, request: Request, timeoutMs: number): Promise<Response> {
  if (!timeoutMs) return fetchFn(request);
  const limit = timeoutSignal(timeoutMs);
  const signal = (request as unknown as Record<string, unknown>)[CALLER_SIGNAL] ? AbortSignal.any([request.signal, limit]) : limit;
  return fetchFn(request, { signal }).catch((error: unknown) => {
    throw limit.aborted && !request.signal.aborted ? limit.reason : error;
  });
}

export function createTransport(options: TransportOptions = {}): FetchLike {
  const base: FetchLike = options.fetch ?? ((r, init) => globalThis.fetch(r, init));
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  // A negative or non-numeric setting would mean "no retries" or "time out at once": refuse it.
  // (A negative totalTimeoutMs fails each call with a DaftraTimeoutError, which says so.)
  const count = (value: number | undefined, fallback: number, name: string) => {
    if (value !== undefined && !(value >= 0)) throw new TypeError(`${name} must be a number >= 0`);
    return value ?? fallback;
  };
  const retries = count(retry.retries, 2, "retry.retries");
  const minDelay = retry.minDelayMs ?? 500;
  const maxDelay = retry.maxDelayMs ?? 8000;
  const maxRetryAfter = retry.maxRetryAfterMs ?? 60_000;
  const timeoutMs = count(options.timeoutMs, 30_000, "timeoutMs");
  const random = options.random ?? Math.random;
  // Full jitter: a uniform wait between 0 and the exponential cap.
  const backoff = (n: number) => random() * Math.min(maxDelay, minDelay * 2 ** n);

  async function withRetries(request: Request, deadline: number): Promise<Response> {
    const method = request.method;
    // A body can be read only once: keep a pristine copy for later attempts. A request without
    // a body can simply be sent again.
    const template = retries > 0 && request.body ? request.clone() : undefined;
    const timeout = (ms = options.totalTimeoutMs!) => new DaftraTimeoutError(ms, contextOf(request));
    for (let n = 0; ; n++) {
      const left = deadline - Date.now();
      if (left <= 0) throw timeout();
      // The attempt's limit, shortened when the whole call's deadline comes first.
      const limit = Math.min(timeoutMs || Infinity, left);
      let wait: number;
      try {
        const response = await attempt(base, n && template ? template.clone() : request, limit < Infinity ? limit : 0);
        const s = response.status;
        const retryable = s === 429 || (IDEMPOTENT.has(method) && (s === 408 || s >= 500));
        if (!retryable || n >= retries) return response;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter! > maxRetryAfter) return response;
        wait = retryAfter ?? backoff(n);
        await response.body?.cancel().catch(() => undefined);
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        const timedOut = error instanceof AttemptTimeout;
        if (timedOut && Date.now() >= deadline) throw timeout();
        const safe = IDEMPOTENT.has(method) || (!timedOut && NOT_SENT.has(errorCode(error)!));
        if (!safe || n >= retries) {
          if (timedOut) throw timeout(timeoutMs);
          const context = contextOf(request);
          throw new DaftraConnectionError(`${method} ${context.path} got no response: ${(error as Error)?.message ?? error}`, context, { cause: error });
        }
        wait = backoff(n);
      }
      if (Date.now() + wait >= deadline) throw timeout();
      await sleep(wait, request.signal);
    }
  }

  return async (request) => {
    const deadline = options.totalTimeoutMs ? Date.now() + options.totalTimeoutMs : Infinity;
    const replayable = options.onUnauthorized ? (request.body ? request.clone() : new Request(request)) : undefined;
    const response = await withRetries(request, deadline);
    if (response.status !== 401 || !replayable) return response;
    const replay = await options.onUnauthorized!(replayable);
    if (!replay) return response;
    await response.body?.cancel().catch(() => undefined);
    return withRetries(replay, deadline);
  };
}
