// The mock's own refusals, made to fit what each operation documents. A mock's answer is only
// useful if the spec lists it for that operation: a client generated from the spec has no type
// for an undocumented status. Prism and the mock's own checks refuse with 400 or 422 whatever the
// operation lists, so a refusal takes the nearest status the operation does document:
//   - a bad path value (not a number, beyond 2^53, bad percent-encoding) is a resource that does
//     not exist, as a routing server answers it: 404, else 400, else 422;
//   - a bad body or query: 400 or 422, whichever is documented (400 first).
// When the operation documents none of them a path problem is 404, a query problem 400 (as the
// mock's own filter check answers), and others keep their status
// (the spec must list it; the fuzz test reports it against test/fuzz/spec-gaps.json).
import type { ErrorShape } from "./pipeline/error-shape.js";

/** Where a refused request was wrong, when the mock knows. */
export type ProblemPlace = "path" | "query" | "body" | "header";

const REQUEST_REFUSALS = new Set([400, 422]);

/** The status to answer a refusal of `status` with, given the operation's documented statuses. */
export function documentedRefusal(statuses: readonly string[], status: number, where?: ProblemPlace): number {
  if (!REQUEST_REFUSALS.has(status) && !(status === 404 && where === "path")) return status;
  const documented = (s: number) =>
    statuses.includes(String(s)) || statuses.some((d) => d.toUpperCase() === `${String(s)[0]}XX`);
  const order = where === "path" ? [404, 400, 422] : status === 422 ? [422, 400] : [400, 422];
  // A path value no route takes is a 404 on a routing server, documented or not (the spec must list it then).
  return order.find(documented) ?? (where === "path" ? 404 : where === "query" ? 400 : status);
}

/** An operation's error shape that first moves a refusal to a status the operation documents. */
export function documentedShape(shape: ErrorShape, statuses: readonly string[]): ErrorShape {
  return (status, message, where) => shape(documentedRefusal(statuses, status, where), message, where);
}

/** The Allow header of a path (RFC 9110 §10.2.1): its methods, HEAD with GET, in upper case. */
export function allowOf(methods: readonly string[]): string {
  const upper = [...new Set(methods.map((m) => m.toUpperCase()))];
  if (upper.includes("GET") && !upper.includes("HEAD")) upper.push("HEAD");
  return upper.join(", ");
}

/**
 * Integer path values no JSON number holds exactly (beyond 2^53): such an id names no record the
 * API can hold. Returns the parameter's name, or undefined.
 */
export function unsafeIntegerParameter(
  values: Record<string, string> | undefined,
  integerParams: readonly string[],
): string | undefined {
  if (!values) return undefined;
  return integerParams.find((name) => {
    const value = values[name];
    return value !== undefined && /^[+-]?\d+$/.test(value.trim()) && !Number.isSafeInteger(Number(value));
  });
}
