// The mock app's public API and CLI, each against a real Prism process on 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableApis, startMock, type RunningMock } from "../dist/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "bin", "mizan-mock.js");

/** Whether nothing answers at `url` (the connection is refused); a slow answer is an answer. */
async function refuses(url: string): Promise<boolean> {
  try {
    // Generous: a busy machine can be slow to answer, and slow is not refused.
    await fetch(`${url}/__mock/health`, { signal: AbortSignal.timeout(30_000) });
    return false;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") throw error;
    return true;
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe("startMock", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", port: 0 });
  });
  afterAll(() => mock.stop());

  it("picks a free port on 127.0.0.1 for port 0", () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.port).toBeGreaterThan(0);
  });

  it("serves the examples of the bundle, under both path forms", async () => {
    for (const p of ["/api2/site_info.json", "/api2/site_info"]) {
      const response = await fetch(`${mock.url}${p}`, { headers: { apikey: "test-api-key" } });
      expect(response.status).toBe(200);
      expect((await response.json()).data.Site.currency_code).toBe("SAR");
    }
  });

  it("asks for credentials on protected operations only", async () => {
    expect((await fetch(`${mock.url}/api2/clients.json`)).status).toBe(401);
    const token = await fetch(`${mock.url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "1",
        client_secret: "s",
        grant_type: "password",
        username: "u",
        password: "p",
      }),
    });
    expect(token.status).toBe(200);
  });
});

describe("Daftra-shaped answers", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  });
  afterAll(() => mock.stop());
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${mock.url}/api2/clients.json`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("names each offending field with a reason a person would write, as the vendor's documented 400 does", async () => {
    const response = await post({ Client: { email: "not-an-email", type: 7 } });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ result: "failed", code: 400, message: "Bad Request" });
    // No validator jargon (anyOf, constant, "Request body property"): one sentence per field.
    expect(body.validation_errors).toEqual({
      business_name: "This field is required",
      email: "Please enter a valid email address",
      type: "Please choose one of: 2, 3",
    });
  });

  it("names a query parameter out of range", async () => {
    const response = await fetch(`${mock.url}/api2/invoices.json?limit=5000`, { headers: { apikey: "k" } });
    expect(response.status).toBe(400);
    expect((await response.json()).validation_errors.limit).toBe("Please enter a number of at most 1000");
  });

  it("refuses an invoice without client_id", async () => {
    const response = await fetch(`${mock.url}/api2/invoices.json`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json" },
      body: JSON.stringify({ Invoice: {} }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).validation_errors.client_id).toBe("This field is required");
  });

  it.each([
    ["without the required fields", { client_id: "1", grant_type: "password" }],
    [
      "with an unsupported grant type",
      { client_id: "1", client_secret: "s", grant_type: "client_credentials", username: "u", password: "p" },
    ],
  ])("refuses a token request %s, in the OAuth error shape", async (_what, body) => {
    const response = await fetch(`${mock.url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty("error");
  });

  it("refuses an API key and a token together, as Daftra does", async () => {
    const response = await fetch(`${mock.url}/api2/clients.json`, {
      headers: { apikey: "k", authorization: "Bearer t" },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).message).toMatch(/one credential, not several: .*apikey and bearer/);
  });

  it.each([
    ["code=404", 404, "Item not found"],
    ["code=429", 429, "Too Many Requests"],
    ["code=401", 401, "Unauthorized"],
    ["code=400, example=closedPeriod", 400, "closed period"],
  ])("serves the documented answer for Prefer: %s", async (prefer, status, message) => {
    const response = await fetch(`${mock.url}/api2/invoices/2415.json`, {
      method: "PUT",
      headers: { apikey: "k", prefer, "content-type": "application/json" },
      body: JSON.stringify({ Invoice: { client_id: 512 } }),
    });
    expect(response.status).toBe(status);
    expect((await response.json()).message).toContain(message);
  });
});

describe("dynamic responses", () => {
  it("repeat for the same seed", async () => {
    const bodies: string[] = [];
    for (const seed of [7, 7, 8]) {
      const mock = await startMock({ port: 0, dynamic: true, seed });
      try {
        bodies.push(await (await fetch(`${mock.url}/api2/clients/5.json`, { headers: { apikey: "k" } })).text());
      } finally {
        await mock.stop();
      }
    }
    expect(JSON.parse(bodies[0]!).data.Client).toBeDefined();
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).not.toBe(bodies[0]);
    // Three mocks that each load Prism and faker for their dynamic answer: 25 s on a loaded CI
    // machine, so 60 s was too close; the limit only catches a hang.
  }, 300_000);
});

describe("proxy mode", () => {
  it("passes a real server's answers through and reports where they break the spec", async () => {
    // A stand-in for a live account that answers the client list with a deliberately wrong body.
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: 200, result: "successful", data: { Client: { id: "x" } } }));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const { port } = upstream.address() as AddressInfo;
    const proxy = await startMock({ port: 0, upstream: `http://127.0.0.1:${port}` });
    try {
      const response = await fetch(`${proxy.url}/api2/clients.json`, { headers: { apikey: "k" } });
      expect(response.status).toBe(200);
      expect((await response.json()).data.Client.id).toBe("x");
      const violations = await proxy.violations();
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.side === "response" && v.path === "/api2/clients.json")).toBe(true);
      expect(violations.map((v) => v.message).join("\n")).toMatch(/data|pagination/);
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });
});

describe("lifecycle", () => {
  it("stop() ends Prism and frees the port, and can be called twice", async () => {
    const mock = await startMock({ port: 0 });
    expect(await refuses(mock.url)).toBe(false);
    await mock.stop();
    await mock.stop();
    expect(await refuses(mock.url)).toBe(true);
  });

  it("reports Prism's own error when the document cannot be served", async () => {
    const bad = path.join(tmpdir(), `mizan-mock-bad-${process.pid}.json`);
    writeFileSync(bad, "{ not json");
    await expect(startMock({ specFile: bad, startTimeoutMs: 20_000 })).rejects.toThrow(
      /The mock could not start: Error parsing/,
    );
  });

  it("names the known APIs when asked for an unknown one", async () => {
    await expect(startMock({ api: "nope" })).rejects.toThrow(/Unknown API "nope"\. Known APIs: daftra/);
    expect(availableApis()).toContain("daftra");
  });

  it("takes Prism down when the process that started it is killed", async () => {
    const script = `import { startMock } from ${JSON.stringify(path.join(here, "..", "dist", "index.js"))};
      const m = await startMock({ port: 0 }); console.log(m.url);`;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      parent.stdout!.on("data", (b: Buffer) => resolve(b.toString().trim()));
      parent.on("exit", (code) => reject(new Error(`parent exited early (${code})`)));
    });
    expect(await refuses(url)).toBe(false);
    parent.kill("SIGKILL");
    expect(await eventually(() => refuses(url))).toBe(true);
  });

  // `npx @mizan/mock --api daftra &` then `kill $!`: the launcher (npx) dies, by whatever signal,
  // and may pass none on to the CLI it started. The CLI must end too, freeing its port.
  it.each(["SIGTERM", "SIGINT", "SIGKILL"] as const)(
    "the CLI ends when its launcher is killed by PID with %s",
    async (signal) => {
      // A launcher that passes no signal on: it only starts the CLI and exits when signalled.
      const launcher = `const { spawn } = require("node:child_process");
      spawn(process.execPath, [${JSON.stringify(cli)}, "--port", "0"], { stdio: ["ignore", "inherit", "inherit"] });
      for (const s of ["SIGTERM", "SIGINT"]) process.on(s, () => process.exit(0));
      setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ["-e", launcher], { stdio: ["ignore", "pipe", "inherit"] });
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        parent.stdout!.on("data", (b: Buffer) => {
          out += b.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        parent.on("exit", (code) => reject(new Error(`launcher exited early (${code}): ${out}`)));
      });
      expect(await refuses(url)).toBe(false);
      process.kill(parent.pid!, signal);
      expect(await eventually(() => refuses(url))).toBe(true);
    },
  );
});

describe("CLI", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 20_000 });

  it("prints its usage", () => {
    const res = run("--help");
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/--port/);
    expect(res.stdout).toMatch(/--max-body <bytes>.*10485760/);
    expect(res.stdout).toMatch(/forwarded too, unless --proxy-refuse-invalid/);
    expect(res.stdout).toMatch(/--version/);
  });

  it("prints its version, the package's", () => {
    const res = run("--version");
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
    );
  });

  it.each([
    [["--port", "abc"], /--port must be an integer/],
    [["--api", "nope"], /Unknown API "nope"/],
    [["--seed", "1.5"], /--seed must be an integer/],
    [["--bogus"], /Unknown option/],
    [["--max-body", "10MB"], /--max-body must be a positive integer/],
    [["--headers-timeout", "0"], /--headers-timeout must be a positive integer/],
    [["--proxy-refuse-invalid"], /--proxy-refuse-invalid needs --proxy/],
  ])("refuses %j with a clear message", (args, message) => {
    const res = run(...(args as string[]));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it("serves until it is told to stop", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (b: Buffer) => {
        const m = /listening on (\S+)/.exec(b.toString());
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`CLI exited early (${code})`)));
    });
    expect((await fetch(`${url}/api2/clients.json`, { headers: { apikey: "k" } })).status).toBe(200);
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    await exited;
    expect(await refuses(url)).toBe(true);
  });
});
