import { describe, expect, it } from "vitest";
import { addSuffixlessAliases, internals, loosenResponses, orderPathsForRouting } from "../src/transform.js";
import { schemaValidator } from "../src/examples.js";
import type { JsonObject } from "../src/walker.js";

/** A document as the tests write it and read the transforms' output: plain JSON, reached into by path. */
type Doc = any;

const { widenNode } = internals;
const widened = (schema: JsonObject, options?: { numericCodes?: boolean }) => {
  const copy = structuredClone(schema);
  widenNode(copy, options);
  return copy;
};
const codes = { numericCodes: true };

describe("widenNode", () => {
  it("lets integers and numbers arrive as numeric strings", () => {
    expect(widened({ type: "integer" })).toEqual({ type: ["integer", "string"], pattern: "^-?\\d+$" });
    expect(widened({ type: "number" })).toEqual({ type: ["number", "string"], pattern: "^-?\\d+(\\.\\d+)?$" });
  });
  it("keeps an existing pattern and nullability", () => {
    expect(widened({ type: ["number", "string"], pattern: "^\\d+$" })).toEqual({
      type: ["number", "string"],
      pattern: "^\\d+$",
    });
    expect(widened({ type: ["integer", "null"] }).type).toEqual(["integer", "string", "null"]);
  });
  it("adds the string form of every enum value and of a const", () => {
    expect(widened({ type: "integer", enum: [2, 3] }).enum).toEqual([2, 3, "2", "3"]);
    expect(widened({ type: "integer", const: 202 })).toEqual({ type: ["integer", "string"], enum: [202, "202"] });
  });
  it("lets booleans arrive as 0/1 in either type", () => {
    expect(widened({ type: "boolean" })).toEqual({
      type: ["boolean", "integer", "string"],
      enum: [true, false, 0, 1, "0", "1"],
    });
    expect(widened({ type: ["boolean", "integer"], enum: [true, false, 0, 1] }).enum).toEqual([
      true,
      false,
      0,
      1,
      "1",
      "0",
    ]);
  });
  it("with numericCodes, lets a string enum of numeric codes arrive as the numbers, and a numeric-string const too", () => {
    expect(widened({ type: "string", enum: ["0", "1"] }, codes)).toEqual({
      type: ["string", "integer"],
      enum: ["0", "1", 0, 1],
    });
    expect(widened({ type: "string", const: "2" }, codes)).toEqual({ type: ["string", "integer"], enum: ["2", 2] });
    expect(widened({ type: "string", enum: ["0.5", "1"] }, codes)).toEqual({
      type: ["string", "number"],
      enum: ["0.5", "1", 0.5, 1],
    });
    expect(widened({ type: "string", enum: ["0", "1"] })).toEqual({ type: "string", enum: ["0", "1"] }); // not without it
  });
  it("keeps null last, so that generated types end with `| null`", () => {
    expect(widened({ type: ["string", "null"], enum: ["0", "1", null] }, codes)).toEqual({
      type: ["string", "integer", "null"],
      enum: ["0", "1", 0, 1, null],
    });
    expect(widened({ type: ["integer", "null"], enum: [1, 2, null] }).enum).toEqual([1, 2, "1", "2", null]);
  });
  it("adds no number to word enums, or to codes that do not print as their number", () => {
    expect(widened({ type: "string", enum: ["paid", "unpaid"] }, codes)).toEqual({
      type: "string",
      enum: ["paid", "unpaid"],
    });
    expect(widened({ type: "string", enum: ["01", "1.0"] }, codes)).toEqual({ type: "string", enum: ["01", "1.0"] });
    expect(widened({ type: "string", enum: ["all", "1"] }, codes)).toEqual({
      type: ["string", "integer"],
      enum: ["all", "1", 1],
    });
  });
  it("is idempotent on enums already in both forms", () => {
    const once = widened({ type: "integer", enum: [200] }, codes);
    expect(widened(once, codes)).toEqual(once);
    const both = widened({ type: "string", enum: ["0", "1"] }, codes);
    expect(widened(both, codes)).toEqual(both);
  });
  it("leaves strings and objects alone", () => {
    expect(widened({ type: "string", format: "date" })).toEqual({ type: "string", format: "date" });
    expect(widened({ type: "object" })).toEqual({ type: "object" });
    // A property map that has a property named "type" is not a schema.
    expect(widened({ type: { type: "string", enum: ["0", "1"] } }, codes)).toEqual({
      type: { type: "string", enum: ["0", "1"] },
    });
  });
});

const json = (schema: unknown) => ({ content: { "application/json": { schema } } });
const doc: Doc = {
  openapi: "3.1.0",
  paths: {
    "/things/{id}.json": {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
      get: {
        operationId: "getThing",
        responses: {
          200: json({ $ref: "#/components/schemas/Thing" }),
          404: { $ref: "#/components/responses/NotFound" },
        },
      },
      put: {
        operationId: "putThing",
        requestBody: json({ $ref: "#/components/schemas/Thing" }),
        responses: { 200: json({ type: "object", properties: { code: { type: "integer" } } }) },
      },
    },
    "/things.json": {
      get: {
        operationId: "listThings",
        responses: { 200: json({ type: "array", items: { $ref: "#/components/schemas/Label" } }) },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        properties: {
          count: { type: "integer" },
          label: { $ref: "#/components/schemas/Label" },
          when: { $ref: "#/components/schemas/Stamp" },
          kind: { type: "string", enum: ["0", "1"] },
          state: { type: "string", enum: ["open", "paid"] },
        },
      },
      Label: { type: "object", properties: { size: { type: "number" } } },
      Stamp: { type: "string" },
      Err: { type: "object", properties: { code: { type: "integer" } } },
    },
    responses: { NotFound: json({ $ref: "#/components/schemas/Err" }) },
  },
};

describe("loosenResponses", () => {
  const out = loosenResponses(doc);
  const s = out.components.schemas;

  it("keeps request schemas strict", () => {
    expect(s.Thing.properties.count.type).toBe("integer");
    expect(out.paths["/things/{id}.json"].put.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/Thing",
    );
    expect(out.paths["/things/{id}.json"].parameters[0].schema.type).toBe("integer");
  });
  it("gives shared schemas a loose Record copy on the response side", () => {
    expect(s.ThingRecord.properties.count.type).toEqual(["integer", "string"]);
    expect(s.ThingRecord["x-derived-from"]).toBe("#/components/schemas/Thing");
    expect(out.paths["/things/{id}.json"].get.responses[200].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/ThingRecord",
    );
  });
  it("with flag-numbers, lets a string enum of numeric codes be numbers on the response side only, and leaves word enums alone", () => {
    const flags = loosenResponses(doc, { numericCodes: true }).components.schemas;
    // Written as one enum per JSON type (see the next test).
    expect(flags.ThingRecord.properties.kind).toEqual({
      anyOf: [
        { type: "string", const: "0" },
        { type: "string", const: "1" },
        { type: "integer", const: 0 },
        { type: "integer", const: 1 },
      ],
    });
    expect(flags.Thing.properties.kind).toEqual({ type: "string", enum: ["0", "1"] });
    expect(flags.ThingRecord.properties.state).toEqual({ type: "string", enum: ["open", "paid"] });
    // A description that does not opt in (its codes are always strings) keeps them as they are.
    expect(s.ThingRecord.properties.kind).toEqual({ type: "string", enum: ["0", "1"] });
  });
  it("writes a widened enum as anyOf of one typed const per value, keeping the node's annotations", () => {
    // orval names enum members by value, so `1` and `"1"` in one enum collide, and it merges the
    // enums of anyOf branches; typed consts give every generator a plain literal union.
    const input: Doc = {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/a": {
          get: {
            responses: {
              200: {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/A" } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          A: {
            type: "object",
            properties: {
              level: { type: ["integer", "null"], enum: [1, 2, null], description: "Level.", readOnly: true },
              flag: { type: "boolean" },
            },
          },
        },
      },
    };
    const a = loosenResponses(input).components.schemas.A.properties;
    const consts = (type: string, values: unknown[]) => values.map((value) => ({ type, const: value }));
    expect(a.level).toEqual({
      description: "Level.",
      readOnly: true,
      anyOf: [...consts("integer", [1, 2]), ...consts("string", ["1", "2"]), { type: "null" }],
    });
    expect(a.flag).toEqual({
      anyOf: [...consts("boolean", [true, false]), ...consts("integer", [0, 1]), ...consts("string", ["0", "1"])],
    });
    // The same values as before the split, and no enum left.
    expect(a.level.anyOf.map((b: { const?: unknown }) => b.const ?? null)).toEqual([1, 2, "1", "2", null]);
    expect(JSON.stringify(a)).not.toContain('"enum"');
  });
  it("widens schemas only responses use in place, and follows refs", () => {
    // Label is reached from a request (through Thing) and from a response: copied.
    expect(s.LabelRecord.properties.size.type).toEqual(["number", "string"]);
    expect(s.ThingRecord.properties.label.$ref).toBe("#/components/schemas/LabelRecord");
    expect(s.Err.properties.code.type).toEqual(["integer", "string"]);
    expect(s.ErrRecord).toBeUndefined();
  });
  it("copies nothing that widening would not change", () => {
    expect(s.StampRecord).toBeUndefined();
    expect(s.ThingRecord.properties.when.$ref).toBe("#/components/schemas/Stamp");
  });
  it("widens inline response schemas", () => {
    expect(
      out.paths["/things/{id}.json"].put.responses[200].content["application/json"].schema.properties.code.type,
    ).toEqual(["integer", "string"]);
  });
  it("does not modify its input", () => {
    expect(doc.components.schemas.ThingRecord).toBeUndefined();
    expect(doc.components.schemas.Err.properties.code.type).toBe("integer");
  });
});

describe("addSuffixlessAliases", () => {
  const out = addSuffixlessAliases(doc);
  const keys = Object.keys(out.paths);

  it("adds a twin without .json for every .json path", () => {
    expect(keys).toEqual(expect.arrayContaining(["/things/{id}", "/things", "/things/{id}.json", "/things.json"]));
    expect(out.paths["/things/{id}"]["x-alias-of"]).toBe("/things/{id}.json");
    expect(out.paths["/things/{id}"].get.operationId).toBe("getThingWithoutSuffix");
  });
  it("lists each alias before its canonical path, because Prism uses the last of equal matches", () => {
    expect(keys.indexOf("/things/{id}")).toBeLessThan(keys.indexOf("/things/{id}.json"));
    expect(keys.slice(0, 2).every((k) => !k.endsWith(".json"))).toBe(true);
  });
  it("refuses to shadow an existing path", () => {
    expect(() => addSuffixlessAliases({ paths: { "/a.json": {}, "/a": {} } })).toThrow(/already a path/);
  });
});

describe("orderPathsForRouting", () => {
  it("lists paths from the least to the most literal, keeping the document's order among equals", () => {
    const paths = [
      "/e/brand/list/{level}",
      "/e/{entity}/list/{level}",
      "/e/le_w-{wid}/list/{level}",
      "/e/{entity}/{id}/{level}",
      "/e/{a}/{b}/{c}",
    ];
    const out = orderPathsForRouting({ paths: Object.fromEntries(paths.map((p) => [p, {}])) });
    expect(Object.keys(out.paths)).toEqual([
      "/e/{entity}/{id}/{level}",
      "/e/{a}/{b}/{c}",
      "/e/{entity}/list/{level}",
      "/e/brand/list/{level}",
      "/e/le_w-{wid}/list/{level}",
    ]);
  });
});

/** A one-operation document, POST /things. */
const postThings = (request: unknown, response: unknown, schemas: Record<string, unknown>): Doc => ({
  openapi: "3.1.0",
  paths: {
    "/things": {
      post: {
        requestBody: { content: { "application/json": { schema: request } } },
        responses: { 200: { description: "ok", content: { "application/json": { schema: response } } } },
      },
    },
  },
  components: { schemas },
});

describe("loosenResponses with null-optional", () => {
  const doc = () =>
    postThings(
      { $ref: "#/components/schemas/Thing" },
      { type: "object", properties: { data: { $ref: "#/components/schemas/Thing" } } },
      {
        Thing: { type: "object", required: ["id"], properties: { id: { type: "integer" }, note: { type: "string" } } },
      },
    );

  it("lets optional response fields be null, in a response copy, leaving the request schema strict", () => {
    const out = loosenResponses(doc(), { nullOptional: true });
    expect(out.components.schemas.Thing).toEqual(doc().components.schemas.Thing);
    const record = out.components.schemas.ThingRecord;
    expect(record.properties.note.type).toEqual(["string", "null"]);
    expect(record.properties.id.type).not.toContain("null");
  });

  it("adds no null without the rule", () => {
    const out = loosenResponses(doc());
    expect(out.components.schemas.ThingRecord?.properties.note.type ?? "string").not.toContain("null");
  });
});

describe("loosenResponses with account-dates", () => {
  const TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$";
  const doc = () =>
    postThings(
      { $ref: "#/components/schemas/Thing" },
      {
        type: "object",
        properties: { data: { $ref: "#/components/schemas/Thing" }, at: { type: "string", format: "date" } },
      },
      {
        Thing: {
          type: "object",
          properties: {
            date: { type: "string", format: "date", description: "The day (YYYY-MM-DD)." },
            modified: { $ref: "#/components/schemas/Stamp" },
            booked: { type: "string", pattern: "^\\d{2}/\\d{2}/\\d{4}$", description: "Already written dd/mm/yyyy." },
            due: { type: "string", format: "date", "x-assumption": "An assumption of its own." },
            at: { type: "string", format: "date-time" },
            code: { type: "string", pattern: "^\\d+$" },
          },
        },
        Stamp: { type: "string", pattern: TIMESTAMP },
      },
    );
  const out = loosenResponses(doc(), { accountDates: true });
  const s = out.components.schemas;
  const check = schemaValidator(out);
  const response = (body: unknown) => check({ $ref: "#/components/schemas/ThingRecord" }, body);
  const request = (body: unknown) => check({ $ref: "#/components/schemas/Thing" }, body);

  it("drops the ISO-only constraint of response dates for one pattern that lists the forms", () => {
    const date = s.ThingRecord.properties.date;
    expect(date.type).toBe("string");
    expect(date.format).toBeUndefined();
    expect(date["x-date-formats"]).toEqual([
      "YYYY-MM-DD",
      "DD/MM/YYYY[ HH:MM[:SS]]",
      "MM/DD/YYYY[ HH:MM[:SS]]",
      "DD-MM-YYYY[ HH:MM[:SS]]",
      "DD.MM.YYYY[ HH:MM[:SS]]",
    ]);
    expect(date.description).toMatch(
      /^The day \(YYYY-MM-DD\)\. A response may also give it in the account's display format/,
    );
    expect(date["x-assumption"]).toMatch(/account's display date format .* rests on evidence, not on the docs/);
    expect(s.StampRecord["x-date-formats"][0]).toBe("YYYY-MM-DD HH:MM:SS");
    expect(s.ThingRecord.properties.modified.$ref).toBe("#/components/schemas/StampRecord");
    expect(s.ThingRecord.properties.due["x-assumption"]).toMatch(
      /^An assumption of its own\. That responses may use the account's display date format/,
    );
    expect(out.paths["/things"].post.responses[200].content["application/json"].schema.properties.at.pattern).toBe(
      date.pattern,
    ); // inline response schema
  });

  it("accepts the ISO form and the account's display forms in responses, and still refuses what is not a date", () => {
    for (const day of [
      "2026-06-15",
      "15/06/2026",
      "06/15/2026",
      "15-06-2026",
      "15.06.2026",
      "15/06/2026 14:32",
      "15/06/2026 14:32:05",
    ])
      expect(response({ date: day }), day).toEqual([]);
    for (const stamp of ["2026-06-15 14:32:05", "15/06/2026 14:32", "15.06.2026"])
      expect(response({ modified: stamp }), stamp).toEqual([]);
    for (const wrong of ["abc", "tomorrow", "15/06/26", "2026/06/15", "15/06/2026 2pm", ""])
      expect(response({ date: wrong }), wrong).not.toEqual([]);
    expect(response({ modified: "2026-06-15" })).not.toEqual([]); // the ISO form stays the documented one
  });

  it("keeps requests ISO, and leaves fields already written in a display format, date-times and other patterns alone", () => {
    expect(s.Thing).toEqual(doc().components.schemas.Thing);
    expect(s.Stamp).toEqual(doc().components.schemas.Stamp);
    expect(request({ date: "15/06/2026" })).not.toEqual([]);
    expect(request({ date: "2026-06-15", modified: "2026-06-15 10:00:00" })).toEqual([]);
    expect(s.ThingRecord.properties.booked).toEqual(doc().components.schemas.Thing.properties.booked);
    expect(s.ThingRecord.properties.at).toEqual({ type: "string", format: "date-time" });
    expect(s.ThingRecord.properties.code).toEqual({ type: "string", pattern: "^\\d+$" });
  });

  it("changes no date without the option", () => {
    const plain = loosenResponses(doc());
    expect(plain.components.schemas.ThingRecord).toBeUndefined();
    expect(plain.components.schemas.Thing.properties.date.format).toBe("date");
  });
});
