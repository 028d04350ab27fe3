// @mizan/client-core: the runtime every @mizan client is built from. A client package passes
// its generated tables (security, urlencoded bodies, paged lists) and what is specific to its
// API; everything else (transport, auth, errors, pagination) is here, once.
export type { Middleware } from "openapi-fetch";
export { checkBaseUrl, toFormData, toUrlEncoded } from "./body.js";
export { bracketQuery } from "./query.js";
export {
  checkedPathSerializer,
  createApiClient,
  splitRuntimeOptions,
  throwOnErrorMiddleware,
  urlencodedMiddleware,
} from "./client.js";
export type {
  ApiClientConfig,
  ErrorFactory,
  RuntimeOptions,
  RuntimeTables,
  Succeeded,
  ThrowingClient,
} from "./client.js";
export {
  authMiddleware,
  authStep,
  base64,
  basicAuth,
  callbackTokenSource,
  checkHeaderValue,
  tokenSetOf,
  createTokenManager,
  replayWithRenewedToken,
} from "./auth.js";
export type {
  Alternatives,
  AuthScheme,
  Credentials,
  SecurityTable,
  TokenManager,
  TokenSet,
  TokenSource,
  TokenStore,
} from "./auth.js";
export {
  ApiError,
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  MizanError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RedirectError,
  ResponseParseError,
  ServerError,
  TimeoutError,
  ValidationError,
  apiErrorFor,
  contextOf,
  parseRetryAfter,
  redact,
} from "./errors.js";
export type { ApiErrorInit, ErrorContext, ErrorShape, TimeoutDetails } from "./errors.js";
export { items, pages, toArray } from "./paginate.js";
export type { ListMeta, Pageable } from "./paginate.js";
export { createTransport } from "./transport.js";
export type { FetchLike, RetryOptions, TransportOptions } from "./transport.js";
