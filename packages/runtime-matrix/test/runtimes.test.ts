// Every runtime the client README promises, proved on the client as users get it: @mizan/daftra-client
// (and @mizan/client-core) packed and installed with npm into an empty folder, then the consumer in
// ../consumer run on each runtime against the Daftra mock on 127.0.0.1. Each runtime must print the
// same three answers: a v1 record read with the API key, a filtered v2 list whose query the bracket
// serialiser wrote, and a NotFoundError for `Prefer: code=404`. The runtimes are devDependencies
// installed by `npm run setup`; nothing is downloaded here but the client's own npm dependencies.
import type { ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { installPacked, runCommand, stopChild, userEnv } from "@mizan/test-helpers/packed-install";
// The docs' browser tests launch Debian's Chromium this way; one launcher for the repository.
import { executablePath as chromiumPath, launchChromium } from "@mizan/test-helpers/chromium";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const clientDir = realpathSync(path.join(packageDir, "node_modules", "@mizan", "daftra-client"));
const bin = (name: string) => path.join(packageDir, "node_modules", ".bin", name);
const work = mkdtempSync(path.join(tmpdir(), "mizan-runtime-matrix-"));
const children = new Set<ChildProcess>();
let consumer = "";

/**
 * The Node the machine has (the one `npm run setup` used), not the Node 24 of this package's
 * devDependencies that a package script finds first on PATH.
 */
function machineNode(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir.split(path.sep).includes("node_modules")) continue;
    const candidate = path.join(dir, "node");
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error("no node on PATH outside node_modules");
}

/** What every runtime must report (the mock answers from the spec's examples). */
function expectTheSameAnswers(printed: string) {
  const line = printed.trim().split("\n").pop()!;
  const result = JSON.parse(line);
  expect(result.record).toMatchObject({ status: 200, hasBusinessName: true, error: null });
  expect(result.record.id).toEqual(expect.any(Number));
  expect(result.list).toMatchObject({
    status: 200,
    error: null,
    query: "?filter[name][like]=a&filter[id][in][]=3&filter[id][in][]=4&sort[id]=desc",
  });
  expect(result.list.count).toBeGreaterThan(0);
  expect(result.notFound).toEqual({
    thrown: true,
    name: "NotFoundError",
    isNotFoundError: true,
    status: 404,
    method: "GET",
    path: "/api2/invoices/999.json",
  });
  return result;
}

/** Bundles a consumer entry for a runtime without node_modules resolution (workerd, a page). */
async function bundle(entry: string, outfile: string, conditions: string[]) {
  await build({
    absWorkingDir: consumer,
    entryPoints: [path.join(consumer, entry)],
    outfile: path.join(consumer, outfile),
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions,
    logLevel: "error",
  });
}

/** A free port on 127.0.0.1 (for workerd, which is told its address on the command line). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  consumer = await installPacked(clientDir, work, { children });
  for (const file of readdirSync(path.join(packageDir, "consumer")))
    copyFileSync(path.join(packageDir, "consumer", file), path.join(consumer, file));
}, 600_000);

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
  rmSync(work, { recursive: true, force: true });
});

describe("the packed @mizan/daftra-client", () => {
  it("is installed from its tarball, not linked to this repository", () => {
    const installed = path.join(consumer, "node_modules", "@mizan", "daftra-client");
    expect(realpathSync(installed).startsWith(path.resolve(packageDir, "..", ".."))).toBe(false);
    expect(readFileSync(path.join(installed, "package.json"), "utf8")).not.toMatch(/workspace:/);
  });

  const commandLine: Array<[string, () => string, (url: string) => string[], RegExp]> = [
    ["Node (the machine's)", machineNode, (url) => ["main.mjs", url], /^v\d+\./],
    ["Node 24", () => bin("node"), (url) => ["main.mjs", url], /^v24\./],
    ["Bun", () => bin("bun"), (url) => ["main.mjs", url], /^1\./],
    // Deno reads the installed node_modules (there is a package.json) and may reach only the mock.
    [
      "Deno",
      () => bin("deno"),
      (url) => ["run", "--no-prompt", `--allow-net=${new URL(url).host}`, "--allow-read=.", "main.mjs", url],
      /^deno 2\./,
    ],
  ];

  it.each(commandLine)("runs on %s", async (_name, binary, args, version) => {
    expect(await runCommand(binary(), ["--version"], { cwd: consumer, timeoutMs: 60_000, children })).toMatch(version);
    // Deno caches what it compiles: in the temp folder, not the user's home.
    const env = { ...userEnv(), DENO_DIR: path.join(work, "deno-cache") };
    const printed = await runCommand(binary(), args(inject("mockUrl")), {
      cwd: consumer,
      timeoutMs: 90_000,
      env,
      children,
    });
    expectTheSameAnswers(printed);
  });

  it("runs as a Worker module in workerd", async () => {
    await bundle("worker.mjs", "worker.js", ["workerd", "worker", "browser"]);
    const port = await freePort();
    // The worker may reach loopback addresses only through this network service.
    writeFileSync(
      path.join(consumer, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "consumer", worker = .consumer), (name = "loopback", network = (allow = ["local"]))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "consumer")],
);
const consumer :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-01-01",
  globalOutbound = "loopback",
);
`,
    );
    const running = new Set(children);
    const started = runCommand(bin("workerd"), ["serve", "config.capnp"], {
      cwd: consumer,
      timeoutMs: 110_000,
      children,
    });
    let exited: unknown;
    started.catch((error) => (exited = error));
    // runCommand tracks the child as it spawns it: the one that was not running before.
    const worker = [...children].find((child) => !running.has(child))!;
    try {
      const deadline = Date.now() + 60_000;
      let response: Response | undefined;
      while (!response) {
        if (exited) throw exited;
        if (Date.now() > deadline) throw new Error("workerd did not answer within 60 s");
        response = await fetch(`http://127.0.0.1:${port}/?mock=${encodeURIComponent(inject("mockUrl"))}`).catch(
          () => undefined,
        );
        if (!response) await new Promise((r) => setTimeout(r, 250));
      }
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expectTheSameAnswers(text);
    } finally {
      await stopChild(worker);
    }
  });

  it.skipIf(!existsSync(chromiumPath))(
    `runs in Chromium as a page module, through the mock's CORS (needs Chromium at ${chromiumPath})`,
    async () => {
      await bundle("browser.mjs", "browser.js", ["browser"]);
      const files: Record<string, [string, string]> = {
        "/": ["text/html", `<!doctype html><meta charset="utf-8"><script type="module" src="./browser.js"></script>`],
        "/browser.js": ["text/javascript", readFileSync(path.join(consumer, "browser.js"), "utf8")],
      };
      // The page's own origin: another port than the mock's, so every call is a CORS request.
      const server: Server = createServer((req, res) => {
        const file = files[new URL(req.url ?? "/", "http://x").pathname];
        res.writeHead(file ? 200 : 404, { "content-type": file?.[0] ?? "text/plain" }).end(file?.[1] ?? "not found");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const { port } = server.address() as AddressInfo;
        await page.goto(`http://127.0.0.1:${port}/?mock=${encodeURIComponent(inject("mockUrl"))}`);
        await page.waitForFunction(() => "consumerResult" in window, undefined, { timeout: 60_000 });
        const outcome = await page.evaluate(
          () => (window as unknown as { consumerResult: Promise<{ result?: unknown; error?: string }> }).consumerResult,
        );
        expect(outcome.error).toBeUndefined();
        expectTheSameAnswers(JSON.stringify(outcome.result));
      } finally {
        await browser.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
