// The coercion rules (src/coercions.ts): the mock's request side widened by the rules a
// description opts into, and the response loosening options they ask for.
import { schemaValidator } from "@mizan/openapi-tools/examples";
import { loosenResponses } from "@mizan/openapi-tools/transform";
import { postThings as onePost } from "@mizan/test-helpers/documents";
import { describe, expect, it } from "vitest";
import { coerceRequestsForMock, mockBundleHook, responseLoosening, withoutMockMarks } from "../src/index.js";

/** The one-operation document, opting into the given x-mock-coercions rules. */
const postThings = (rules: string[] | undefined, ...operation: Parameters<typeof onePost>) => ({
  ...(rules ? { "x-mock-coercions": rules } : {}),
  ...onePost(...operation),
});

describe("coerceRequestsForMock", () => {
  const doc = (rules) =>
    postThings(
      rules,
      { $ref: "#/components/schemas/ThingBody" },
      { $ref: "#/components/schemas/Shown" },
      {
        Base: {
          type: "object",
          properties: {
            name: { type: "string" },
            city: { type: "string" },
            owner: { $ref: "#/components/schemas/Owner" },
          },
        },
        Owner: { type: "object", properties: { id: { type: "integer" } } },
        ThingBody: {
          type: "object",
          required: ["name"],
          allOf: [{ $ref: "#/components/schemas/Base" }],
          properties: {
            price: { type: "number" },
            active: { type: "boolean" },
            kind: { type: "integer", enum: [1, 2] },
            at: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$" },
          },
        },
        Shown: { type: "object", properties: { label: { type: "string" } } },
      },
    );

  it("changes nothing for a document that opts into no rule, and refuses an unknown rule", () => {
    expect(coerceRequestsForMock(doc())).toEqual(doc());
    expect(() => coerceRequestsForMock(doc(["loose"]))).toThrow(/Unknown x-mock-coercions rule "loose"/);
  });

  it("widens the request side by the chosen rules, keeping required fields non-null", () => {
    const out = coerceRequestsForMock(doc(["numeric-strings", "flag-numbers", "null-optional", "date-only"]));
    const body = out.components.schemas.ThingBody.properties;
    expect([...body.price.type].sort()).toEqual(["null", "number", "string"]);
    expect(body.price.pattern).toBe("^-?\\d+(\\.\\d+)?$");
    expect(body.active.enum).toEqual(expect.arrayContaining([true, false, 0, 1, "0", "1", null]));
    expect(body.kind.enum).toEqual(expect.arrayContaining([1, 2, "1", "2", null]));
    expect(body.kind.enum).toHaveLength(5);
    expect(new RegExp(body.at.pattern).test("2026-06-15")).toBe(true);
    expect(new RegExp(body.at.pattern).test("2026-06-15 10:00:00")).toBe(true);
    expect(new RegExp(body.at.pattern).test("15/06/2026")).toBe(false);
    const base = out.components.schemas.Base.properties;
    expect(base.name).toEqual({ type: "string" }); // required by ThingBody, which composes Base
    expect(base.city).toEqual({ type: ["string", "null"] });
    expect(base.owner).toEqual({ anyOf: [{ $ref: "#/components/schemas/Owner" }, { type: "null" }] });
    expect([...out.components.schemas.Owner.properties.id.type].sort()).toEqual(["integer", "null", "string"]);
    expect(out.components.schemas.Shown).toEqual(doc().components.schemas.Shown); // response side only
  });

  it('lets free-text fields take numbers, and optional fields take "", without loosening constrained ones', () => {
    const withEmail = (rules) => {
      const d = doc(rules);
      d.components.schemas.Base.properties.email = { type: "string", format: "email" };
      return d;
    };
    const out = coerceRequestsForMock(
      withEmail(["numeric-strings", "null-optional", "numbers-for-strings", "empty-optional"]),
    );
    const check = schemaValidator(out);
    const ok = (body) => check({ $ref: "#/components/schemas/ThingBody" }, body);
    expect(ok({ name: 48213, city: 7 })).toEqual([]); // free text as a number
    expect(ok({ name: "Acme", email: "", price: "", at: "" })).toEqual([]); // optional fields left empty
    expect(ok({ name: "Acme", email: "nope" })).not.toEqual([]); // a wrong e-mail is still wrong
    expect(ok({ name: "Acme", email: 5 })).not.toEqual([]); // a constrained string takes no number
    expect(ok({ name: "Acme", price: "abc" })).not.toEqual([]);
    expect(ok({ name: "Acme", kind: "" })).toEqual([]);
    const strictKind = coerceRequestsForMock(doc(["numbers-for-strings"]));
    expect(
      schemaValidator(strictKind)({ $ref: "#/components/schemas/ThingBody" }, { name: "Acme", kind: "" }),
    ).not.toEqual([]); // only with empty-optional
  });
});

describe("the bundle hook", () => {
  it("maps the document's response rules to the loosening's options", () => {
    expect(responseLoosening({ "x-mock-coercions": ["null-optional", "flag-numbers", "date-only"] })).toEqual({
      nullOptional: true,
      accountDates: false,
      numericCodes: true,
    });
    expect(() => responseLoosening({ "x-mock-coercions": ["loose"] })).toThrow(/Unknown x-mock-coercions rule "loose"/);
  });

  it("keeps requests ISO where responses take the account's dates", () => {
    const dated = postThings(
      ["account-dates"],
      { $ref: "#/components/schemas/Thing" },
      { $ref: "#/components/schemas/Thing" },
      { Thing: { type: "object", properties: { date: { type: "string", format: "date" } } } },
    );
    const loosened = loosenResponses(dated, responseLoosening(dated));
    expect(loosened.components.schemas.ThingRecord.properties.date["x-date-formats"]).toBeDefined();
    expect(coerceRequestsForMock(loosened).components.schemas.Thing).toEqual(dated.components.schemas.Thing);
  });

  it("publishes without any x-mock-* mark, and gives the mock its marks", () => {
    const marked = {
      ...postThings(
        ["numeric-strings"],
        { type: "object", properties: { n: { type: "integer" } } },
        { type: "object" },
        {},
      ),
      "x-other": 1,
    };
    marked.paths["/things"].post.responses[200]["x-mock-when"] = { body: {} };
    const published = mockBundleHook.published(marked);
    expect(JSON.stringify(published)).not.toMatch(/x-mock-/);
    expect(published["x-other"]).toBe(1);
    expect(JSON.stringify(mockBundleHook.mock(marked))).toMatch(/x-mock-coercions/);
    expect(withoutMockMarks(marked)).toEqual(published);
  });
});
