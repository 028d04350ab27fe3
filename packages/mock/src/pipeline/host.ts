// Guard: the Host header must name the mock. A web page the user visits can make the browser
// resolve its own domain to 127.0.0.1 (DNS rebinding) and then read the mock's answers as
// same-origin; the Host header still carries the page's domain, so answering only the names the
// mock listens on closes that door (as Vite's and webpack's dev servers do). IP addresses are
// always answered (a page cannot rebind one), as are localhost and its subdomains, the --host
// given, and the names of --allowed-hosts (`.example.com` for a domain and its subdomains, `*`
// for any). A request without Host (HTTP/1.0) is answered: browsers always send one.
import { isIP } from "node:net";
import type { Guard } from "./exchange.js";
import { sendJson } from "./send.js";

/** The host name of a Host header value, without its port and brackets, in lower case. */
export function hostNameOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]") < 0 ? undefined : value.indexOf("]"));
  const colon = value.lastIndexOf(":");
  return colon >= 0 && value.indexOf(":") === colon ? value.slice(0, colon) : value;
}

/** Whether a host name is one the mock answers (see the file's header). */
export function hostAllowed(name: string, listenHost: string, allowedHosts: readonly string[] = []): boolean {
  if (isIP(name) || name === "localhost" || name.endsWith(".localhost")) return true;
  const listen = hostNameOf(listenHost);
  if (name === listen) return true;
  return allowedHosts.some((allowed) => {
    const entry = allowed.toLowerCase();
    if (entry === "*") return true;
    if (entry.startsWith(".")) return name === entry.slice(1) || name.endsWith(entry);
    return name === entry;
  });
}

export function hostCheck(options: { host: string; allowedHosts?: readonly string[] }): Guard {
  return ({ req, res }) => {
    const header = req.headers.host;
    if (header === undefined || hostAllowed(hostNameOf(header), options.host, options.allowedHosts)) return false;
    req.resume();
    sendJson(res, 403, {
      error: `The mock does not answer requests for host "${hostNameOf(header)}" (DNS rebinding protection). Start it with --allowed-hosts ${hostNameOf(header)} (startMock({ allowedHosts: [...] })) to allow it.`,
    });
    return true;
  };
}
