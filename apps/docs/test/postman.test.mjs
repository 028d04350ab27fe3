// The Postman collections the build writes beside each reference: every operation of the bundle
// as a request, the credentials as declared, empty collection variables, and no secret.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { operationsOf } from "@mizan/openapi-tools";
import { requestsOf } from "../scripts/postman.mjs";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

/** A request's method and path as the bundle writes it: `GET /api2/clients/{id}.json`. */
function keyOf({ request }) {
  // A whole-segment parameter is `:id`, one inside a segment (`{id}.json`) a variable `{{id}}`.
  const segments = (request.url.path ?? []).map((s) =>
    s.replace(/^:(.+)$/, "{$1}").replace(/\{\{([^{}]+)\}\}/g, "{$1}"),
  );
  return `${request.method} /${segments.join("/")}`;
}

/** Every string in a value, with the key path that holds it. */
function stringsOf(value, at = "") {
  if (typeof value === "string") return [[at, value]];
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => stringsOf(v, `${at}.${k}`));
  return [];
}

describe.each(listApis().map((api) => [api.name]))("the %s Postman collection", (name) => {
  const collection = JSON.parse(readFileSync(path.join(dist, `${name}.postman.json`), "utf8"));
  const doc = readBundle(name);
  const variables = new Map(collection.variable.map((v) => [v.key, v]));

  it("is a v2.1 collection linked from the landing page", () => {
    expect(collection.info.schema).toBe("https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
    expect(readFileSync(path.join(dist, "index.html"), "utf8")).toContain(`href="${name}.postman.json"`);
  });

  it("has one request per operation of the bundle, by method and path", () => {
    const operations = operationsOf(doc).map((e) => `${e.method.toUpperCase()} ${e.path}`);
    expect(requestsOf(collection).map(keyOf).sort()).toEqual(operations.sort());
  });

  it("points every request at the baseUrl variable, built from the server's variables", () => {
    expect(variables.get("baseUrl")?.value).toBeTruthy();
    for (const request of requestsOf(collection)) expect(request.request.url.host).toEqual(["{{baseUrl}}"]);
  });

  it("authenticates through collection variables that are declared and empty", () => {
    const referenced = new Set(
      [collection.auth, ...requestsOf(collection).map((r) => r.request.auth)].flatMap((auth) =>
        [...JSON.stringify(auth ?? null).matchAll(/\{\{([^{}]+)\}\}/g)].map((m) => m[1]),
      ),
    );
    expect(collection.auth ?? requestsOf(collection).find((r) => r.request.auth)).toBeTruthy();
    expect(referenced.size).toBeGreaterThan(0);
    for (const key of referenced) expect(variables.get(key)?.value, key).toBe("");
  });

  it("carries no secret: no token, key or password value anywhere", () => {
    const suspicious = stringsOf(collection).filter(
      ([at, value]) =>
        /\beyJ[\w-]{10,}\.[\w-]{10,}/.test(value) || // a JWT
        /\bdef50[0-9a-f]{20,}/.test(value) || // an opaque refresh token
        (/(secret|password|token|apikey|api_key)"?$/i.test(at.split(".").pop() ?? "") &&
          value.length > 0 &&
          !/^\{\{.+\}\}$/.test(value)),
    );
    expect(suspicious).toEqual([]);
  });
});
