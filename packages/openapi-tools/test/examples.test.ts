// Undeclared fields: what the example checks refuse and what the stateful mock prunes from answers.
import { describe, expect, it } from "vitest";
import { undeclaredFields, undeclaredFieldsOf } from "../src/examples.js";

const doc = {
  components: {
    schemas: {
      Base: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" } } },
      Client: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          {
            type: "object",
            properties: {
              city: { type: "string" },
              tags: { type: "array", items: { $ref: "#/components/schemas/Tag" } },
            },
          },
        ],
      },
      Tag: { type: "object", properties: { label: { type: "string" } } },
      Free: { type: "object", additionalProperties: true, properties: { id: { type: "integer" } } },
    },
  },
};
const envelope = {
  oneOf: [
    { type: "object", properties: { data: { type: "array", items: { $ref: "#/components/schemas/Client" } } } },
    { type: "object", properties: { error: { type: "string" }, extra: { $ref: "#/components/schemas/Free" } } },
  ],
};

describe("undeclaredFieldsOf", () => {
  const check = undeclaredFieldsOf(doc, envelope);

  it("names each field no branch declares, through refs, allOf, oneOf and array items", () => {
    const value = {
      data: [
        { id: 1, name: "a", city: "b", token: "t", tags: [{ label: "x", colour: "red" }] },
        { id: 2, secret: 1 },
      ],
      stray: true,
    };
    expect(check(value)).toEqual(["/data/0/token", "/data/0/tags/0/colour", "/data/1/secret", "/stray"]);
  });

  it("lets anything through a free-form object, and only declared names count (not Object's own)", () => {
    expect(check({ extra: { id: 1, anything: { deep: 1 } } })).toEqual([]);
    expect(check({ data: [{ constructor: 1, toString: "x" }] })).toEqual(["/data/0/constructor", "/data/0/toString"]);
  });

  it("gives the same answers when used many times, and as the one-call form", () => {
    const value = { data: [{ id: 1, token: "t" }] };
    expect(check(value)).toEqual(check(value));
    expect(undeclaredFields(doc, envelope, value, "/body")).toEqual(["/body/data/0/token"]);
  });
});

const framed = {
  openapi: "3.1.0",
  paths: {},
  components: {
    schemas: {
      // A generic list frame whose items allow any field, and a resource's own items.
      Frame: {
        type: "object",
        properties: { data: { type: "array", items: { type: "object", additionalProperties: true } } },
      },
      ClientList: {
        allOf: [
          { $ref: "#/components/schemas/Frame" },
          {
            properties: { data: { items: { properties: { Client: { properties: { email: { type: "string" } } } } } } },
          },
        ],
      },
      // A record that names its id and leaves its other fields to the entity.
      AnyRecord: { type: "object", properties: { id: { type: "integer" } }, additionalProperties: true },
    },
  },
};
const list = { $ref: "#/components/schemas/ClientList" };
const anyRecord = { $ref: "#/components/schemas/AnyRecord" };

describe("undeclaredFields for reading", () => {
  it("lets a writer send anything where any branch allows more fields", () => {
    expect(undeclaredFields(framed, list, { data: [{ Client: { email: "a@b.c" }, extra: 1 }] })).toEqual([]);
    expect(undeclaredFields(framed, list, { data: [{ Client: { email: "a@b.c", phone: "1" } }] })).toEqual([
      "/data/0/Client/phone",
    ]);
  });

  it("for reading, counts only the fields a resource names inside an open frame", () => {
    expect(
      undeclaredFields(framed, list, { data: [{ Client: { email: null }, grand_total: null }] }, "", {
        forReading: true,
      }),
    ).toEqual(["/data/0/grand_total"]);
  });

  it("for reading, still takes any field of a record that is open by its own schema", () => {
    expect(undeclaredFields(framed, anyRecord, { id: 1, name: "x" }, "", { forReading: true })).toEqual([]);
  });
});
