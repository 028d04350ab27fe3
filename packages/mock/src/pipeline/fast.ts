// Responder: the fast path (../fast-path.ts). A valid request of a route whose check has cleared
// it is answered with the answer Prism gave the first such request, stored once. This module owns
// the compiled checks, one per route, and the list of routes it took itself off: a route whose
// check let through a request Prism then refused is answered by Prism from then on.
import type { IncomingMessage } from "node:http";
import { fastPathOf, type FastVerdict, type StoredAnswer } from "../fast-path.js";
import type { Exchange, Responder } from "./exchange.js";
import { accepted, refused, type PrismResult } from "./prism.js";
import type { Route } from "./route.js";
import { sendStored } from "./send.js";

type Compile = (schema: unknown) => (value: unknown) => boolean;
type Check = (req: IncomingMessage, pathname: string, query: URLSearchParams, body: unknown) => FastVerdict;

export interface FastPathOptions {
  /** Static answers only: dynamic ones differ per request, and a proxy's come from upstream. */
  on: boolean;
  doc: unknown;
  compile: Compile;
  compileQuery: Compile;
  /** Prism's answer to the request (asked once per request; see prism.ts). */
  prismResultOf: (exchange: Exchange) => Promise<PrismResult>;
  /** Prism's answer to a valid request of an operation ("METHOD /path") with this Accept header, prepared by the build (engine.ts), if any. */
  preparedAnswer: (
    operation: string,
    accept: string,
  ) => { status: number; headers: StoredAnswer["headers"]; body: string } | undefined;
  serialize: (payload: unknown, contentType: unknown) => string | undefined;
}

export function fastPath(options: FastPathOptions) {
  const { on, doc, compile, compileQuery, prismResultOf, preparedAnswer, serialize } = options;
  // Each route's check, compiled on its first request; null when the route has none or is off.
  const checks = new Map<Route, Check | null>();
  const stats = { answered: 0, stored: 0, off: [] as string[] };

  /** The fast check's verdict on the request, asked once; undefined: Prism's turn. */
  function verdictOf(exchange: Exchange): FastVerdict {
    if (exchange.fast !== undefined) return exchange.fast ?? undefined;
    const { route, req } = exchange;
    let check: Check | null | undefined;
    if (on && route && req.headers.prefer === undefined) {
      check = checks.get(route);
      if (check === undefined)
        checks.set(route, (check = fastPathOf(doc, route.entry, route.security, compile, compileQuery) ?? null));
    }
    exchange.fast = check ? check(req, exchange.pathname, exchange.url.searchParams, exchange.body) : null;
    return exchange.fast ?? undefined;
  }

  function takeOff(route: Route, result: PrismResult) {
    checks.set(route, null);
    stats.off.push(route.entry.key);
    process.stderr.write(
      `[mizan-mock] fast path off for ${route.entry.key}: Prism refused a request it accepted (please report this): ${JSON.stringify(result._tag === "Left" ? result.left : result.right.validations.input).slice(0, 500)}\n`,
    );
  }

  const responder: Responder = async (exchange) => {
    const verdict = verdictOf(exchange);
    if (!verdict) return false;
    if ("answer" in verdict) {
      stats.answered++;
      sendStored(exchange.res, verdict.answer);
      return true;
    }
    // The first valid request of its kind: Prism's answer prepared by the build, else Prism
    // answers it; either is kept.
    const prepared = preparedAnswer(exchange.route!.entry.key, exchange.req.headers.accept ?? "");
    if (prepared) {
      const stored: StoredAnswer = { ...prepared, body: Buffer.from(prepared.body) };
      verdict.store(stored);
      stats.stored++;
      sendStored(exchange.res, stored);
      return true;
    }
    const result = await prismResultOf(exchange);
    if (accepted(result) && result._tag === "Right" && !result.right.validations.output.length) {
      const { output } = result.right;
      const headers = Object.entries(output.headers ?? {}) as [string, string | string[]][];
      const contentType = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1];
      const stored: StoredAnswer = {
        status: output.statusCode,
        headers,
        body: Buffer.from(serialize(output.body, contentType) ?? ""),
      };
      verdict.store(stored);
      stats.stored++;
      sendStored(exchange.res, stored);
      return true;
    }
    // Prism refused what the check let through: that check is not to be trusted on this route.
    if (refused(result)) takeOff(exchange.route!, result);
    return false;
  };

  return { verdictOf, responder, health: () => ({ on, ...stats }) };
}
