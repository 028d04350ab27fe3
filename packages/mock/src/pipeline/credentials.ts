// Guard: one credential. Security alternatives mean "one of these": a request that carries two is
// refused, as Daftra refuses an API key sent together with a Bearer token. Whether a credential
// is the right one is Prism's check, later.
import type { IncomingMessage } from "node:http";
import type { SchemeInfo } from "@mizan/openapi-tools";
import type { Guard } from "./exchange.js";
import { sendError } from "./send.js";

/** Whether the request carries the credential a security scheme describes. */
export function carries(req: IncomingMessage, scheme: SchemeInfo): boolean {
  if (scheme.type === "apiKey" && scheme.in === "header") return req.headers[scheme.name!.toLowerCase()] !== undefined;
  if (scheme.type === "apiKey" && scheme.in === "query")
    return new URL(req.url ?? "/", "http://x").searchParams.has(scheme.name!);
  if (scheme.type === "http")
    return (req.headers.authorization ?? "").toLowerCase().startsWith(`${(scheme.scheme ?? "").toLowerCase()} `);
  return false;
}

export const oneCredential: Guard = ({ req, res, route }) => {
  if (!route) return false;
  const carried = route.security.filter(
    (alternative) => alternative.length && alternative.every((scheme) => carries(req, scheme)),
  );
  if (carried.length <= 1) return false;
  req.resume();
  const names = carried.map((alternative) => alternative.map((scheme) => scheme.key).join("+")).join(" and ");
  sendError(res, route.errorShape, 401, `Send one credential, not several: this request carries ${names}.`);
  return true;
};
