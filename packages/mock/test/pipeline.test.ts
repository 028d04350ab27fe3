// Each stage of the request pipeline (src/pipeline/) on its own, on a real node:http server on
// 127.0.0.1: the stage under test runs first, and a request it lets through gets 299 "passed".
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredAnswer } from "../src/fast-path.js";
import { faultInjector } from "../src/faults.js";
import { checkOptions, MOCK_OPTIONS, optionsFromArgs, parseArgsConfig, usage } from "../src/options.js";
import { bodyReader, declaredBodyLimit } from "../src/pipeline/body.js";
import { controlEndpoints } from "../src/pipeline/control.js";
import { cors } from "../src/pipeline/cors.js";
import { oneCredential } from "../src/pipeline/credentials.js";
import type { ErrorShape } from "../src/pipeline/error-shape.js";
import type { Exchange, Guard } from "../src/pipeline/exchange.js";
import { fastPath } from "../src/pipeline/fast.js";
import { faultInjection } from "../src/pipeline/fault-injection.js";
import { requestHandler } from "../src/pipeline/index.js";
import type { PrismResult } from "../src/pipeline/prism.js";
import { queryCheck } from "../src/pipeline/query.js";
import { routeIndex, router, type Route, type RouteTable } from "../src/pipeline/route.js";
import { stateful } from "../src/pipeline/stateful.js";
import { violationRecorder } from "../src/pipeline/violations.js";
import type { State } from "../src/state.js";

const shape: ErrorShape = (status, message) => ({ status, body: { status, message } });
const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Serves `stages` (then 299 "passed") and returns a fetch against it, plus the last exchange. */
async function serveStages(stages: Guard[], prepare: (exchange: Exchange) => void = () => {}) {
  let last: Exchange | undefined;
  const passed: Guard = (exchange) => {
    last = exchange;
    exchange.res.writeHead(299, { "content-type": "application/json" }).end(JSON.stringify({ passed: true }));
    return true;
  };
  const handle = requestHandler(
    { before: [(e) => (prepare(e), false)], route: () => false, guards: stages, responders: [passed] },
    shape,
  );
  const server = createServer((req: IncomingMessage, res: ServerResponse) => handle(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    call: async (path: string, init: RequestInit = {}) => {
      const response = await fetch(base + path, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    last: () => last,
  };
}

const route = (over: Partial<Route> = {}): Route =>
  ({
    entry: { key: "GET /things/{id}", path: "/things/{id}" },
    method: "get",
    regex: /^\/things\/[^/]+$/,
    specificity: 1,
    security: [],
    errorShape: shape,
    statuses: ["200", "404"],
    conditional: () => new Map(),
    ...over,
  }) as unknown as Route;

describe("the handler", () => {
  it("stops at the first stage that answers, and turns a stage's exception into a 500 in the API's shape", async () => {
    const seen: string[] = [];
    const mark =
      (name: string, answers = false): Guard =>
      (e) => (seen.push(name), answers ? (e.res.writeHead(204).end(), true) : false);
    const { call } = await serveStages([mark("a"), mark("b", true), mark("c")]);
    expect((await call("/x")).status).toBe(204);
    expect(seen).toEqual(["a", "b"]);
    const failing = await serveStages([() => Promise.reject(new Error("boom"))]);
    expect(await failing.call("/x")).toMatchObject({ status: 500, body: { message: "mock: boom" } });
  });
});

describe("guards", () => {
  it("control: health, the violation log and its clearing; other paths pass", async () => {
    const violations = violationRecorder(2);
    for (const n of [1, 2, 3])
      violations.record({
        side: "request",
        method: "GET",
        path: `/${n}`,
        status: 400,
        location: "request.query",
        message: "bad",
      });
    const { call } = await serveStages([
      controlEndpoints({ health: () => ({ fastPath: { on: true } }), state: undefined, violations }),
    ]);
    expect((await call("/__mock/health")).body).toEqual({ ok: true, fastPath: { on: true } });
    expect((await call("/__mock/violations")).body).toMatchObject({
      total: 3,
      dropped: 1,
      violations: [{ path: "/2" }, { path: "/3" }],
    });
    expect((await call("/__mock/violations", { method: "DELETE", headers: { "x-mock-control": "1" } })).status).toBe(
      204,
    );
    expect((await call("/__mock/violations")).body).toEqual({ total: 0, dropped: 0, violations: [] });
    expect((await call("/__mock/reset", { method: "POST", headers: { "x-mock-control": "1" } })).status).toBe(409);
    expect((await call("/__mock/other")).status).toBe(299);
  });

  it("cors: answers a preflight, and marks other answers for any origin", async () => {
    const { call } = await serveStages([cors]);
    const preflight = await call("/x", {
      method: "OPTIONS",
      headers: { origin: "http://app.test", "access-control-request-method": "PUT" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("PUT");
    const plain = await call("/x", { headers: { origin: "http://app.test" } });
    expect(plain.status).toBe(299);
    expect(plain.headers.get("access-control-allow-origin")).toBe("http://app.test");
  });

  it("body: a declared length over the limit gets 413 before reading; a read one is parsed, bad JSON is 400", async () => {
    const { call, last } = await serveStages([declaredBodyLimit(10, shape), bodyReader(10, () => shape, shape)]);
    const big = await call("/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ long: "value" }),
    });
    expect(big).toMatchObject({ status: 413, body: { message: expect.stringMatching(/limit of 10 bytes/) } });
    expect(big.headers.get("connection")).toBe("close");
    expect(
      (await call("/x", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' })).status,
    ).toBe(299);
    expect(last()!.body).toEqual({ a: 1 });
    expect(
      await call("/x", { method: "POST", headers: { "content-type": "application/json" }, body: "{no" }),
    ).toMatchObject({ status: 400, body: { message: "The request body is not valid JSON." } });
    await call("/x", { method: "POST", headers: { "content-type": "text/plain" }, body: "a=1" });
    expect(last()!.body).toBe("a=1");
  });

  it("route: the most specific route for the method; a path that is not percent-encoding gets 400", async () => {
    const general = route();
    const specific = route({
      entry: { key: "GET /things/mine", path: "/things/mine" } as Route["entry"],
      regex: /^\/things\/mine$/,
      specificity: 2,
    });
    const table: RouteTable = { routes: [general, specific], find: routeIndex([general, specific]) };
    const { call, last } = await serveStages([router(table, shape)]);
    await call("/things/mine");
    expect(last()!.route).toBe(specific);
    expect(last()!.candidates).toEqual([general, specific]);
    await call("/things/7");
    expect(last()!.route).toBe(general);
    await call("/nothing");
    expect(last()!.route).toBeUndefined();
    expect((await call("/things/%E0%A4%A")).status).toBe(400);
  });

  it("faults: a failure rate of 1 fails every request with 503; a bad Prefer delay is 400; an undocumented Prefer code is forced", async () => {
    const failing = await serveStages([
      faultInjection({
        faults: faultInjector({ failureRate: 1, seed: 1 }),
        failureRate: 1,
        seed: 1,
        proxied: false,
        shapeOf: () => shape,
      }),
    ]);
    expect(await failing.call("/x")).toMatchObject({
      status: 503,
      body: { message: expect.stringMatching(/failure rate 1, seed 1/) },
    });
    const quiet = await serveStages(
      [
        faultInjection({
          faults: faultInjector({ seed: 1 }),
          failureRate: undefined,
          seed: 1,
          proxied: false,
          shapeOf: () => shape,
        }),
      ],
      (e) => (e.route = route()),
    );
    expect((await quiet.call("/x")).status).toBe(299);
    expect((await quiet.call("/x", { headers: { prefer: "delay=soon" } })).status).toBe(400);
    expect((await quiet.call("/x", { headers: { prefer: "code=503" } })).status).toBe(503);
    expect((await quiet.call("/x", { headers: { prefer: "code=404" } })).status).toBe(299); // documented: Prism's to answer
  });

  it("credentials: two alternatives at once get 401 naming both; one passes", async () => {
    const security = [
      [{ key: "apikey", type: "apiKey", in: "header", name: "apikey" }],
      [{ key: "bearer", type: "http", scheme: "bearer" }],
    ];
    const { call } = await serveStages([oneCredential], (e) => (e.route = route({ security } as Partial<Route>)));
    expect((await call("/x", { headers: { apikey: "k" } })).status).toBe(299);
    expect(await call("/x", { headers: { apikey: "k", authorization: "Bearer t" } })).toMatchObject({
      status: 401,
      body: { message: expect.stringMatching(/apikey and bearer/) },
    });
  });

  it("query: a bad nested query is 400, or logged and forwarded in proxy mode", async () => {
    const checkQuery = (query: URLSearchParams) => (query.has("filter[x]") ? "filter[x]: unknown field" : undefined);
    const violations = violationRecorder();
    const strict = await serveStages(
      [queryCheck({ forwardInvalid: false, violations })],
      (e) => (e.route = route({ checkQuery })),
    );
    expect(await strict.call("/x?filter[x]=1")).toMatchObject({
      status: 400,
      body: { message: "filter[x]: unknown field" },
    });
    expect((await strict.call("/x?ok=1")).status).toBe(299);
    const proxy = await serveStages(
      [queryCheck({ forwardInvalid: true, violations })],
      (e) => (e.route = route({ checkQuery })),
    );
    expect((await proxy.call("/x?filter[x]=1")).status).toBe(299);
    expect(violations.log().violations).toMatchObject([
      { location: "request.query", message: "filter[x]: unknown field" },
    ]);
  });
});

describe("responders", () => {
  const acceptedResult: PrismResult = {
    _tag: "Right",
    right: {
      output: { statusCode: 200, headers: { "content-type": "application/json" }, body: { from: "prism" } },
      validations: { input: [], output: [] },
    },
  };
  const refusedResult: PrismResult = {
    _tag: "Right",
    right: {
      output: { statusCode: 422, body: {} },
      validations: { input: [{ severity: 0, code: "type", message: "bad" }], output: [] },
    },
  };

  it("stateful: answers from the state once the request is known valid; leaves refused ones to Prism", async () => {
    const state = { answer: async () => ({ status: 202, body: { id: 1 } }), reset: () => {} } as State;
    let result = acceptedResult;
    const { call } = await serveStages(
      [stateful({ state, fastVerdictOf: () => undefined, prismResultOf: async () => result })],
      (e) => (e.route = route()),
    );
    expect(await call("/x")).toMatchObject({ status: 202, body: { id: 1 } });
    result = refusedResult;
    expect((await call("/x")).status).toBe(299);
  });

  it("fast path: stores Prism's answer to the first valid request and serves it; takes a route off when Prism refuses what it cleared", async () => {
    let result = acceptedResult;
    let prismAsked = 0;
    const answers = new Map<string, StoredAnswer>();
    const fast = fastPath({
      on: true,
      doc: {},
      compile: () => () => true,
      compileQuery: () => () => true,
      prismResultOf: async () => (prismAsked++, result),
      preparedAnswer: () => undefined,
      serialize: (body) => JSON.stringify(body),
    });
    const r = route();
    const { call } = await serveStages([fast.responder], (e) => {
      e.route = r;
      // The verdict the check would give (src/fast-path.ts is tested on its own): valid.
      e.fast = answers.has("x") ? { answer: answers.get("x")! } : { store: (a) => answers.set("x", a) };
    });
    expect(await call("/x")).toMatchObject({ status: 200, body: { from: "prism" } });
    expect(await call("/x")).toMatchObject({ status: 200, body: { from: "prism" } });
    expect(prismAsked).toBe(1);
    expect(fast.health()).toMatchObject({ stored: 1, answered: 1, off: [] });
    answers.clear();
    result = refusedResult;
    expect((await call("/x")).status).toBe(299);
    expect(fast.health().off).toEqual(["GET /things/{id}"]);
  });

  it("fast path: the build's prepared answer for the request's Accept header is stored and served without asking Prism", async () => {
    let prismAsked = 0;
    const asked: [string, string][] = [];
    const answers = new Map<string, StoredAnswer>();
    const fast = fastPath({
      on: true,
      doc: {},
      compile: () => () => true,
      compileQuery: () => () => true,
      prismResultOf: async () => (prismAsked++, acceptedResult),
      preparedAnswer: (operation, accept) => {
        asked.push([operation, accept]);
        return accept === "*/*"
          ? { status: 201, headers: [["content-type", "application/json"]], body: '{"from":"build"}' }
          : undefined;
      },
      serialize: (body) => JSON.stringify(body),
    });
    const r = route();
    const { call } = await serveStages([fast.responder], (e) => {
      e.route = r;
      const accept = e.req.headers.accept ?? "";
      e.fast = answers.has(accept) ? { answer: answers.get(accept)! } : { store: (a) => answers.set(accept, a) };
    });
    expect(await call("/x", { headers: { accept: "*/*" } })).toMatchObject({ status: 201, body: { from: "build" } });
    expect(await call("/x", { headers: { accept: "*/*" } })).toMatchObject({ status: 201, body: { from: "build" } });
    expect(prismAsked).toBe(0);
    expect(asked).toEqual([["GET /things/{id}", "*/*"]]);
    // No prepared answer for this Accept header: Prism's turn.
    expect(await call("/x", { headers: { accept: "application/xml" } })).toMatchObject({
      status: 200,
      body: { from: "prism" },
    });
    expect(prismAsked).toBe(1);
    expect(fast.health()).toMatchObject({ stored: 2, answered: 1, off: [] });
  });
});

describe("options", () => {
  it("one table gives the flags, the usage and the checks", () => {
    const flags = Object.values(MOCK_OPTIONS).flatMap((o) => ("flag" in o && o.flag ? [o.flag] : []));
    const text = usage();
    for (const flag of flags) expect(text).toContain(`--${flag}`);
    expect(Object.keys(parseArgsConfig()).sort()).toEqual([...flags, "help", "version"].sort());
  });

  it("reads a command line into the options startMock() takes", () => {
    const options = optionsFromArgs({ api: "daftra", port: "0", stateful: true, delay: "100-200", "max-body": "5" });
    expect(options).toMatchObject({
      api: "daftra",
      port: 0,
      host: "127.0.0.1",
      stateful: true,
      delayMs: { min: 100, max: 200 },
      maxBodyBytes: 5,
    });
    expect(() => optionsFromArgs({ port: "x" })).toThrow(/--port must be an integer from 0 to 65535, got "x"/);
    expect(() => optionsFromArgs({ stateful: true, proxy: "http://127.0.0.1:9" })).toThrow(
      /--stateful and --proxy cannot be combined/,
    );
  });

  it("checks the options of the API by their property names", () => {
    expect(() => checkOptions({ port: 70000 })).toThrow(/port must be an integer from 0 to 65535/);
    expect(() => checkOptions({ stateful: "yes" as unknown as boolean })).toThrow(/stateful must be a boolean/);
    expect(() => checkOptions({ refuseInvalid: true })).toThrow(/refuseInvalid needs upstream/);
    expect(() => checkOptions({ maxBodyBytes: 1024, seed: 3, host: "::1" })).not.toThrow();
  });
});
