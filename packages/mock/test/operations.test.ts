// The mock as a service: readiness, metrics, unknown body fields (in this process, from the
// sources), then graceful shutdown and the JSON request log of the CLI (a real process, from
// the build), each against real servers on 127.0.0.1.
import { spawn } from "node:child_process";
import { createServer, request } from "node:http";
import { connect, type AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../src/metrics.js";
import { operationsEndpoints } from "../src/pipeline/operations.js";
import { IGNORED_BY_THE_SERVER, UNKNOWN_FIELDS_MAX_NODES } from "../src/pipeline/unknown-fields.js";
import { startMock, type RunningMock } from "./serve.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "bin", "mizan-mock.js");
const json = { apikey: "test-key", "content-type": "application/json" };

const post = (url: string, body: unknown, headers: Record<string, string> = json) =>
  fetch(url, { method: "POST", headers, body: JSON.stringify(body) });

/** One sample of a metric from Prometheus text, by its labels (all of them given). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? "").split(",").filter(Boolean);
    if (have.length === wanted.length && wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

describe("readiness and liveness", () => {
  it("is ready once the API and Prism (in its thread) are loaded; in stateful mode, once the state store answers", async () => {
    const plain = await startMock({ api: "daftra" });
    const stateful = await startMock({ api: "daftra", stateful: true });
    try {
      expect((await fetch(`${plain.url}/__mock/health`)).status).toBe(200);
      const ready = await fetch(`${plain.url}/__mock/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, checks: { api: "ok", prism: "ok" } });
      expect(await (await fetch(`${stateful.url}/__mock/ready`)).json()).toEqual({
        ready: true,
        checks: { api: "ok", prism: "ok", state: "ok" },
      });
    } finally {
      await plain.stop();
      await stateful.stop();
    }
  });

  it("is not ready while shutting down, nor when a check fails, saying which", async () => {
    let draining = false;
    let storeDown = false;
    const guard = operationsEndpoints({
      metrics: createMetrics({ api: "test", inFlight: () => 0 }),
      checks: { state: () => (storeDown ? Promise.reject(new Error("the store does not answer")) : undefined) },
      draining: () => draining,
    });
    const server = createServer(
      (req, res) =>
        void guard({ req, res, url: new URL(req.url!, "http://x"), pathname: req.url!, method: req.method! }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const ready = async () => {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/__mock/ready`);
      return [response.status, await response.json()];
    };
    try {
      expect(await ready()).toEqual([200, { ready: true, checks: { api: "ok", state: "ok" } }]);
      storeDown = true;
      expect(await ready()).toEqual([503, { ready: false, checks: { api: "ok", state: "the store does not answer" } }]);
      storeDown = false;
      draining = true;
      expect(await ready()).toEqual([
        503,
        { ready: false, checks: { api: "ok", server: "shutting down", state: "ok" } },
      ]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("metrics", () => {
  it("says prom-client's content type without loading prom-client first", () => {
    // The metrics answer's content type is written in src/metrics.ts so prom-client can load late: pinned to prom-client's.
    expect(createMetrics({ api: "x", inFlight: () => 0 }).contentType).toBe(new Registry().contentType);
  });

  let a: RunningMock;
  let b: RunningMock;
  beforeAll(async () => {
    a = await startMock({ api: "daftra", stateful: true });
    b = await startMock({ api: "daftra" });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });
  const metrics = async (mock: RunningMock) => {
    const response = await fetch(`${mock.url}/__mock/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it("counts requests by API, operation and status, per server: two mocks in one process share nothing", async () => {
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${a.url}/api2/clients.json`, { headers: { apikey: "k" } })).status).toBe(200);
    expect((await fetch(`${b.url}/api2/clients.json`, { headers: { apikey: "k" } })).status).toBe(200);
    expect((await post(`${b.url}/api2/clients.json`, { Client: { city: "Riyadh" } })).status).toBe(400);
    const [textA, textB] = [await metrics(a), await metrics(b)];
    const operation = /operation="([^"]+)"/.exec(textA)![1]!;
    expect(operation).toMatch(/client/i);
    expect(sample(textA, "mizan_mock_requests_total", { api: "daftra", operation, status: "200" })).toBe(3);
    expect(sample(textB, "mizan_mock_requests_total", { api: "daftra", operation, status: "200" })).toBe(1);
    // The refused create: a request and an error-level violation of its operation, on b only.
    expect(textB).toMatch(/mizan_mock_requests_total\{api="daftra",operation="[^"]+",status="400"\} 1/);
    expect(textB).toMatch(/mizan_mock_violations_total\{api="daftra",operation="[^"]+",severity="error"\} [1-9]/);
    expect(textA).not.toMatch(/status="400"/);
    // The latency histogram: every request falls in the +Inf bucket.
    expect(sample(textA, "mizan_mock_request_duration_seconds_count", { api: "daftra", operation })).toBe(3);
    expect(sample(textA, "mizan_mock_request_duration_seconds_bucket", { api: "daftra", operation, le: "+Inf" })).toBe(
      3,
    );
    // The mock's own endpoints are not counted.
    expect(textA).not.toMatch(/__mock/);
  });

  it("reports the stateful mode's size", async () => {
    const before = await metrics(a);
    const created = await post(
      `${a.url}/api2/clients.json`,
      { Client: { business_name: "Acme" } },
      { ...json, "x-mock-session": "metrics" },
    );
    expect(created.status).toBe(202);
    const after = await metrics(a);
    // A new session, holding at least the record just created.
    expect(sample(after, "mizan_mock_state_sessions")).toBe(sample(before, "mizan_mock_state_sessions")! + 1);
    expect(sample(after, "mizan_mock_state_records")).toBeGreaterThan(sample(before, "mizan_mock_state_records")!);
    await a.reset();
    expect(sample(await metrics(a), "mizan_mock_state_records")).toBe(0);
    expect(sample(await metrics(b), "mizan_mock_state_records")).toBeUndefined();
  });
});

describe("body fields the live server would silently drop", () => {
  let mock: RunningMock;
  let strict: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra" });
    strict = await startMock({ api: "daftra", strictBodies: true });
  });
  afterAll(async () => {
    await mock.stop();
    await strict.stop();
  });

  it("accepts a misspelt field, as the server does, and logs a warning naming it", async () => {
    await mock.clearViolations();
    const response = await post(`${mock.url}/api2/clients.json`, { Client: { business_name: "ok", bussines_name: 1 } });
    expect(response.status).toBe(202);
    expect(await mock.violations()).toEqual([
      {
        side: "request",
        method: "POST",
        path: "/api2/clients.json",
        status: 202,
        location: "request.body.Client.bussines_name",
        message: IGNORED_BY_THE_SERVER,
        severity: "Warning",
      },
    ]);
    const metrics = await (await fetch(`${mock.url}/__mock/metrics`)).text();
    expect(metrics).toMatch(/mizan_mock_violations_total\{api="daftra",operation="[^"]+",severity="warning"\} 1/);
  });

  it("logs nothing for a body of declared fields only (free-form objects: openapi-tools' undeclaredFieldsOf tests)", async () => {
    await mock.clearViolations();
    expect(
      (await post(`${mock.url}/api2/clients.json`, { Client: { business_name: "ok", city: "Riyadh" } })).status,
    ).toBe(202);
    expect(await mock.violations()).toEqual([]);
  });

  it("names request-controlled keys such as __proto__ without building objects from them", async () => {
    await mock.clearViolations();
    const body =
      '{"Client":{"business_name":"ok","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}';
    const response = await fetch(`${mock.url}/api2/clients.json`, { method: "POST", headers: json, body });
    expect(response.status).toBe(202);
    expect((await mock.violations()).map((v) => v.location).sort()).toEqual([
      "request.body.Client.__proto__",
      "request.body.Client.constructor",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not walk a body past its bound, and reports at most 20 fields", async () => {
    await mock.clearViolations();
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra_${i}`, i]));
    expect((await post(`${mock.url}/api2/clients.json`, { Client: { business_name: "ok", ...many } })).status).toBe(
      202,
    );
    expect(await mock.violations()).toHaveLength(20);
    await mock.clearViolations();
    const huge = {
      Client: { business_name: "ok", notes: "x", misspelt: Array.from({ length: UNKNOWN_FIELDS_MAX_NODES }, () => 0) },
    };
    await post(`${mock.url}/api2/clients.json`, huge);
    expect((await mock.violations()).filter((v) => v.severity === "Warning")).toEqual([]);
  });

  it("with strictBodies, refuses it with 400 in the operation's error shape, naming the field", async () => {
    const response = await post(`${strict.url}/api2/clients.json`, {
      Client: { business_name: "ok", bussines_name: 1 },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { validation_errors?: Record<string, string> };
    expect(Object.keys(body.validation_errors ?? {})).toEqual(["bussines_name"]);
    expect((await post(`${strict.url}/api2/clients.json`, { Client: { business_name: "ok" } })).status).toBe(202);
  });
});

/** The CLI in its own process, on a free port; its stdout and stderr kept. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, [cli, "--api", "daftra", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    void exited.then((code) => reject(new Error(`mizan-mock exited (${code}) before listening: ${err}`)));
  });
  return { child, url, exited, stdout: () => out, stderr: () => err };
}

/** Whether a new TCP connection to the server is refused. */
const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

/** A POST whose body the test sends in two parts: it stays in flight until `finish` is called. */
function slowPost(url: string) {
  const req = request(`${url}/api2/clients.json`, {
    method: "POST",
    headers: { ...json, "transfer-encoding": "chunked" },
  });
  const answered = new Promise<{ status: number; connection: string | undefined; error?: string }>((resolve) => {
    req.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.once("error", (error) => resolve({ status: 0, connection: undefined, error: error.message }));
  });
  req.write('{"Client":');
  return { answered, finish: () => req.end('{"business_name":"Acme"}}') };
}

/** Polls the metrics until `ready` holds for them (a bounded number of times, not a time). */
async function untilMetrics(url: string, ready: (text: string) => boolean) {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (ready(await (await fetch(`${url}/__mock/metrics`)).text())) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the metrics never showed the request in flight");
}

describe("graceful shutdown of the CLI", () => {
  it("on SIGTERM refuses new connections, answers the request in flight, and exits 0", async () => {
    const mock = runCli(["--shutdown-timeout", "120000"]);
    const url = await mock.url;
    const slow = slowPost(url);
    // In flight: the slow request and this scrape.
    await untilMetrics(url, (text) => sample(text, "mizan_mock_requests_in_flight") === 2);
    mock.child.kill("SIGTERM");
    let closed = false;
    for (let attempt = 0; attempt < 400 && !closed; attempt++) {
      closed = await refused(url);
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(closed).toBe(true);
    expect(mock.child.exitCode).toBe(null);
    slow.finish();
    expect(await slow.answered).toEqual({ status: 202, connection: "close" });
    expect(await mock.exited).toBe(0);
  });

  it("cuts what is still in flight after --shutdown-timeout, and still exits 0", async () => {
    const mock = runCli(["--shutdown-timeout", "200"]);
    const url = await mock.url;
    const slow = slowPost(url);
    await untilMetrics(url, (text) => sample(text, "mizan_mock_requests_in_flight") === 2);
    mock.child.kill("SIGTERM");
    expect(await mock.exited).toBe(0);
    expect((await slow.answered).status).toBe(0);
    expect(mock.stderr()).toMatch(/1 request\(s\) still in flight after 200 ms were cut/);
  });
});

describe("the JSON request log", () => {
  it("writes one line per request with its operation, status, time, session and violations, and never a credential", async () => {
    const mock = runCli(["--log", "json"]);
    const url = await mock.url;
    const secrets = {
      apikey: "SECRET-APIKEY-41",
      query: "SECRET-QUERYKEY-42",
      bearer: "SECRET-BEARER-43",
      password: "SECRET-PASSWORD-44",
      clientSecret: "SECRET-CLIENT-45",
    };
    expect(
      (
        await fetch(`${url}/api2/clients.json?apikey=${secrets.query}`, {
          headers: { apikey: secrets.apikey, "x-mock-session": "log-test" },
        })
      ).status,
    ).toBe(200);
    await fetch(`${url}/v2/api/entity/client/list/1`, { headers: { authorization: `Bearer ${secrets.bearer}` } });
    await post(
      `${url}/v2/oauth/token`,
      {
        client_id: "1",
        client_secret: secrets.clientSecret,
        grant_type: "password",
        username: "owner@example.com",
        password: secrets.password,
      },
      { "content-type": "application/json" },
    );
    expect(
      (
        await post(
          `${url}/api2/clients.json`,
          { Client: { business_name: "ok", bussines_name: secrets.password } },
          { ...json, apikey: secrets.apikey },
        )
      ).status,
    ).toBe(202);
    await fetch(`${url}/__mock/health`);
    mock.child.kill("SIGTERM");
    expect(await mock.exited).toBe(0);

    const lines = mock
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(["time", "method", "path", "operation", "status", "durationMs", "session"]),
      );
      expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
      expect(typeof line.durationMs).toBe("number");
    }
    expect(lines[0]).toMatchObject({ method: "GET", path: "/api2/clients.json", status: 200, session: "log-test" });
    expect(lines[0]!.operation).toMatch(/client/i);
    expect(lines[1]).toMatchObject({ method: "GET", path: "/v2/api/entity/client/list/1", session: null });
    expect(lines[2]).toMatchObject({ method: "POST", path: "/v2/oauth/token" });
    expect(lines[3]).toMatchObject({
      method: "POST",
      status: 202,
      violations: [
        { severity: "Warning", location: "request.body.Client.bussines_name", message: IGNORED_BY_THE_SERVER },
      ],
    });
    for (const secret of Object.values(secrets)) expect(mock.stdout()).not.toContain(secret);
    expect(mock.stdout()).not.toContain("Bearer");
  });
});

describe("the vitest global setup's failOnWarnings", () => {
  it("fails the run (its teardown throws) when a warning was logged, naming the field; passes without", async () => {
    const { mockGlobalSetup } = await import("../dist/vitest.js");
    const run = async (body: unknown) => {
      let url = "";
      const teardown = await mockGlobalSetup("daftra", { failOnWarnings: true })({
        provide: (_key, value) => (url = value),
      });
      expect((await post(`${url}/api2/clients.json`, body)).status).toBe(202);
      return teardown();
    };
    await expect(run({ Client: { business_name: "ok" } })).resolves.toBeUndefined();
    await expect(run({ Client: { business_name: "ok", bussines_name: 1 } })).rejects.toThrow(
      /1 warning\(s\)[\s\S]*POST \/api2\/clients\.json: Client\.bussines_name/,
    );
  });
});
