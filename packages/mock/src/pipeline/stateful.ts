// Responder: stateful mode (../state.ts). A request known valid (the fast check cleared it, or
// Prism accepted it) to an operation that keeps records is answered from the stored records; the
// one place stateful answers are made.
import type { State } from "../state.js";
import type { Exchange, Responder } from "./exchange.js";
import { accepted, type PrismResult } from "./prism.js";
import { sendJson } from "./send.js";
import type { FastVerdict } from "../fast-path.js";

export interface StatefulOptions {
  state: State;
  fastVerdictOf: (exchange: Exchange) => FastVerdict;
  prismResultOf: (exchange: Exchange) => Promise<PrismResult>;
}

export function stateful({ state, fastVerdictOf, prismResultOf }: StatefulOptions): Responder {
  return async (exchange) => {
    const { route } = exchange;
    if (!route) return false;
    const valid = fastVerdictOf(exchange) !== undefined || accepted(await prismResultOf(exchange));
    if (!valid) return false;
    const stored = await state.answer({
      entry: route.entry,
      pathname: exchange.pathname,
      query: exchange.url.searchParams,
      headers: exchange.req.headers,
      body: exchange.body,
      errorShape: route.errorShape,
    });
    if (!stored) return false;
    // Reads and lists come serialised (from the answer cache): sent as they are, never parsed again.
    if (stored.bytes) {
      exchange.res.writeHead(stored.status, {
        "content-type": "application/json",
        "content-length": stored.bytes.length,
      });
      exchange.res.end(stored.bytes);
    } else sendJson(exchange.res, stored.status, stored.body);
    return true;
  };
}
