// The fetch that openapi-fetch calls (its public `fetch` option): retries, time limits,
// the redirect policy, body checks and the one-time replay after a renewed token all live here, beneath
// the middleware chain, so each attempt is a fresh copy of the request and middleware runs
// once per call. The caller's AbortSignal arrives as `request.signal` (openapi-fetch builds the
// Request from the call's init), for every HTTP method alike.
import { ConnectionError, MizanError, RedirectError, ResponseParseError, TimeoutError, contextOf, parseRetryAfter, type TimeoutDetails } from "./errors.js";

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
  /** Prepares each call's request once, before its first attempt (the client's credentials). */
  prepare?: ((request: Request) => void | Promise<unknown>) | undefined;
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

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => (clearTimeout(timer), reject(signal.reason));
    const timer = setTimeout(() => (signal.removeEventListener("abort", stop), resolve()), ms);
    if (signal.aborted) stop();
    signal.addEventListener("abort", stop, { once: true });
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


const READS = new Set(["text", "json", "arrayBuffer", "blob"]);

/**
 * The response as it came, with its body read lazily (no copy on the happy path) but failing
 * typed: a 2xx JSON body that does not parse is a ResponseParseError, and a body cut short is a
 * ConnectionError or, for a request that may be repeated, a new attempt whose body is returned
 * instead. openapi-fetch reads bodies through these four methods, so callers never see a bare
 * SyntaxError or "TypeError: terminated". A Proxy rather than a new Response: building a
 * Response costs about as much again as the rest of the client (see BENCHMARKS.md).
 */
function checked(response: Response, request: Request, again?: () => Promise<Response>): Response {
  const read = async (kind: "text" | "json" | "arrayBuffer" | "blob"): Promise<unknown> => {
    try {
      const value = await response[kind]();
      // openapi-fetch reads a JSON body without Content-Length as text and parses it itself,
      // so check here that it parses (the one case where a JSON body is parsed twice).
      if (kind === "text" && value && /json/i.test(response.headers.get("content-type") ?? "")) JSON.parse(value as string);
      return value;
    } catch (error) {
      const context = contextOf(request);
      if (error instanceof SyntaxError) {
        throw new ResponseParseError(`invalid JSON in the ${response.status} body`, context, { status: response.status, cause: error });
      }
      if (again && !request.signal.aborted) return (await again())[kind]();
      // An abort or a typed error passes as it is.
      if ((error as Error)?.name === "AbortError" || error instanceof MizanError) throw error;
      throw new ConnectionError("body cut short", context, { cause: error });
    }
  };
  return new Proxy(response, {
    get(target, key) {
      if (READS.has(key as string)) return () => read(key as "json");
      // The target as receiver: a Response's getters and methods check that `this` is one.
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
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
  // (A negative totalTimeoutMs fails each call with a TimeoutError, which says so.)
  const totalTimeoutMs = options.totalTimeoutMs ?? 0;
  const maxErrorBytes = options.maxErrorBodyBytes ?? 1 << 20;
  const random = options.random ?? Math.random;
  // Full jitter: a uniform wait between 0 and the exponential cap.
  const backoff = (n: number) => random() * Math.min(maxDelay, minDelay * 2 ** n);

  // Attempts with the same limit that start within 250 ms of each other share one abort signal:
  // creating a signal costs about as much as a whole openapi-fetch call on Node 20, and a
  // limit is then between `limit` and `limit` + 250 ms. The bucket belongs to this transport
  // (one client), never to the process.
  let bucket: { until: number; limit: number; signal: AbortSignal } | undefined;
  function limitSignal(limit: number): AbortSignal {
    const now = Date.now();
    if (!bucket || bucket.limit !== limit || now >= bucket.until) {
      const controller = new AbortController();
      bucket = { until: now + 250, limit, signal: controller.signal };
      // The timer outlives the calls it guards; it must not keep a Node process alive.
      (setTimeout(() => controller.abort(new AttemptTimeout()), 250 + limit) as { unref?: () => void }).unref?.();
    }
    return bucket.signal;
  }

  /**
   * One attempt: send within `limit` ms, which keeps running while the body is read. Error
   * bodies are read here, up to maxErrorBodyBytes; other bodies are read by the caller, through
   * a checked response (`again` is the next attempt, for requests that may be repeated).
   * The caller's signal is request.signal. Without a limit it goes to fetch as it is; with one,
   * the shared limit signal goes to fetch, and an abort of the caller's ends the attempt at
   * once (the connection is let go when its answer or its limit comes).
   */
  async function attempt(request: Request, limit: number, again?: () => Promise<Response>): Promise<Response> {
    const caller = request.signal;
    const signal = limit ? limitSignal(limit) : caller;
    let onAbort: (() => void) | undefined;
    try {
      if (caller.aborted) throw caller.reason;
      const sent = base(request, { signal, redirect: "manual" });
      const response =
        signal === caller
          ? await sent
          : await new Promise<Response>((resolve, reject) => {
              onAbort = () => (reject(caller.reason), sent.then((r) => r.body?.cancel(), () => undefined));
              caller.addEventListener("abort", onAbort, { once: true });
              sent.then(resolve, reject);
            });
      // Redirects are never followed: a credential header or a body must not go anywhere the
      // caller did not name. (A browser hides the target: "opaqueredirect".)
      if (REDIRECTS.has(response.status) || response.type === "opaqueredirect") {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get("location");
        const target = location ? new URL(location, request.url) : undefined;
        const shown = target ? target.origin + target.pathname : "?";
        throw new RedirectError(`${response.status} redirect to ${shown} not followed`, contextOf(request), { status: response.status, location: shown });
      }
      // No body to check (HEAD, 204, 304 and the like come with a null body).
      if (!response.body) return response;
      if (response.status < 400) return checked(response, request, again);
      const bytes = await readBounded(response, maxErrorBytes);
      return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      // The time limit or the caller aborted the attempt: say which, not "operation aborted".
      throw signal.aborted ? signal.reason : error;
    } finally {
      if (onAbort) caller.removeEventListener("abort", onAbort);
    }
  }

  async function withRetries(request: Request, started: number, deadline: number, first = 0): Promise<Response> {
    const method = request.method;
    // A body can be read only once: keep a pristine copy for later attempts.
    const template = request.body ? request.clone() : undefined;
    let n = first;
    const timeout = (scope: "attempt" | "call") => {
      const details: TimeoutDetails = { timeoutMs: scope === "call" ? totalTimeoutMs : timeoutMs, scope, attempts: n + 1, elapsedMs: Date.now() - started };
      const limit = `${scope === "call" ? "totalTimeoutMs" : "timeoutMs"} ${details.timeoutMs} ms`;
      return new TimeoutError(`timed out: ${limit}, ${details.attempts} attempt(s), ${details.elapsedMs} ms`, contextOf(request), { ...details });
    };
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
          throw new ConnectionError(`no answer, ${n + 1} attempt(s): ${(error as Error)?.message}`, contextOf(request), { cause: error });
        }
        wait = backoff(n);
      }
      if (Date.now() + wait >= deadline) throw timeout("call");
      await sleep(wait, request.signal);
    }
  }

  const call = (request: Request) => {
    const started = Date.now();
    const deadline = totalTimeoutMs ? started + totalTimeoutMs : Infinity;
    // Without a renewable token there is nothing to replay: no extra async step per call.
    if (!options.onUnauthorized) return withRetries(request, started, deadline);
    const replayable = request.body ? request.clone() : new Request(request);
    return withRetries(request, started, deadline).then(async (response) => {
      const replay = response.status === 401 && (await options.onUnauthorized!(replayable));
      return replay ? withRetries(replay, started, deadline) : response;
    });
  };
  const { prepare } = options;
  return (request) => {
    const ready = prepare?.(request);
    return ready ? ready.then(() => call(request)) : call(request);
  };
}
