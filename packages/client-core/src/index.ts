// Runtime pieces every @mizan client needs the same way.
import type { Middleware } from "openapi-fetch";

/** A multipart/form-data body; `Blob` values are sent as files, everything else as text. */
export function toFormData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined) form.append(key, value instanceof Blob ? value : String(value));
  }
  return form;
}

/** An application/x-www-form-urlencoded body. */
export function toUrlEncoded(body: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams(Object.entries(body).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

/** The base URL without trailing slashes, after checking that it is an absolute http(s) URL. */
export function checkBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/?#\s]+/i.test(baseUrl)) {
    throw new TypeError(`Invalid baseUrl ${JSON.stringify(baseUrl)}: expected an absolute http(s) URL.`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** How an operation authenticates, as `mizan-codegen` writes it into `operationAuth`. */
export type AuthKind = "none" | "basic" | "bearer" | `header:${string}` | "other";

/** A header that carries a credential: [name, value]. */
export type Credential = [header: string, value: string];

/**
 * Middleware driven by a client's generated tables: it labels urlencoded bodies (openapi-fetch
 * labels every non-FormData body as JSON) and adds the credential each operation asks for.
 * The `credential` callback turns an operation's auth kind into a header, or nothing.
 */
export function specMiddleware(
  tables: { operationAuth: Readonly<Record<string, AuthKind>>; urlencodedOperations: ReadonlySet<string> },
  credential: (kind: AuthKind) => Credential | undefined,
): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      const key = `${request.method} ${schemaPath}`;
      if (tables.urlencodedOperations.has(key)) request.headers.set("content-type", "application/x-www-form-urlencoded");
      const header = credential(tables.operationAuth[key] ?? "none");
      if (header) request.headers.set(header[0], header[1]);
      return request;
    },
  };
}
