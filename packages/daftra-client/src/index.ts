// The Daftra client: the shared @mizan runtime plus what is Daftra's own: account hosts, the
// four ways to authenticate (incl. the password grant with renewal), and its error bodies.
import {
  callbackTokenSource,
  checkBaseUrl,
  checkHeaderValue,
  createApiClient,
  createTokenManager,
  splitRuntimeOptions,
  createTransport,
  items,
  pages as listPages,
  toArray as collect,
  toFormData,
  tokenSetOf,
  apiErrorFor,
  NotFoundError,
  type Credentials,
  type ErrorFactory,
  type ErrorShape,
  type Pageable,
  type RuntimeOptions,
  type TokenManager,
  type TokenSet,
  type ThrowingClient,
  type TokenStore,
} from "@mizan/client-core";
import createClient, { type Client, type ClientOptions, type FetchOptions } from "openapi-fetch";
import type { components, operations as operationTypes, paths } from "./generated/daftra.js";
import { lists, middleware as specMiddleware, security, type ListPath } from "./generated/operations.js";

export type { components, paths, ListPath };
export type Operations = operationTypes;
export { lists, operations, security } from "./generated/operations.js";
/**
 * The query serialiser the v2 entity API's `filter` and `sort` need (nested objects and lists in
 * bracket form). Opt-in, so that clients that do not filter do not ship it:
 * `createDaftraClient({ subdomain, auth, querySerializer })`.
 */
export { querySerializer } from "./generated/operations.js";
export { readEntities, type EntityRead, type EntityReadResults, type ResultKey } from "./multi-entity.js";
/** Multipart (the documented encoding of the token endpoint) and urlencoded request bodies. */
export { toFormData, toUrlEncoded } from "@mizan/client-core";
/** The typed errors, the same classes in every @mizan client. */
export * from "@mizan/client-core/errors";
export { createTokenManager } from "@mizan/client-core";
export type { FetchLike, RetryOptions, RuntimeOptions, TokenManager, TokenSet, TokenStore } from "@mizan/client-core";

/** Host names Daftra accounts live on. */
export type DaftraDomain = "daftra.com" | "daftara.com";

export interface DaftraCoreOptions extends Omit<ClientOptions, "baseUrl" | "fetch"> {
  /** Your account's subdomain: "acme" for https://acme.daftra.com. */
  subdomain?: string;
  /** Host name of the account. Default "daftra.com". */
  domain?: DaftraDomain;
  /** Full base URL instead of subdomain/domain, e.g. the mock: "http://127.0.0.1:4010". */
  baseUrl?: string;
}

export interface PasswordAuth {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  /** Share tokens between processes (Redis, a database...). */
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

export interface DaftraClientOptions extends DaftraCoreOptions, RuntimeOptions {
  /** Credentials, added to every operation that needs them (per the spec). */
  auth?: DaftraAuth;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** https://<subdomain>.<domain>, after checking that the subdomain is a single DNS label. */
export function daftraBaseUrl(subdomain: string, domain: DaftraDomain = "daftra.com"): string {
  if (
    typeof subdomain !== "string" ||
    !SUBDOMAIN.test(subdomain) ||
    (domain !== "daftra.com" && domain !== "daftara.com")
  ) {
    throw new TypeError(
      `Invalid Daftra host "${subdomain}.${domain}": expected e.g. "acme" on daftra.com or daftara.com.`,
    );
  }
  return `https://${subdomain}.${domain}`;
}

function resolveBaseUrl({ baseUrl, subdomain, domain }: DaftraCoreOptions): string {
  if (baseUrl !== undefined) return checkBaseUrl(baseUrl);
  if (subdomain !== undefined) return daftraBaseUrl(subdomain, domain);
  throw new TypeError('A Daftra client needs `subdomain` (e.g. "acme") or `baseUrl`.');
}

/**
 * The smallest client: typed openapi-fetch bound to one account, with nothing added.
 * Compose what you need from @mizan/client-core.
 */
export function createDaftraCore(options: DaftraCoreOptions & { fetch?: ClientOptions["fetch"] }): Client<paths> {
  const { subdomain: _s, domain: _d, ...rest } = options;
  return createClient<paths>({ ...rest, baseUrl: resolveBaseUrl(options) });
}

/** The body of one page of a list operation. */
export type ListPage<P extends ListPath> = paths[P]["get"]["responses"][200]["content"]["application/json"];
type Wrapper<P extends ListPath> = (typeof lists)[P] extends { wrapper: infer W extends string } ? W : never;
/** One item of a list, unwrapped: a `Client` record for `/api2/clients.json`, a brand for `/v2/api/entity/brand/list/{level}`. */
export type ListItem<P extends ListPath> = ListPage<P>["data"][number] extends infer E
  ? [Wrapper<P>] extends [never]
    ? E // v2 lists: flat records
    : Wrapper<P> extends keyof E
      ? E[Wrapper<P>]
      : E
  : never;
export type ListOptions<P extends ListPath> = FetchOptions<paths[P]["get"]>;

export type DaftraClient = Client<paths> & ErrorFactory;
/** A client created with `throwOnError: true`: error answers throw, so `data` is typed as defined. */
export type ThrowingDaftraClient = ThrowingClient<paths> & ErrorFactory;
type AnyDaftraClient = DaftraClient | ThrowingDaftraClient;

// Pagination is opt-in (Octokit-style): import these and the list table comes with them;
// a program that never pages does not ship it.
/** Every item of a list, across pages, unwrapped: `for await (const c of paginate(daftra, "/api2/clients.json"))`. */
export function paginate<P extends ListPath>(
  client: AnyDaftraClient,
  path: P,
  init?: ListOptions<P>,
): AsyncGenerator<ListItem<P>> {
  return items(client as Pageable, path, lists[path], init as never) as AsyncGenerator<ListItem<P>>;
}
/** Every page of a list, as the server sends it. */
export function pages<P extends ListPath>(
  client: AnyDaftraClient,
  path: P,
  init?: ListOptions<P>,
): AsyncGenerator<ListPage<P>> {
  return listPages(client as Pageable, path, lists[path], init as never) as AsyncGenerator<ListPage<P>>;
}
/** At most `max` items of a list, in an array (the cap is required). */
export function toArray<P extends ListPath>(
  client: AnyDaftraClient,
  path: P,
  init: ListOptions<P> & { max: number },
): Promise<ListItem<P>[]> {
  return collect(client as Pageable, path, lists[path], init as never) as Promise<ListItem<P>[]>;
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
 * Daftra's error bodies. v1: `{ result: "failed", code, message, validation_errors?: {field: reason} }`;
 * v2: `{ message, errors?: {field: [reasons]} }`, and an unknown id is a 400 "Record not found"
 * (a not-found in substance, so it raises NotFoundError; see the spec's EntityBadRequest).
 */
export const daftraErrors: ErrorShape = {
  classify: (status, body) =>
    status === 400 && (body as { message?: unknown })?.message === "Record not found" ? NotFoundError : undefined,
  fields(body) {
    const b = body as { validation_errors?: unknown; errors?: unknown } | undefined;
    const v = b?.validation_errors ?? b?.errors;
    // v1 gives one reason per field, v2 a list of them.
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([field, reason]) => [field, [reason].flat().join(" ")]));
  },
};

function checkAuth(auth: DaftraAuth | undefined): void {
  if (auth === undefined) return;
  const a = auth as Record<string, unknown>;
  const modes = ["apiKey", "accessToken", "username", "getToken"].filter((k) => a[k] !== undefined);
  const need = modes[0] === "username" ? ["username", "password", "clientId", "clientSecret"] : modes;
  const bad =
    modes.length !== 1
      ? ""
      : need.find((k) => (k === "getToken" ? typeof a[k] !== "function" : typeof a[k] !== "string" || !a[k]));
  // A key or token a header cannot carry: refused now, named, never quoted (fetch's error would).
  for (const k of ["apiKey", "accessToken"])
    if (bad === undefined && a[k]) checkHeaderValue(a[k] as string, `auth.${k}`);
  if (bad !== undefined) {
    throw new TypeError(
      bad
        ? `\`auth.${bad}\` must be ${bad === "getToken" ? "a function" : "a non-empty string"}.`
        : "`auth` needs one of: apiKey, accessToken, username+password+clientId+clientSecret, getToken.",
    );
  }
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
    ...(signal ? { signal } : {}),
    ...(encoding === "multipart" ? { bodySerializer: (b: TokenRequest) => toFormData(b) } : {}),
  });
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
export function createDaftraClient(options: DaftraClientOptions & { throwOnError: true }): ThrowingDaftraClient;
export function createDaftraClient(options: DaftraClientOptions): DaftraClient;
export function createDaftraClient(options: DaftraClientOptions): DaftraClient {
  const [runtime, { auth, subdomain: _s, domain: _d, baseUrl: _b, ...clientOptions }] = splitRuntimeOptions(options);
  checkAuth(auth);
  const baseUrl = resolveBaseUrl(options);
  // Every field of every mode, optional: checkAuth has made sure exactly one mode is filled.
  type AnyAuth = Partial<Omit<PasswordAuth, "apiKey" | "accessToken" | "getToken">> & {
    apiKey?: string;
    accessToken?: string;
    getToken?: (c: { renew: boolean }) => string | Promise<string>;
  };
  const a = auth as AnyAuth | undefined;

  let manager: TokenManager | undefined;
  let callback: ReturnType<typeof callbackTokenSource> | undefined;
  const credentials: Credentials = { apiKey: a?.apiKey };
  if (a?.username) {
    // The token endpoint is called through a client without auth middleware (it needs none).
    // Its errors are kept clean of the password and secret too (a Location, a reason).
    const tokenClient = createClient<paths>({
      ...clientOptions,
      baseUrl,
      fetch: createTransport({ ...runtime, secrets: () => secrets() }),
    });
    credentials.token = manager = createTokenManager({
      store: a.tokenStore,
      grant: (refreshToken) => passwordGrant(tokenClient, a as PasswordCredentials, refreshToken, secrets),
    });
  } else if (a?.getToken) {
    credentials.token = callback = callbackTokenSource(a.getToken);
  } else if (a?.accessToken) {
    const token = a.accessToken;
    credentials.token = { get: async () => token };
  }
  // Strings that must never appear in an error (undefined and short ones are skipped).
  const secrets = () => [a?.accessToken, a?.password, a?.clientSecret, callback?.last(), ...(manager?.secrets() ?? [])];

  return createApiClient<paths>({
    ...runtime,
    baseUrl,
    tables: { security, middleware: specMiddleware },
    credentials,
    secrets,
    errors: daftraErrors,
    clientOptions,
  });
}

async function passwordGrant(
  client: Client<paths>,
  auth: PasswordCredentials,
  refreshToken: string | null | undefined,
  secrets: () => readonly (string | undefined)[],
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
  const token = tokenSetOf(data);
  if (!token)
    throw apiErrorFor(response, error ?? data, { method: "POST", path: "/v2/oauth/token" }, daftraErrors, secrets());
  return token;
}
