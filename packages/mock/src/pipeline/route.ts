// Stage: routing. The routes of the served bundle are built once (each with what the later stages
// need: its security alternatives, error shape, documented statuses, query check, conditional
// examples); a request's path finds its candidate routes by their leading literal segments, and
// the most specific one for its method is the request's route.
import { deref, operationRoutes, pathTemplateMatcher, routeFor, securityAlternatives } from "@mizan/openapi-tools";
import { bracketQueryChecker } from "@mizan/openapi-tools/query";
import { documentedShape } from "../refusals.js";
import { conditionalExamplesOf } from "./conditional.js";
import { errorShapeOf, errorShapeOnFirstUse, hasErrorExamples, type ErrorShape } from "./error-shape.js";
import type { Guard, Route } from "./exchange.js";
import { sendError } from "./send.js";

export type { Route };

export interface RouteTable {
  routes: Route[];
  /** The routes whose template matches a path, in the spec's order. */
  find(pathname: string): Route[];
}

type Compile = (schema: unknown) => (value: unknown) => boolean;

/** The routes of a bundle that Prism's model knows (its operations' "METHOD /path"). `compileQuery` coerces (parameters arrive as text). */
export function routeTable(
  doc: unknown,
  prismOperations: string[],
  errorShape: ErrorShape,
  compile: Compile,
  compileQuery: Compile,
): RouteTable {
  const known = new Set(prismOperations);
  const routes = operationRoutes(doc).flatMap((entry): Route[] => {
    if (!known.has(entry.key)) return [];
    return [
      {
        entry,
        method: entry.method,
        regex: entry.regex,
        specificity: entry.specificity,
        security: securityAlternatives(doc, entry.security),
        // Refusals take a status the operation documents (../refusals.ts). Read from the
        // operation's examples on the route's first refusal: most routes never refuse.
        errorShape: errorShapeOnFirstUse(() =>
          documentedShape(
            hasErrorExamples(doc, entry) ? errorShapeOf(doc, [entry]) : errorShape,
            Object.keys((entry.op as { responses?: object }).responses ?? {}),
          ),
        ),
        statuses: Object.keys((entry.op as { responses?: object }).responses ?? {}),
        integerPathParams: (entry.parameters as { in: string; name: string; schema?: unknown }[])
          .filter((p) => p.in === "path" && isIntegerId(doc, p.schema))
          .map((p) => p.name),
        pathParams: pathTemplateMatcher(entry.path),
        checkQuery: bracketQueryChecker(doc, entry.parameters, compileQuery),
        conditional: once(() => conditionalExamplesOf(doc, entry, compile)),
      },
    ];
  });
  return { routes, find: routeIndex(routes) };
}

/** A value made the first time it is asked for (Prism's refusals only need it). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

type IdSchema = { type?: unknown; pattern?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };

/**
 * Whether a path parameter holds an integer id: an integer, or an integer or its string of digits
 * (`anyOf`), which is how Daftra's ids are described. A value beyond 2^53 then names no record.
 */
function isIntegerId(doc: unknown, schema: unknown): boolean {
  const s = deref(doc, schema) as IdSchema | undefined;
  const branches = (s?.anyOf ?? s?.oneOf ?? [s]).map((b) => deref(doc, b) as IdSchema | undefined);
  const digitsOnly = (b: IdSchema | undefined) => {
    if (b?.type !== "string" || typeof b.pattern !== "string") return false;
    const pattern = new RegExp(b.pattern);
    return pattern.test("512") && !pattern.test("abc");
  };
  const isInteger = (b: IdSchema | undefined) =>
    [b?.type].flat().includes("integer") && ![b?.type].flat().includes("string");
  return branches.some(isInteger) && branches.every((b) => isInteger(b) || digitsOnly(b));
}

/**
 * The routes whose template can match a path, in their listed order, found by the path's leading
 * literal segments instead of testing every route's pattern (400 on the Daftra bundle): each route
 * is filed under the literal segments its template starts with (at most four).
 */
export function routeIndex<R extends { entry: { path: string }; regex: RegExp }>(
  routes: R[],
): (pathname: string) => R[] {
  const DEPTH = 4;
  const byPrefix = new Map<string, { route: R; order: number }[]>();
  routes.forEach((route, order) => {
    const segments = route.entry.path.split("/").slice(1);
    let literal = 0;
    while (literal < DEPTH && literal < segments.length && !segments[literal]!.includes("{")) literal++;
    const key = `${literal}:${segments.slice(0, literal).join("/")}`;
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), { route, order }]);
  });
  return (pathname) => {
    const segments = pathname.split("/").slice(1);
    const found: { route: R; order: number }[] = [];
    for (let depth = 0; depth <= Math.min(DEPTH, segments.length); depth++) {
      for (const hit of byPrefix.get(`${depth}:${segments.slice(0, depth).join("/")}`) ?? [])
        if (hit.route.regex.test(pathname)) found.push(hit);
    }
    return found.sort((a, b) => a.order - b.order).map((hit) => hit.route);
  };
}

/**
 * Finds the request's route: the most specific path for its method wins (OpenAPI; the spec lint
 * checks one exists), as Prism routes. Prism is later handed only the routes whose template
 * matches, which is what makes the mock fast on a 300-path spec. A path that is not valid
 * percent-encoding is refused here.
 */
export function router(table: RouteTable, errorShape: ErrorShape): Guard {
  return (exchange) => {
    exchange.candidates = table.find(exchange.pathname);
    exchange.route = routeFor(exchange.candidates, exchange.method, exchange.pathname);
    try {
      decodeURIComponent(exchange.pathname);
    } catch {
      exchange.req.resume();
      // A path value no route takes: the operation's documented refusal (404 where it has one).
      sendError(
        exchange.res,
        exchange.route?.errorShape ?? errorShape,
        400,
        `The request path is not valid percent-encoding: ${exchange.pathname}`,
        "path",
      );
      return true;
    }
    return false;
  };
}
