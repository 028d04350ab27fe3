// The fetch that openapi-fetch calls (its public `fetch` option): retries, time limits,
// the redirect policy, body checks and the one-time replay after a renewed token all live here, beneath
// the middleware chain, so each attempt is a fresh copy of the request and middleware runs
// once per call. The caller's AbortSignal arrives as `request.signal` (openapi-fetch builds the
// Request from the call's init), for every HTTP method alike.
import {
  ConnectionError,
  RedirectError,
  ResponseParseError,
  TimeoutError,
  contextOf,
  parseRetryAfter,
  redact,
  type TimeoutDetails,
} from "./errors.js";

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
  /**
   * Prepares each call's request once, before its first attempt (the client's credentials); a
   * promise it returns is awaited before the request is sent.
   */
  prepare?: ((request: Request) => unknown) | undefined;
  /** Called after a 401 on a request that carried a renewable token; returns the request to replay. */
  onUnauthorized?: ((request: Request) => Promise<Request | undefined>) | undefined;
  /** Strings that must never appear in an error the transport raises (a Location, a reason). */
  secrets?: (() => readonly (string | undefined)[]) | undefined;
  /** Randomness for the jitter (tests pin it). */
  random?: () => number;
  /**
   * Success bodies are handed over unread, as the server sends them (what `parseAs: "stream"`
   * asks for): `timeoutMs` then covers the answer's head only, the caller's signal still ends
   * the body, and a body cut short fails the caller's read instead of being asked for again.
   * Error bodies are read within the limits as always. Default false.
   */
  streamBodies?: boolean | undefined;
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
// The limit ran out while the body was being read: a TimeoutError, not a cut body, and not
// worth downloading again.
class BodyTimeout extends AttemptTimeout {}

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

const decoder = new TextDecoder();
// Body reads other than text() and json(), answered by a fresh Response over the bytes read.
const FRESH = new Set<PropertyKey>(["body", "arrayBuffer", "blob", "formData", "bytes"]);

/**
 * A 2xx answer whose body has been read (within the attempt's limit), handed to openapi-fetch
 * without building a new Response: a Proxy whose `text()` and `json()` answer from the body
 * read, `json()` failing as a typed ResponseParseError. Every other body read gets a fresh
 * Response over the same body. A body without Content-Length gets one (the length read), so
 * openapi-fetch parses it with `json()` rather than its own bare JSON.parse. Textual bodies are
 * read as text (decoding bytes ourselves cost a tenth of a call), others as bytes. How
 * openapi-fetch reads bodies is pinned by test/openapi-fetch.contract.test.ts. A Proxy rather
 * than a new Response: building one costs about as much again as the rest of the client
 * (BENCHMARKS.md).
 */
function readAnswer(response: Response, body: string | ArrayBuffer, parseError: () => Error): Response {
  const text = typeof body === "string" ? body : undefined;
  let decoded: string | undefined;
  const asText = () => text ?? (decoded ??= decoder.decode(body as ArrayBuffer));
  let headers = response.headers;
  if (!headers.has("content-length")) {
    (headers = new Headers(headers)).set(
      "content-length",
      String(text === undefined ? (body as ArrayBuffer).byteLength : new TextEncoder().encode(text).length),
    );
  }
  const proxy: Response = new Proxy(response, {
    get(target, key) {
      if (key === "text") return async () => asText();
      if (key === "json")
        return async () => {
          try {
            return asText() ? JSON.parse(asText()) : undefined;
          } catch {
            throw parseError();
          }
        };
      if (key === "headers") return headers;
      if (key === "clone") return () => proxy;
      if (key === "bodyUsed") return false;
      // The target as receiver: a Response's getters and methods check that `this` is one.
      const owner = FRESH.has(key)
        ? new Response(body, { status: target.status, statusText: target.statusText, headers })
        : target;
      const value = Reflect.get(owner, key);
      return typeof value === "function" ? value.bind(owner) : value;
    },
  });
  return proxy;
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
  const streamBodies = options.streamBodies === true;
  const random = options.random ?? Math.random;
  const secrets = options.secrets ?? (() => []);
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

  /** One call's state: its request, its start, its deadline and the attempts made so far. */
  interface Call {
    request: Request;
    started: number;
    deadline: number;
    attempts: number;
  }
  const timeout = (call: Call, scope: "attempt" | "call") => {
    const details: TimeoutDetails = {
      timeoutMs: scope === "call" ? totalTimeoutMs : timeoutMs,
      scope,
      attempts: call.attempts,
      elapsedMs: Date.now() - call.started,
    };
    const limit = `${scope === "call" ? "totalTimeoutMs" : "timeoutMs"} ${details.timeoutMs} ms`;
    return new TimeoutError(
      `timed out: ${limit}, ${details.attempts} attempt(s), ${details.elapsedMs} ms`,
      contextOf(call.request),
      { ...details },
    );
  };

  /**
   * Waits for `promise` (a token, a renewed token) no longer than the caller's signal and the
   * call's deadline allow. The promise itself may be shared with other calls, so it is left to
   * run; only this call stops waiting.
   */
  function bounded<T>(promise: Promise<T>, call: Call): Promise<T> {
    const signal = call.request.signal;
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(signal.reason);
      const left = call.deadline - Date.now();
      const timer = left < Infinity ? setTimeout(() => reject(timeout(call, "call")), left) : undefined;
      if (signal.aborted) stop();
      signal.addEventListener("abort", stop, { once: true });
      promise.then(resolve, reject).finally(() => (clearTimeout(timer), signal.removeEventListener("abort", stop)));
    });
  }

  /**
   * One attempt: send and read the answer within `limit` ms. Error bodies are read up to
   * maxErrorBodyBytes, other bodies whole, so that a body cut short is a failed attempt like
   * any other, retried (or not) by the same rules, and whatever answers the next attempt goes
   * through the same status checks. The caller's signal is request.signal. Without a limit it
   * goes to fetch as it is; with one, the shared limit signal goes to fetch, and an abort of the
   * caller's ends the attempt at once (the connection is let go when its answer or its limit comes).
   */
  async function attempt(request: Request, limit: number): Promise<Response> {
    const caller = request.signal;
    let signal = caller;
    let headTimer: ReturnType<typeof setTimeout> | undefined;
    if (streamBodies) {
      // A signal of the body's own: the caller's ends it at any time, the limit only until the head.
      const own = new AbortController();
      signal = own.signal;
      if (caller.aborted) own.abort(caller.reason);
      else caller.addEventListener("abort", () => own.abort(caller.reason), { once: true });
      if (limit) headTimer = setTimeout(() => own.abort(new AttemptTimeout()), limit);
    } else if (limit) signal = limitSignal(limit);
    let onAbort: (() => void) | undefined;
    let reading = false;
    // Plain promise chains, not async functions: this runs on every call (BENCHMARKS.md).
    const read = (response: Response): Response | Promise<Response> => {
      // Redirects are never followed: a credential header or a body must not go anywhere the
      // caller did not name. (A browser hides the target: "opaqueredirect".)
      if (REDIRECTS.has(response.status) || response.type === "opaqueredirect") {
        void response.body?.cancel().catch(() => undefined);
        const location = response.headers.get("location");
        const target = location ? new URL(location, request.url) : undefined;
        const shown = redact(target ? target.origin + target.pathname : "?", secrets());
        throw new RedirectError(`${response.status} redirect to ${shown} not followed`, contextOf(request), {
          status: response.status,
          location: shown,
        });
      }
      // No body to read (HEAD, 204, 304 and the like come with a null body).
      if (!response.body) return response;
      const { status } = response;
      if (streamBodies && status < 400) return response;
      reading = true;
      if (status >= 400)
        return readBounded(response, maxErrorBytes).then(
          (bytes) => new Response(bytes, { status, statusText: response.statusText, headers: response.headers }),
        );
      const type = response.headers.get("content-type");
      return (!type || /json|text|xml|html|urlencoded/i.test(type) ? response.text() : response.arrayBuffer()).then(
        (bytes) =>
          readAnswer(response, bytes, () => {
            return new ResponseParseError(
              `invalid JSON in the ${status} ${redact(type ?? "untyped", secrets())} body`,
              contextOf(request),
              { status },
            );
          }),
        (error: unknown) => {
          throw signal.aborted ? error : new ConnectionError("body cut short", contextOf(request), { cause: error });
        },
      );
    };
    try {
      if (caller.aborted) throw caller.reason;
      const answer = base(request, { signal, redirect: "manual" }).then(read);
      return signal === caller
        ? await answer
        : await new Promise<Response>((resolve, reject) => {
            onAbort = () => (
              reject(caller.reason),
              answer.then(
                (r) => r.body?.cancel(),
                () => undefined,
              )
            );
            caller.addEventListener("abort", onAbort, { once: true });
            answer.then(resolve, reject);
          });
    } catch (error) {
      if (caller.aborted) throw caller.reason;
      // The time limit ran out: say so, and whether the answer had begun.
      if (signal.aborted) throw reading ? new BodyTimeout() : signal.reason;
      throw error;
    } finally {
      if (onAbort) caller.removeEventListener("abort", onAbort);
      clearTimeout(headTimer);
    }
  }

  async function withRetries(call: Call, request: Request): Promise<Response> {
    const { method } = request;
    // A body can be read only once: keep a pristine copy for later attempts.
    const template = request.body ? request.clone() : undefined;
    for (let n = 0; ; n++) {
      const left = call.deadline - Date.now();
      if (left <= 0) throw timeout(call, "call");
      // The attempt's limit, shortened when the whole call's deadline comes first.
      const limit = Math.min(timeoutMs || Infinity, left);
      let wait: number;
      call.attempts++;
      try {
        const response = await attempt(n && template ? template.clone() : request, limit < Infinity ? limit : 0);
        const s = response.status;
        const retryable = s === 429 || (IDEMPOTENT.has(method) && (s === 408 || s >= 500));
        if (!retryable || n >= retries) return response;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        // Never sooner than the backoff: a Retry-After of 0, a negative one or a past date
        // would otherwise hammer a server that is already refusing.
        wait = Math.max(retryAfter ?? 0, backoff(n));
        // A wait longer than allowed: the answer as it is (a 429 with its retryAfterMs), now.
        if (retryAfter! > maxRetryAfter || Date.now() + wait >= call.deadline) return response;
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        if (error instanceof RedirectError || error instanceof ResponseParseError) throw error;
        const timedOut = error instanceof AttemptTimeout;
        if (timedOut && Date.now() >= call.deadline) throw timeout(call, "call");
        if (error instanceof BodyTimeout) throw timeout(call, "attempt");
        const safe = IDEMPOTENT.has(method) || (!timedOut && NOT_SENT.has(errorCode(error)!));
        if (!safe || n >= retries) {
          if (timedOut) throw timeout(call, "attempt");
          if (error instanceof ConnectionError) throw error;
          const reason = redact(String((error as Error)?.message), secrets());
          throw new ConnectionError(`no answer, ${n + 1} attempt(s): ${reason}`, contextOf(request), { cause: error });
        }
        wait = backoff(n);
        if (Date.now() + wait >= call.deadline) throw timeout(call, "call");
      }
      await sleep(wait, request.signal);
    }
  }

  const run = async (call: Call, ready: unknown): Promise<Response> => {
    const { request } = call;
    // Waiting for a token is part of the call: it ends with the caller's signal or deadline.
    if (ready) await bounded(ready as Promise<unknown>, call);
    // Without a renewable token there is nothing to replay: no extra async step per call.
    if (!options.onUnauthorized) return withRetries(call, request);
    const replayable = request.body ? request.clone() : new Request(request);
    const response = await withRetries(call, request);
    const replay = response.status === 401 && (await bounded(options.onUnauthorized(replayable), call));
    return replay ? withRetries(call, replay) : response;
  };
  const { prepare } = options;
  return (request) => {
    const started = Date.now();
    const call: Call = {
      request,
      started,
      deadline: totalTimeoutMs ? started + totalTimeoutMs : Infinity,
      attempts: 0,
    };
    const ready = prepare?.(request);
    return ready || options.onUnauthorized ? run(call, ready) : withRetries(call, request);
  };
}
