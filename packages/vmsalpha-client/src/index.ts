// A typed client for VMSAlpha, on the shared @mizan runtime. The server answers every error
// with HTTP 200 and `{ success: false, errors: { message, type, code } }`, so the HTTP status
// cannot tell success from failure: this client reads JSON bodies and throws the typed error
// (the core's classes, so `instanceof ApiError` works as with every @mizan client).
import {
  type ApiError,
  AuthenticationError,
  NotFoundError,
  ServerError,
  ValidationError,
  apiErrorFor,
  callbackTokenSource,
  checkBaseUrl,
  checkHeaderValue,
  contextOf,
  createApiClient,
  splitRuntimeOptions,
  type Credentials,
  type ErrorShape,
  type RuntimeOptions,
  type ThrowingClient,
} from "@mizan/client-core";
import type { Client, ClientOptions, Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/vmsalpha.js";
import { middleware as specMiddleware, security } from "./generated/operations.js";

export type { components, paths };
export { operations, security } from "./generated/operations.js";
export { toFormData, toUrlEncoded } from "@mizan/client-core";
/** The typed errors, the same classes in every @mizan client. */
export * from "@mizan/client-core/errors";
export type { FetchLike, RetryOptions, RuntimeOptions } from "@mizan/client-core";
export type VmsalphaClient = Client<paths>;
/** A client created with `throwOnError: true`: error answers throw, so `data` is typed as defined. */
export type ThrowingVmsalphaClient = ThrowingClient<paths>;

/** The error body every VMSAlpha operation may return (with HTTP 200). */
export type VmsalphaErrorBody = components["schemas"]["ErrorBody"];

export interface VmsalphaClientOptions extends Omit<ClientOptions, "baseUrl" | "fetch">, RuntimeOptions {
  /** Where the API is served, e.g. "http://localhost/visitor-management". */
  baseUrl: string;
  /**
   * The token from `POST /v1/oauth/`, sent as `Authorization: Token <token>` where the spec asks
   * for it; or `getToken`, asked again with `renew: true` after the server refused a token.
   */
  auth?: { accessToken: string } | { getToken: (context: { renew: boolean }) => string | Promise<string> };
}

export function isVmsalphaErrorBody(body: unknown): body is VmsalphaErrorBody {
  return (
    !!body &&
    typeof body === "object" &&
    (body as { success?: unknown }).success === false &&
    typeof (body as { errors?: unknown }).errors === "object"
  );
}

const detail = (body: unknown) => (isVmsalphaErrorBody(body) ? body.errors : undefined);

/** The error code's family (its first digit, see the spec's ErrorCode) picks the class. */
export const vmsalphaErrors: ErrorShape = {
  classify(status, body) {
    const code = String(detail(body)?.code ?? "");
    if (/^4515|^3404|^2600/.test(code)) return NotFoundError;
    const byFamily: Record<string, typeof ApiError> = {
      "1": AuthenticationError,
      "2": ValidationError,
      "3": ValidationError,
      "5": ServerError,
    };
    return byFamily[code[0] ?? ""] ?? (status === 404 ? NotFoundError : undefined);
  },
  message: (body) => {
    const d = detail(body);
    return d && `${d.type} ${d.code}: ${d.message}`;
  },
  code: (body) => (detail(body) ? String(detail(body)!.code) : undefined),
};

/**
 * ```ts
 * const vms = createVmsalphaClient({ baseUrl: "http://localhost/visitor-management", auth: { accessToken } });
 * const { data } = await vms.GET("/v1/get/");
 * ```
 */
export function createVmsalphaClient(options: VmsalphaClientOptions & { throwOnError: true }): ThrowingVmsalphaClient;
export function createVmsalphaClient(options: VmsalphaClientOptions): VmsalphaClient;
export function createVmsalphaClient(options: VmsalphaClientOptions): VmsalphaClient {
  const [runtime, { baseUrl, auth, ...clientOptions }] = splitRuntimeOptions(options);
  const a = auth as { accessToken?: unknown; getToken?: unknown } | undefined;
  if (a !== undefined && !(typeof a.getToken === "function" || (typeof a.accessToken === "string" && a.accessToken))) {
    throw new TypeError("`auth` needs `accessToken` (a non-empty string) or `getToken` (a function).");
  }
  const credentials: Credentials = {};
  const callback = typeof a?.getToken === "function" ? callbackTokenSource(a.getToken as never) : undefined;
  const fixed = typeof a?.accessToken === "string" ? checkHeaderValue(a.accessToken, "auth.accessToken") : undefined;
  credentials.token = callback ?? (fixed ? { get: async () => fixed } : undefined);
  const secrets = () => [fixed, callback?.last()];
  // Error bodies come with HTTP 200: read every JSON answer's body (a copy) and throw on them.
  const errorBodies: Middleware = {
    async onResponse({ request, response }) {
      if (!/json/i.test(response.headers.get("content-type") ?? "")) return undefined;
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => undefined);
      if (isVmsalphaErrorBody(body)) throw apiErrorFor(response, body, contextOf(request), vmsalphaErrors, secrets());
      return undefined;
    },
  };
  return createApiClient<paths>({
    ...runtime,
    baseUrl: checkBaseUrl(baseUrl),
    tables: { security, middleware: specMiddleware },
    credentials,
    secrets,
    errors: vmsalphaErrors,
    clientOptions,
    middleware: [errorBodies],
  });
}
