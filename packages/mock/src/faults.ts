// Fault injection, so a client's retry and timeout handling can be tested against the mock:
//   - per server: a fixed or random delay before every answer, and a share of requests failed
//     with 503, both drawn from a seeded generator so that a run repeats for the same seed;
//   - per request: `Prefer: delay=<ms>`, and `Prefer: code=<status>` for a failure status the
//     operation does not document (the server applies that one, see server.ts).
// Everything here is per mock instance: no module state.

/** A random delay, drawn uniformly from `min` to `max` milliseconds (both included). */
export interface DelayRange {
  min: number;
  max: number;
}

export interface FaultOptions {
  /** Wait this many milliseconds (or a random time in the range) before answering each request. */
  delayMs?: number | DelayRange;
  /** The share of requests, from 0 to 1, answered with 503 in the API's error shape. */
  failureRate?: number;
  /** Seed of the random delays and failures: the same seed gives the same sequence. */
  seed?: number;
}

/** The longest delay the mock accepts, globally or per request (5 minutes). */
export const MAX_DELAY_MS = 300_000;
/** The status of an injected failure: what an overloaded server or its gateway answers. */
export const INJECTED_FAILURE_STATUS = 503;

/** Bad fault options: the message says which option and what it accepts. */
export class FaultOptionError extends Error {
  override name = "FaultOptionError";
}

function checkDelay(ms: unknown, what: string): number {
  if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS)
    throw new FaultOptionError(
      `${what} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(ms)}`,
    );
  return ms;
}

/** Checks a delay option: a number of milliseconds or a `{ min, max }` range. */
export function checkDelayOption(delay: FaultOptions["delayMs"]): DelayRange {
  if (delay === undefined) return { min: 0, max: 0 };
  if (typeof delay === "number") {
    const ms = checkDelay(delay, "delayMs");
    return { min: ms, max: ms };
  }
  if (!delay || typeof delay !== "object")
    throw new FaultOptionError(
      `delayMs must be a number of milliseconds or { min, max }, got ${JSON.stringify(delay)}`,
    );
  const min = checkDelay(delay.min, "delayMs.min");
  const max = checkDelay(delay.max, "delayMs.max");
  if (min > max) throw new FaultOptionError(`delayMs.min (${min}) must not be larger than delayMs.max (${max})`);
  return { min, max };
}

/** Checks a failure rate: a number from 0 to 1. */
export function checkFailureRate(rate: unknown): number {
  if (rate === undefined) return 0;
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new FaultOptionError(`failureRate must be a number from 0 to 1, got ${JSON.stringify(rate)}`);
  return rate;
}

/** Parses the CLI's `--delay`: `200` (fixed) or `100-500` (random in that range). */
export function parseDelay(text: string): number | DelayRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!match) throw new FaultOptionError(`--delay must be milliseconds (200) or a range (100-500), got "${text}"`);
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (max > MAX_DELAY_MS || min > MAX_DELAY_MS)
    throw new FaultOptionError(`--delay must be at most ${MAX_DELAY_MS} ms, got "${text}"`);
  if (min > max)
    throw new FaultOptionError(`--delay range must go from the shorter to the longer delay (100-500), got "${text}"`);
  return match[2] === undefined ? min : { min, max };
}

/** Parses the CLI's `--failure-rate`: a number from 0 to 1, such as 0.2. */
export function parseFailureRate(text: string): number {
  const rate = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!(rate >= 0 && rate <= 1))
    throw new FaultOptionError(
      `--failure-rate must be a number from 0 to 1 (0.2 fails one request in five), got "${text}"`,
    );
  return rate;
}

/** A small seeded generator (mulberry32): numbers in [0, 1), the same sequence for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  /** How long to wait before answering. */
  delayMs: number;
  /** Whether to answer with an injected failure. */
  fail: boolean;
}

export interface FaultInjector {
  /** Whether any global fault is set (a delay or a failure rate). */
  readonly active: boolean;
  /** The decision for the next request, in arrival order. */
  next(): FaultDecision;
}

/**
 * The global faults of one mock. Delays and failures come from two generators seeded from the
 * same seed, so the n-th request's fate depends only on the seed and n, whether or not the
 * delay is random.
 */
export function faultInjector(options: FaultOptions & { seed: number }): FaultInjector {
  const delay = checkDelayOption(options.delayMs);
  const failureRate = checkFailureRate(options.failureRate);
  const failRandom = seededRandom(options.seed);
  const delayRandom = seededRandom(options.seed ^ 0x5bd1e995);
  return {
    active: delay.max > 0 || failureRate > 0,
    next() {
      const fail = failRandom() < failureRate;
      const delayMs =
        delay.min === delay.max ? delay.min : delay.min + Math.floor(delayRandom() * (delay.max - delay.min + 1));
      return { delayMs, fail };
    },
  };
}

/** The value of one preference of a `Prefer` header (RFC 7240), e.g. "delay" in `delay=200, code=503`. */
export function preference(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const part of text.split(/[,;]/)) {
    const [key, ...value] = part.split("=");
    if (key?.trim().toLowerCase() === name)
      return value
        .join("=")
        .trim()
        .replace(/^"(.*)"$/, "$1");
  }
  return undefined;
}

/** The delay a request asks for with `Prefer: delay=<ms>`, or undefined; throws on a bad value. */
export function requestedDelay(prefer: string | string[] | undefined): number | undefined {
  const value = preference(prefer, "delay");
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > MAX_DELAY_MS)
    throw new FaultOptionError(
      `Prefer: delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}, got "${value}".`,
    );
  return Number(value);
}

/**
 * The status a request forces with `Prefer: code=<status>`, or undefined when it asks for none.
 * A status the operation documents (`statuses`: its response keys, "4XX" and "default" included)
 * is served from the spec; an error status from 400 to 599 is injected; anything else (999, 302
 * undocumented, text) is refused with a FaultOptionError naming what is allowed.
 */
export function requestedCode(prefer: string | string[] | undefined, statuses: readonly string[]): number | undefined {
  const value = preference(prefer, "code");
  if (value === undefined) return undefined;
  const code = /^\d{3}$/.test(value) ? Number(value) : NaN;
  const documented = statuses.filter((s) => /^[1-5](\d\d|XX)$/i.test(s));
  const isDocumented = statuses.some(
    (s) => s === value || s.toUpperCase() === `${value[0]}XX` || (s === "default" && code >= 100 && code <= 599),
  );
  if (code >= 400 && code <= 599) return code;
  if (code >= 100 && isDocumented) return code;
  throw new FaultOptionError(
    `Prefer: code must be a status this operation documents (${documented.join(", ") || "none"}) or an error status from 400 to 599, got "${value}".`,
  );
}

/** Waits `ms`, unless the client goes away first; resolves whether the answer is still wanted. */
export function pauseUnlessClosed(
  ms: number,
  res: { once(event: "close", fn: () => void): unknown; off(event: "close", fn: () => void): unknown },
): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}
