// Guard: the requests in flight, for a graceful shutdown. On SIGTERM the server stops accepting
// connections, answers what it has already received (each answer closes its connection), and
// closes once the last one is done or the bound has passed, whichever comes first. The process
// then exits 0 (stopGracefully, what the CLI and startMock's child do when told to stop).
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

export interface StopOptions {
  /** Ends the process (process.exit, or a stand-in in tests). */
  exit?: (code: number) => void;
  /** Where a cut is reported (stderr). */
  warn?: (line: string) => void;
}

/**
 * Stops a server process gracefully: the server's `shutdown` refuses new connections and lets the
 * requests in flight finish for at most `boundMs` (cutting what is left), then the process exits
 * 0, saying how many requests were cut if any. Should `shutdown` itself hang, the process exits
 * 0 anyway 2 s after the bound.
 */
export async function stopGracefully(
  server: { shutdown(): Promise<number> },
  boundMs: number,
  { exit = (code) => process.exit(code), warn = (line) => void process.stderr.write(line) }: StopOptions = {},
): Promise<void> {
  const backstop = setTimeout(() => exit(0), boundMs + 2000);
  backstop.unref();
  try {
    const cut = await server.shutdown();
    if (cut) warn(`mizan-mock: stopped; ${cut} request(s) still in flight after ${boundMs} ms were cut\n`);
  } finally {
    clearTimeout(backstop);
    exit(0);
  }
}
