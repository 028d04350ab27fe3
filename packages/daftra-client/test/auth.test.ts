// Authentication with an injected fetch: headers, token caching, renewal and replay.
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { createDaftraClient, InvalidArgumentError, type TokenSet, type TokenStore } from "../src/index.js";
import { fakeServer, isTokenRequest, json } from "./helpers.js";

const baseUrl = "https://acme.daftra.com";
const login = { username: "owner@acme.example", password: "pw-123456", clientId: "1", clientSecret: "secret-abcdef" };
const ok = () => json({ code: 200, result: "successful", data: { Site: { id: 1 } } });
const token = (accessToken: string, expiresIn = 3600, refresh = `refresh-of-${accessToken}`) =>
  json({ token_type: "Bearer", expires_in: expiresIn, access_token: accessToken, refresh_token: refresh });

describe("headers", () => {
  it("sends the API key as `apikey` and never an Authorization header", async () => {
    const server = fakeServer(ok);
    const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "key-1234" }, fetch: server.fetch });
    await daftra.GET("/api2/site_info.json", { headers: { Authorization: "Bearer stray" } });
    expect(server.requests[0]!.headers.get("apikey")).toBe("key-1234");
    expect(server.requests[0]!.headers.get("authorization")).toBeNull();
  });

  it("sends an access token as Bearer and never an apikey header", async () => {
    const server = fakeServer(ok);
    const daftra = createDaftraClient({ baseUrl, auth: { accessToken: "tok-1234" }, fetch: server.fetch });
    await daftra.GET("/api2/site_info.json", { headers: { apikey: "stray" } });
    expect(server.requests[0]!.headers.get("authorization")).toBe("Bearer tok-1234");
    expect(server.requests[0]!.headers.get("apikey")).toBeNull();
  });

  it("sends no credential to the token endpoint", async () => {
    const server = fakeServer(() => token("t1"));
    const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "key-1234" }, fetch: server.fetch });
    await daftra.POST("/v2/oauth/token", {
      body: { client_id: "1", client_secret: "s", grant_type: "password", username: "u", password: "p" },
    });
    expect(server.requests[0]!.headers.get("apikey")).toBeNull();
    expect(server.requests[0]!.headers.get("authorization")).toBeNull();
  });

  it.each([
    [{ apiKey: "a", accessToken: "b" }, /needs one of/],
    [{}, /needs one of/],
    [{ apiKey: "" }, /apiKey.*non-empty/],
    [{ username: "u", password: "p", clientId: "1" }, /clientSecret.*non-empty/],
    [{ getToken: "nope" }, /getToken.*function/],
  ])("refuses auth %j before sending anything", (auth, message) => {
    expect(() => createDaftraClient({ baseUrl, auth: auth as never })).toThrow(message);
  });
});

describe("credentials a header cannot carry", () => {
  it.each([
    [{ apiKey: "key-123456\r\nx-evil: 1" }, "auth.apiKey"],
    [{ accessToken: "tok-123456\n" }, "auth.accessToken"],
  ])("refuses %j when the client is created, naming the field, never the value", (auth, field) => {
    let error: unknown;
    try {
      createDaftraClient({ baseUrl, auth });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field });
    const seen = [
      String((error as Error).message),
      String((error as Error).stack),
      JSON.stringify(error),
      inspect(error),
    ].join("\n");
    expect(seen).not.toContain("123456");
  });
});

describe("password grant", () => {
  it("gets a token on first need (multipart, documented form) and reuses it", async () => {
    const server = fakeServer((r) => (isTokenRequest(r) ? token("t1") : ok()));
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch });
    await daftra.GET("/api2/site_info.json");
    await daftra.GET("/api2/site_info.json");
    expect(server.count(isTokenRequest)).toBe(1);
    const grant = server.requests[0]!;
    expect(grant.headers.get("content-type")).toMatch(/^multipart\/form-data/);
    const form = await grant.formData();
    expect(form.get("grant_type")).toBe("password");
    expect(form.get("username")).toBe(login.username);
    expect(server.requests[1]!.headers.get("authorization")).toBe("Bearer t1");
  });

  it("makes exactly one token request for 100 concurrent calls with an expired token", async () => {
    const expired: TokenSet = { accessToken: "old", refreshToken: "r-old", expiresAt: Date.now() - 1000 };
    const store: TokenStore = { get: () => expired, set: () => undefined };
    const server = fakeServer((r) => (isTokenRequest(r) ? token("fresh") : ok()));
    const daftra = createDaftraClient({ baseUrl, auth: { ...login, tokenStore: store }, fetch: server.fetch });
    const results = await Promise.all(Array.from({ length: 100 }, () => daftra.GET("/api2/site_info.json")));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(server.count(isTokenRequest)).toBe(1);
    expect(
      server.requests.filter((r) => !isTokenRequest(r)).every((r) => r.headers.get("authorization") === "Bearer fresh"),
    ).toBe(true);
  });

  it("renews with the refresh grant, and falls back to the password grant when that fails", async () => {
    const expired: TokenSet = { accessToken: "old", refreshToken: "r-old", expiresAt: Date.now() - 1000 };
    const grants: string[] = [];
    const server = fakeServer(async (r) => {
      if (!isTokenRequest(r)) return ok();
      const form = await r.formData();
      grants.push(String(form.get("grant_type")));
      return form.get("grant_type") === "refresh_token"
        ? json({ error: "invalid_grant", message: "expired" }, 400)
        : token("via-password");
    });
    const daftra = createDaftraClient({
      baseUrl,
      auth: { ...login, tokenStore: { get: () => expired, set: () => undefined } },
      fetch: server.fetch,
    });
    await daftra.GET("/api2/site_info.json");
    expect(grants).toEqual(["refresh_token", "password"]);
    expect(server.requests.at(-1)!.headers.get("authorization")).toBe("Bearer via-password");
  });

  it("does not ask for a new token on every call when tokens live less than a minute", async () => {
    const grants: string[] = [];
    const server = fakeServer(async (r) => {
      if (!isTokenRequest(r)) return ok();
      const grant = String((await r.formData()).get("grant_type"));
      grants.push(grant);
      return grant === "refresh_token" ? json({ message: "refused" }, 400) : token(`t${grants.length}`, 30);
    });
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch });
    for (let i = 0; i < 20; i++) await daftra.GET("/api2/site_info.json");
    expect(grants).toEqual(["password"]);
  });

  it("stops waiting for a slow token endpoint when the caller's signal or totalTimeoutMs ends the call", async () => {
    // The token endpoint answers after 8 s (or when its attempt's signal aborts).
    const server = fakeServer((r, _n, init) =>
      isTokenRequest(r)
        ? new Promise((resolve, reject) => {
            const timer = setTimeout(() => resolve(token("late")), 8_000);
            init?.signal?.addEventListener("abort", () => (clearTimeout(timer), reject(init.signal!.reason)));
          })
        : ok(),
    );
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch, timeoutMs: 20_000 });
    const started = Date.now();
    const aborted = await daftra
      .GET("/api2/site_info.json", { signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e);
    expect(aborted).toMatchObject({ name: "TimeoutError" });
    const limited = createDaftraClient({
      baseUrl,
      auth: login,
      fetch: server.fetch,
      timeoutMs: 20_000,
      totalTimeoutMs: 100,
    });
    expect(await limited.GET("/api2/site_info.json").catch((e: unknown) => e)).toMatchObject({
      name: "TimeoutError",
      scope: "call",
    });
    // Generous (shared CI machines): far below the 8 s the token endpoint takes.
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(server.count((r) => !isTokenRequest(r))).toBe(0);
  });

  it("shares tokens through the tokenStore", async () => {
    const saved: TokenSet[] = [];
    const server = fakeServer((r) => (isTokenRequest(r) ? token("t-shared") : ok()));
    const store: TokenStore = { get: () => saved.at(-1), set: (t) => void saved.push(t) };
    const first = createDaftraClient({ baseUrl, auth: { ...login, tokenStore: store }, fetch: server.fetch });
    const second = createDaftraClient({ baseUrl, auth: { ...login, tokenStore: store }, fetch: server.fetch });
    await first.GET("/api2/site_info.json");
    await second.GET("/api2/site_info.json");
    expect(server.count(isTokenRequest)).toBe(1);
    expect(saved[0]).toMatchObject({ accessToken: "t-shared", refreshToken: "refresh-of-t-shared" });
    expect(saved[0]!.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it("renews once and replays once after a 401, even for concurrent calls", async () => {
    let grants = 0;
    const server = fakeServer((r) => {
      if (isTokenRequest(r)) return token(`t${++grants}`);
      return r.headers.get("authorization") === "Bearer t1" ? json({ message: "Unauthenticated." }, 401) : ok();
    });
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch });
    const results = await Promise.all(Array.from({ length: 5 }, () => daftra.GET("/api2/site_info.json")));
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.count(isTokenRequest)).toBe(2);
  });

  it("gives up after one replay when the new token is refused too", async () => {
    let grants = 0;
    const server = fakeServer((r) =>
      isTokenRequest(r) ? token(`t${++grants}`) : json({ message: "Unauthenticated." }, 401),
    );
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch });
    const { response, error } = await daftra.POST("/api2/clients.json", { body: { Client: { business_name: "x" } } });
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ message: "Unauthenticated." });
    expect(server.count((r) => !isTokenRequest(r))).toBe(2);
    // The replayed POST carried the same body.
    expect(await server.requests.at(-1)!.json()).toEqual({ Client: { business_name: "x" } });
  });

  it("reports a refused login as an authentication error without the password or secret", async () => {
    const server = fakeServer(() =>
      json({ error: "invalid_grant", message: `bad password ${login.password} for client ${login.clientSecret}` }, 401),
    );
    const daftra = createDaftraClient({ baseUrl, auth: login, fetch: server.fetch });
    const failure = await daftra.GET("/api2/site_info.json").catch((e: unknown) => e);
    expect(failure).toMatchObject({
      name: "AuthenticationError",
      status: 401,
      method: "POST",
      path: "/v2/oauth/token",
    });
    const everything = JSON.stringify(failure) + String((failure as Error).message) + String((failure as Error).stack);
    expect(everything).not.toContain(login.password);
    expect(everything).not.toContain(login.clientSecret);
  });
});

describe("getToken", () => {
  it("asks again with renew: true after a 401, then replays", async () => {
    const calls: boolean[] = [];
    const server = fakeServer((r) =>
      r.headers.get("authorization") === "Bearer user-2" ? ok() : json({ message: "Unauthenticated." }, 401),
    );
    const daftra = createDaftraClient({
      baseUrl,
      fetch: server.fetch,
      auth: { getToken: ({ renew }) => (calls.push(renew), renew ? "user-2" : "user-1") },
    });
    const { response } = await daftra.GET("/api2/site_info.json");
    expect(response.status).toBe(200);
    expect(calls).toEqual([false, true]);
  });

  it("does not replay with a fixed access token", async () => {
    const server = fakeServer(() => json({ message: "Unauthenticated." }, 401));
    const daftra = createDaftraClient({ baseUrl, auth: { accessToken: "fixed-token" }, fetch: server.fetch });
    expect((await daftra.GET("/api2/site_info.json")).response.status).toBe(401);
    expect(server.count()).toBe(1);
  });
});
