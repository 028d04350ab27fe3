// The two functions vendored from Prism's HTTP server (src/vendor/prism-http-server.ts) against
// Prism's own, loaded from the pinned @stoplight/prism-http-server (a dev dependency, for this
// test only): the same answer on every case the mock meets.
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getHttpConfigFromRequest, parsePrefer, serialize } from "../src/vendor/prism-http-server.js";

const require = createRequire(import.meta.url);
const prismServerDir = path.dirname(require.resolve("@stoplight/prism-http-server/package.json"));
const prism = {
  ...(require(path.join(prismServerDir, "dist", "getHttpConfigFromRequest.js")) as {
    getHttpConfigFromRequest: (req: unknown) => {
      _tag: string;
      left?: { status: number; detail: string };
      right?: unknown;
    };
  }),
  ...(require(path.join(prismServerDir, "dist", "serialize.js")) as {
    serialize: (payload: unknown, contentType: unknown) => unknown;
  }),
};

const requests = [
  { headers: {} },
  { headers: { prefer: "code=404" } },
  { headers: { prefer: "code=404, example=notFound" } },
  { headers: { prefer: 'example="with, comma"; x=1' } },
  { headers: { prefer: "dynamic=true, seed=abc" } },
  { headers: { prefer: "dynamic=false" } },
  { headers: { prefer: "respond-async, wait=10" } },
  { headers: { prefer: ["code=400", "example=bad"] } },
  { headers: { prefer: "Code=201" } },
  { headers: {}, query: { __code: "409", __example: "taken" } },
  { headers: {}, query: { __dynamic: "true", __seed: "7" } },
];

describe("getHttpConfigFromRequest (vendored)", () => {
  it.each(requests)("reads %j as Prism does", ({ headers, query }) => {
    const req = { method: "get", url: { path: "/", query: query ?? {} }, headers };
    const theirs = prism.getHttpConfigFromRequest(req);
    expect(theirs._tag).toBe("Right");
    expect(getHttpConfigFromRequest(req)).toEqual(theirs);
  });

  it.each(["code=abc", "code=1000", "dynamic=maybe", "dynamic"])(
    "refuses Prefer: %s with 422, as Prism does",
    (prefer) => {
      const req = { method: "get", url: { path: "/", query: {} }, headers: { prefer } };
      const theirs = prism.getHttpConfigFromRequest(req);
      const ours = getHttpConfigFromRequest(req);
      expect(theirs._tag).toBe("Left");
      expect(ours._tag).toBe("Left");
      expect(ours._tag === "Left" && ours.left.status).toBe(theirs.left!.status);
    },
  );

  it("keeps request-named preferences as data, never on a prototype", () => {
    const read = parsePrefer("__proto__=x, constructor=y");
    expect(Object.getPrototypeOf(read)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(getHttpConfigFromRequest({ url: {}, headers: { prefer: "__proto__=x, code=404" } })).toEqual({
      _tag: "Right",
      right: { code: 404, exampleKey: undefined, dynamic: undefined, seed: undefined },
    });
  });
});

describe("serialize (vendored)", () => {
  const cases: [unknown, unknown][] = [
    [{ a: 1 }, "application/json"],
    [{ a: [1, "ب"] }, "application/json; charset=utf-8"],
    [{ a: 1 }, "application/problem+json"],
    ["<a/>", "application/xml"],
    ["plain", "text/plain"],
    [undefined, "text/plain"],
    ["raw", undefined],
    [undefined, undefined],
    ["raw", "application/octet-stream"],
  ];
  it.each(cases)("serialises %j as %s as Prism does", (payload, type) => {
    expect(serialize(payload, type)).toEqual(prism.serialize(payload, type));
  });

  it("refuses what Prism refuses", () => {
    expect(() => prism.serialize({ a: 1 }, "text/plain")).toThrow();
    expect(() => serialize({ a: 1 }, "text/plain")).toThrow(/complex objects as text/);
    expect(() => prism.serialize({ a: 1 }, "application/octet-stream")).toThrow();
    expect(() => serialize({ a: 1 }, "application/octet-stream")).toThrow(/Cannot find serializer/);
  });
});
