import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, operations as operationTypes, paths } from "./generated/daftra.js";
import { operations } from "./generated/operations.js";

export type { components, paths };
export type Operations = operationTypes;
export type DaftraClient = Client<paths>;
export { operations };

/** Host names Daftra accounts live on. */
export type DaftraDomain = "daftra.com" | "daftara.com";

/**
 * Credentials for the resource operations. Daftra refuses a request that carries both an
 * API key and a Bearer token, so exactly one is sent.
 */
export type DaftraAuth = { apiKey: string; accessToken?: never } | { accessToken: string; apiKey?: never };

export interface DaftraClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Your account's subdomain: "acme" for https://acme.daftra.com. */
  subdomain?: string;
  /** Host name of the account. Default "daftra.com". */
  domain?: DaftraDomain;
  /** Full base URL instead of subdomain/domain, e.g. the mock: "http://127.0.0.1:4010". */
  baseUrl?: string;
  /** Credentials added to every operation that needs them. */
  auth?: DaftraAuth;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** https://<subdomain>.<domain>, after checking that the subdomain is a single DNS label. */
export function daftraBaseUrl(subdomain: string, domain: DaftraDomain = "daftra.com"): string {
  if (!SUBDOMAIN.test(subdomain)) {
    throw new TypeError(
      `Invalid Daftra subdomain ${JSON.stringify(subdomain)}: use the first label of your account's host, e.g. "acme" for acme.daftra.com.`,
    );
  }
  if (domain !== "daftra.com" && domain !== "daftara.com") {
    throw new TypeError(`Invalid Daftra domain ${JSON.stringify(domain)}: use "daftra.com" or "daftara.com".`);
  }
  return `https://${subdomain}.${domain}`;
}

function resolveBaseUrl(options: DaftraClientOptions): string {
  if (options.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`Invalid baseUrl ${JSON.stringify(options.baseUrl)}: expected an absolute http(s) URL.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Invalid baseUrl ${JSON.stringify(options.baseUrl)}: expected an absolute http(s) URL.`);
    }
    return options.baseUrl.replace(/\/+$/, "");
  }
  if (options.subdomain !== undefined) return daftraBaseUrl(options.subdomain, options.domain);
  throw new TypeError("createDaftraClient needs either `subdomain` (e.g. \"acme\") or `baseUrl`.");
}

function checkAuth(auth: DaftraAuth | undefined): void {
  if (auth === undefined) return;
  const hasKey = auth.apiKey !== undefined;
  const hasToken = auth.accessToken !== undefined;
  if (hasKey === hasToken) {
    throw new TypeError("`auth` must hold exactly one of `apiKey` or `accessToken`: Daftra rejects requests that carry both.");
  }
  const value: unknown = hasKey ? auth.apiKey : auth.accessToken;
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`\`auth.${hasKey ? "apiKey" : "accessToken"}\` must be a non-empty string.`);
  }
}

/** True when the spec says the operation needs credentials (the token endpoint does not). */
export function needsCredentials(method: string, schemaPath: string): boolean {
  const entry = (operations as Record<string, { authenticated: boolean }>)[`${method.toUpperCase()} ${schemaPath}`];
  return entry?.authenticated ?? true;
}

/** Middleware that adds the one credential header an operation needs, and removes the other. */
export function authMiddleware(auth: DaftraAuth): Middleware {
  checkAuth(auth);
  return {
    onRequest({ request, schemaPath }) {
      if (!needsCredentials(request.method, schemaPath)) return undefined;
      if (auth.apiKey !== undefined) {
        request.headers.delete("authorization");
        request.headers.set("apikey", auth.apiKey);
      } else {
        request.headers.delete("apikey");
        request.headers.set("authorization", `Bearer ${auth.accessToken}`);
      }
      return request;
    },
  };
}

/**
 * A typed openapi-fetch client for one Daftra account.
 *
 * ```ts
 * const daftra = createDaftraClient({ subdomain: "acme", auth: { apiKey: process.env.DAFTRA_API_KEY! } });
 * const { data, error } = await daftra.GET("/api2/clients.json", { params: { query: { limit: 50 } } });
 * ```
 */
export function createDaftraClient(options: DaftraClientOptions): DaftraClient {
  const { subdomain: _subdomain, domain: _domain, auth, ...rest } = options;
  checkAuth(auth);
  const client = createClient<paths>({ ...rest, baseUrl: resolveBaseUrl(options) });
  if (auth) client.use(authMiddleware(auth));
  return client;
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
  client: DaftraClient,
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
