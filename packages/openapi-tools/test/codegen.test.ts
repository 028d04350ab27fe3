import { describe, expect, it } from "vitest";
import { generateOperations, listMeta, securityMatchers } from "../src/codegen.js";

// A small API: a default API key, a public token endpoint, a templated public read that would
// also match a concrete operation with the default security, and two paged lists.
const doc = {
  openapi: "3.1.0",
  security: [{ key: [] }],
  components: {
    securitySchemes: {
      key: { type: "apiKey", in: "header", name: "X-Key" },
      token: { type: "apiKey", in: "header", name: "Authorization", "x-token-prefix": "Token" },
    },
    schemas: {
      Item: {
        type: "object",
        required: ["Item"],
        properties: { Item: { type: "object", properties: { id: { type: "integer" } } } },
      },
    },
  },
  paths: {
    "/token": {
      post: {
        operationId: "token",
        security: [],
        requestBody: { content: { "application/x-www-form-urlencoded": { schema: { type: "object" } } } },
        responses: { 200: { description: "ok" } },
      },
    },
    "/items/{id}": { get: { operationId: "item", security: [], responses: { 200: { description: "ok" } } } },
    "/items/latest": { get: { operationId: "latest", responses: { 200: { description: "ok" } } } },
    "/items": {
      get: {
        operationId: "items",
        parameters: [{ name: "page", in: "query", schema: { type: "integer" } }],
        responses: {
          200: {
            description: "ok",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    data: { type: "array", items: { $ref: "#/components/schemas/Item" } },
                    pagination: { type: "object", properties: { page_count: { type: "integer" } } },
                  },
                },
              },
            },
          },
        },
      },
    },
    "/flat": {
      get: {
        operationId: "flat",
        parameters: [{ name: "page", in: "query", schema: { type: "integer" } }],
        responses: {
          200: {
            description: "ok",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    data: { type: "array", items: { type: "object", properties: { id: { type: "integer" } } } },
                    last_page: { type: "integer" },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
const styles = [
  { page: "page", items: "data", lastPage: "pagination.page_count" },
  { page: "page", items: "data", lastPage: "last_page" },
];

describe("securityMatchers", () => {
  it("lists exceptions most concrete first, with the concrete operations a template would shadow", () => {
    const rows = [
      { key: "POST /token", security: [] },
      { key: "GET /items/{id}", security: [] },
      { key: "GET /items/latest", security: [["key"]] },
      { key: "GET /items", security: [["key"]] },
    ];
    const found = securityMatchers(rows, [["key"]]).map(({ method, template, security }) => [
      method,
      template,
      security,
    ]);
    expect(found).toEqual([
      ["POST", "/token", []],
      ["GET", "/items/latest", [["key"]]],
      ["GET", "/items/{id}", []],
    ]);
  });
});

describe("generateOperations", () => {
  const code = generateOperations(doc, "", { pagination: styles });
  it("emits the security table with URL matchers and the prefix of token schemes", () => {
    expect(code).toContain('"token":{"type":"apiKey","header":"authorization","prefix":"Token"}');
    expect(code).toContain('["POST", /^\\/token(?:[?#]|$)/, []]');
    expect(code).toContain('["GET", /^\\/items\\/latest(?:[?#]|$)/, [["key"]]]');
  });
  it("emits the urlencoded middleware only for an API that has such bodies", () => {
    expect(code).toContain('urlencodedMiddleware(new Set(["POST /token"]))');
    const none = generateOperations({ ...doc, paths: { "/items/latest": doc.paths["/items/latest"] } });
    expect(none).not.toContain("urlencodedMiddleware(");
  });
  it("finds paged lists by the API's pagination styles, with their wrapper key when items are wrapped", () => {
    expect(code).toContain(
      '"/items": {"page":"page","items":"data","lastPage":"pagination.page_count","wrapper":"Item"}',
    );
    expect(code).toContain('"/flat": {"page":"page","items":"data","lastPage":"last_page"}');
    const op = { op: doc.paths["/items/latest"].get, parameters: [] };
    expect(listMeta(doc, op, styles)).toBeUndefined();
  });
});
