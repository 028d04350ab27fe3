import { toFormData } from "@mizan/client-core";
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import {
  authMiddleware,
  checkAuth,
  createTokenManager,
  replayWithRenewedToken,
  type DaftraAuth,
  type TokenManager,
  type TokenSet,
  type TokenSource,
} from "./auth.js";
import { apiErrorFor, contextOf } from "./errors.js";
import type { components, operations as operationTypes, paths } from "./generated/daftra.js";
import { items, pages, toArray, type ListItem, type ListOptions, type ListPage, type ListPath } from "./paginate.js";
import { CALLER_SIGNAL, createTransport, type FetchLike, type RetryOptions, type TransportOptions } from "./transport.js";

export type { components, paths };
/** Multipart (the documented encoding of the token endpoint) and urlencoded request bodies. */
export { toFormData, toUrlEncoded } from "@mizan/client-core";
export type Operations = operationTypes;
export { operations } from "./generated/operations.js";
export * from "./errors.js";
export { authMiddleware, createTokenManager, needsCredentials, replayWithRenewedToken } from "./auth.js";
export type { DaftraAuth, PasswordAuth, TokenManager, TokenSet, TokenSource, TokenStore } from "./auth.js";
export { createTransport } from "./transport.js";
export type { FetchLike, RetryOptions, TransportOptions } from "./transport.js";
export { items, pages, toArray } from "./paginate.js";
export type { ListItem, ListOptions, ListPage, ListPath, ListWrappers } from "./paginate.js";

/** Host names Daftra accounts live on. */
export type DaftraDomain = "daftra.com" | "daftara.com";

export interface DaftraCoreOptions extends Omit<ClientOptions, "baseUrl" | "fetch"> {
  /** Your account's subdomain: "acme" for https://acme.daftra.com. */
  subdomain?: string;
  /** Host name of the account. Default "daftra.com". */
  domain?: DaftraDomain;
  /** Full base URL instead of subdomain/domain, e.g. the mock: "http://127.0.0.1:4010". */
  baseUrl?: string;
  /** The fetch to send requests with (tests, proxies, other runtimes). Default: global fetch. */
  fetch?: FetchLike;
}

export interface DaftraClientOptions extends DaftraCoreOptions {
  /** Credentials, added to every operation that needs them (per the spec). */
  auth?: DaftraAuth;
  /** Retry policy, or `false` for none. Default: 2 retries, 500 ms–8 s full-jitter backoff. */
  retry?: RetryOptions | false;
  /** Time limit of each attempt. Default 30 000 ms; 0 for none. */
  timeoutMs?: number;
  /** Time limit of a whole call, retries included. Default: none. */
  totalTimeoutMs?: number;
  /** Throw a typed `DaftraApiError` on HTTP errors instead of returning `{ error }`. */
  throwOnError?: boolean;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** https://<subdomain>.<domain>, after checking that the subdomain is a single DNS label. */
export function daftraBaseUrl(subdomain: string, domain: DaftraDomain = "daftra.com"): string {
  if (typeof subdomain !== "string" || !SUBDOMAIN.test(subdomain) || (domain !== "daftra.com" && domain !== "daftara.com")) {
    throw new TypeError(`Invalid Daftra host "${subdomain}.${domain}": expected e.g. "acme" on daftra.com or daftara.com.`);
  }
  return `https://${subdomain}.${domain}`;
}

function resolveBaseUrl(options: DaftraCoreOptions): string {
  const { baseUrl, subdomain } = options;
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== "string" || !/^https?:\/\/[^/?#\s]+/i.test(baseUrl)) {
      throw new TypeError(`Invalid baseUrl ${JSON.stringify(baseUrl)}: expected an absolute http(s) URL.`);
    }
    return baseUrl.replace(/\/+$/, "");
  }
  if (subdomain !== undefined) return daftraBaseUrl(subdomain, options.domain);
  throw new TypeError('A Daftra client needs `subdomain` (e.g. "acme") or `baseUrl`.');
}

/**
 * The smallest client: typed openapi-fetch bound to one account, with nothing added.
 * Compose what you need with `authMiddleware`, `createTransport` and the pagination helpers.
 */
export function createDaftraCore(options: DaftraCoreOptions): Client<paths> {
  const { subdomain: _s, domain: _d, ...rest } = options;
  return createClient<paths>({ ...rest, baseUrl: resolveBaseUrl(options) } as ClientOptions);
}

export interface DaftraClient extends Client<paths> {
  /** Every item of a list, across pages, unwrapped: `for await (const client of daftra.paginate("/api2/clients.json"))`. */
  paginate<P extends ListPath>(path: P, init?: ListOptions<P>): AsyncGenerator<ListItem<P>>;
  /** Every page of a list, as the server sends it. */
  pages<P extends ListPath>(path: P, init?: ListOptions<P>): AsyncGenerator<ListPage<P>>;
  /** At most `max` items of a list, in an array. */
  toArray<P extends ListPath>(path: P, init: ListOptions<P> & { max: number }): Promise<ListItem<P>[]>;
}

/** Body of `POST /v2/oauth/token`. */
export type TokenRequest = components["schemas"]["TokenRequest"];
export type TokenResponse = components["schemas"]["TokenResponse"];

export interface PasswordCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/**
 * Exchanges a user's login for an access token (password grant). The vendor documents a
 * multipart body; `encoding: "json"` sends the same fields as JSON.
 */
export function requestAccessToken(
  client: Client<paths>,
  credentials: PasswordCredentials,
  { encoding = "multipart", signal }: { encoding?: "multipart" | "json"; signal?: AbortSignal } = {},
) {
  for (const key of ["clientId", "clientSecret", "username", "password"] as const) {
    if (typeof credentials[key] !== "string" || credentials[key] === "") {
      throw new TypeError(`requestAccessToken: \`${key}\` must be a non-empty string.`);
    }
  }
  const body: TokenRequest = {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    grant_type: "password",
    username: credentials.username,
    password: credentials.password,
  };
  return client.POST("/v2/oauth/token", {
    body,
    signal,
    ...(encoding === "multipart" ? { bodySerializer: (b: TokenRequest) => toFormData(b) } : {}),
  });
}

/** Throws the typed error for any HTTP error response. */
export function throwOnErrorMiddleware(secrets: () => readonly string[] = () => []): Middleware {
  return {
    async onResponse({ request, response }) {
      if (response.ok) return undefined;
      const text = await response.clone().text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      throw apiErrorFor(response, body, contextOf(request), secrets());
    },
  };
}

/**
 * A typed client for one Daftra account, with authentication (including token renewal),
 * retries, time limits, optional throwing, and pagination.
 *
 * ```ts
 * const daftra = createDaftraClient({ subdomain: "acme", auth: { apiKey: process.env.DAFTRA_API_KEY! } });
 * const { data, error } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 42 } } });
 * ```
 */
export function createDaftraClient(options: DaftraClientOptions): DaftraClient {
  const { auth, retry, timeoutMs, totalTimeoutMs, throwOnError, fetch, ...core } = options;
  checkAuth(auth);
  const baseUrl = resolveBaseUrl(options);
  const transport = (onUnauthorized?: TransportOptions["onUnauthorized"]) =>
    createTransport({ fetch, retry, timeoutMs, totalTimeoutMs, onUnauthorized });

  // Where Bearer tokens come from.
  const a = auth as Record<string, any> | undefined;
  let source: TokenSource | undefined;
  let manager: TokenManager | undefined;
  let last = "";
  if (a?.username) {
    // The token endpoint is called through a client without auth middleware (it needs none).
    const tokenClient = createDaftraCore({ ...core, baseUrl, fetch: transport() });
    source = manager = createTokenManager({
      store: a.tokenStore,
      grant: (refreshToken) => passwordGrant(tokenClient, a as PasswordCredentials, refreshToken, secrets),
    });
  } else if (a?.getToken) {
    const ask = async (renew: boolean) => (last = await a.getToken({ renew }));
    source = { get: () => ask(false), renew: () => ask(true) };
  } else if (a?.accessToken) {
    source = { get: async () => a.accessToken };
  }
  // Strings that must never appear in an error (undefined and short ones are skipped).
  const secrets = () => [a?.apiKey, a?.accessToken, a?.password, a?.clientSecret, last, ...(manager?.secrets() ?? [])];

  const client = createDaftraCore({ ...core, baseUrl, fetch: transport(source?.renew && replayWithRenewedToken(source)) });
  if (a) client.use(authMiddleware(source ?? { apiKey: a.apiKey }));
  if (throwOnError) client.use(throwOnErrorMiddleware(secrets));
  linkCallerSignals(client);

  return Object.assign(client, {
    paginate: <P extends ListPath>(path: P, init?: ListOptions<P>) => items(client, path, init, secrets),
    pages: <P extends ListPath>(path: P, init?: ListOptions<P>) => pages(client, path, init, secrets),
    toArray: <P extends ListPath>(path: P, init: ListOptions<P> & { max: number }) => toArray(client, path, init, secrets),
  });
}

/**
 * Marks the requests of calls that pass a `signal`, so the transport watches it. (openapi-fetch
 * copies unknown init keys onto the Request.) Calls without a signal skip that cost.
 */
function linkCallerSignals(client: Client<paths>) {
  const c = client as unknown as Record<string, (...args: any[]) => unknown>;
  for (const m of ["GET", "PUT", "POST", "DELETE", "request"]) {
    const send = c[m]!;
    // The init is the last argument of every method.
    c[m] = (...args) => {
      const last = args.length - 1;
      if (args[last]?.signal) args[last] = { ...args[last], [CALLER_SIGNAL]: true };
      return send(...args);
    };
  }
}

async function passwordGrant(
  client: Client<paths>,
  auth: PasswordCredentials,
  refreshToken: string | undefined,
  secrets: () => readonly string[],
): Promise<TokenSet> {
  const send = (body: TokenRequest) =>
    client.POST("/v2/oauth/token", { body, bodySerializer: (b: TokenRequest) => toFormData(b) });
  const common = { client_id: auth.clientId, client_secret: auth.clientSecret };
  let result: Awaited<ReturnType<typeof send>> | undefined;
  if (refreshToken) {
    // The refresh grant is not documented by the vendor (see the spec's x-assumption); when it
    // fails for any reason, fall back to the password grant.
    result = await send({ ...common, grant_type: "refresh_token", refresh_token: refreshToken }).catch(() => undefined);
    if (!result?.data) result = undefined;
  }
  result ??= await send({ ...common, grant_type: "password", username: auth.username, password: auth.password });
  const { data, error, response } = result;
  if (!data?.access_token) {
    throw apiErrorFor(response, error, { method: "POST", path: "/v2/oauth/token" }, secrets());
  }
  // A missing or unreadable lifetime is treated as one hour rather than "never expires".
  const ttl = Number(data.expires_in);
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: Date.now() + (Number.isFinite(ttl) && ttl > 0 ? ttl * 1000 : 3_600_000),
  };
}
