// The small checks the server makes before anything parses a request recursively, and the
// choice of a documented status for its refusals (src/body-checks.ts, src/refusals.ts).
import { describe, expect, it } from "vitest";
import {
  canonicalMultipart,
  isMediaRangeList,
  isMediaType,
  jsonDepthBeyond,
  MAX_JSON_DEPTH,
  MultipartError,
} from "../src/body-checks.js";
import { allowOf, documentedRefusal, documentedShape, unsafeIntegerParameter } from "../src/refusals.js";

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
    for (const ok of [
      "application/json",
      "application/json; charset=utf-8",
      "multipart/form-data; boundary=x",
      "application/vnd.api+json",
    ])
      expect(isMediaType(ok), ok).toBe(true);
    for (const bad of ["!", "", "json", "/json", "application/", "a b/c", "application/json/x"])
      expect(isMediaType(bad), bad).toBe(false);
  });
});

describe("canonicalMultipart", () => {
  const type = "multipart/form-data; boundary=B";
  it("writes every part plainly: file parts with a Content-Type, names Prism's parser would split percent-encoded", async () => {
    const body =
      '--B\r\nContent-Disposition: form-data; name="f"; filename="a;b=c.txt"\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name=";"\r\n\r\n1\r\n--B--\r\n';
    // The platform types an untyped file part (text/plain or application/octet-stream): it is written out either way.
    expect(await canonicalMultipart(body, type)).toMatch(
      /^--B\r\nContent-Disposition: form-data; name="f"; filename="file"\r\nContent-Type: (text\/plain|application\/octet-stream)[^\r]*\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name="%3B"\r\n\r\n1\r\n--B--\r\n$/,
    );
    const typed =
      '--B\r\nContent-Disposition: form-data; name="f"; filename="file"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n';
    expect(await canonicalMultipart(typed, type)).toBe(typed);
  });

  it("leaves a body without a boundary to Prism, and names a body it cannot read", async () => {
    expect(await canonicalMultipart("anything", "multipart/form-data")).toBe("anything");
    await expect(canonicalMultipart("--B\r\nno end", type)).rejects.toThrow(MultipartError);
  });
});

describe("isMediaRangeList", () => {
  it("accepts Accept headers made of media ranges, refuses others", () => {
    for (const ok of ["*/*", "application/json", "text/*;q=0.5, application/json", ""])
      expect(isMediaRangeList(ok), ok).toBe(true);
    for (const bad of ["x", "__proto__", "application/json, nope"]) expect(isMediaRangeList(bad), bad).toBe(false);
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
