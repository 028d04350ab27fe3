// A static file server for the built site under a sub-path, the way GitHub Pages serves a
// project site (https://<owner>.github.io/<repo>/): `node scripts/serve.mjs --base /mizan/`
// previews dist/ at http://127.0.0.1:8080/mizan/. The browser test uses it to check that the
// site works away from the host's root. It serves files only: GET and HEAD, nothing outside
// the base path or the folder, no directory listings.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

/** Checks a base path: it must start and end with "/" ("/", "/mizan/"). */
export function normalizeBase(base) {
  if (
    typeof base !== "string" ||
    !base.startsWith("/") ||
    !base.endsWith("/") ||
    base.includes("//") ||
    /[?#\\]/.test(base)
  ) {
    throw new Error(`The base path must start and end with "/", like "/" or "/mizan/"; got ${JSON.stringify(base)}.`);
  }
  return base;
}

/** The file a request path names inside root, or undefined when it is outside the base or root. */
function fileFor(root, base, pathname) {
  if (!pathname.startsWith(base)) return undefined;
  let relative;
  try {
    relative = decodeURIComponent(pathname.slice(base.length));
  } catch {
    return undefined; // bad percent-encoding
  }
  if (relative.includes("\0")) return undefined;
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  return relative === "" || relative.endsWith("/") ? path.join(file, "index.html") : file;
}

/**
 * Serves `root` at http://127.0.0.1:<port><base>. Resolves to `{ url, requests, close }`:
 * `url` is the site's address (ending in the base), `requests` logs every request as
 * `{ method, path, status }`, `close()` stops the server. `port: 0` picks a free port.
 */
export function serveStatic(root, { base = "/", host = "127.0.0.1", port = 0 } = {}) {
  normalizeBase(base);
  const dir = path.resolve(root);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`Nothing to serve: ${dir} is not a folder. Build the site first.`);
  const requests = [];
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const answer = (status, body, headers = {}) => {
      requests.push({ method: req.method, path: pathname, status });
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD")
      return answer(405, "Method not allowed\n", { allow: "GET, HEAD" });
    // The base itself without its slash redirects, as static hosts do ("/mizan" -> "/mizan/").
    if (base !== "/" && pathname === base.slice(0, -1)) return answer(301, "", { location: base });
    const file = fileFor(dir, base, pathname);
    const stat = file && statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return answer(404, "Not found\n");
    requests.push({ method: req.method, path: pathname, status: 200 });
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": stat.size,
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}${base}`,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : fallback;
  };
  if (args.includes("--help")) {
    console.log(
      "Usage: node scripts/serve.mjs [--base /mizan/] [--port 8080] [--dir dist]\nServes the built docs on 127.0.0.1 under a sub-path, as GitHub Pages does.",
    );
    process.exit(0);
  }
  const port = Number(option("--port", "8080"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535; got ${option("--port")}.`);
    process.exit(2);
  }
  const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  try {
    const site = await serveStatic(path.resolve(appDir, option("--dir", "dist")), {
      base: option("--base", "/mizan/"),
      port,
    });
    console.log(`Serving the docs at ${site.url} (Ctrl+C stops)`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
