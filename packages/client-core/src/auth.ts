// Credentials: which header each operation gets (from the spec's security, as mizan-codegen
// writes it into the client's generated tables), and where access tokens come from.
import type { Middleware } from "openapi-fetch";
import { InvalidArgumentError } from "./errors.js";

/** A security scheme as the runtime needs it (mizan-codegen writes these from the spec). */
export type AuthScheme =
  /** An API key in a header; with `prefix`, the header carries an access token: "<prefix> <token>". */
  { type: "apiKey"; header: string; prefix?: string } | { type: "bearer" } | { type: "basic" };

/** Security alternatives: each a set of scheme names that go together. */
export type Alternatives = readonly (readonly string[])[];

/** The spec's security, as mizan-codegen writes it. */
export interface SecurityTable {
  schemes: Readonly<Record<string, AuthScheme>>;
  /** The document's own security: what every operation not matched below takes. */
  default: Alternatives;
  /**
   * Operations whose security differs from the default: [method, regex over the URL after the
   * base URL, alternatives], most concrete first.
   */
  match: readonly (readonly [method: string, path: RegExp, alternatives: Alternatives])[];
}

/** A token as cached and shared: `expiresAt` is epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string | null | undefined;
  expiresAt: number;
  /** When the token was obtained (epoch ms): renewal comes at most half its life early. Set by the manager. */
  obtainedAt?: number | undefined;
}

/** Where a server keeps tokens so that several processes share one (Redis, a database...). */
export interface TokenStore {
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  set(token: TokenSet): void | Promise<void>;
}

/** Where the access token of a request comes from: a fixed value, a manager, or the user. */
export interface TokenSource {
  get(): Promise<string>;
  /** Undefined when the token cannot be renewed (a fixed access token). */
  renew?(refused: string): Promise<string>;
}

/** What a client holds; each operation takes the first of its alternatives the client can fill. */
export interface Credentials {
  /** For API-key schemes without a prefix. */
  apiKey?: string | undefined;
  /** For Bearer schemes and API-key schemes with a token prefix. */
  token?: TokenSource | undefined;
  /**
   * For HTTP Basic schemes: the header value, `basicAuth(username, password)`. Encoded by the
   * client that needs it, so that clients without Basic schemes do not ship the encoder.
   */
  basic?: string | undefined;
}

export interface TokenManager extends Required<TokenSource> {
  /** The tokens currently held (to keep them out of error messages). */
  secrets(): string[];
}

export function createTokenManager(options: {
  /** Gets a new token; `refreshToken` is set when one is held. */
  grant: (refreshToken?: string | null) => Promise<TokenSet>;
  store?: TokenStore | undefined;
  /** Renew this long before expiry, or half the token's life if that is shorter. Default 60 s. */
  skewMs?: number;
  now?: () => number;
}): TokenManager {
  const { grant, store, skewMs = 60_000, now = Date.now } = options;
  let current: TokenSet | undefined;
  let pending: Promise<TokenSet> | undefined;
  // Not a type guard on purpose: an unusable token may still carry a refresh token.
  // A token that lives less than twice the margin is renewed at half its life, not on every call.
  const usable = (t: TokenSet | undefined, refused?: string): boolean =>
    !!t &&
    t.accessToken !== refused &&
    t.expiresAt - Math.min(skewMs, (t.expiresAt - (t.obtainedAt ?? -Infinity)) / 2) > now();

  // One request in flight at a time: every caller waits for the same promise.
  const obtain = (refused?: string) =>
    (pending ??= (async () => {
      try {
        const stored = await store?.get();
        if (usable(stored, refused)) return (current = stored!);
        const obtainedAt = now();
        const next: TokenSet = { obtainedAt, ...(await grant(current?.refreshToken ?? stored?.refreshToken)) };
        current = next;
        await store?.set(next);
        return next;
      } finally {
        pending = undefined;
      }
    })());

  const renew = async (refused?: string) => (usable(current, refused) ? current! : await obtain(refused)).accessToken;
  return {
    get: () => renew(),
    renew,
    secrets: () => (current ? [current.accessToken, current.refreshToken ?? ""] : []),
  };
}

/**
 * A token endpoint's answer (OAuth 2: `access_token`, `refresh_token`, `expires_in` in seconds)
 * as a TokenSet; undefined without an access token. A lifetime that is missing, unreadable, not
 * under a millisecond or beyond 30 years counts as one hour rather than "never expires".
 */
export function tokenSetOf(answer: unknown, now = Date.now()): TokenSet | undefined {
  const a = answer as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown } | null | undefined;
  if (typeof a?.access_token !== "string" || !a.access_token) return undefined;
  const ttl = Number(a.expires_in);
  return {
    accessToken: a.access_token,
    refreshToken: typeof a.refresh_token === "string" ? a.refresh_token : undefined,
    expiresAt: now + (ttl >= 1e-3 && ttl < 1e9 ? ttl * 1000 : 3_600_000),
  };
}

/** A token source from a user's `getToken({ renew })` callback; `last()` is the latest token. */
export function callbackTokenSource(getToken: (context: { renew: boolean }) => string | Promise<string>) {
  let last = "";
  const ask = async (renew: boolean) => (last = await getToken({ renew }));
  return { get: () => ask(false), renew: () => ask(true), last: () => last };
}

/**
 * Returns `value` when a header can carry it (no CR, LF, NUL or other control character, nothing
 * beyond Latin-1); else throws an InvalidArgumentError naming `field`, never the value (fetch's
 * own TypeError quotes it, key and all).
 */
export function checkHeaderValue(value: string, field: string): string {
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
    throw new InvalidArgumentError(`${field}: a character not allowed in a header`, undefined, { field });
  return value;
}

const headerOf = (scheme: AuthScheme) => (scheme.type === "apiKey" ? scheme.header : "authorization");
const tokenPrefix = (scheme: AuthScheme) =>
  scheme.type === "bearer" ? "Bearer" : scheme.type === "apiKey" ? scheme.prefix : undefined;

/** Every header a table's schemes may use, to clear credentials on operations that take none. */
const headersOf = (table: SecurityTable) => [...new Set(Object.values(table.schemes).map(headerOf))];

/**
 * Sets a request's credentials from its operation's security alternatives: the first whose
 * schemes the client holds credentials for. Credential headers of the other schemes are
 * removed, so a request never carries two alternatives (Daftra refuses that). Synchronous
 * unless a token must be fetched.
 */
function credentialSetter(table: SecurityTable, credentials: Credentials) {
  const { apiKey, token, basic } = credentials;
  const all = headersOf(table);
  const fillable = (scheme: AuthScheme | undefined) =>
    !!scheme && (scheme.type === "basic" ? !!basic : tokenPrefix(scheme) ? !!token : !!apiKey);
  return (request: Request, alternatives: Alternatives): Promise<unknown> | undefined => {
    const chosen = alternatives.find((names) => names.every((name) => fillable(table.schemes[name]))) ?? [];
    const h = request.headers;
    for (const name of all) h.delete(name);
    const pending = chosen.map((name) => {
      const scheme = table.schemes[name]!;
      const prefix = tokenPrefix(scheme);
      if (!prefix) return void h.set(headerOf(scheme), scheme.type === "basic" ? basic! : apiKey!);
      return token!.get().then((t) => h.set(headerOf(scheme), `${prefix} ${checkHeaderValue(t, "token")}`));
    });
    if (pending.some(Boolean)) return Promise.all(pending);
  };
}

/**
 * The credentials of each request, per the spec's security: the operation is recognised by its
 * method and its URL under `baseUrl` (the first, most concrete, match; else the default).
 */
export function authStep(
  table: SecurityTable,
  credentials: Credentials,
  baseUrl: string,
): (request: Request) => Promise<unknown> | undefined {
  const set = credentialSetter(table, credentials);
  return (request) => {
    const path = request.url.slice(baseUrl.length);
    return set(
      request,
      table.match.find(([method, regex]) => method === request.method && regex.test(path))?.[2] ?? table.default,
    );
  };
}

/** The same as openapi-fetch middleware, for clients composed by hand. */
export function authMiddleware(table: SecurityTable, credentials: Credentials): Middleware {
  let base: string | undefined;
  let step: ReturnType<typeof authStep> = () => undefined;
  return {
    async onRequest({ request, options }) {
      if (options.baseUrl !== base) step = authStep(table, credentials, (base = options.baseUrl));
      await step(request);
      return request;
    },
  };
}

/** For the transport: after a 401, the same request with a renewed token, once. */
export function replayWithRenewedToken(table: SecurityTable, source: TokenSource) {
  const carriers = Object.values(table.schemes).flatMap((s) => {
    const prefix = tokenPrefix(s);
    return prefix ? [{ header: headerOf(s), prefix: `${prefix} ` }] : [];
  });
  return async (request: Request): Promise<Request | undefined> => {
    if (!source.renew) return undefined;
    for (const { header, prefix } of carriers) {
      const value = request.headers.get(header);
      if (value?.startsWith(prefix)) {
        request.headers.set(header, prefix + checkHeaderValue(await source.renew(value.slice(prefix.length)), "token"));
        return request;
      }
    }
    return undefined;
  };
}

/** Base64 of a UTF-8 string, in every runtime (no Buffer in browsers and Workers). */
/** The `Authorization` value of HTTP Basic auth (RFC 7617), UTF-8 encoded. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${base64(`${username}:${password}`)}`;
}

export function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
