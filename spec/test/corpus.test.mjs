// The corpus of real integrations' traffic (spec/daftra/corpus/) against the bundle: each request
// reaches a documented operation unless it is marked undocumented, the body fields the operation
// does not declare are exactly the ones the fixture lists, and the response fields the
// integration reads exist in the documented success response. The mock replays the same
// requests in packages/mock/test/corpus.test.ts.
import { describe, expect, it } from "vitest";
import { deref, operationRoutes, operationsOf, routeFor } from "@mizan/openapi-tools";
import { undeclaredFields } from "@mizan/openapi-tools/examples";
import { readBundle } from "../scripts/apis.mjs";
import { fixtureProblems, readCorpus } from "../scripts/corpus.mjs";

const published = readBundle("daftra");
const mock = readBundle("daftra", { mock: true });
const mockRoutes = operationRoutes(mock);
const publishedOperations = new Map(operationsOf(published).map((entry) => [entry.key, entry]));
const fixtures = readCorpus("daftra");

/** The published operation a request reaches through the mock's routes (both path forms). */
function operationFor({ method, path }) {
  const route = routeFor(mockRoutes, method, path);
  if (!route) return undefined;
  const canonical = mock.paths[route.path]["x-alias-of"] ?? route.path;
  return publishedOperations.get(`${route.method.toUpperCase()} ${canonical}`);
}

const jsonSchemaOf = (node) =>
  Object.entries(deref(published, node)?.content ?? {}).find(([type]) => /json/i.test(type))?.[1]?.schema;

function successSchema(entry) {
  const success = Object.entries(entry.op.responses ?? {}).find(([code]) => /^2\d\d$/.test(code));
  return success && jsonSchemaOf(success[1]);
}

/** A value that has exactly the field a read path names: "data[].Client.email" -> {data: [{Client: {email: null}}]}. */
function valueAlong(fieldPath) {
  return fieldPath
    .split(".")
    .reverse()
    .reduce((inner, segment) => {
      const name = segment.replace(/\[\]$/, "");
      const value = segment.endsWith("[]") ? [inner ?? {}] : inner;
      return { [name]: value };
    }, null);
}

/** Whether a response schema documents a field path; any of "a | b" will do. */
// A field counts when the resource's schema names it; an open record (a generic v2 entity's, whose
// fields are the entity's own) documents any field.
const documents = (schema, read) =>
  read
    .split("|")
    .some(
      (alternative) =>
        undeclaredFields(published, schema, valueAlong(alternative.trim()), "", { forReading: true }).length === 0,
    );

/** "/Invoice/site_id" -> "Invoice.site_id" */
const dotted = (pointer) => pointer.replace(/^\//, "").replaceAll("/", ".");

describe("daftra corpus", () => {
  it("has fixtures, every one well formed (bad files fail readCorpus with their problems)", () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it("refuses a malformed fixture with a message naming the problem", () => {
    const problems = fixtureProblems(
      {
        source: { repository: "acme/shop", commit: "abc", file: "a.php", where: "f()" },
        summary: "x",
        request: { method: "FETCH", path: "/api2/clients?limit=1", headers: { apikey: "3f2a9c0b" }, encoding: "json" },
        outcome: "refused",
      },
      "acme__shop",
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/source.commit/),
        expect.stringMatching(/request.method/),
        expect.stringMatching(/request.path/),
        expect.stringMatching(/request.headers.apikey must be a placeholder/),
        expect.stringMatching(/request.body goes with encoding json/),
        expect.stringMatching(/exactly one reason/),
      ]),
    );
    expect(fixtureProblems({ source: { repository: "acme/shop" } }, "other__repo")).toEqual(
      expect.arrayContaining([expect.stringMatching(/does not match the folder/)]),
    );
  });

  describe.each(fixtures.map((f) => [f.id, f]))("%s", (_id, fixture) => {
    const entry = operationFor(fixture.request);

    if (fixture.outcome === "accepted") {
      it("reaches a documented operation", () => {
        expect(entry, `${fixture.request.method} ${fixture.request.path}`).toBeDefined();
      });
    }

    it("lists exactly the body fields the operation does not declare", () => {
      const schema = entry && fixture.request.encoding === "json" ? jsonSchemaOf(entry.requestBody) : undefined;
      const found = schema ? undeclaredFields(published, schema, fixture.request.body).map(dotted) : [];
      expect(found.sort()).toEqual([...(fixture.request.undeclared ?? [])].sort());
    });

    const { reads = [], misreads = {} } = fixture.response ?? {};
    if (reads.length || Object.keys(misreads).length) {
      it("reads only fields the documented success response has", () => {
        const schema = entry && successSchema(entry);
        expect(
          schema,
          "the fixture records reads, so its request must reach an operation with a JSON success body",
        ).toBeDefined();
        expect(reads.filter((read) => !documents(schema, read))).toEqual([]);
        // A misread is recorded because the field is not there; if the spec gains it, revisit the fixture.
        expect(Object.keys(misreads).filter((read) => documents(schema, read))).toEqual([]);
      });
    }
  });
});
