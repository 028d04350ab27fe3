// Undeclared fields: what the example checks refuse and what the stateful mock prunes from answers.
import { describe, expect, it } from "vitest";
import { undeclaredFields, undeclaredFieldsOf } from "../src/examples.mjs";

const doc = {
  components: {
    schemas: {
      Base: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" } } },
      Client: { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { city: { type: "string" }, tags: { type: "array", items: { $ref: "#/components/schemas/Tag" } } } }] },
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
    const value = { data: [{ id: 1, name: "a", city: "b", token: "t", tags: [{ label: "x", colour: "red" }] }, { id: 2, secret: 1 }], stray: true };
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
