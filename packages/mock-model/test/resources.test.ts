// markMockResources: the stateful mock's resources, derived from paths and examples.
import { describe, expect, it } from "vitest";
import { operationsOf } from "@mizan/openapi-tools";
import { markMockResources, MOCK_RESOURCE, pathRole, rewrap } from "../src/index.js";

const json = (example, schema = { type: "object" }) => ({ content: { "application/json": { schema, example } } });
const named = (examples) => ({ content: { "application/json": { schema: { type: "object" }, examples } } });
const body = (example) => ({
  required: true,
  content: { "application/json": { schema: { type: "object" }, example } },
});
const idParam = (name) => ({ name, in: "path", required: true, schema: { type: "integer" } });
const notFound = { $ref: "#/components/responses/NotFound" };

// Daftra v1's shape: records wrapped in their model name, a `pagination` block, 404 when missing.
const v1 = {
  "/api2/clients.json": {
    get: {
      parameters: [
        { name: "page", in: "query", schema: { type: "integer" } },
        { name: "limit", in: "query", schema: { type: "integer", default: 20 } },
      ],
      responses: {
        200: json({
          code: 200,
          data: [{ Client: { id: 512, name: "a" } }, { Client: { id: 513, name: "b" } }],
          pagination: { prev: null, next: "/api2/clients.json?page=2", page: 1, page_count: 5, total_results: 98 },
        }),
      },
    },
    post: {
      requestBody: body({ Client: { name: "c" } }),
      responses: { 202: json({ code: 202, result: "successful", id: 2415 }), 400: json({ message: "Bad Request" }) },
    },
  },
  "/api2/clients/{id}.json": {
    parameters: [idParam("id")],
    get: {
      responses: {
        200: json({ code: 200, data: { Client: { id: 512, name: "a", Nested: { id: 9 } } } }),
        404: notFound,
      },
    },
    put: {
      requestBody: body({ Client: { name: "d" } }),
      responses: { 200: json({ code: 200, result: "successful" }), 404: notFound },
    },
    delete: {
      responses: {
        200: json({ code: 200, result: "successful" }),
        400: json({ message: "Cannot delete" }),
        404: notFound,
      },
    },
  },
};

// Daftra v2's shape: flat records, a Laravel paginator, `{level}` after the id, 400 "Record not found".
const v2 = {
  "/v2/api/entity/brand": {
    post: {
      requestBody: body({ name: "x" }),
      responses: { 200: json({ message: "Saved", id: 27 }), 422: json({ message: "invalid" }) },
    },
  },
  "/v2/api/entity/brand/{id}": {
    parameters: [idParam("id")],
    put: {
      requestBody: body({ id: 3, name: "y" }),
      responses: { 200: json({ message: "Saved", id: 27 }), 400: json({ message: "Record not found" }) },
    },
  },
  "/v2/api/entity/brand/{id}/{level}": {
    parameters: [idParam("id"), { name: "level", in: "path", required: true, schema: { type: "integer" } }],
    get: { responses: { 200: json({ id: 3, name: "x" }), 400: json({ message: "Record not found" }) } },
  },
  "/v2/api/entity/brand/list/{level}": {
    parameters: [{ name: "level", in: "path", required: true, schema: { type: "integer" } }],
    get: {
      parameters: [
        { name: "page", in: "query", schema: { type: "integer" } },
        { name: "per_page", in: "query", schema: { type: "integer" } },
      ],
      responses: {
        200: json({
          current_page: 1,
          data: [{ id: 3, name: "x" }],
          last_page: 1,
          per_page: 50,
          total: 1,
          next_page_url: null,
          links: [{ url: null, label: "prev", active: false }],
        }),
      },
    },
  },
};

// VMSAlpha's shape: the paths do not say which calls belong together, so the description says it.
const written = {
  "/v1/add/": {
    post: {
      [MOCK_RESOURCE]: { resource: "/v1/get", action: "create" },
      requestBody: {
        content: { "multipart/form-data": { schema: { type: "object" }, example: { name: "n", access_token: "t" } } },
      },
      responses: {
        200: named({ added: { value: { success: true, visitor_id: "1a2b" } }, failed: { value: { success: false } } }),
      },
    },
  },
  "/v1/get/": {
    get: {
      responses: { 200: named({ visitors: { value: { success: true, data: [{ visitor_id: "1a2b", name: "n" }] } } }) },
    },
  },
  "/v1/get/{visitorId}": {
    parameters: [{ name: "visitorId", in: "path", required: true, schema: { type: "string" } }],
    get: {
      responses: {
        200: named({
          visitor: { value: { success: true, data: [{ visitor_id: "1a2b", name: "n" }] } },
          notFound: { value: { success: false, errors: { code: "3404" } } },
        }),
      },
    },
  },
  "/v1/exit/{visitorId}": {
    parameters: [{ name: "visitorId", in: "path", required: true, schema: { type: "string" } }],
    get: {
      [MOCK_RESOURCE]: { resource: "/v1/get", action: "delete" },
      responses: {
        200: named({
          exited: { value: { success: true } },
          notFound: { value: { success: false, errors: { code: "3404" } } },
        }),
      },
    },
  },
};

const components = { responses: { NotFound: json({ result: "failed", code: 404, message: "Item not found" }) } };
const marksOf = (paths) => {
  const out = markMockResources({ openapi: "3.1.0", paths, components });
  return Object.fromEntries(operationsOf(out).map((e) => [e.key, e.op[MOCK_RESOURCE]]));
};

describe("markMockResources", () => {
  it("finds Daftra v1's wrapped records: the wrapper from the bodies, the id inside it, the list's paging block", () => {
    const marks = marksOf(v1);
    const base = { resource: "/api2/clients", idField: "/Client/id" };
    expect(marks["GET /api2/clients/{id}.json"]).toEqual({
      ...base,
      action: "read",
      idParam: "id",
      answer: { status: "200" },
      record: "/data",
      notFound: { status: "404" },
    });
    expect(marks["POST /api2/clients.json"]).toEqual({
      ...base,
      action: "create",
      answer: { status: "202" },
      answerId: "/id",
    });
    expect(marks["PUT /api2/clients/{id}.json"]).toEqual({
      ...base,
      action: "update",
      idParam: "id",
      answer: { status: "200" },
      notFound: { status: "404" },
    });
    // The 404 wins over the delete's other refusal.
    expect(marks["DELETE /api2/clients/{id}.json"]).toMatchObject({ action: "delete", notFound: { status: "404" } });
    expect(marks["GET /api2/clients.json"]).toEqual({
      ...base,
      action: "list",
      answer: { status: "200" },
      items: "/data",
      paging: {
        page: "page",
        size: "limit",
        defaultSize: 20,
        fields: {
          "/pagination/prev": "prev",
          "/pagination/next": "next",
          "/pagination/page": "page",
          "/pagination/page_count": "pageCount",
          "/pagination/total_results": "total",
        },
      },
    });
  });

  it("finds Daftra v2's flat records, its list under /list/{level}, and the 400 that means not found", () => {
    const marks = marksOf(v2);
    expect(marks["GET /v2/api/entity/brand/{id}/{level}"]).toMatchObject({
      resource: "/v2/api/entity/brand",
      action: "read",
      idField: "/id",
      record: "",
      notFound: { status: "400" },
    });
    expect(marks["PUT /v2/api/entity/brand/{id}"]).toMatchObject({
      action: "update",
      answerId: "/id",
      notFound: { status: "400" },
    });
    expect(marks["POST /v2/api/entity/brand"]).toMatchObject({ action: "create", answerId: "/id" });
    const list = marks["GET /v2/api/entity/brand/list/{level}"];
    expect(list).toMatchObject({ resource: "/v2/api/entity/brand", action: "list", items: "/data" });
    // No default on per_page: the example's page size is the default.
    expect(list.paging).toEqual({
      page: "page",
      size: "per_page",
      defaultSize: 50,
      fields: {
        "/current_page": "page",
        "/last_page": "pageCount",
        "/per_page": "size",
        "/total": "total",
        "/next_page_url": "next",
        "/links": "links",
      },
    });
  });

  it("completes written annotations, with named examples for the answers and the not-found", () => {
    const marks = marksOf(written);
    const base = { resource: "/v1/get", idField: "/visitor_id" };
    expect(marks["POST /v1/add/"]).toEqual({
      ...base,
      action: "create",
      answer: { status: "200", example: "added" },
      answerId: "/visitor_id",
    });
    expect(marks["GET /v1/get/{visitorId}"]).toEqual({
      ...base,
      action: "read",
      idParam: "visitorId",
      answer: { status: "200", example: "visitor" },
      record: "/data/0",
      notFound: { status: "200", example: "notFound" },
    });
    expect(marks["GET /v1/exit/{visitorId}"]).toEqual({
      ...base,
      action: "delete",
      idParam: "visitorId",
      answer: { status: "200", example: "exited" },
      notFound: { status: "200", example: "notFound" },
    });
    expect(marks["GET /v1/get/"]).toMatchObject({
      ...base,
      action: "list",
      items: "/data",
      answer: { status: "200", example: "visitors" },
    });
    expect(marks["GET /v1/get/"].paging).toBeUndefined();
  });

  it("marks nothing where the paths group no record with a list or a write", () => {
    const marks = marksOf({
      "/api2/site_info.json": { get: { responses: { 200: json({ data: { Site: { id: 1 } } }) } } },
      "/api2/bookings/{bookingId}": {
        parameters: [idParam("bookingId")],
        get: { responses: { 200: json({ data: { id: 1 } }) } },
      },
      "/api2/bookings/convert_to_invoice/{bookingId}": {
        parameters: [idParam("bookingId")],
        post: { responses: { 200: json({ id: 1 }) } },
      },
    });
    expect(Object.values(marks).filter(Boolean)).toEqual([]);
  });

  it("leaves out an operation written `false`, and a create whose answer has no id", () => {
    const optedOut = structuredClone(v1);
    optedOut["/api2/clients/{id}.json"].delete[MOCK_RESOURCE] = false;
    optedOut["/api2/clients.json"].post.responses[202] = json({ code: 202, result: "successful" });
    const marks = marksOf(optedOut);
    expect(marks["DELETE /api2/clients/{id}.json"]).toBeUndefined();
    expect(marks["POST /api2/clients.json"]).toBeUndefined();
    expect(marks["GET /api2/clients/{id}.json"]).toBeDefined();
  });

  it("does not pair a body with a record of another wrapper", () => {
    const mismatched = structuredClone(v1);
    mismatched["/api2/clients.json"].post.requestBody = body({ FollowUpReminder: { name: "c" } });
    expect(Object.values(marksOf(mismatched)).filter(Boolean)).toEqual([]);
  });

  it("refuses a written annotation it cannot use or complete, naming the operation", () => {
    const bad = structuredClone(written);
    bad["/v1/add/"].post[MOCK_RESOURCE] = { resource: "/v1/get", action: "insert" };
    expect(() => marksOf(bad)).toThrow(/POST \/v1\/add\/: x-mock-resource must be false or \{resource/);
    const noId = structuredClone(written);
    noId["/v1/add/"].post.responses[200] = named({ added: { value: { success: true } } });
    expect(() => marksOf(noId)).toThrow(
      /POST \/v1\/add\/: x-mock-resource "\/v1\/get" cannot be completed: POST \/v1\/add\/ documents no answer with the new id/,
    );
    const noRead = structuredClone(written);
    delete noRead["/v1/get/{visitorId}"];
    expect(() => marksOf(noRead)).toThrow(/cannot be completed: it has no read operation/);
  });

  it("returns a copy and leaves the input alone", () => {
    const input = { openapi: "3.1.0", paths: structuredClone(written), components };
    const before = JSON.stringify(input);
    markMockResources(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe("markMockResources: a body that wraps its record under another name", () => {
  const renamed = () => {
    const paths = structuredClone(v1);
    paths["/api2/clients.json"].post.requestBody = body({ NewClient: { name: "c" } });
    return paths;
  };

  it("cannot place the record without being told, and can with wrappers", () => {
    // No level of the read answer shares a key with {NewClient: ...}: the family is left out.
    expect(marksOf(renamed())["POST /api2/clients.json"]).toBeUndefined();
    const told = renamed();
    told["/api2/clients.json"].post[MOCK_RESOURCE] = {
      resource: "/api2/clients",
      action: "create",
      wrappers: { NewClient: "Client" },
    };
    const marks = marksOf(told);
    expect(marks["POST /api2/clients.json"]).toMatchObject({
      action: "create",
      wrappers: { NewClient: "Client" },
      answerId: "/id",
    });
    expect(marks["GET /api2/clients/{id}.json"]).toMatchObject({ action: "read", record: "/data" });
  });

  it("takes wrappers on a create or update only, as a map of names", () => {
    const bad = (action, wrappers) => {
      const paths = renamed();
      paths["/api2/clients.json"][action === "read" ? "get" : "post"][MOCK_RESOURCE] = {
        resource: "/api2/clients",
        action,
        wrappers,
      };
      return () => marksOf(paths);
    };
    expect(bad("read", { NewClient: "Client" })).toThrow(/wrappers maps a request body's wrapper to the record's/);
    expect(bad("create", { NewClient: 3 })).toThrow(/wrappers maps a request body's wrapper/);
  });
});

describe("markMockResources: a list's filter and sort parameters", () => {
  const operators = { type: "object", properties: { eq: {}, like: {} } };
  const withQuery = (parameters) => {
    const paths = structuredClone(v2);
    paths["/v2/api/entity/brand/list/{level}"].get.parameters.push(...parameters);
    return paths;
  };
  const filter = (match, schema = { type: "object", additionalProperties: operators }) => ({
    name: "filter",
    in: "query",
    style: "deepObject",
    explode: true,
    schema,
    "x-mock-filter": match,
  });

  it("records the marked parameters on the list", () => {
    const marks = marksOf(
      withQuery([
        filter("all"),
        { ...filter("any"), name: "filter[or]" },
        { name: "sort", in: "query", style: "deepObject", schema: { type: "object" }, "x-mock-sort": true },
      ]),
    );
    expect(marks["GET /v2/api/entity/brand/list/{level}"].query).toEqual({
      filters: [
        { param: "filter", match: "all" },
        { param: "filter[or]", match: "any" },
      ],
      sort: "sort",
    });
    expect(marksOf(v2)["GET /v2/api/entity/brand/list/{level}"].query).toBeUndefined();
  });

  it("refuses an operator the grammar does not know, and a mark that is neither all nor any", () => {
    const near = filter("all", {
      type: "object",
      additionalProperties: { type: "object", properties: { eq: {}, near: {} } },
    });
    expect(() => marksOf(withQuery([near]))).toThrow(
      /parameter filter declares filter operators the mock does not know: near \(known: eq, /,
    );
    expect(() => marksOf(withQuery([filter("some")]))).toThrow(/x-mock-filter must be "all" or "any"/);
  });
});

describe("pathRole", () => {
  it("reads collections and items from the path's shape", () => {
    expect(pathRole({ path: "/api2/clients.json", method: "post" })).toEqual({
      resource: "/api2/clients",
      action: "create",
    });
    expect(pathRole({ path: "/api2/clients/{id}.json", method: "patch" })).toEqual({
      resource: "/api2/clients",
      action: "update",
      idParam: "id",
    });
    expect(pathRole({ path: "/v2/api/entity/brand/{id}/{level}", method: "get" })).toEqual({
      resource: "/v2/api/entity/brand",
      action: "read",
      idParam: "id",
    });
    expect(pathRole({ path: "/v2/api/entity/brand/list/{level}", method: "get" })).toEqual({
      resource: "/v2/api/entity/brand/list",
      action: "list",
    });
    expect(pathRole({ path: "/v1/get/{visitorId}", method: "get" })).toEqual({
      resource: "/v1/get",
      action: "read",
      idParam: "visitorId",
    });
  });
  it("sees no role in an action on a record or a method that has none", () => {
    expect(pathRole({ path: "/api2/bookings/{bookingId}/cancel", method: "post" })).toBeUndefined();
    expect(pathRole({ path: "/api2/clients/{id}.json", method: "post" })).toBeUndefined();
    expect(pathRole({ path: "/api2/clients.json", method: "delete" })).toBeUndefined();
  });
});

describe("rewrap", () => {
  it("renames only the wrappers it is given, never through an inherited key", () => {
    expect(rewrap({ FollowUpReminder: { a: 1 } }, { FollowUpReminder: "ClientAppointment" })).toEqual({
      ClientAppointment: { a: 1 },
    });
    const body = JSON.parse('{"constructor": 1, "toString": 2, "__proto__": 3}');
    expect(Object.keys(rewrap(body, { FollowUpReminder: "ClientAppointment" }))).toEqual([
      "constructor",
      "toString",
      "__proto__",
    ]);
  });
});
