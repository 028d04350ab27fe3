// A typed client for EnKash's Account Receivable API, on the shared @mizan runtime. The
// description it is generated from is partial (see its info.description): only operations
// whose method and path are confirmed. The token endpoint takes HTTP Basic with the client id
// and secret; the AR operations take the Bearer token (an assumption, labelled in the spec).
// Which operation takes which comes from the spec's security, not from a list kept here.
import {
  basicAuth,
  callbackTokenSource,
  checkBaseUrl,
  checkHeaderValue,
  createApiClient,
  splitRuntimeOptions,
  type Credentials,
  type ErrorShape,
  type RuntimeOptions,
  type ThrowingClient,
} from "@mizan/client-core";
import type { Client, ClientOptions } from "openapi-fetch";
import type { components, paths } from "./generated/enkash-ar.js";
import { middleware as specMiddleware, security } from "./generated/operations.js";

export type { components, paths };
export { operations, security } from "./generated/operations.js";
export { toFormData, toUrlEncoded } from "@mizan/client-core";
/** The typed errors, the same classes in every @mizan client. */
export * from "@mizan/client-core/errors";
export type { FetchLike, RetryOptions, RuntimeOptions } from "@mizan/client-core";
export type EnkashArClient = Client<paths>;
/** A client created with `throwOnError: true`: error answers throw, so `data` is typed as defined. */
export type ThrowingEnkashArClient = ThrowingClient<paths>;

export interface EnkashAuth {
  /** Client id and secret, sent as HTTP Basic to the token endpoint. */
  basic?: { username: string; password: string };
  /** The access token from `POST /oauth/token`, sent as Bearer to the AR operations. */
  accessToken?: string;
  /** Instead of `accessToken`: returns a token; asked again with `renew: true` after a 401. */
  getToken?: (context: { renew: boolean }) => string | Promise<string>;
}

export interface EnkashArClientOptions extends Omit<ClientOptions, "baseUrl" | "fetch">, RuntimeOptions {
  /** The AR host. EnKash does not publish it; ask EnKash for your UAT and live URLs. */
  baseUrl: string;
  auth?: EnkashAuth;
}

/** EnKash error bodies: `{ errorMessage, errorType, requestId, apiSubErrors }`. */
export const enkashErrors: ErrorShape = {
  message: (body) => {
    const m = (body as { errorMessage?: unknown } | undefined)?.errorMessage;
    return typeof m === "string" && m ? m : undefined;
  },
  code: (body) => {
    const t = (body as { errorType?: unknown } | undefined)?.errorType;
    return typeof t === "string" ? t : undefined;
  },
};

export function createEnkashArClient(options: EnkashArClientOptions & { throwOnError: true }): ThrowingEnkashArClient;
export function createEnkashArClient(options: EnkashArClientOptions): EnkashArClient;
export function createEnkashArClient(options: EnkashArClientOptions): EnkashArClient {
  const [runtime, { baseUrl, auth, ...clientOptions }] = splitRuntimeOptions(options);
  if (auth?.basic && (!auth.basic.username || !auth.basic.password)) {
    throw new TypeError("`auth.basic` needs the client id as `username` and the client secret as `password`.");
  }
  if (auth?.accessToken !== undefined && (typeof auth.accessToken !== "string" || !auth.accessToken)) {
    throw new TypeError("`auth.accessToken` must be a non-empty string.");
  }
  const callback = auth?.getToken ? callbackTokenSource(auth.getToken) : undefined;
  const fixed = auth?.accessToken && checkHeaderValue(auth.accessToken, "auth.accessToken");
  const basic = auth?.basic && basicAuth(auth.basic.username, auth.basic.password);
  const credentials: Credentials = { basic, token: callback ?? (fixed ? { get: async () => fixed } : undefined) };
  return createApiClient<paths>({
    ...runtime,
    baseUrl: checkBaseUrl(baseUrl),
    tables: { security, middleware: specMiddleware },
    credentials,
    secrets: () => [fixed, callback?.last(), auth?.basic?.password],
    errors: enkashErrors,
    clientOptions,
  });
}
