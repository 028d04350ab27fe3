// What client-core assumes of openapi-fetch beyond its documented options, pinned so that a new
// release that changes it fails here, loudly, instead of silently turning typed errors into
// bare ones. The transport hands openapi-fetch a Proxy over each 2xx Response (no new Response
// per call, see BENCHMARKS.md): that is safe only while openapi-fetch
//   1. reads bodies through the Response's text(), json(), blob(), arrayBuffer() or body;
//   2. parses with json() when Content-Length is set, and with text() + its own JSON.parse
//      only when it is not (the transport always sets it, so parsing stays typed);
//   3. builds the Request from the call's init (the caller's signal is request.signal) and calls
//      its `fetch` option with it;
//   4. calls its `pathSerializer` option with the template under the base URL and the path
//      values, letting a throw reject the call before anything is sent;
//   5. exports defaultPathSerializer.
// When one of these fails after an upgrade, move the body checks to an onResponse middleware
// (documented surface, at the cost measured in BENCHMARKS.md) rather than patching the Proxy.
import createClient, { defaultPathSerializer } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { ResponseParseError } from "../src/index.js";
import { testClient } from "./server.js";

type Paths = { "/x": { get: { responses: { 200: { content: { "application/json": { a: number } } } } } } };
const BODY_MEMBERS = ["text", "json", "blob", "arrayBuffer", "formData", "bytes", "body", "bodyUsed", "clone"];

/** A fetch whose responses record which members openapi-fetch touches. */
function recordingFetch(headers: Record<string, string>, body = '{"a":1}') {
  const touched: string[] = [];
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const response = new Response(body, { status: 200, headers });
    return new Proxy(response, {
      get(target, key) {
        if (typeof key === "string") touched.push(key);
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return { touched, requests, fetch };
}

describe("openapi-fetch, as client-core uses it", () => {
  it.each([
    ["json", { "content-length": "7" }, ["json"]],
    ["json", {}, ["text"]],
    ["text", { "content-length": "7" }, ["text"]],
    ["blob", { "content-length": "7" }, ["blob"]],
    ["arrayBuffer", { "content-length": "7" }, ["arrayBuffer"]],
    ["stream", { "content-length": "7" }, ["body"]],
  ] as const)("reads a 2xx body with parseAs %s and headers %j only through %j", async (parseAs, headers, expected) => {
    const rec = recordingFetch({ "content-type": "application/json", ...headers });
    const client = createClient<Paths>({ baseUrl: "https://api.example.test", fetch: rec.fetch });
    await client.GET("/x", { parseAs });
    expect(rec.touched.filter((k) => BODY_MEMBERS.includes(k))).toEqual(expected);
  });

  it("passes the Request it built from the call's init, the caller's signal included, to its fetch option", async () => {
    const rec = recordingFetch({ "content-type": "application/json", "content-length": "7" });
    const client = createClient<Paths>({ baseUrl: "https://api.example.test", fetch: rec.fetch });
    const controller = new AbortController();
    await client.GET("/x", { signal: controller.signal, headers: { "x-a": "1" } });
    const [request] = rec.requests;
    expect(request).toBeInstanceOf(Request);
    expect(request!.headers.get("x-a")).toBe("1");
    controller.abort();
    expect(request!.signal.aborted).toBe(true);
  });

  it("calls its pathSerializer option with the template under the base URL, and a throw rejects the call before fetch", async () => {
    const rec = recordingFetch({ "content-length": "7" });
    const seen: unknown[] = [];
    const client = createClient<{ "/x/{id}": Paths["/x"] }>({
      baseUrl: "https://api.example.test/v1",
      fetch: rec.fetch,
      pathSerializer: (path, params) => {
        seen.push([path, params]);
        throw new Error("refused");
      },
    });
    await expect(client.GET("/x/{id}", { params: { path: { id: 7 } } } as never)).rejects.toThrow("refused");
    expect(seen).toEqual([["https://api.example.test/v1/x/{id}", { id: 7 }]]);
    expect(rec.requests).toEqual([]);
    expect(defaultPathSerializer("https://h/x/{id}", { id: "a b" })).toBe("https://h/x/a%20b");
  });

  it("gives client-core's typed error, not a bare SyntaxError, for a JSON body that does not parse, with or without Content-Length", async () => {
    for (const headers of [{ "content-length": "5" }, {}] as Record<string, string>[]) {
      const fetch = async () =>
        new Response("<html", { status: 200, headers: { "content-type": "application/json", ...headers } });
      const error = await testClient("https://api.example.test", { fetch })
        .GET("/items/{id}", { params: { path: { id: 1 } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseParseError);
    }
  });
});
