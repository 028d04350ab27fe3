// The server-level guards over HTTP (src/pipeline/host.ts, control.ts, send.ts, index.ts): who
// may call the mock, how a refused upload ends, and paths that are not what they seem.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAllowed, hostNameOf } from "../src/pipeline/host.js";
import { startMock, type RunningMock } from "./serve.js";

/** A request with a Host (and other headers) fetch would not let us set. */
function raw(
  url: string,
  path: string,
  headers: Record<string, string>,
  method = "GET",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, setHost: !("host" in headers) }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => (body += b.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("host names", () => {
  it("reads the name of a Host header, and answers IPs, localhost, the --host and --allowed-hosts only", () => {
    expect(hostNameOf("Example.COM:4010")).toBe("example.com");
    expect(hostNameOf("[::1]:4010")).toBe("::1");
    expect(hostNameOf("127.0.0.1")).toBe("127.0.0.1");
    for (const name of ["127.0.0.1", "::1", "10.0.0.7", "localhost", "api.localhost"])
      expect(hostAllowed(name, "127.0.0.1"), name).toBe(true);
    expect(hostAllowed("evil.example", "127.0.0.1")).toBe(false);
    expect(hostAllowed("mock", "0.0.0.0")).toBe(false);
    expect(hostAllowed("mock", "0.0.0.0", ["mock"])).toBe(true);
    expect(hostAllowed("a.corp.example", "0.0.0.0", [".corp.example"])).toBe(true);
    expect(hostAllowed("corp.example", "0.0.0.0", [".corp.example"])).toBe(true);
    expect(hostAllowed("evilcorp.example", "0.0.0.0", [".corp.example"])).toBe(false);
    expect(hostAllowed("anything", "0.0.0.0", ["*"])).toBe(true);
    expect(hostAllowed("my-laptop", "my-laptop")).toBe(true);
  });
});

describe("a mock on 127.0.0.1", () => {
  let mock: RunningMock;
  let allowing: RunningMock;
  const port = () => new URL(mock.url).port;
  beforeAll(async () => {
    [mock, allowing] = await Promise.all([
      startMock({ api: "daftra", stateful: true, maxBodyBytes: 1024 * 1024 }),
      startMock({ api: "daftra", allowedHosts: ["mock"] }),
    ]);
  });
  afterAll(() => Promise.all([mock.stop(), allowing.stop()]));

  it("refuses a Host it does not listen on (DNS rebinding), answers its own names and --allowed-hosts", async () => {
    const refused = await raw(mock.url, "/api2/clients.json", { host: `evil.example:${port()}`, apikey: "k" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toMatch(
      /does not answer requests for host "evil.example".*--allowed-hosts evil.example/,
    );
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, "[::1]"])
      expect((await raw(mock.url, "/api2/clients.json", { host, apikey: "k" })).status, host).toBe(200);
    expect((await raw(allowing.url, "/api2/clients.json", { host: "mock:4010", apikey: "k" })).status).toBe(200);
    expect((await raw(allowing.url, "/api2/clients.json", { host: "other:4010", apikey: "k" })).status).toBe(403);
  });

  it("control endpoints answer no cross-origin request and send no CORS headers", async () => {
    for (const origin of ["http://evil.example", "null"]) {
      const reset = await raw(mock.url, "/__mock/reset", { origin, "x-mock-control": "1" }, "POST");
      expect(reset.status, origin).toBe(403);
      expect(reset.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const preflight = await raw(
      mock.url,
      "/__mock/reset",
      { origin: "http://evil.example", "access-control-request-method": "POST" },
      "OPTIONS",
    );
    expect(preflight.status).toBe(403);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await raw(mock.url, "/__mock/health", { "sec-fetch-site": "cross-site" })).status).toBe(403);
    // A simple (preflight-free) POST, as a page's form would send it, is refused.
    const simple = await raw(mock.url, "/__mock/reset", { "content-type": "text/plain" }, "POST");
    expect(simple.status).toBe(403);
    expect(JSON.parse(simple.body).error).toMatch(/x-mock-control/);
    expect((await raw(mock.url, "/__mock/reset", { "x-mock-control": "1" }, "POST")).status).toBe(204);
    expect((await raw(mock.url, "/__mock/reset", { "content-type": "application/json" }, "POST")).status).toBe(204);
    expect((await raw(mock.url, "/__mock/reset", { origin: mock.url, "x-mock-control": "1" }, "POST")).status).toBe(
      204,
    );
    await mock.reset();
    // The API itself still serves pages in a browser (CORS).
    expect(
      (await raw(mock.url, "/api2/clients.json", { origin: "http://app.example", apikey: "k" })).headers[
        "access-control-allow-origin"
      ],
    ).toBe("http://app.example");
  });

  it("reads //api2/clients.json as a path, not as host api2", async () => {
    const answer = await raw(mock.url, "//api2/clients.json", { apikey: "k" });
    expect(answer.status).toBe(404);
    expect(answer.body).not.toMatch(/"data"/);
  });

  it("lets a client still writing a large upload read its 413 (Connection: close, lingering close), every time", async () => {
    const upload = () =>
      new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        let answered = false;
        const req = request(
          `${mock.url}/api2/clients.json`,
          {
            method: "POST",
            headers: { apikey: "k", "content-type": "application/json", "content-length": String(64 * 1024 * 1024) },
          },
          (res) => {
            answered = true;
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          },
        );
        req.on("error", (error) => (answered ? undefined : reject(error)));
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (!answered && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", pump);
          }
        };
        pump();
      });
    for (let i = 0; i < 5; i++) expect(await upload()).toEqual({ status: 413, connection: "close" });
  });

  it("refuses writes past the state's memory budget (--state-max-mb) with 507", async () => {
    const small = await startMock({ api: "daftra", stateful: true, stateMaxMb: 1 });
    try {
      let status = 0;
      for (let n = 0; n < 40 && status !== 507; n++) {
        const response = await fetch(`${small.url}/api2/clients.json`, {
          method: "POST",
          headers: { apikey: "k", "content-type": "application/json", "x-mock-session": "big" },
          body: JSON.stringify({ Client: { business_name: "x", notes: "y".repeat(100_000) } }),
        });
        status = response.status;
        if (status === 507) expect((await response.json()).message).toMatch(/memory budget is 1048576 bytes/);
      }
      expect(status).toBe(507);
      await small.reset();
      expect(
        (
          await fetch(`${small.url}/api2/clients.json`, {
            method: "POST",
            headers: { apikey: "k", "content-type": "application/json" },
            body: JSON.stringify({ Client: { business_name: "fits" } }),
          })
        ).status,
      ).toBe(202);
    } finally {
      await small.stop();
    }
  });
});
