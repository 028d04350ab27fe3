// A typed client for VMSAlpha. The server answers every error with HTTP 200 and
// `{ success: false, errors: { message, type, code } }`, so the HTTP status cannot tell success
// from failure: this client reads the body and throws a typed `VmsalphaError` instead.
import { checkBaseUrl, specMiddleware } from "@mizan/client-core";
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/vmsalpha.js";
import { operationAuth, urlencodedOperations } from "./generated/operations.js";

export type { components, paths };
export { toFormData, toUrlEncoded } from "@mizan/client-core";
export type VmsalphaClient = Client<paths>;

/** The error body every VMSAlpha operation may return (with HTTP 200). */
export interface VmsalphaErrorBody {
  success: false;
  errors: { message: string; type: string; code: string };
  debug?: unknown;
}

/** A failed call, whatever its HTTP status. `code` is the server's code, e.g. "1403" (invalid token). */
export class VmsalphaError extends Error {
  override name = "VmsalphaError";
  readonly code: string;
  readonly type: string;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  constructor(body: VmsalphaErrorBody, response: Response, request: Request, secrets: string[]) {
    const scrub = (text: string) => secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join("[redacted]"), text);
    const path = new URL(request.url).pathname;
    super(scrub(`${request.method} ${path} failed: ${body.errors.type} ${body.errors.code}: ${body.errors.message}`));
    this.code = String(body.errors.code);
    this.type = body.errors.type;
    this.status = response.status;
    this.method = request.method;
    this.path = path;
  }
}

export interface VmsalphaClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Where the API is served, e.g. "http://localhost/visitor-management". */
  baseUrl: string;
  /** The token from `POST /v1/oauth/`, sent as `Authorization: Token <accessToken>` where the spec asks for it. */
  auth?: { accessToken: string };
}

function isErrorBody(body: unknown): body is VmsalphaErrorBody {
  return !!body && typeof body === "object" && (body as { success?: unknown }).success === false && typeof (body as { errors?: unknown }).errors === "object";
}

/**
 * ```ts
 * const vms = createVmsalphaClient({ baseUrl: "http://localhost/visitor-management", auth: { accessToken } });
 * const { data } = await vms.GET("/v1/get/");
 * ```
 */
export function createVmsalphaClient(options: VmsalphaClientOptions): VmsalphaClient {
  const { baseUrl, auth, ...rest } = options;
  if (auth !== undefined && (typeof auth.accessToken !== "string" || !auth.accessToken)) {
    throw new TypeError("`auth.accessToken` must be a non-empty string.");
  }
  const secrets = auth ? [auth.accessToken] : [];
  const client = createClient<paths>({ ...rest, baseUrl: checkBaseUrl(baseUrl) });
  // Which header (if any) an operation takes comes from the spec; "add visitor" takes the
  // token as a form field instead, which is part of its typed body.
  client.use(
    specMiddleware({ operationAuth, urlencodedOperations }, (kind) =>
      auth && kind.startsWith("header:") ? [kind.slice("header:".length), `Token ${auth.accessToken}`] : undefined,
    ),
  );
  const middleware: Middleware = {
    async onResponse({ request, response }) {
      if (!/json/i.test(response.headers.get("content-type") ?? "")) return undefined;
      const body: unknown = await response.clone().json().catch(() => undefined);
      if (isErrorBody(body)) throw new VmsalphaError(body, response, request, secrets);
      return undefined;
    },
  };
  client.use(middleware);
  return client;
}
