// One way to build a client, for every API: openapi-fetch bound to a base URL, with the
// transport (retries, time limits, the redirect policy, credentials from the spec's security),
// the spec's body middleware, optional throwing of typed errors, and `toError`. Pagination is
// opt-in (paginate.ts). A client package passes its generated tables and what is specific to
// its API (credentials, error-body quirks, extra middleware).
import createClient, {
  defaultPathSerializer,
  type Client,
  type ClientOptions,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
  type PathSerializer,
} from "openapi-fetch";
import { authStep, checkHeaderValue, replayWithRenewedToken, type Credentials, type SecurityTable } from "./auth.js";
import {
  InvalidArgumentError,
  apiErrorFor,
  contextOf,
  type ApiError,
  type ErrorContext,
  type ErrorShape,
} from "./errors.js";
import { createTransport, type FetchLike, type RetryOptions, type TransportOptions } from "./transport.js";

/** The options every @mizan client takes, with the same meaning. */
export interface RuntimeOptions {
  /** The fetch to send requests with (tests, proxies, other runtimes). Default: global fetch. */
  fetch?: FetchLike | undefined;
  /** Retry policy, or `false` for none. Default: 2 retries, 500 ms–8 s full-jitter backoff. */
  retry?: RetryOptions | false | undefined;
  /** Time limit of each attempt, the body included. Default 30 000 ms; 0 for none. */
  timeoutMs?: number | undefined;
  /** Time limit of a whole call, retries included. Default: none. */
  totalTimeoutMs?: number | undefined;
  /** Error bodies are read up to this size for the error object. Default 1 MiB. */
  maxErrorBodyBytes?: number | undefined;
  /** Throw a typed `ApiError` (and subclasses) on error answers instead of returning `{ error }`. */
  throwOnError?: boolean | undefined;
}

/** Splits a client's options into the runtime's and the rest (openapi-fetch's, the client's own). */
export function splitRuntimeOptions<T extends RuntimeOptions>(
  options: T,
): [RuntimeOptions, Omit<T, keyof RuntimeOptions>] {
  const { fetch, retry, timeoutMs, totalTimeoutMs, maxErrorBodyBytes, throwOnError, ...rest } = options;
  return [{ fetch, retry, timeoutMs, totalTimeoutMs, maxErrorBodyBytes, throwOnError }, rest];
}

/** What mizan-codegen generates for a client's runtime. */
export interface RuntimeTables {
  security: SecurityTable;
  /** Middleware the spec calls for (urlencoded body labels), run before the client's own. */
  middleware: readonly Middleware[];
}

export interface ApiClientConfig extends RuntimeOptions {
  baseUrl: string;
  tables: RuntimeTables;
  credentials?: Credentials | undefined;
  /** Strings that must never appear in an error: keys, passwords, tokens held right now. */
  secrets?: () => readonly (string | undefined)[];
  errors?: ErrorShape | undefined;
  /** openapi-fetch options other than baseUrl and fetch (headers, querySerializer...). */
  clientOptions?: Omit<ClientOptions, "baseUrl" | "fetch"> | undefined;
  /** Extra middleware of the client, run after auth (e.g. error bodies sent with HTTP 200). */
  middleware?: Middleware[] | undefined;
}

export interface ErrorFactory {
  /**
   * The typed error for an answer returned as `{ error, response }`, credentials removed: what
   * `throwOnError` would have thrown for the call (`context`: its method and path).
   */
  toError(response: Response, body: unknown, context: ErrorContext): ApiError;
}

type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type MediaType = `${string}/${string}`;
// `Record<never, never>` is the empty object type: a key is optional when `{}` fits its Pick.
type RequiredKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
// The init argument, optional when nothing in it is required (as openapi-fetch declares it).
type InitParam<Init> =
  RequiredKeys<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
/** The success branch of an answer: what a call of a client that throws resolves to. */
export type Succeeded<R> = R extends { data: infer Data; error?: never }
  ? { data: Data; error?: never; response: Response }
  : never;
type ThrowingMethod<Paths extends Record<string, any>, Method extends HttpMethod, Media extends MediaType> = <
  Path extends ClientPathsWithMethod<Client<Paths, Media>, Method>,
  Init extends MaybeOptionalInit<Paths[Path], Method>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Succeeded<FetchResponse<Paths[Path][Method], Init, Media>>>;

/**
 * A client created with `throwOnError: true`: every error answer throws, so a call that returns
 * has its `data` (typed as defined, no `data!`). The same object as `Client<Paths>` at run time.
 */
export type ThrowingClient<Paths extends {}, Media extends MediaType = MediaType> = Omit<
  Client<Paths, Media>,
  "request" | Uppercase<HttpMethod>
> & {
  request: <
    Method extends HttpMethod,
    Path extends ClientPathsWithMethod<Client<Paths, Media>, Method>,
    Init extends MaybeOptionalInit<(Paths & Record<string, any>)[Path], Method>,
  >(
    method: Method,
    url: Path,
    ...init: InitParam<Init>
  ) => Promise<Succeeded<FetchResponse<(Paths & Record<string, any>)[Path][Method], Init, Media>>>;
} & { [M in HttpMethod as Uppercase<M>]: ThrowingMethod<Paths & Record<string, any>, M, Media> };

/** Labels urlencoded bodies: openapi-fetch labels every non-FormData body as JSON. */
export function urlencodedMiddleware(operations: ReadonlySet<string>): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (operations.has(`${request.method} ${schemaPath}`))
        request.headers.set("content-type", "application/x-www-form-urlencoded");
      return request;
    },
  };
}

/** Throws the typed error for any error answer (its body is already bounded by the transport). */
export function throwOnErrorMiddleware(
  shape: ErrorShape = {},
  secrets: () => readonly (string | undefined)[] = () => [],
): Middleware {
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
      throw apiErrorFor(response, body, contextOf(request), shape, secrets());
    },
  };
}

// Empty and dot segments ("", ".", ".."): a URL parser drops or folds them, changing the route.
const dotSegments = (url: string) => url.match(/\/(?:\.|%2e){0,2}(?=\/|$)/gi)?.length;

/**
 * Path values that would change the route are refused before anything is sent (as openai-node
 * does): the serialised path may hold no more empty or dot segments than its template.
 */
export function checkedPathSerializer(serialize: PathSerializer = defaultPathSerializer): PathSerializer {
  return (template, params) => {
    const path = serialize(template, params);
    if (dotSegments(path) !== dotSegments(template)) {
      const field = Object.keys(params).find((k) => /^\.{0,2}$/.test(String(params[k]))) ?? "path";
      throw new InvalidArgumentError(`path value ${field} would change the route`, undefined, { field });
    }
    return path;
  };
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * Calls with `parseAs: "stream"` go through a transport that hands success bodies over unread
 * (openapi-fetch's per-call `fetch` option), so a stream is the server's, not a copy of a body
 * already read into memory within the attempt's time limit.
 */
function streamUnread(client: Client<any>, transport: TransportOptions): void {
  let streaming: FetchLike | undefined;
  const withStream = (init: { parseAs?: unknown; fetch?: unknown } | undefined) =>
    init?.parseAs === "stream" && !init.fetch
      ? { ...init, fetch: (streaming ??= createTransport({ ...transport, streamBodies: true })) }
      : init;
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of METHODS) {
    const call = target[method]!;
    target[method] = (url, init) => call(url, withStream(init as never));
  }
  const request = target.request!;
  target.request = (method, url, init) => request(method, url, withStream(init as never));
}

/**
 * A client for one API: typed openapi-fetch over the transport, with the spec-driven auth and
 * body middleware, optional throwing, and `toError`. Pagination is opt-in (see paginate.ts),
 * so a client that does not page pays nothing for it.
 */
export function createApiClient<Paths extends {}>(config: ApiClientConfig): Client<Paths> & ErrorFactory {
  const { baseUrl, tables, credentials = {}, errors, clientOptions, middleware = [], throwOnError } = config;
  const secrets = () => [credentials.apiKey, credentials.basic, ...(config.secrets?.() ?? [])];
  const token = credentials.token;
  if (credentials.apiKey) checkHeaderValue(credentials.apiKey, "apiKey");
  const transport: TransportOptions = {
    ...config,
    // Credentials are set in the transport, not as middleware: a call with no middleware at
    // all skips openapi-fetch's middleware step (the overhead budget, see BENCHMARKS.md).
    prepare: authStep(tables.security, credentials, baseUrl),
    onUnauthorized: token?.renew && replayWithRenewedToken(tables.security, token),
    secrets,
  };
  const client = createClient<Paths>({
    ...clientOptions,
    pathSerializer: checkedPathSerializer(clientOptions?.pathSerializer),
    baseUrl,
    fetch: createTransport(transport),
  });
  streamUnread(client, transport);
  client.use(...tables.middleware, ...middleware);
  if (throwOnError) client.use(throwOnErrorMiddleware(errors, secrets));
  return Object.assign(client, {
    toError: (response: Response, body: unknown, context: ErrorContext) =>
      apiErrorFor(response, body, context, errors, secrets()),
  });
}
