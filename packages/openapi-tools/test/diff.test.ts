// The breaking-change comparison on small documents: one per kind of change, and the changelog
// written from them. The release gate built on it (changesets, client names) is tested in spec/test.
import { describe, expect, it } from "vitest";
import { changelogMarkdown, diffDocuments } from "../src/diff.js";

/** A document as the tests write and edit it: plain JSON, reached into by path. */
type Doc = any;
type Edit = (doc: Doc) => unknown;

/** A small API: GET /items/{id} and POST /items, each overridable by `edit`. */
function api(edit: (doc: Doc) => unknown = () => {}): Doc {
  const doc = {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    security: [{ token: [] }],
    components: {
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: "APIKEY" },
        basic: { type: "http", scheme: "basic" },
      },
    },
    paths: {
      "/items/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        get: {
          parameters: [{ name: "fields", in: "query", schema: { type: "string" } }],
          responses: {
            200: {
              description: "ok",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "status"],
                    properties: {
                      id: { type: "integer" },
                      status: { type: "string", enum: ["open", "paid"] },
                      note: { type: "string" },
                    },
                  },
                },
              },
            },
            404: { description: "missing" },
          },
        },
      },
      "/items": {
        post: {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["name"],
                  properties: {
                    name: { type: "string" },
                    kind: { type: "string", enum: ["a", "b"] },
                    amount: { type: "number" },
                  },
                },
              },
            },
          },
          responses: { 201: { description: "created" } },
        },
      },
    },
  };
  edit(doc);
  return doc;
}

const getOp = (doc: Doc) => doc.paths["/items/{id}"].get;
const getBody = (doc: Doc) => getOp(doc).responses[200].content["application/json"].schema;
const postBody = (doc: Doc) => doc.paths["/items"].post.requestBody.content["application/json"].schema;
const additive = (edit: (doc: Doc) => unknown) => diffDocuments(api(), api(edit)).filter((c) => !c.breaking);

describe("diffDocuments", () => {
  it("finds nothing between equal documents", () => {
    expect(diffDocuments(api(), api())).toEqual([]);
  });

  it("ignores a schema moved into a shared component behind $ref and allOf", () => {
    const moved = api((doc: Doc) => {
      const { required, properties } = getBody(doc);
      doc.components.schemas = {
        "Item~Base": { type: "object", required: ["id"], properties: { id: properties.id } },
        Item: {
          allOf: [
            { $ref: "#/components/schemas/Item~0Base" },
            {
              required: required.filter((r: string) => r !== "id"),
              properties: { status: properties.status, note: properties.note },
            },
          ],
        },
      };
      getOp(doc).responses[200].content["application/json"].schema = { $ref: "#/components/schemas/Item" };
      doc.components.parameters = { Id: doc.paths["/items/{id}"].parameters[0] };
      doc.paths["/items/{id}"].parameters = [{ $ref: "#/components/parameters/Id" }];
    });
    expect(diffDocuments(api(), moved)).toEqual([]);
  });

  it("reads a mixed enum written as anyOf of typed consts, or of one enum per type, as the same enum", () => {
    const consts = (doc: Doc) =>
      (getBody(doc).properties.status = {
        anyOf: [1, 2, "1", "2"]
          .map((v): { type: string; const?: unknown } => ({
            type: typeof v === "number" ? "integer" : "string",
            const: v,
          }))
          .concat([{ type: "null" }]),
      });
    expect(
      diffDocuments(
        api(
          (doc: Doc) =>
            (getBody(doc).properties.status = { type: ["integer", "string", "null"], enum: [1, 2, "1", "2", null] }),
        ),
        api(consts),
      ),
    ).toEqual([]);
    const mixed = (doc: Doc) =>
      (getBody(doc).properties.status = { type: ["integer", "string", "null"], enum: [1, 2, "1", "2", null] });
    const split = (doc: Doc) =>
      (getBody(doc).properties.status = {
        anyOf: [{ type: "integer", enum: [1, 2] }, { type: "string", enum: ["1", "2"] }, { type: "null" }],
      });
    expect(diffDocuments(api(mixed), api(split))).toEqual([]);
    // Dropping a value is still seen.
    const fewer = (doc: Doc) =>
      (getBody(doc).properties.status = {
        anyOf: [{ type: "integer", enum: [1, 2] }, { type: "string", enum: ["1"] }, { type: "null" }],
      });
    expect(diffDocuments(api(mixed), api(fewer)).map((c) => c.kind)).toContain("enum-narrowed");
  });

  it("lets additive changes through", () => {
    const changes = diffDocuments(
      api(),
      api((doc: Doc) => {
        doc.paths["/items/{id}"].delete = { responses: { 204: { description: "gone" } } };
        getOp(doc).parameters.push({ name: "expand", in: "query", schema: { type: "string" } });
        getBody(doc).properties.created = { type: "string" };
        postBody(doc).properties.memo = { type: "string" };
        postBody(doc).properties.kind.enum.push("c");
        postBody(doc).properties.amount.type = ["number", "string"];
        getOp(doc).responses[400] = { description: "bad" };
        doc.paths["/items"].post.security = [{ token: [] }, { basic: [] }];
      }),
    );
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(changes.map((c) => c.kind).sort()).toEqual(
      [
        "enum-widened",
        "field-added",
        "field-added",
        "operation-added",
        "parameter-added",
        "security-added",
        "status-added",
        "type-widened",
      ].sort(),
    );
  });

  const cases: [name: string, kind: string, location: string, edit: Edit, editOld?: Edit][] = [
    ["a removed operation", "operation-removed", "DELETE", (doc: Doc) => delete doc.paths["/items"].post],
    ["a removed parameter", "parameter-removed", "parameter fields (query)", (doc: Doc) => getOp(doc).parameters.pop()],
    [
      "a removed response field",
      "field-removed",
      "response 200 application/json.note",
      (doc: Doc) => delete getBody(doc).properties.note,
    ],
    [
      "a new required request field",
      "field-required",
      "request body application/json.memo",
      (doc: Doc) => {
        postBody(doc).properties.memo = { type: "string" };
        postBody(doc).required.push("memo");
      },
    ],
    [
      "a new required parameter",
      "parameter-required",
      "parameter page (query)",
      (doc: Doc) =>
        getOp(doc).parameters.push({ name: "page", in: "query", required: true, schema: { type: "integer" } }),
    ],
    [
      "a parameter made required",
      "parameter-required",
      "parameter fields (query)",
      (doc: Doc) => (getOp(doc).parameters[0].required = true),
    ],
    [
      "a narrowed request type",
      "type-narrowed",
      "request body application/json.amount",
      (doc: Doc) => (postBody(doc).properties.amount.type = "integer"),
    ],
    [
      "a narrowed request enum",
      "enum-narrowed",
      "request body application/json.kind",
      (doc: Doc) => postBody(doc).properties.kind.enum.pop(),
    ],
    [
      "a new enum on a request field",
      "enum-narrowed",
      "request body application/json.name",
      (doc: Doc) => (postBody(doc).properties.name.enum = ["x"]),
    ],
    [
      "a narrowed path parameter",
      "enum-narrowed",
      "parameter id (path)",
      (doc: Doc) => (doc.paths["/items/{id}"].parameters[0].schema = { type: "integer", enum: [1] }),
    ],
    [
      "an added response enum value",
      "enum-widened",
      "response 200 application/json.status",
      (doc: Doc) => getBody(doc).properties.status.enum.push("void"),
    ],
    [
      "an added response type",
      "type-widened",
      "response 200 application/json.id",
      (doc: Doc) => (getBody(doc).properties.id.type = ["integer", "null"]),
    ],
    [
      "a response field no longer required",
      "field-optional",
      "response 200 application/json.status",
      (doc: Doc) => getBody(doc).required.pop(),
    ],
    ["changed auth", "security-changed", "security", (doc: Doc) => (getOp(doc).security = [{ basic: [] }])],
    [
      "auth on an anonymous operation",
      "security-changed",
      "security",
      (doc: Doc) => {
        doc.security = [];
        doc.paths["/items"].post.security = [{ token: [] }];
      },
      (doc: Doc) => (doc.security = []),
    ],
    [
      "a changed auth scheme",
      "security-changed",
      "security",
      (doc: Doc) => (doc.components.securitySchemes.token.name = "X-Key"),
    ],
    ["a removed response status", "status-removed", "response 404", (doc: Doc) => delete getOp(doc).responses[404]],
    [
      "a changed request media type",
      "media-type-removed",
      "request body application/json",
      (doc: Doc) => {
        const rb = doc.paths["/items"].post.requestBody;
        rb.content = { "multipart/form-data": rb.content["application/json"] };
      },
    ],
    [
      "a changed response media type",
      "media-type-removed",
      "response 200 application/json",
      (doc: Doc) => {
        const r = getOp(doc).responses[200];
        r.content = { "application/xml": r.content["application/json"] };
      },
    ],
  ];

  it.each(cases)("reports %s", (_, kind, location, edit, editOld = () => {}) => {
    const found = diffDocuments(api(editOld), api(edit)).filter((c) => c.breaking);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((c) => c.kind)).toContain(kind);
    if (location !== "DELETE") expect(found.map((c) => c.location)).toContain(location);
    for (const c of found) expect(c.operation).toMatch(/^(GET|POST|DELETE) \//);
  });

  it("reads a narrowed request type as additive on the response side", () => {
    const idOrString = api((doc: Doc) => (getBody(doc).properties.id.type = ["integer", "string"]));
    expect(diffDocuments(idOrString, api()).map((c) => [c.kind, c.breaking])).toEqual([["type-narrowed", false]]);
    expect(additive((doc: Doc) => getBody(doc).properties.status.enum.pop()).map((c) => c.kind)).toEqual([
      "enum-narrowed",
    ]);
  });

  it("follows recursive schemas without looping", () => {
    const tree = (doc: Doc) => {
      doc.components.schemas = {
        Node: {
          type: "object",
          properties: { child: { $ref: "#/components/schemas/Node" }, name: { type: "string" } },
        },
      };
      getBody(doc).properties.node = { $ref: "#/components/schemas/Node" };
    };
    expect(diffDocuments(api(tree), api(tree))).toEqual([]);
    const found = diffDocuments(
      api(tree),
      api((doc: Doc) => {
        tree(doc);
        delete doc.components.schemas.Node.properties.name;
      }),
    );
    expect(found.map((c) => c.location)).toEqual(["response 200 application/json.node.name"]);
  });
});

describe("changelogMarkdown", () => {
  it("groups changes into added, changed and removed", () => {
    const changes = diffDocuments(
      api(),
      api((doc: Doc) => {
        delete getBody(doc).properties.note;
        postBody(doc).properties.memo = { type: "string" };
        getOp(doc).parameters[0].required = true;
        doc.paths["/other"] = { get: { responses: { 200: { description: "ok" } } } };
      }),
    );
    const md = changelogMarkdown(changes, { title: "daftra API" });
    expect(md).toContain("## daftra API");
    expect(md).toMatch(
      /### Added\n\n- `POST \/items` — request body application\/json\.memo: request field added\n- `GET \/other`: operation added/,
    );
    expect(md).toMatch(
      /### Changed\n\n- \*\*Breaking:\*\* `GET \/items\/\{id\}` — parameter fields \(query\): parameter is now required/,
    );
    expect(md).toMatch(
      /### Removed\n\n- \*\*Breaking:\*\* `GET \/items\/\{id\}` — response 200 application\/json\.note: response field removed/,
    );
    expect(changelogMarkdown([])).toContain("No changes to the API.");
  });
});
