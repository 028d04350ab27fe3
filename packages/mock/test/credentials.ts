// Made-up credentials that satisfy one security alternative of a bundle's operation, shared by
// the mock's tests: an API key header, `Bearer <token>`, or `Basic <user:password>`.
import type { SchemeInfo } from "@mizan/openapi-tools";

export interface FakeCredentials {
  headers: Record<string, string>;
  /** API keys sent in the query. */
  query: Record<string, string>;
}

/** Credentials for every scheme of `alternative`, or undefined when one of them cannot be faked. */
export function fakeCredentials(alternative: SchemeInfo[]): FakeCredentials | undefined {
  const found: FakeCredentials = { headers: {}, query: {} };
  for (const scheme of alternative) {
    if (scheme.type === "apiKey" && scheme.in === "header") found.headers[scheme.name!] = "test-key";
    else if (scheme.type === "apiKey" && scheme.in === "query") found.query[scheme.name!] = "test-key";
    else if (scheme.type === "http" && /^bearer$/i.test(scheme.scheme ?? ""))
      found.headers.authorization = "Bearer test-token";
    else if (scheme.type === "http" && /^basic$/i.test(scheme.scheme ?? ""))
      found.headers.authorization = `Basic ${Buffer.from("user:pass").toString("base64")}`;
    else return undefined;
  }
  return found;
}
