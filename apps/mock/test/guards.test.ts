// The small checks the server makes before anything parses a request recursively, and the
// choice of a documented status for its refusals (src/body-checks.ts, src/refusals.ts).
import { describe, expect, it } from "vitest";
import { isMediaType, jsonDepthBeyond, MAX_JSON_DEPTH, withPartTypes } from "../dist/body-checks.js";
import { allowOf, documentedRefusal, documentedShape, unsafeIntegerParameter } from "../dist/refusals.js";

describe("jsonDepthBeyond", () => {
  it("finds the depth past the limit in one pass, without recursion, even 100,000 deep", () => {
    expect(jsonDepthBeyond('{"a": [1, {"b": 2}]}')).toBeUndefined();
    expect(jsonDepthBeyond("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonDepthBeyond("[".repeat(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepthBeyond("[".repeat(100_000) + "]".repeat(100_000))).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepthBeyond('{"a": "[[[[[[[[[[", "b": "\\"[[[["}', 2)).toBeUndefined();
    expect(jsonDepthBeyond('{"a": {"b": {}}}', 2)).toBe(3);
  });
});

describe("isMediaType", () => {
  it("accepts type/subtype with parameters, refuses anything else", () => {
    for (const ok of ["application/json", "application/json; charset=utf-8", "multipart/form-data; boundary=x", "application/vnd.api+json"]) expect(isMediaType(ok), ok).toBe(true);
    for (const bad of ["!", "", "json", "/json", "application/", "a b/c", "application/json/x"]) expect(isMediaType(bad), bad).toBe(false);
  });
});

describe("withPartTypes", () => {
  const type = "multipart/form-data; boundary=B";
  it("says application/octet-stream for a file part without a Content-Type, and leaves other parts alone", () => {
    const body = '--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--B--\r\n';
    expect(withPartTypes(body, type)).toBe('--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: application/octet-stream\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--B--\r\n');
    const typed = '--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n';
    expect(withPartTypes(typed, type)).toBe(typed);
    expect(withPartTypes(typed, "multipart/form-data")).toBe(typed);
  });
});

describe("documented refusals", () => {
  it("moves a refusal to the nearest status the operation documents, and keeps it when none fits", () => {
    expect(documentedRefusal(["200", "404"], 422, "path")).toBe(404);
    expect(documentedRefusal(["200", "400", "404"], 400, "path")).toBe(404);
    expect(documentedRefusal(["200", "422"], 400, "body")).toBe(422);
    expect(documentedRefusal(["200", "400", "422"], 422, "body")).toBe(422);
    expect(documentedRefusal(["200", "4XX"], 422, "query")).toBe(422);
    expect(documentedRefusal(["200"], 400, "query")).toBe(400);
    expect(documentedRefusal(["200"], 422, "path")).toBe(404);
    expect(documentedRefusal(["200"], 422, "query")).toBe(400);
    expect(documentedRefusal(["200", "400"], 401)).toBe(401);
    expect(documentedRefusal(["200", "400"], 413, "body")).toBe(413);
  });

  it("wraps an error shape", () => {
    const shape = documentedShape((status, message) => ({ status, body: { status, message } }), ["200", "422"]);
    expect(shape(400, "bad JSON", "body")).toEqual({ status: 422, body: { status: 422, message: "bad JSON" } });
  });

  it("lists a path's methods for Allow, HEAD with GET", () => {
    expect(allowOf(["get", "post", "get"])).toBe("GET, POST, HEAD");
    expect(allowOf(["delete"])).toBe("DELETE");
  });

  it("finds integer path values beyond 2^53", () => {
    expect(unsafeIntegerParameter({ id: "99999999999999999999" }, ["id"])).toBe("id");
    expect(unsafeIntegerParameter({ id: String(Number.MAX_SAFE_INTEGER) }, ["id"])).toBeUndefined();
    expect(unsafeIntegerParameter({ id: "abc" }, ["id"])).toBeUndefined();
    expect(unsafeIntegerParameter({ name: "99999999999999999999" }, ["id"])).toBeUndefined();
    expect(unsafeIntegerParameter(undefined, ["id"])).toBeUndefined();
  });
});
