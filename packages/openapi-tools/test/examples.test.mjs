import { describe, expect, it } from "vitest";
import { undeclaredFields } from "../src/examples.mjs";

const doc = {
  openapi: "3.1.0",
  paths: {},
  components: {
    schemas: {
      // A generic list frame whose items allow any field, and a resource's own items.
      Frame: { type: "object", properties: { data: { type: "array", items: { type: "object", additionalProperties: true } } } },
      ClientList: { allOf: [{ $ref: "#/components/schemas/Frame" }, { properties: { data: { items: { properties: { Client: { properties: { email: { type: "string" } } } } } } } }] },
      // A record that names its id and leaves its other fields to the entity.
      AnyRecord: { type: "object", properties: { id: { type: "integer" } }, additionalProperties: true },
    },
  },
};
const list = { $ref: "#/components/schemas/ClientList" };
const anyRecord = { $ref: "#/components/schemas/AnyRecord" };

describe("undeclaredFields", () => {
  it("lets a writer send anything where any branch allows more fields", () => {
    expect(undeclaredFields(doc, list, { data: [{ Client: { email: "a@b.c" }, extra: 1 }] })).toEqual([]);
    expect(undeclaredFields(doc, list, { data: [{ Client: { email: "a@b.c", phone: "1" } }] })).toEqual(["/data/0/Client/phone"]);
  });

  it("for reading, counts only the fields a resource names inside an open frame", () => {
    expect(undeclaredFields(doc, list, { data: [{ Client: { email: null }, grand_total: null }] }, "", { forReading: true })).toEqual(["/data/0/grand_total"]);
  });

  it("for reading, still takes any field of a record that is open by its own schema", () => {
    expect(undeclaredFields(doc, anyRecord, { id: 1, name: "x" }, "", { forReading: true })).toEqual([]);
  });
});
