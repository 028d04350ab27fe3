// Credentials: which header an operation gets, and where Bearer tokens come from.
import type { Middleware } from "openapi-fetch";
import { publicOperations } from "./generated/operations.js";

/** A token as cached and shared: `expiresAt` is epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
}

/** Where a server keeps tokens so that several processes share one (Redis, a database...). */
export interface TokenStore {
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  set(token: TokenSet): void | Promise<void>;
}

export interface PasswordAuth {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  tokenStore?: TokenStore;
  apiKey?: never;
  accessToken?: never;
  getToken?: never;
}

/** One of four ways to authenticate. Daftra refuses a request with both a key and a token. */
export type DaftraAuth =
  | { apiKey: string; accessToken?: never; getToken?: never; username?: never }
  | { accessToken: string; apiKey?: never; getToken?: never; username?: never }
  | PasswordAuth
  | {
      /** Returns a valid access token; called with `renew: true` after the server refused one. */
      getToken: (context: { renew: boolean }) => string | Promise<string>;
      apiKey?: never;
      accessToken?: never;
      username?: never;
    };

/** True when the spec says the operation needs credentials (the token endpoint does not). `method` is upper case. */
export function needsCredentials(method: string, schemaPath: string): boolean {
  return !publicOperations.has(`${method} ${schemaPath}`);
}

export function checkAuth(auth: DaftraAuth | undefined): void {
  if (auth === undefined) return;
  const a = auth as Record<string, unknown>;
  const modes = ["apiKey", "accessToken", "username", "getToken"].filter((k) => a[k] !== undefined);
  const need = modes[0] === "username" ? ["username", "password", "clientId", "clientSecret"] : modes;
  const bad = modes.length !== 1 ? "" : need.find((k) => (k === "getToken" ? typeof a[k] !== "function" : typeof a[k] !== "string" || !a[k]));
  if (bad !== undefined) {
    throw new TypeError(
      bad
        ? `\`auth.${bad}\` must be ${bad === "getToken" ? "a function" : "a non-empty string"}.`
        : "`auth` needs one of: apiKey, accessToken, username+password+clientId+clientSecret, getToken.",
    );
  }
}

export interface TokenManager {
  /** A token that is valid for at least `skewMs` more; fetched once for all concurrent callers. */
  get(): Promise<string>;
  /** A token other than `refused`: renewed once, however many requests were refused with it. */
  renew(refused: string): Promise<string>;
  /** The tokens currently held (to keep them out of error messages). */
  secrets(): string[];
}

export function createTokenManager(options: {
  /** Gets a new token; `refreshToken` is set when one is held. */
  grant: (refreshToken?: string) => Promise<TokenSet>;
  store?: TokenStore;
  /** Renew this long before expiry. Default 60 s. */
  skewMs?: number;
  now?: () => number;
}): TokenManager {
  const { grant, store, skewMs = 60_000, now = Date.now } = options;
  let current: TokenSet | undefined;
  let pending: Promise<TokenSet> | undefined;
  // Not a type guard on purpose: an unusable token may still carry a refresh token.
  const usable = (t: TokenSet | undefined, refused?: string): boolean =>
    !!t && t.accessToken !== refused && t.expiresAt - skewMs > now();

  // One request in flight at a time: every caller waits for the same promise.
  const obtain = (refused?: string) =>
    (pending ??= (async () => {
      try {
        const stored = await store?.get();
        if (usable(stored, refused)) return (current = stored!);
        const next = await grant(current?.refreshToken ?? stored?.refreshToken);
        current = next;
        await store?.set(next);
        return next;
      } finally {
        pending = undefined;
      }
    })());

  const renew = async (refused?: string) => (usable(current, refused) ? current! : await obtain(refused)).accessToken;
  return { get: () => renew(), renew, secrets: () => (current ? [current.accessToken, current.refreshToken ?? ""] : []) };
}

/** Where the Bearer token of a request comes from: a fixed value, a manager, or the user. */
export interface TokenSource {
  get(): Promise<string>;
  /** Undefined when the token cannot be renewed (a fixed access token). */
  renew?(refused: string): Promise<string>;
}

/** Sets exactly one credential header on each operation that needs one, per the spec. */
export function authMiddleware(auth: { apiKey: string } | TokenSource): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const h = request.headers;
      if (!needsCredentials(request.method, schemaPath)) {
        h.delete("apikey");
        h.delete("authorization");
      } else if ("apiKey" in auth) {
        h.delete("authorization");
        h.set("apikey", auth.apiKey);
      } else {
        h.delete("apikey");
        h.set("authorization", `Bearer ${await auth.get()}`);
      }
      return request;
    },
  };
}

/** For the transport: after a 401, the same request with a renewed token, once. */
export function replayWithRenewedToken(source: TokenSource) {
  return async (request: Request): Promise<Request | undefined> => {
    const header = request.headers.get("authorization");
    if (!source.renew || !header?.startsWith("Bearer ")) return undefined;
    request.headers.set("authorization", `Bearer ${await source.renew(header.slice(7))}`);
    return request;
  };
}
