// Request bodies and base URLs, the same for every client.

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
