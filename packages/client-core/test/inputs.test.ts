// What the caller passes is checked before anything is sent: path values that would change the
// route, credentials that a header cannot carry. The errors are typed, name the field, and never
// carry a credential.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, MizanError, checkHeaderValue, createApiClient } from "../src/index.js";
import { security, testClient } from "./server.js";
import { failure, shown } from "@mizan/test-helpers/errors";
import { ScriptedServer, json } from "@mizan/test-helpers/scripted-server";

const a = new ScriptedServer();
beforeAll(() => a.start());
afterAll(() => a.stop());

describe("path values", () => {
  it.each(["..", ".", ""])("refuses %j before sending: it would change the route", async (id) => {
    a.script((_req, res) => json(res, 200, { id: 1 }));
    const error = await failure(testClient(a.url).GET("/items/{id}", { params: { path: { id } } }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toBeInstanceOf(MizanError);
    expect(error).toMatchObject({ field: "id" });
    expect(a.count()).toBe(0);
  });

  it.each(["...", "a.b", ".hidden", "%2e%2e", "a/../b", "?x=1", "#frag"])(
    "sends %j as one segment of the route it was given",
    async (id) => {
      a.script((_req, res) => json(res, 200, { id: 1 }));
      const { response } = await testClient(a.url).GET("/items/{id}", { params: { path: { id } } });
      expect(response.status).toBe(200);
      expect(a.received[0]!.url).toBe(`/items/${encodeURIComponent(id)}`);
    },
  );

  it("checks the result of a custom pathSerializer too", async () => {
    a.script((_req, res) => json(res, 200, { id: 1 }));
    const client = testClient(a.url, {
      clientOptions: {
        pathSerializer: (path: string, params: Record<string, unknown>) => path.replace("{id}", String(params.id)),
      },
    });
    expect(await failure(client.GET("/items/{id}", { params: { path: { id: "x/../../admin" } } }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(a.count()).toBe(0);
  });
});

describe("credentials a header cannot carry", () => {
  const key = "key-123456\r\nx-injected: 1";
  it("are refused when the client is created, naming the field, never the value", () => {
    const error = (() => {
      try {
        createApiClient({ baseUrl: a.url, tables: { security, middleware: [] }, credentials: { apiKey: key } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: "apiKey" });
    expect(shown(error)).not.toContain("key-123456");
  });

  it.each(["tok-123456\n", "tok-123456\u0000", "tok-\u0663123456"])(
    "refuses a token %j from a token source when a call needs it",
    async (token) => {
      a.script((_req, res) => json(res, 200, { id: 1 }));
      const client = testClient(a.url, { credentials: { token: { get: async () => token } } });
      const error = await failure(client.GET("/items/{id}", { params: { path: { id: 1 } } }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(shown(error)).not.toContain("123456");
      expect(a.count()).toBe(0);
    },
  );

  it("lets checkHeaderValue pass what a header carries", () => {
    expect(() => checkHeaderValue("Bearer abc.def-ghi_~+/=", "token")).not.toThrow();
    expect(() => checkHeaderValue("a\tb", "token")).not.toThrow();
    expect(() => checkHeaderValue("a\rb", "auth.apiKey")).toThrow(/auth\.apiKey/);
  });
});
