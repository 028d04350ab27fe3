// Retries, time limits and typed errors, with an injected fetch.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createDaftraClient,
  ApiError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  type DaftraClientOptions,
} from "../src/index.js";
import { fakeServer, json, networkError, type Handler } from "./helpers.js";

const baseUrl = "https://acme.daftra.com";
const ok = () => json({ code: 200, result: "successful", data: { Site: { id: 1 } } });
const created = () => json({ code: 202, result: "successful", id: 7 }, 202);
const fast = { minDelayMs: 1, maxDelayMs: 2 };

function setup(handler: Handler, options: Partial<DaftraClientOptions> = {}) {
  const server = fakeServer(handler);
  const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "key-123456" }, fetch: server.fetch, retry: fast, ...options });
  return { server, daftra };
}
const createClientBody = { body: { Client: { business_name: "x" } } };

describe("retries", () => {
  it("retries a GET on 503 and returns the success", async () => {
    const { server, daftra } = setup((_r, n) => (n < 3 ? json({ message: "down" }, 503) : ok()));
    const { response } = await daftra.GET("/api2/site_info.json");
    expect(response.status).toBe(200);
    expect(server.count()).toBe(3);
  });

  it.each([408, 429, 500, 502, 504])("retries a GET on %i", async (status) => {
    const { server } = setup((_r, n) => (n === 1 ? json({ message: "x" }, status) : ok()));
    const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "key-123456" }, fetch: server.fetch, retry: fast });
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(200);
  });

  it("does not repeat a POST that got a 503: the invoice may exist already", async () => {
    const { server, daftra } = setup(() => json({ message: "down" }, 503));
    const { response } = await daftra.POST("/api2/clients.json", createClientBody);
    expect(response.status).toBe(503);
    expect(server.count()).toBe(1);
  });

  it("does not repeat a POST whose connection was reset (it may have arrived)", async () => {
    const { server, daftra } = setup(() => {
      throw networkError("ECONNRESET");
    });
    await expect(daftra.POST("/api2/clients.json", createClientBody)).rejects.toBeInstanceOf(ConnectionError);
    expect(server.count()).toBe(1);
  });

  it("repeats a POST whose connection was refused (it never arrived), with the same body", async () => {
    const { server, daftra } = setup((_r, n) => {
      if (n === 1) throw networkError("ECONNREFUSED");
      return created();
    });
    const { data } = await daftra.POST("/api2/clients.json", createClientBody);
    expect(data).toMatchObject({ id: 7 });
    expect(server.count()).toBe(2);
    expect(await server.requests[1]!.json()).toEqual(createClientBody.body);
  });

  it("recognises a real refused connection (undici's error, no stub)", async () => {
    // A port on 127.0.0.1 that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    let attempts = 0;
    const daftra = createDaftraClient({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { apiKey: "key-123456" },
      retry: fast,
      fetch: (request, init) => (attempts++, fetch(request, init)),
    });
    await expect(daftra.POST("/api2/clients.json", createClientBody)).rejects.toBeInstanceOf(ConnectionError);
    expect(attempts).toBe(3);
  });

  it("repeats a POST on 429", async () => {
    const { server, daftra } = setup((_r, n) => (n === 1 ? json({ message: "slow down" }, 429) : created()));
    expect((await daftra.POST("/api2/clients.json", createClientBody)).response.status).toBe(202);
    expect(server.count()).toBe(2);
  });

  it("waits as long as Retry-After says instead of its own backoff", async () => {
    // With random() = 1 and a 60 s base, the backoff would wait a minute; Retry-After says 50 ms.
    const server = fakeServer((_r, n) => (n === 1 ? json({ message: "slow down" }, 429, { "retry-after": "0.05" }) : ok()));
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch, retry: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    const started = Date.now();
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("returns the 429 when Retry-After is longer than the cap", async () => {
    const { server, daftra } = setup(() => json({ message: "slow down" }, 429, { "retry-after": "3600" }));
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(429);
    expect(server.count()).toBe(1);
  });

  it("stops after the configured number of retries", async () => {
    const { server, daftra } = setup(() => json({ message: "down" }, 500), { retry: { ...fast, retries: 4 } });
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(500);
    expect(server.count()).toBe(5);
  });

  it("can be turned off", async () => {
    const { server, daftra } = setup(() => json({ message: "down" }, 500), { retry: false });
    await daftra.GET("/api2/site_info.json");
    expect(server.count()).toBe(1);
  });

  it("stops waiting as soon as the caller aborts", async () => {
    const { daftra } = setup(() => json({ message: "down" }, 503), { retry: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    await expect(daftra.GET("/api2/site_info.json", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    [{ timeoutMs: -1 }, /timeoutMs must be a number >= 0/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number >= 0/],
    [{ retry: { retries: -2 } }, /retry.retries must be a number >= 0/],
  ])("refuses %j when the client is created", (options, message) => {
    expect(() => createDaftraClient({ baseUrl, ...(options as object) })).toThrow(message);
  });
});

// Never answers; gives up when the attempt's signal (passed in init, as to fetch) aborts, or at
// once when it already has (a busy machine may run the handler after the abort).
const hang: Handler = (request, _n, init) => {
  const signal = init?.signal ?? request.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
};

describe("time limits", () => {
  it("gives up an attempt after timeoutMs and retries a GET", async () => {
    const { server, daftra } = setup((r, n, init) => (n === 1 ? hang(r, n, init) : ok()), { timeoutMs: 40 });
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(200);
    expect(server.count()).toBe(2);
  });

  it("does not retry a POST that timed out, and says so with a typed error", async () => {
    const { server, daftra } = setup(hang, { timeoutMs: 40 });
    const error = await daftra.POST("/api2/clients.json", createClientBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 40, scope: "attempt", attempts: 1, method: "POST", path: "/api2/clients.json" });
    expect(server.count()).toBe(1);
  });

  it("bounds the whole call, retries included, with totalTimeoutMs", async () => {
    const { daftra } = setup(hang, { timeoutMs: 1_000, totalTimeoutMs: 80, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 2 } });
    const started = Date.now();
    await expect(daftra.GET("/api2/site_info.json")).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("honours the caller's AbortSignal", async () => {
    const { daftra } = setup(hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(daftra.GET("/api2/site_info.json", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("typed errors", () => {
  const throwing = (handler: Handler) => setup(handler, { throwOnError: true, retry: false }).daftra;

  it("returns { error } by default, like openapi-fetch", async () => {
    const { daftra } = setup(() => json({ result: "failed", code: 404, message: "Item not found" }, 404));
    const { data, error } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 9 } } });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ code: 404, message: "Item not found" });
  });

  it("throws a validation error with the field map when asked to", async () => {
    const daftra = throwing(() => json({ result: "failed", code: 400, message: "Bad Request", validation_errors: { business_name: "required" } }, 400));
    const error = await daftra.POST("/api2/clients.json", createClientBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, method: "POST", path: "/api2/clients.json", fields: { business_name: "required" } });
    expect((error as Error).message).toBe("POST /api2/clients.json: 400 Bad Request");
  });

  it.each([
    [401, "AuthenticationError"],
    [403, "PermissionError"],
    [404, "NotFoundError"],
    [429, "RateLimitError"],
    [500, "ServerError"],
    [503, "ServerError"],
    [418, "ApiError"],
  ])("maps %i to %s", async (status, name) => {
    const daftra = throwing(() => json({ result: "failed", code: status, message: "nope" }, status, { "retry-after": "7" }));
    const error = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 9 } } }).catch((e: unknown) => e);
    expect((error as Error).name).toBe(name);
    expect(error).toMatchObject({ status, path: "/api2/clients/9.json" });
    if (status === 429) expect((error as RateLimitError).retryAfterMs).toBe(7000);
    if (status === 404) expect(error).toBeInstanceOf(NotFoundError);
    if (status >= 500) expect(error).toBeInstanceOf(ServerError);
  });

  it("turns a network failure into a ConnectionError with its cause", async () => {
    const { daftra } = setup(() => {
      throw networkError("ENOTFOUND");
    }, { retry: false });
    const error = await daftra.GET("/api2/site_info.json").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^GET \/api2\/site_info\.json: no answer, 1 attempt/);
  });

  it("never shows a credential, even when the server echoes it", async () => {
    const secrets = ["key-123456", "tok-abcdef", "pw-secret-1", "cs-secret-2"];
    const echo: Handler = (r) => json({ result: "failed", code: 400, message: `bad key ${r.headers.get("apikey")} / ${r.headers.get("authorization")}`, validation_errors: { apikey: `${r.headers.get("apikey")}` } }, 400);
    for (const auth of [{ apiKey: secrets[0]! }, { accessToken: secrets[1]! }]) {
      const daftra = setup(echo, { auth, throwOnError: true, retry: false }).daftra;
      const error = await daftra.GET("/api2/site_info.json").catch((e: unknown) => e);
      const seen = [String((error as Error).message), String((error as Error).stack), JSON.stringify(error), inspect(error, { depth: 10 })].join("\n");
      for (const secret of secrets) expect(seen).not.toContain(secret);
      expect(seen).toContain("[redacted]");
    }
  });
});
