// Unit tests of the runtime's pieces that no client test reaches in isolation: the token
// manager's clock, auth selection from a security table (prefixes, Basic, alternatives),
// Retry-After, redaction, error shapes, and list walking from metadata. The transport against
// real misbehaving servers is in transport.test.ts; parsers of untrusted input in properties.test.ts.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  NotFoundError,
  ValidationError,
  apiErrorFor,
  authMiddleware,
  authStep,
  basicAuth,
  createTokenManager,
  pages,
  parseRetryAfter,
  redact,
  replayWithRenewedToken,
  toArray,
  type Credentials,
  type ListMeta,
  type SecurityTable,
} from "../src/index.js";

const table: SecurityTable = {
  schemes: {
    key: { type: "apiKey", header: "apikey" },
    bearer: { type: "bearer" },
    vms: { type: "apiKey", header: "authorization", prefix: "Token" },
    basic: { type: "basic" },
  },
  default: [["key"], ["bearer"]],
  match: [
    ["GET", /^\/items\/latest(?:[?#]|$)/, [["key"], ["bearer"]]],
    ["POST", /^\/token(?:[?#]|$)/, [["basic"]]],
    ["GET", /^\/vms(?:[?#]|$)/, [["vms"]]],
    ["GET", /^\/public(?:[?#]|$)/, []],
    ["GET", /^\/items\/[^/?#]+(?:[?#]|$)/, []],
  ],
};

const baseUrl = "https://api.example.test/v1";
async function headersFor(credentials: Credentials, method: string, path: string) {
  const request = new Request(`${baseUrl}${path}`, { method, headers: { apikey: "stale", authorization: "stale" } });
  await authStep(table, credentials, baseUrl)(request);
  return Object.fromEntries(request.headers);
}

describe("authMiddleware", () => {
  const token = { get: async () => "tok-1" };
  it("takes the first alternative the client can fill, and removes the others' headers", async () => {
    expect(await headersFor({ apiKey: "k-1" }, "GET", "/x")).toEqual({ apikey: "k-1" });
    expect(await headersFor({ token }, "GET", "/x")).toEqual({ authorization: "Bearer tok-1" });
    expect(await headersFor({ apiKey: "k-1", token }, "GET", "/x")).toEqual({ apikey: "k-1" });
  });

  it("sends a token behind the scheme's own prefix, Basic where asked, and nothing to public operations", async () => {
    expect(await headersFor({ token }, "GET", "/vms")).toEqual({ authorization: "Token tok-1" });
    const basic = `Basic ${Buffer.from("id:sécret").toString("base64")}`;
    expect(await headersFor({ basic: basicAuth("id", "sécret") }, "POST", "/token")).toEqual({ authorization: basic });
    expect(await headersFor({ apiKey: "k-1", token }, "GET", "/public?page=2")).toEqual({});
  });

  it("recognises operations by URL, the most concrete match first, and the default otherwise", async () => {
    expect(await headersFor({ apiKey: "k-1" }, "GET", "/items/42")).toEqual({});
    expect(await headersFor({ apiKey: "k-1" }, "GET", "/items/latest")).toEqual({ apikey: "k-1" });
    expect(await headersFor({ apiKey: "k-1" }, "POST", "/items/42")).toEqual({ apikey: "k-1" });
    expect(await headersFor({ apiKey: "k-1" }, "GET", "/publication")).toEqual({ apikey: "k-1" });
  });

  it("works as openapi-fetch middleware too, reading the base URL from the call's options", async () => {
    const request = new Request(`${baseUrl}/vms`, { headers: { apikey: "stale" } });
    const out = await authMiddleware(table, { token }).onRequest!({
      request,
      schemaPath: "/vms",
      params: {},
      options: { baseUrl } as never,
      id: "1",
    } as never);
    expect(Object.fromEntries((out as Request).headers)).toEqual({ authorization: "Token tok-1" });
  });

  it("replays with a renewed token in the same scheme's header and prefix", async () => {
    const replay = replayWithRenewedToken(table, {
      get: async () => "old",
      renew: async (refused) => `new-after-${refused}`,
    });
    const request = await replay(
      new Request("https://api.example.test/vms", { headers: { authorization: "Token old" } }),
    );
    expect(request?.headers.get("authorization")).toBe("Token new-after-old");
    expect(await replay(new Request("https://api.example.test/x", { headers: { apikey: "k" } }))).toBeUndefined();
  });
});

describe("errors", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-22T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("yesterday", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("redacts secrets from strings and nested values, but not short ones", () => {
    expect(redact({ a: ["key-123456 here"], b: "ab" }, ["key-123456", "ab"])).toEqual({
      a: ["[redacted] here"],
      b: "ab",
    });
  });

  it("lets the API's error shape choose the class, message, fields and code", () => {
    const response = new Response(null, { status: 400, headers: { "x-request-id": "r-1" } });
    const shape = {
      classify: (_s: number, body: unknown) =>
        (body as { message?: string }).message === "Record not found" ? NotFoundError : undefined,
    };
    expect(apiErrorFor(response, { message: "Record not found" }, { method: "GET", path: "/x" }, shape)).toBeInstanceOf(
      NotFoundError,
    );
    const fields = (b: unknown) => ({ name: (b as { errors: { name: string[] } }).errors.name.join("; ") });
    const invalid = apiErrorFor(
      response,
      { message: "bad", errors: { name: ["required"] } },
      { method: "POST", path: "/x" },
      { fields, code: () => "E1" },
    );
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid).toMatchObject({
      status: 400,
      fields: { name: "required" },
      code: "E1",
      requestId: "r-1",
      message: "POST /x: 400 bad",
    });
  });
});

describe("pagination from list metadata", () => {
  // A flat paginator (items at the top level, not wrapped), stopping on `last_page`.
  const meta: ListMeta = { page: "page", items: "data", lastPage: "last_page" };
  const client = (lastPage: number) => {
    const asked: number[] = [];
    const GET = async (_path: string, init: { params: { query: { page: number } } }) => {
      const page = init.params.query.page;
      asked.push(page);
      return {
        data: { current_page: page, last_page: lastPage, data: [{ id: page * 10 }, { id: page * 10 + 1 }] },
        response: new Response(),
      };
    };
    const toError = (response: Response) =>
      new ApiError({ status: response.status, message: "x", body: null }, { method: "GET", path: "/l" });
    return { asked, GET: GET as never, toError };
  };

  it("stops at the last page the body names", async () => {
    const c = client(3);
    const seen: number[] = [];
    for await (const page of pages(c, "/l", meta)) seen.push((page as { current_page: number }).current_page);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("collects items up to max without asking for more pages", async () => {
    const c = client(9);
    expect(await toArray(c, "/l", meta, { max: 3 })).toEqual([{ id: 10 }, { id: 11 }, { id: 20 }]);
    expect(c.asked).toEqual([1, 2]);
  });
});

describe("createTokenManager", () => {
  it("renews shortly before expiry, not after", async () => {
    let clock = 0;
    let n = 0;
    const manager = createTokenManager({
      now: () => clock,
      skewMs: 10_000,
      grant: async () => ({ accessToken: `t${++n}`, expiresAt: clock + 60_000 }),
    });
    expect(await manager.get()).toBe("t1");
    clock = 49_000;
    expect(await manager.get()).toBe("t1");
    clock = 50_001;
    expect(await manager.get()).toBe("t2");
  });

  it("scales the renewal margin to a token that lives shorter than it", async () => {
    let clock = 0;
    let n = 0;
    // A 30 s token with the default 60 s margin: without scaling, every call would renew.
    const manager = createTokenManager({
      now: () => clock,
      grant: async () => ({ accessToken: `t${++n}`, expiresAt: clock + 30_000 }),
    });
    for (let i = 0; i < 20; i++) expect(await manager.get()).toBe("t1");
    clock = 14_000;
    expect(await manager.get()).toBe("t1");
    clock = 15_001;
    expect(await manager.get()).toBe("t2");
    expect(n).toBe(2);
  });

  it("lets a failed grant be retried by the next caller", async () => {
    let n = 0;
    const manager = createTokenManager({
      grant: async () => {
        if (++n === 1) throw new Error("network down");
        return { accessToken: "t2", expiresAt: Date.now() + 60_000 };
      },
    });
    await expect(manager.get()).rejects.toThrow("network down");
    expect(await manager.get()).toBe("t2");
  });
});
