import { describe, expect, it } from "vitest";
import {
  authKindOf,
  branches,
  deref,
  operationRoutes,
  jsonExamples,
  type OperationEntry,
  operationsOf,
  pathTemplateMatcher,
  pathTemplateParams,
  pathTemplateRegex,
  primarySchemeOf,
  propertiesOf,
  resolveRef,
  routeFor,
  securityAlternatives,
} from "../src/walker.js";

const doc = {
  openapi: "3.1.0",
  security: [{ key: [] }, { token: [] }],
  paths: {
    "/things/{id}.json": {
      parameters: [{ $ref: "#/components/parameters/Id" }, { name: "lang", in: "query", schema: { type: "string" } }],
      get: {
        operationId: "getThing",
        parameters: [
          { name: "lang", in: "query", required: true, schema: { enum: ["ar", "en"] } },
          { name: "lang", in: "header", schema: { type: "string" } },
        ],
        responses: { 200: { $ref: "#/components/responses/Thing" } },
      },
      put: {
        operationId: "putThing",
        security: [],
        requestBody: { $ref: "#/components/requestBodies/Thing" },
        responses: { 200: { description: "ok" } },
      },
    },
    "/a~b/c%20d": { post: { operationId: "odd", security: [{ basic: [] }], responses: {} } },
  },
  components: {
    parameters: { Id: { name: "id", in: "path", required: true, schema: { type: "integer" } } },
    requestBodies: {
      Thing: {
        content: {
          "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/Thing" } },
          "application/json": {},
        },
      },
    },
    responses: { Thing: { $ref: "#/components/responses/ThingBody" }, ThingBody: { description: "a thing" } },
    schemas: {
      Thing: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          { properties: { name: { type: "string" }, id: { type: "string" } } },
        ],
      },
      Base: { properties: { id: { type: "integer" } }, anyOf: [{ properties: { extra: {} } }] },
      "a/b~c": { const: 1 },
      "with space": { const: 2 },
    },
    securitySchemes: {
      key: { type: "apiKey", in: "header", name: "apikey" },
      token: { type: "http", scheme: "Bearer" },
      basic: { type: "http", scheme: "basic" },
      prefixed: { type: "apiKey", in: "header", name: "Authorization", "x-token-prefix": "Token" },
      cookie: { type: "apiKey", in: "cookie", name: "sid" },
      digest: { type: "http", scheme: "digest" },
    },
  },
};

describe("refs", () => {
  it("unescapes JSON-pointer segments: ~1, ~0 and percent-encoding", () => {
    expect(resolveRef(doc, "#/components/schemas/a~1b~0c")).toEqual({ const: 1 });
    expect(resolveRef(doc, "#/components/schemas/with%20space")).toEqual({ const: 2 });
    expect(resolveRef(doc, "#/paths/~1a~0b~1c%2520d/post/operationId")).toBe("odd");
  });
  it("answers undefined for missing and non-local refs", () => {
    expect(resolveRef(doc, "#/components/schemas/Nope/x")).toBeUndefined();
    expect(resolveRef(doc, "other.yaml#/x")).toBeUndefined();
  });
  it("follows a chain of refs", () => {
    expect(deref(doc, { $ref: "#/components/responses/Thing" })).toEqual({ description: "a thing" });
    expect(deref(doc, { type: "string" })).toEqual({ type: "string" });
  });
  it("refuses a circular chain instead of looping", () => {
    const loop = {
      components: { schemas: { A: { $ref: "#/components/schemas/B" }, B: { $ref: "#/components/schemas/A" } } },
    };
    expect(() => deref(loop, { $ref: "#/components/schemas/A" })).toThrow(/Circular/);
  });
});

describe("operationsOf", () => {
  const ops = operationsOf(doc);
  type Key = "GET /things/{id}.json" | "PUT /things/{id}.json" | "POST /a~b/c%20d";
  // The keys the first test below checks.
  const byKey = Object.fromEntries(ops.map((o) => [o.key, o])) as Record<Key, OperationEntry>;

  it("lists every operation in document order, keyed METHOD /path", () => {
    expect(ops.map((o) => o.key)).toEqual(["GET /things/{id}.json", "PUT /things/{id}.json", "POST /a~b/c%20d"]);
  });
  it("merges path-level parameters with the operation's, which win by name and location", () => {
    const get = byKey["GET /things/{id}.json"];
    expect(get.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id", "query:lang", "header:lang"]);
    expect(get.parameters[1]).toMatchObject({ required: true });
    expect(byKey["PUT /things/{id}.json"].parameters.map((p) => p.name)).toEqual(["id", "lang"]);
  });
  it("gives the effective security: the operation's, else the document's", () => {
    expect(byKey["GET /things/{id}.json"].security).toEqual(doc.security);
    expect(byKey["PUT /things/{id}.json"].security).toEqual([]);
    expect(byKey["POST /a~b/c%20d"].security).toEqual([{ basic: [] }]);
    expect(operationsOf({ paths: { "/x": { get: {} } } })[0]?.security).toEqual([]);
  });
  it("dereferences the request body and names its first media type", () => {
    const put = byKey["PUT /things/{id}.json"];
    expect(put.requestBody).toBe(doc.components.requestBodies.Thing);
    expect(put.requestMediaType).toBe("application/x-www-form-urlencoded");
    expect(byKey["GET /things/{id}.json"].requestMediaType).toBeUndefined();
  });
});

describe("schemas", () => {
  const thing = { $ref: "#/components/schemas/Thing" };
  it("branches follow refs through allOf, and other keywords when asked", () => {
    expect(branches(doc, thing)).toHaveLength(3);
    expect(branches(doc, thing, { keywords: ["allOf", "anyOf", "oneOf"] })).toHaveLength(4);
    expect(branches(doc, undefined)).toEqual([]);
  });
  it("propertiesOf merges allOf, a schema's own declarations winning", () => {
    const props = propertiesOf(doc, thing);
    expect(Object.keys(props)).toEqual(["id", "name"]);
    expect(props.id).toEqual({ type: "string" });
  });
});

describe("security", () => {
  const kind = (name: string) => authKindOf(doc, [{ [name]: [] }]);
  it("names the first scheme of the first requirement", () => {
    expect(authKindOf(doc, doc.security)).toBe("header:apikey");
    expect(authKindOf(doc, [])).toBe("none");
    expect(authKindOf(doc, undefined)).toBe("none");
  });
  it.each([
    ["token", "bearer"],
    ["basic", "basic"],
    ["prefixed", "header:Authorization"],
    ["cookie", "other"],
    ["digest", "other"],
    ["unknown", "other"],
  ])("%s is %s", (name, expected) => {
    expect(kind(name)).toBe(expected);
  });
  it("lists the alternatives with their schemes and the x-token-prefix", () => {
    expect(securityAlternatives(doc, doc.security).map((alt) => alt.map((s) => s.key))).toEqual([["key"], ["token"]]);
    expect(primarySchemeOf(doc, [{ prefixed: [] }])).toMatchObject({
      key: "prefixed",
      name: "Authorization",
      tokenPrefix: "Token",
    });
    expect(primarySchemeOf(doc, [])).toBeUndefined();
  });
});

describe("pathTemplateRegex", () => {
  it("matches one path segment per template variable, and the rest literally", () => {
    const re = pathTemplateRegex("/clients/{id}.json");
    expect(re.test("/clients/5.json")).toBe(true);
    expect(re.test("/clients/5/x.json")).toBe(false);
    expect(re.test("/clients/5xjson")).toBe(false);
  });
});

describe("routeFor", () => {
  const routes = operationRoutes({
    openapi: "3.1.0",
    paths: {
      "/v2/entity/{entity}/{id}/{level}": { get: { operationId: "anyRecord" } },
      "/v2/entity/{entity}/list/{level}": { get: { operationId: "anyList" } },
      "/clients/{id}": { get: { operationId: "clientBare" } },
      "/clients/{id}.json": { get: { operationId: "client" }, put: { operationId: "putClient" } },
    },
  });
  const reached = (method: string, path: string) => routeFor(routes, method, path)?.op.operationId;

  it("picks the most specific template that matches", () => {
    expect(reached("GET", "/v2/entity/invoice/list/1")).toBe("anyList");
    expect(reached("GET", "/v2/entity/invoice/9/1")).toBe("anyRecord");
    // "5.json" also fills {id} of /clients/{id}; the .json template is more specific.
    expect(reached("GET", "/clients/5.json")).toBe("client");
    expect(reached("GET", "/clients/5")).toBe("clientBare");
  });

  it("matches the method, in any case, and answers undefined when nothing fits", () => {
    expect(reached("put", "/clients/5.json")).toBe("putClient");
    expect(reached("DELETE", "/clients/5.json")).toBeUndefined();
    expect(reached("GET", "/clients")).toBeUndefined();
  });

  it("takes the last listed of equally specific templates, as Prism does", () => {
    const twins = operationRoutes({
      openapi: "3.1.0",
      paths: { "/{a}/x": { get: { operationId: "one" } }, "/y/{b}": { get: { operationId: "two" } } },
    });
    expect(routeFor(twins, "GET", "/y/x")?.op.operationId).toBe("two");
  });
});

describe("pathTemplateParams", () => {
  it("names each template variable's value, percent-decoded", () => {
    expect(pathTemplateParams("/clients/{id}.json", "/clients/512.json")).toEqual({ id: "512" });
    expect(
      pathTemplateParams(
        "/entity/le_workflow-type-entity-{workflowId}/{id}/{level}",
        "/entity/le_workflow-type-entity-7/3/1",
      ),
    ).toEqual({ workflowId: "7", id: "3", level: "1" });
    expect(pathTemplateParams("/notes/{type}", "/notes/a%20b")).toEqual({ type: "a b" });
  });
  it("keeps a value that is not valid percent-encoding as sent, and refuses a path of another shape", () => {
    expect(pathTemplateParams("/notes/{type}", "/notes/100%")).toEqual({ type: "100%" });
    expect(pathTemplateParams("/clients/{id}.json", "/clients/5/x.json")).toBeUndefined();
  });
  it("compiles a template once for many paths", () => {
    const match = pathTemplateMatcher("/v1/get/{visitorId}");
    expect(["/v1/get/1a2b", "/v1/get/", "/v1/get/9f"].map(match)).toEqual([
      { visitorId: "1a2b" },
      undefined,
      { visitorId: "9f" },
    ]);
  });
});

describe("jsonExamples", () => {
  const withExamples = {
    components: { examples: { Gone: { value: { success: false } } } },
  };
  it("gives a single example without a name, named ones by name, refs followed", () => {
    expect(jsonExamples(withExamples, { content: { "application/json": { example: { a: 1 } } } })).toEqual([
      [undefined, { a: 1 }],
    ]);
    expect(
      jsonExamples(withExamples, {
        content: {
          "application/json": {
            examples: { ok: { value: { success: true } }, gone: { $ref: "#/components/examples/Gone" } },
          },
        },
      }),
    ).toEqual([
      ["ok", { success: true }],
      ["gone", { success: false }],
    ]);
  });
  it("has none for a body that is not JSON", () => {
    expect(jsonExamples(withExamples, { content: { "image/jpeg": { example: "bytes" } } })).toEqual([]);
  });
});
