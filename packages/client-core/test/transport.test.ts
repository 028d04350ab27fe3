// The transport, through createApiClient and openapi-fetch, against a scripted server on
// 127.0.0.1: retries, time limits, caller signals, the redirect policy, body checks, bounded
// error bodies, typed errors. Each client's own behaviour (credentials, error bodies, hosts) is
// tested in its package through @mizan/testing/runtime.
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  createTransport,
} from "../src/index.js";
import { cut, fast, testClient } from "./server.js";
import { failure, shown } from "@mizan/test-helpers/errors";
import { ScriptedServer, json } from "@mizan/test-helpers/scripted-server";

const a = new ScriptedServer();
const b = new ScriptedServer(); // another origin: another port
beforeAll(async () => {
  await a.start();
  await b.start();
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

const getItem = (client: ReturnType<typeof testClient>, init: Record<string, unknown> = {}) =>
  client.GET("/items/{id}", { params: { path: { id: 1 } }, ...init });
const postItem = (client: ReturnType<typeof testClient>, init: Record<string, unknown> = {}) =>
  client.POST("/items", { body: { name: "x" }, ...init });

describe("retries", () => {
  it("retries a GET after 503 and returns the success", async () => {
    a.script((_req, res, _b, n) => (n < 3 ? json(res, 503, { message: "down" }) : json(res, 200, { id: 1 })));
    const { data, response } = await getItem(testClient(a.url));
    expect(response.status).toBe(200);
    expect(data).toEqual({ id: 1 });
    expect(a.count()).toBe(3);
  });

  it.each([408, 429, 500, 502, 504])("retries a GET on %i", async (status) => {
    a.script((_req, res, _b, n) => (n === 1 ? json(res, status, { message: "x" }) : json(res, 200, { id: 1 })));
    expect((await getItem(testClient(a.url))).response.status).toBe(200);
    expect(a.count()).toBe(2);
  });

  it("does not repeat a POST that got a 503: the record may exist already", async () => {
    a.script((_req, res) => json(res, 503, { message: "down" }));
    expect((await postItem(testClient(a.url))).response.status).toBe(503);
    expect(a.count()).toBe(1);
  });

  it("repeats a POST on 429, with the same body", async () => {
    a.script((_req, res, _b, n) => (n === 1 ? json(res, 429, { message: "slow down" }) : json(res, 201, { id: 7 })));
    expect((await postItem(testClient(a.url))).data).toEqual({ id: 7 });
    expect(a.received.map((r) => r.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
  });

  it("stops after the configured number of retries, and can be turned off", async () => {
    a.script((_req, res) => json(res, 500, { message: "down" }));
    expect((await getItem(testClient(a.url, { retry: { ...fast, retries: 4 } }))).response.status).toBe(500);
    expect(a.count()).toBe(5);
    a.script((_req, res) => json(res, 500, { message: "down" }));
    await getItem(testClient(a.url, { retry: false }));
    expect(a.count()).toBe(1);
  });

  it("waits at least as long as Retry-After says, even when its backoff is shorter", async () => {
    a.script((_req, res, _b, n) =>
      n === 1 ? json(res, 429, { message: "slow down" }, { "retry-after": "0.3" }) : json(res, 200, { id: 1 }),
    );
    const started = Date.now();
    expect((await getItem(testClient(a.url))).response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
  });

  it("returns the 429 when Retry-After is longer than maxRetryAfterMs", async () => {
    a.script((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": "3600" }));
    expect((await getItem(testClient(a.url))).response.status).toBe(429);
    expect(a.count()).toBe(1);
  });

  it.each(["-5", "Thu, 01 Jan 1970 00:00:00 GMT", "0"])(
    "never retries faster than its backoff (Retry-After: %s)",
    async (retryAfter) => {
      a.script((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": retryAfter }));
      // random() = 1: the backoff waits its cap, 100 ms then 200 ms.
      const client = testClient(a.url, {
        retry: { retries: 2, minDelayMs: 100, maxDelayMs: 1000 },
        random: () => 1,
      } as never);
      const started = Date.now();
      expect((await getItem(client)).response.status).toBe(429);
      expect(a.count()).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    },
  );

  it("gives the 429 as a RateLimitError at once when Retry-After outlasts totalTimeoutMs", async () => {
    a.script((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": "30" }));
    const error = await failure(getItem(testClient(a.url, { totalTimeoutMs: 2_000, throwOnError: true })));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 30_000 });
    expect(a.count()).toBe(1);
    // Without throwOnError: the 429 itself, not a TimeoutError.
    a.script((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": "30" }));
    const { error: body, response } = await getItem(testClient(a.url, { totalTimeoutMs: 2_000 }));
    expect(response.status).toBe(429);
    expect(body).toEqual({ message: "slow down" });
  });

  it("stops waiting as soon as the caller aborts", async () => {
    a.script((_req, res) => json(res, 503, { message: "down" }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const error = await failure(
      getItem(testClient(a.url, { retry: { minDelayMs: 60_000, maxDelayMs: 60_000 } }), { signal: controller.signal }),
    );
    expect(error?.name).toBe("AbortError");
    // Generous: far below the 60 s the backoff would wait, whatever the machine's load.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([
    [{ timeoutMs: -1 }, /timeoutMs must be a number >= 0/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number >= 0/],
    [{ retry: { retries: -2 } }, /retry.retries must be a number >= 0/],
  ])("refuses %j when the client is created", (options, message) => {
    expect(() => testClient(a.url, options as never)).toThrow(message);
  });
});

describe("connection failures", () => {
  /** An error of the shape undici gives when a connection fails. */
  const networkError = (code: string) =>
    new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }) });
  const failing = (codes: string[]) => {
    const sent: Request[] = [];
    const fetch = async (request: Request) => {
      sent.push(request.clone());
      const code = codes[sent.length - 1];
      if (code) throw networkError(code);
      return new Response('{"id":7}', { status: 201, headers: { "content-type": "application/json" } });
    };
    return { sent, fetch };
  };

  it("does not repeat a POST whose connection was reset (it may have arrived)", async () => {
    const { sent, fetch } = failing(["ECONNRESET", "ECONNRESET", "ECONNRESET"]);
    expect(await failure(postItem(testClient("https://api.example.test", { fetch })))).toBeInstanceOf(ConnectionError);
    expect(sent).toHaveLength(1);
  });

  it("repeats a POST whose connection was refused (it never arrived), with the same body", async () => {
    const { sent, fetch } = failing(["ECONNREFUSED"]);
    expect((await postItem(testClient("https://api.example.test", { fetch }))).data).toEqual({ id: 7 });
    expect(await Promise.all(sent.map((r) => r.text()))).toEqual(['{"name":"x"}', '{"name":"x"}']);
  });

  it("recognises a real refused connection (undici's error, no stub)", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    let attempts = 0;
    const client = testClient(`http://127.0.0.1:${port}`, {
      fetch: (request, init) => (attempts++, fetch(request, init)),
    });
    const error = await failure(postItem(client));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.message).toMatch(/^POST \/items: no answer, 3 attempt\(s\)/);
    expect(attempts).toBe(3);
  });
});

// Never answers; gives up when the attempt's signal aborts.
const hang = () => undefined;

describe("time limits and signals", () => {
  it("gives up an attempt after timeoutMs and retries a GET", async () => {
    a.script((_req, res, _b, n) => (n === 1 ? hang() : json(res, 200, { id: 1 })));
    expect((await getItem(testClient(a.url, { timeoutMs: 100 }))).response.status).toBe(200);
    expect(a.count()).toBe(2);
  });

  it("raises TimeoutError after the attempt's limit, saying how many attempts ran", async () => {
    a.script(hang);
    const error = await failure(
      getItem(testClient(a.url, { timeoutMs: 50, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ scope: "attempt", attempts: 2, timeoutMs: 50, method: "GET", path: "/items/1" });
    expect(error?.message).toMatch(/^GET \/items\/1: timed out: timeoutMs 50 ms, 2 attempt\(s\), \d+ ms$/);
  });

  it("does not retry a POST that timed out", async () => {
    a.script(hang);
    const error = await failure(postItem(testClient(a.url, { timeoutMs: 50 })));
    expect(error).toMatchObject({ name: "TimeoutError", scope: "attempt", attempts: 1, method: "POST" });
    expect(a.count()).toBe(1);
  });

  it("bounds the whole call, retries included, with totalTimeoutMs", async () => {
    a.script(hang);
    const started = Date.now();
    const error = await failure(
      getItem(
        testClient(a.url, {
          timeoutMs: 5_000,
          totalTimeoutMs: 120,
          retry: { retries: 10, minDelayMs: 1, maxDelayMs: 2 },
        }),
      ),
    );
    expect(error).toMatchObject({ name: "TimeoutError", scope: "call", timeoutMs: 120 });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("reports a body slower than timeoutMs as a TimeoutError of the attempt, downloaded once", async () => {
    a.script((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
      res.write('{"id": 1, "name": "');
    });
    const error = await failure(getItem(testClient(a.url, { timeoutMs: 150 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ scope: "attempt", timeoutMs: 150, attempts: 1 });
    expect(a.count()).toBe(1);
  });

  it.each(["GET", "PATCH", "HEAD", "OPTIONS"])("honours the caller's signal on %s", async (method) => {
    a.script(hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await failure(
      testClient(a.url).request(
        method as "get",
        "/items/{id}" as never,
        { params: { path: { id: 1 } }, signal: controller.signal } as never,
      ),
    );
    expect(error?.name).toBe("AbortError");
  });

  it("ends the wait for a token when the caller's signal aborts", async () => {
    a.script((_req, res) => json(res, 200, { id: 1 }));
    const slowToken = { get: () => new Promise<string>(() => undefined) };
    const client = testClient(a.url, { credentials: { token: slowToken } });
    const error = await failure(getItem(client, { signal: AbortSignal.timeout(50) }));
    expect(error?.name).toBe("TimeoutError"); // AbortSignal.timeout's own DOMException
    expect(error).not.toBeInstanceOf(ApiError);
    expect(a.count()).toBe(0);
  });

  it("ends the wait for a token at totalTimeoutMs", async () => {
    const slowToken = { get: () => new Promise<string>(() => undefined) };
    const error = await failure(getItem(testClient(a.url, { credentials: { token: slowToken }, totalTimeoutMs: 80 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ scope: "call", timeoutMs: 80, attempts: 0 });
  });

  it("ends the wait for a renewed token after a 401 when the caller's signal aborts", async () => {
    a.script((_req, res) => json(res, 401, { message: "expired" }));
    const token = { get: async () => "tok-old-1", renew: () => new Promise<string>(() => undefined) };
    const controller = new AbortController();
    const pending = failure(getItem(testClient(a.url, { credentials: { token } }), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending)?.name).toBe("AbortError");
  }, 10_000);
});

describe("redirects", () => {
  it.each([301, 302, 303, 307, 308])("never carries a credential or body to another origin on a %i", async (status) => {
    b.script((_req, res) => json(res, 200, {}));
    a.script((_req, res) => void res.writeHead(status, { location: `${b.url}/elsewhere?key=1` }).end());
    for (const call of [getItem, postItem]) {
      const error = await failure(call(testClient(a.url)));
      expect(error).toMatchObject({ name: "RedirectError", status, location: `${b.url}/elsewhere` });
    }
    expect(b.received).toEqual([]);
  });

  it("does not follow a redirect on the same origin either", async () => {
    a.script((req, res) =>
      req.url?.startsWith("/moved") ? json(res, 200, {}) : void res.writeHead(307, { location: "/moved" }).end(),
    );
    expect(await failure(getItem(testClient(a.url)))).toMatchObject({
      name: "RedirectError",
      status: 307,
      location: `${a.url}/moved`,
    });
    expect(a.count()).toBe(1);
  });

  it("keeps a credential the server puts in the Location out of the error", async () => {
    a.script((req, res) => void res.writeHead(302, { location: `/login/${req.headers["x-api-key"]}` }).end());
    const error = await failure(getItem(testClient(a.url)));
    expect(error?.name).toBe("RedirectError");
    expect(shown(error)).not.toContain("key-123456");
  });
});

describe("bodies", () => {
  it("raises ResponseParseError for a 2xx with truncated JSON", async () => {
    a.script((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"data": {"id": 1'));
    expect(await failure(getItem(testClient(a.url)))).toMatchObject({
      name: "ResponseParseError",
      status: 200,
      method: "GET",
    });
  });

  it.each([
    ["with", true],
    ["without", false],
  ])(
    "raises ResponseParseError, credentials removed, for a 200 text/html %s Content-Length",
    async (_w, withLength) => {
      a.script((req, res) => {
        const page = `<html><body>Welcome back! Your key ${req.headers["x-api-key"]} is ${"very ".repeat(10)}valid</body></html>`;
        res
          .writeHead(200, {
            "content-type": "text/html",
            ...(withLength ? { "content-length": Buffer.byteLength(page) } : {}),
          })
          .end(page);
      });
      const error = await failure(getItem(testClient(a.url)));
      expect(error?.name).toBe("ResponseParseError");
      expect(error).toMatchObject({ status: 200, method: "GET", path: "/items/1" });
      expect(shown(error)).not.toContain("key-123456");
    },
  );

  it("still reads a non-JSON body as text when asked to", async () => {
    a.script((_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>"));
    expect((await getItem(testClient(a.url), { parseAs: "text" })).data).toBe("<p>hi</p>");
  });

  it.each(["image/png", "application/octet-stream"])(
    "hands a %s body over byte for byte (blob, arrayBuffer, stream)",
    async (type) => {
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0xc3, 0x28]); // not UTF-8
      a.script((_req, res) => void res.writeHead(200, { "content-type": type }).end(bytes));
      const client = testClient(a.url);
      const blob = (await getItem(client, { parseAs: "blob" })).data as unknown as Blob;
      expect(Buffer.from(await blob.arrayBuffer())).toEqual(bytes);
      const buffer = (await getItem(client, { parseAs: "arrayBuffer" })).data as unknown as ArrayBuffer;
      expect(Buffer.from(buffer)).toEqual(bytes);
      const stream = (await getItem(client, { parseAs: "stream" })).data as unknown as ReadableStream;
      expect(Buffer.from(await new Response(stream).arrayBuffer())).toEqual(bytes);
    },
  );

  it("retries a GET whose body was cut, and raises ConnectionError for a cut POST", async () => {
    a.script((_req, res, _b, n) => (n === 1 ? cut(res) : json(res, 200, { id: 2 })));
    expect((await getItem(testClient(a.url))).data).toEqual({ id: 2 });
    expect(a.count()).toBe(2);
    a.script((_req, res) => cut(res));
    expect(await failure(postItem(testClient(a.url)))).toBeInstanceOf(ConnectionError);
    expect(a.count()).toBe(1);
  });

  it.each([500, 404])("never returns the %i that answers the retry of a cut GET as data", async (status) => {
    const script = () => a.script((_req, res, _b, n) => (n === 1 ? cut(res) : json(res, status, { message: "no" })));
    script();
    const { data, error, response } = await getItem(testClient(a.url, { retry: { ...fast, retries: 1 } }));
    expect(data).toBeUndefined();
    expect(error).toEqual({ message: "no" });
    expect(response.status).toBe(status);
    script();
    const thrown = await failure(getItem(testClient(a.url, { retry: { ...fast, retries: 1 }, throwOnError: true })));
    expect(thrown).toBeInstanceOf(status === 404 ? NotFoundError : ServerError);
    expect(thrown).toMatchObject({ status });
  });

  it("reads a huge error body only up to maxErrorBodyBytes", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    a.script((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      const pump = () => {
        while (sent < 200 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 200 * 1024 * 1024 && !res.destroyed) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    const error = await failure(
      getItem(testClient(a.url, { throwOnError: true, retry: false, maxErrorBodyBytes: 4096 })),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(String(error?.body).length).toBeLessThanOrEqual(4096);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('parseAs: "stream"', () => {
  // A body a caller streams is the server's own, not a copy read into memory first: the call
  // resolves once the head is in, the caller reads at its own pace, and its signal ends the read.
  const reader = (data: unknown) => (data as ReadableStream<Uint8Array>).getReader();
  const text = (chunk: Uint8Array | undefined) => Buffer.from(chunk ?? []).toString();

  it("resolves before the body has ended, and the stream gives the server's chunks as they come", async () => {
    let finish: (() => void) | undefined;
    a.script((_req, res) => {
      res.writeHead(200, { "content-type": "text/csv" });
      res.write("id,name\n");
      finish = () => res.end("1,Acme\n"); // the rest only once the caller has read the first chunk
    });
    const { data, response } = await getItem(testClient(a.url), { parseAs: "stream" });
    expect(response.status).toBe(200);
    const read = reader(data);
    expect(text((await read.read()).value)).toBe("id,name\n");
    finish!();
    let rest = "";
    for (let r = await read.read(); !r.done; r = await read.read()) rest += text(r.value);
    expect(rest).toBe("1,Acme\n");
  });

  it("ends the body's read when the caller's signal is aborted", async () => {
    a.script((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write("first");
    });
    const controller = new AbortController();
    const { data } = await getItem(testClient(a.url), { parseAs: "stream", signal: controller.signal });
    const read = reader(data);
    expect(text((await read.read()).value)).toBe("first");
    controller.abort(new Error("caller gave up"));
    expect(await failure(read.read())).toBeDefined();
  });

  it("leaves the body out of the attempt's time limit, which still covers the head", async () => {
    // A fetch that answers at once with a body the test feeds: the head is in before any timer
    // can fire, so only the body's wait is longer than the limit (50 ms, plus its 250 ms grain).
    let feed: ReadableStreamDefaultController<Uint8Array> | undefined;
    const fetch = async () =>
      new Response(new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) }), {
        headers: { "content-type": "application/octet-stream" },
      });
    const client = testClient("http://127.0.0.1:9", { fetch, timeoutMs: 50 });
    const { data } = await getItem(client, { parseAs: "stream" });
    await new Promise((resolve) => setTimeout(resolve, 600));
    feed!.enqueue(new TextEncoder().encode("late"));
    feed!.close();
    expect(await new Response(data as unknown as ReadableStream).text()).toBe("late");
    // Read as JSON instead, the same wait is past the attempt's limit.
    // (a fetch ends a body when its signal is aborted; this one does too)
    const slow = async (_request: Request, init?: RequestInit) =>
      new Response(
        new ReadableStream({
          start: (c) => init?.signal?.addEventListener("abort", () => c.error(init.signal?.reason)),
        }),
      );
    const error = await failure(
      getItem(testClient("http://127.0.0.1:9", { fetch: slow, timeoutMs: 50, retry: false })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("still reads an error body within its bound, as a typed error", async () => {
    a.script((_req, res) => json(res, 404, { message: "no such item" }));
    const { data, error, response } = await getItem(testClient(a.url), { parseAs: "stream" });
    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expect(error).toEqual({ message: "no such item" });
    const thrown = await failure(getItem(testClient(a.url, { throwOnError: true }), { parseAs: "stream" }));
    expect(thrown).toBeInstanceOf(NotFoundError);
  });

  it("retries a stream's call on 503 like any GET", async () => {
    a.script((_req, res, _b, n) =>
      n < 2 ? json(res, 503, { message: "down" }) : void res.writeHead(200, { "content-type": "text/plain" }).end("ok"),
    );
    const { data } = await getItem(testClient(a.url), { parseAs: "stream" });
    expect(await new Response(data as unknown as ReadableStream).text()).toBe("ok");
    expect(a.count()).toBe(2);
  });
});

describe("typed errors", () => {
  it("returns { error } by default, like openapi-fetch", async () => {
    a.script((_req, res) => json(res, 404, { message: "Item not found" }));
    const { data, error } = await getItem(testClient(a.url));
    expect(data).toBeUndefined();
    expect(error).toEqual({ message: "Item not found" });
  });

  it.each([
    [400, "ValidationError"],
    [401, "AuthenticationError"],
    [403, "PermissionError"],
    [404, "NotFoundError"],
    [422, "ValidationError"],
    [429, "RateLimitError"],
    [500, "ServerError"],
    [503, "ServerError"],
    [418, "ApiError"],
  ])("maps %i to %s, with status, method, path, request id and Retry-After", async (status, name) => {
    a.script((_req, res) => json(res, status, { message: "nope" }, { "retry-after": "7", "x-request-id": "req-42" }));
    const error = await failure(getItem(testClient(a.url, { throwOnError: true, retry: false })));
    expect(error?.name).toBe(name);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status,
      method: "GET",
      path: "/items/1",
      requestId: "req-42",
      retryAfterMs: 7000,
      message: `GET /items/1: ${status} nope`,
    });
  });

  it("never shows a credential, even when the server echoes it", async () => {
    a.script((req, res) =>
      json(
        res,
        400,
        { message: `bad key ${req.headers["x-api-key"]}` },
        { "x-echo": String(req.headers["x-api-key"]) },
      ),
    );
    const error = await failure(getItem(testClient(a.url, { throwOnError: true })));
    expect(shown(error)).not.toContain("key-123456");
    expect(shown(error)).toContain("[redacted]");
  });
});

describe("createTransport alone", () => {
  it("is a fetch: a Request in, a Response out", async () => {
    a.script((_req, res) => json(res, 200, { id: 3 }));
    const response = await createTransport()(new Request(`${a.url}/items/3`));
    expect(await response.json()).toEqual({ id: 3 });
  });
});
