import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import {
  authMiddleware,
  checkAuth,
  createTokenManager,
  replayWithRenewedToken,
  type DaftraAuth,
  type TokenSet,
  type TokenSource,
} from "./auth.js";
import { apiErrorFor, contextOf, redact } from "./errors.js";
import type { components, operations as operationTypes, paths } from "./generated/daftra.js";
import { items, pages, toArray, type ListItem, type ListOptions, type ListPage, type ListPath } from "./paginate.js";
import { createTransport, type FetchLike, type RetryOptions } from "./transport.js";

export type { components, paths };
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
  if (typeof subdomain !== "string" || !SUBDOMAIN.test(subdomain)) {
    throw new TypeError(
      `Invalid Daftra subdomain ${JSON.stringify(subdomain)}: expected the first label of the host, as "acme" in acme.daftra.com.`,
    );
  }
  if (domain !== "daftra.com" && domain !== "daftara.com") {
    throw new TypeError(`Invalid Daftra domain ${JSON.stringify(domain)}: expected daftra.com or daftara.com.`);
  }
  return `https://${subdomain}.${domain}`;
}

function resolveBaseUrl(options: DaftraCoreOptions): string {
  if (options.baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.baseUrl);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new TypeError(`Invalid baseUrl ${JSON.stringify(options.baseUrl)}: expected an absolute http(s) URL.`);
    }
    return options.baseUrl.replace(/\/+$/, "");
  }
  if (options.subdomain !== undefined) return daftraBaseUrl(options.subdomain, options.domain);
  throw new TypeError('A Daftra client needs either `subdomain` (e.g. "acme") or `baseUrl`.');
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

/** Sends a body as multipart/form-data, the encoding the vendor documents for the token endpoint. */
export function toFormData(body: Record<string, string | number | boolean>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) form.append(key, String(value));
  return form;
}

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
  const transportOptions = { fetch, retry, timeoutMs, totalTimeoutMs };

  let source: TokenSource | undefined;
  let secrets: () => readonly string[] = () => [];
  if (auth && "username" in auth && auth.username !== undefined) {
    // The token endpoint is called through a client without auth middleware (it needs none).
    const tokenClient = createDaftraCore({ ...core, baseUrl, fetch: createTransport(transportOptions) });
    const manager = createTokenManager({
      store: auth.tokenStore,
      grant: (refreshToken) => passwordGrant(tokenClient, auth, refreshToken, () => secrets()),
    });
    source = manager;
    secrets = () => [auth.password, auth.clientSecret, ...manager.secrets()];
  } else if (auth && "getToken" in auth && auth.getToken) {
    const getToken = auth.getToken;
    let last = "";
    source = {
      get: async () => (last = await getToken({ renew: false })),
      renew: async () => (last = await getToken({ renew: true })),
    };
    secrets = () => [last];
  } else if (auth && "accessToken" in auth && auth.accessToken !== undefined) {
    const token = auth.accessToken;
    source = { get: async () => token };
    secrets = () => [token];
  } else if (auth && "apiKey" in auth && auth.apiKey !== undefined) {
    const key = auth.apiKey;
    secrets = () => [key];
  }

  const transport = createTransport({
    ...transportOptions,
    onUnauthorized: source?.renew ? replayWithRenewedToken(source) : undefined,
  });
  const client = createDaftraCore({ ...core, baseUrl, fetch: transport });
  if (auth) client.use(authMiddleware(source ?? { apiKey: (auth as { apiKey: string }).apiKey }));
  if (throwOnError) client.use(throwOnErrorMiddleware(secrets));

  return Object.assign(client, {
    paginate: <P extends ListPath>(path: P, init?: ListOptions<P>) => items(client, path, init, secrets),
    pages: <P extends ListPath>(path: P, init?: ListOptions<P>) => pages(client, path, init, secrets),
    toArray: <P extends ListPath>(path: P, init: ListOptions<P> & { max: number }) => toArray(client, path, init, secrets),
  });
}

async function passwordGrant(
  client: Client<paths>,
  auth: { username: string; password: string; clientId: string; clientSecret: string },
  refreshToken: string | undefined,
  secrets: () => readonly string[],
): Promise<TokenSet> {
  const send = (body: TokenRequest) =>
    client.POST("/v2/oauth/token", { body, bodySerializer: (b: TokenRequest) => toFormData(b as Record<string, string>) });
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
    throw apiErrorFor(response, redact(error, secrets()), { method: "POST", path: "/v2/oauth/token" }, secrets());
  }
  // A missing or unreadable lifetime is treated as one hour rather than "never expires".
  const ttl = Number(data.expires_in);
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: Date.now() + (Number.isFinite(ttl) && ttl > 0 ? ttl * 1000 : 3_600_000),
  };
}
