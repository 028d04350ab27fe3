// What each @mizan client owns on top of the shared runtime, checked against a scripted server
// on 127.0.0.1 (real sockets, no stubs): it sends its credentials where its spec says, under the
// base URL it was given (a sub-path included); its error bodies become typed errors with the
// server's message; and no credential reaches an error or another origin. The operations used
// come from the API's bundle (an authenticated GET and a POST), so a client package only says
// how to build its client:
//
//   // test/runtime.test.ts
//   defineRuntimeTests({ api: "daftra", secret: "key-123456", client: (o) => createDaftraClient({ ...o, auth: { apiKey: "key-123456" } }) });
//
// The runtime itself (retries, time limits, signals, the redirect policy, body checks, bounded
// error bodies) is tested once, in @mizan/client-core's test/transport.test.ts, and the clients
// under misbehaving servers by @mizan/testing/chaos.
import { operationsOf } from "@mizan/openapi-tools";
import { exampleRequest } from "@mizan/openapi-tools/examples";
import { readBundle } from "@mizan/spec";
import { failure, shown } from "@mizan/test-helpers/errors";
import { ScriptedServer, json } from "@mizan/test-helpers/scripted-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyClient } from "./any-client.js";

/** The runtime options every client takes (RuntimeOptions in @mizan/client-core). */
export interface RuntimeTestOptions {
  baseUrl: string;
  retry?: { retries?: number; minDelayMs?: number; maxDelayMs?: number } | false;
  timeoutMs?: number;
  totalTimeoutMs?: number;
  maxErrorBodyBytes?: number;
  throwOnError?: boolean;
}

export interface RuntimeTestConfig {
  /** The API, as named in spec/redocly.yaml. */
  api: string;
  /** The client under test, with credentials that contain `secret`. */
  client: (options: RuntimeTestOptions) => unknown;
  /** A credential string the client sends; it must never reach another origin. */
  secret: string;
}

export function defineRuntimeTests({ api, client, secret }: RuntimeTestConfig) {
  const doc = readBundle(api);
  // An authenticated GET and POST (any POST when none is authenticated: VMSAlpha's take the token in the body).
  const operations = operationsOf(doc);
  const pick = (method: string) =>
    operations.find((o) => o.method === method && o.security.length > 0) ?? operations.find((o) => o.method === method);
  const get = pick("get");
  const post = pick("post");
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

  const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };
  const make = (options: Partial<RuntimeTestOptions> = {}) =>
    client({ baseUrl: a.url, retry: fast, ...options }) as AnyClient;
  const send = (c: AnyClient, o: NonNullable<typeof get>, init: Record<string, unknown> = {}) => {
    const { params, body } = exampleRequest(doc, o);
    return c.request(o.method, o.path, {
      params: { path: params.path, query: params.query },
      ...(body !== undefined && o.requestMediaType === "application/json" ? { body } : {}),
      ...init,
    });
  };

  describe(`${api}: the client's own credentials, error bodies and host`, () => {
    it("has a GET and a POST to try", () => {
      expect(get?.security.length, "an authenticated GET").toBeGreaterThan(0);
      expect(post, "a POST").toBeDefined();
    });

    it("sends its credential on an authenticated GET, under the base URL's own path", async () => {
      a.script((_req, res) => json(res, 200, {}));
      const { response } = await send(make({ baseUrl: `${a.url}/tenant/v9/` }), get!);
      expect(response.status).toBe(200);
      expect(a.received).toHaveLength(1);
      const { url, headers } = a.received[0]!;
      expect(url.startsWith("/tenant/v9/"), url).toBe(true);
      expect(Object.values(headers).flat().join("\n")).toContain(secret);
    });

    it("throws its error body as a typed error with throwOnError: status, method, path, request id", async () => {
      a.script((_req, res) => json(res, 404, { message: "no such record" }, { "x-request-id": "req-42" }));
      const error = await failure(send(make({ throwOnError: true }), get!));
      expect(error?.name).toBe("NotFoundError");
      expect(error).toMatchObject({ status: 404, method: "GET", requestId: "req-42" });
      expect(Object.getPrototypeOf(Object.getPrototypeOf(error)).constructor.name).toBe("ApiError");
    });

    it("keeps its credential out of the error when the server echoes it", async () => {
      a.script((req, res) =>
        json(
          res,
          400,
          { message: `bad credential ${Object.values(req.headers).join(" ")}`, errorMessage: secret },
          { "x-echo": secret },
        ),
      );
      const error = await failure(send(make({ throwOnError: true }), get!));
      expect(error).toBeInstanceOf(Error);
      expect(shown(error)).not.toContain(secret);
    });

    it("never carries its credential or a body to another origin on a redirect", async () => {
      b.script((_req, res) => json(res, 200, {}));
      a.script((_req, res) => res.writeHead(307, { location: `${b.url}/elsewhere` }).end());
      for (const op of [get!, post!]) expect((await failure(send(make(), op)))?.name, op.key).toBe("RedirectError");
      expect(b.received).toEqual([]);
    });
  });
}
