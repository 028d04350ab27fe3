import { describe, expect, it } from "vitest";
import {
  bracketQueryChecker,
  declaredOperators,
  type FilterRoles,
  filterAndSort,
  readBracketQuery,
} from "../src/query.js";

const q = (text: string) => new URLSearchParams(text);

describe("readBracketQuery", () => {
  it("reads nested keys, lists and the longest parameter name", () => {
    const { values, problems } = readBracketQuery(
      q(
        "filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&filter[branch_id]=3&filter[or][email][like]=a&sort[created]=desc&page=2",
      ),
      ["filter", "filter[or]", "sort"],
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({
      filter: { name: { like: "acme" }, status: { in: ["1", "2"] }, branch_id: "3" },
      "filter[or]": { email: { like: "a" } },
      sort: { created: "desc" },
    });
  });

  it("names keys it cannot read", () => {
    expect(readBracketQuery(q("filter=x"), ["filter"]).problems[0]).toMatch(/^filter: write it with brackets/);
    expect(readBracketQuery(q("filter[a]b=x"), ["filter"]).problems[0]).toMatch(/^filter\[a\]b: not a bracket key/);
    expect(readBracketQuery(q("filter[][a]=x"), ["filter"]).problems[0]).toMatch(/only the last pair may be empty/);
  });
});

describe("bracketQueryChecker", () => {
  const doc = {
    components: {
      schemas: {
        Value: { type: ["string", "number"] },
        Ops: {
          type: "object",
          additionalProperties: false,
          properties: {
            eq: { $ref: "#/components/schemas/Value" },
            in: { type: "array", items: { $ref: "#/components/schemas/Value" } },
            is_null: { type: "integer", enum: [1] },
          },
        },
      },
    },
  };
  const parameters = [
    {
      in: "query",
      name: "filter",
      style: "deepObject",
      schema: {
        type: "object",
        additionalProperties: { anyOf: [{ $ref: "#/components/schemas/Value" }, { $ref: "#/components/schemas/Ops" }] },
      },
    },
    {
      in: "query",
      name: "filter[or]",
      style: "deepObject",
      schema: { type: "object", additionalProperties: { $ref: "#/components/schemas/Ops" } },
    },
    {
      in: "query",
      name: "sort",
      style: "deepObject",
      schema: { type: "object", additionalProperties: { enum: ["asc", "desc"] } },
    },
    { in: "query", name: "page", schema: { type: "integer" } },
  ];
  const check = bracketQueryChecker(doc, parameters)!;

  it("accepts the documented forms", () => {
    expect(
      check(
        q(
          "filter[a]=1&filter[b][eq]=x&filter[c][in][]=1&filter[c][in][]=2&filter[d][is_null]=1&filter[or][e][eq]=2&sort[a]=asc&page=3",
        ),
      ),
    ).toBeUndefined();
  });

  it("names an unknown operator and lists the allowed ones", () => {
    expect(check(q("filter[name][likee]=x"))).toBe(
      'filter[name][likee]: unknown key "likee"; use one of: eq, in, is_null',
    );
  });

  it("says how to write a list, a group condition and a sort order", () => {
    expect(check(q("filter[status][in]=1"))).toBe(
      "filter[status][in]: must be a list, written filter[status][in][]=<value> once per value",
    );
    expect(check(q("filter[or][email]=a"))).toBe(
      "filter[or][email]: must name its keys, as in filter[or][email][<key>]=<value>",
    );
    expect(check(q("sort[created]=down"))).toBe("sort[created]: must be one of: asc, desc");
    expect(check(q("filter[d][is_null]=2"))).toBe("filter[d][is_null]: must be one of: 1");
  });

  it("is undefined for an operation without deepObject parameters", () => {
    expect(bracketQueryChecker(doc, parameters.slice(3, 4))).toBeUndefined();
  });
});

describe("filterAndSort: what the filter grammar means for stored records", () => {
  const records = [
    { id: 1, name: "Acme Trading", status: 1, created: "2026-01-05", journal: { date: "2026-02-01" } },
    { id: 2, name: "النخبة للتجارة", status: "2", created: "2026-03-10", email: null },
    { id: 3, name: "acme supplies", status: 3, created: "2025-12-31", email: "a@acme.example" },
    { id: 10, name: "Other", status: 1, created: null },
  ];
  const roles: FilterRoles = {
    filters: [
      { param: "filter", match: "all" },
      { param: "filter[or]", match: "any" },
    ],
    sort: "sort",
  };
  const ids = (query: string) => filterAndSort(records, q(query), roles).map((r) => r.id);

  it("keeps the records meeting every filter condition: equals, like, in, ranges, is_null, related fields", () => {
    expect(ids("filter[status]=1")).toEqual([1, 10]);
    expect(ids("filter[status][eq]=2")).toEqual([2]); // "2" and 2 are equal, as numbers
    expect(ids("filter[name][like]=ACME")).toEqual([1, 3]);
    expect(ids("filter[status][in][]=2&filter[status][in][]=3")).toEqual([2, 3]);
    expect(ids("filter[status][not_in][]=1")).toEqual([2, 3]);
    expect(ids("filter[status][not_equal]=1")).toEqual([2, 3]);
    expect(ids("filter[created][gte]=2026-01-01&filter[created][lte]=2026-12-31")).toEqual([1, 2]);
    expect(ids("filter[created][from]=2026-01-01&filter[created][to]=2026-01-31")).toEqual([1]);
    expect(ids("filter[id][gt]=2")).toEqual([3, 10]); // numbers compare as numbers: 10 > 2
    expect(ids("filter[id][lt]=3")).toEqual([1, 2]);
    expect(ids("filter[email][is_null]=1")).toEqual([1, 2, 10]);
    expect(ids("filter[journal.date][gte]=2026-01-01")).toEqual([1]);
    expect(ids("filter[name][like]=acme&filter[status]=3")).toEqual([3]);
    expect(ids("filter[name][like]=nothing-like-it")).toEqual([]);
  });

  it("keeps the records meeting any filter[or] condition, together with every filter condition", () => {
    expect(ids("filter[or][name][like]=other&filter[or][status][eq]=3")).toEqual([3, 10]);
    expect(ids("filter[status]=1&filter[or][name][like]=other&filter[or][status][eq]=3")).toEqual([10]);
  });

  it("sorts by the fields in the order given, empty values last, and keeps the order of equals", () => {
    expect(ids("sort[id]=desc")).toEqual([10, 3, 2, 1]);
    expect(ids("sort[status]=asc&sort[id]=desc")).toEqual([10, 1, 2, 3]);
    expect(ids("sort[created]=asc")).toEqual([3, 1, 2, 10]);
    expect(ids("sort[created]=desc")).toEqual([2, 1, 3, 10]);
    expect(ids("")).toEqual([1, 2, 3, 10]);
  });

  it("reads fields through the given accessor, and names an operator it does not know", () => {
    const wrapped = records.map((r) => ({ data: r }));
    expect(filterAndSort(wrapped, q("filter[id]=3"), roles, (r) => r.data).map((r) => r.data.id)).toEqual([3]);
    expect(() => filterAndSort(records, q("filter[id][near]=3"), roles)).toThrow(
      /Unknown filter operator "near"\. Known: eq, /,
    );
  });

  it("declaredOperators finds the operator names of a filter schema through refs and anyOf", () => {
    const doc = {
      components: {
        schemas: {
          Operators: { type: "object", properties: { eq: {}, like: {}, in: { type: "array" } } },
          Filter: {
            type: "object",
            additionalProperties: { anyOf: [{ type: "string" }, { $ref: "#/components/schemas/Operators" }] },
          },
        },
      },
    };
    expect(declaredOperators(doc, { $ref: "#/components/schemas/Filter" }).sort()).toEqual(["eq", "in", "like"]);
    expect(
      declaredOperators(doc, { type: "object", additionalProperties: { type: "string", enum: ["asc", "desc"] } }),
    ).toEqual([]);
  });
});

describe("hostile keys (prototype pollution)", () => {
  const HOSTILE = [
    "filter[__proto__][prefer]=code=503",
    "filter[or][__proto__][prefer]=code=503",
    "filter[constructor][prototype][prefer]=code=503",
    "sort[__proto__][x-mock-session]=P",
    "filter[a][__proto__][]=x",
    "filter[prototype]=x",
  ];

  it.each(HOSTILE)("%s: refused with the parameter named, Object.prototype untouched", (query) => {
    const { values, problems } = readBracketQuery(q(query), ["filter", "filter[or]", "sort"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^(filter|filter\[or\]|sort)\[.*: "(__proto__|constructor|prototype)" cannot be a key/);
    expect(Object.keys(values)).toEqual([]);
    const plain: Record<string, unknown> = {};
    expect(plain.prefer).toBeUndefined();
    expect(plain["x-mock-session"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("prefer");
  });

  it("builds its values as null-prototype objects, so no key can reach a prototype", () => {
    const { values } = readBracketQuery(q("filter[a][b]=1&filter[c][]=2"), ["filter"]);
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(Object.getPrototypeOf(values.filter)).toBeNull();
    expect(Object.getPrototypeOf(values.filter?.a)).toBeNull();
  });

  it("filterAndSort ignores hostile keys instead of following them", () => {
    const records = [{ id: 2 }, { id: 1 }];
    const roles: FilterRoles = { filters: [{ param: "filter", match: "all" }], sort: "sort" };
    expect(filterAndSort(records, q("sort[__proto__][id]=desc&filter[constructor][prototype][x]=1"), roles)).toEqual(
      records,
    );
    expect(Object.prototype).not.toHaveProperty("id");
    expect(Object.prototype).not.toHaveProperty("x");
  });

  it("bracketQueryChecker refuses them before any schema is compiled", () => {
    const check = bracketQueryChecker({}, [
      { in: "query", name: "filter", style: "deepObject", schema: { type: "object" } },
    ])!;
    expect(check(q("filter[__proto__][prefer]=code=503"))).toMatch(
      /^filter\[__proto__\]\[prefer\]: "__proto__" cannot be a key/,
    );
    expect(Object.prototype).not.toHaveProperty("prefer");
  });
});
