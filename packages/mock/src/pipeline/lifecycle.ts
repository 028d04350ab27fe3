// Guard: the requests in flight, for a graceful shutdown. On SIGTERM the server stops accepting
// connections, answers what it has already received (each answer closes its connection), and
// closes once the last one is done or the bound has passed, whichever comes first.
import type { Server, ServerResponse } from "node:http";
import type { Guard } from "./exchange.js";

/** The answer closes its connection: a keep-alive client would otherwise send its next request on a connection about to close. */
function closeAfter(res: ServerResponse) {
  if (!res.headersSent) res.setHeader("connection", "close");
}

export function lifecycle() {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void) | undefined;

  const guard: Guard = ({ res }) => {
    inFlight.add(res);
    if (draining) closeAfter(res);
    res.once("close", () => {
      inFlight.delete(res);
      if (draining && inFlight.size === 0) idle?.();
    });
    return false;
  };

  /**
   * Stops accepting, lets the requests in flight finish for at most `boundMs`, then cuts what is
   * left. Resolves with how many requests were cut (0 after a clean drain).
   */
  async function drain(server: Server, boundMs: number): Promise<number> {
    draining = true;
    for (const res of inFlight) closeAfter(res);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections carry nothing in flight; close them now.
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    if (inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        idle = resolve;
        timer = setTimeout(resolve, boundMs);
      });
    }
    clearTimeout(timer);
    const cut = inFlight.size;
    server.closeAllConnections();
    await closed;
    return cut;
  }

  return { guard, drain, inFlight: () => inFlight.size, draining: () => draining };
}
