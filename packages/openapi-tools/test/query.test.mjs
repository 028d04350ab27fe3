import { describe, expect, it } from "vitest";
import { bracketQueryChecker, readBracketQuery } from "../src/query.mjs";

const q = (text) => new URLSearchParams(text);

describe("readBracketQuery", () => {
  it("reads nested keys, lists and the longest parameter name", () => {
    const { values, problems } = readBracketQuery(
      q("filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&filter[branch_id]=3&filter[or][email][like]=a&sort[created]=desc&page=2"),
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
        Ops: { type: "object", additionalProperties: false, properties: { eq: { $ref: "#/components/schemas/Value" }, in: { type: "array", items: { $ref: "#/components/schemas/Value" } }, is_null: { type: "integer", enum: [1] } } },
      },
    },
  };
  const parameters = [
    { in: "query", name: "filter", style: "deepObject", schema: { type: "object", additionalProperties: { anyOf: [{ $ref: "#/components/schemas/Value" }, { $ref: "#/components/schemas/Ops" }] } } },
    { in: "query", name: "filter[or]", style: "deepObject", schema: { type: "object", additionalProperties: { $ref: "#/components/schemas/Ops" } } },
    { in: "query", name: "sort", style: "deepObject", schema: { type: "object", additionalProperties: { enum: ["asc", "desc"] } } },
    { in: "query", name: "page", schema: { type: "integer" } },
  ];
  const check = bracketQueryChecker(doc, parameters);

  it("accepts the documented forms", () => {
    expect(check(q("filter[a]=1&filter[b][eq]=x&filter[c][in][]=1&filter[c][in][]=2&filter[d][is_null]=1&filter[or][e][eq]=2&sort[a]=asc&page=3"))).toBeUndefined();
  });

  it("names an unknown operator and lists the allowed ones", () => {
    expect(check(q("filter[name][likee]=x"))).toBe('filter[name][likee]: unknown key "likee"; use one of: eq, in, is_null');
  });

  it("says how to write a list, a group condition and a sort order", () => {
    expect(check(q("filter[status][in]=1"))).toBe("filter[status][in]: must be a list, written filter[status][in][]=<value> once per value");
    expect(check(q("filter[or][email]=a"))).toBe("filter[or][email]: must name its keys, as in filter[or][email][<key>]=<value>");
    expect(check(q("sort[created]=down"))).toBe("sort[created]: must be one of: asc, desc");
    expect(check(q("filter[d][is_null]=2"))).toBe("filter[d][is_null]: must be one of: 1");
  });

  it("is undefined for an operation without deepObject parameters", () => {
    expect(bracketQueryChecker(doc, [parameters[3]])).toBeUndefined();
  });
});
