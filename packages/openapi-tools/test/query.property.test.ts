// Property-based tests of the bracket query reader, the parser of untrusted query strings a mock
// runs before any validation: whatever the keys, it returns values or names problems, builds no
// object with a prototype, touches no prototype, keeps its output proportional to its input, and
// reads back what a well-formed query writes. Runs are bounded by count and seeded (repeatable).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  bracketQueryChecker,
  FILTER_OPERATORS,
  filterAndSort,
  FORBIDDEN_KEYS,
  readBracketQuery,
} from "../src/query.js";

const SEED = 20261207;
const RUNS = 400;
const baseline = Object.getOwnPropertyNames(Object.prototype).sort();
const counts = { cases: 0 };
afterAll(() => console.log(`[query properties] seed ${SEED}: ${counts.cases} generated cases, 5 properties`));

const hostile = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "length",
  "0",
  "",
  "[",
  "]",
  "][",
  "%5B",
  "a b",
  "é",
);
const segment = fc.oneof(hostile, fc.string({ maxLength: 6 }));
/** A query key: a parameter name, then bracket pairs holding any text (brackets too), maybe junk after. */
const key = fc
  .tuple(
    fc.constantFrom("filter", "filter[or]", "sort", "page", "filte", ""),
    fc.array(segment, { maxLength: 5 }),
    fc.constantFrom("", "[]", "x", "[", "]"),
  )
  .map(([name, path, tail]) => `${name}${path.map((s) => `[${s}]`).join("")}${tail}`);
const entries = fc.array(fc.tuple(fc.oneof(key, fc.string({ maxLength: 20 })), fc.string({ maxLength: 10 })), {
  maxLength: 25,
});

/** Every object in a value, with the key path that reached it. */
function* objectsOf(value: unknown, path: string[] = []): Generator<[object, string[]]> {
  if (value === null || typeof value !== "object") return;
  yield [value, path];
  for (const [k, v] of Object.entries(value)) yield* objectsOf(v, [...path, k]);
}

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
  expect(({} as Record<string, unknown>).prefer).toBeUndefined();
}

describe("readBracketQuery under any query", () => {
  it("returns values or problems, with null-prototype objects, no forbidden key, output bounded by input", () => {
    fc.assert(
      fc.property(entries, (list) => {
        counts.cases++;
        const { values, problems } = readBracketQuery(list, ["filter", "filter[or]", "sort"]);
        expect(Array.isArray(problems)).toBe(true);
        for (const problem of problems) expect(typeof problem).toBe("string");
        let leaves = 0;
        for (const [object, path] of objectsOf(values)) {
          if (!Array.isArray(object)) expect(Object.getPrototypeOf(object), path.join(".")).toBeNull();
          for (const k of path) expect(FORBIDDEN_KEYS.has(k)).toBe(false);
          leaves += Array.isArray(object)
            ? object.length
            : Object.values(object).filter((v) => typeof v === "string").length;
        }
        // Every value comes from one entry: no entry can make more than one leaf.
        expect(leaves).toBeLessThanOrEqual(list.length);
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("reads back what a well-formed query writes (round trip)", () => {
    const safeKey = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,7}$/).filter((k) => !FORBIDDEN_KEYS.has(k));
    const tree = fc.letrec((tie) => ({
      node: fc.dictionary(
        safeKey,
        fc.oneof(
          { depthSize: "small" },
          fc.string({ maxLength: 8 }),
          fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }),
          tie("node"),
        ),
        { minKeys: 1, maxKeys: 4 },
      ),
    })).node;
    /** A tree as query entries: strings as values, lists with `[]`, objects as deeper keys. */
    type Tree = { [key: string]: string | string[] | Tree };
    const write = (value: Tree, prefix: string, out: [string, string][]): [string, string][] => {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === "string") out.push([`${prefix}[${k}]`, v]);
        else if (Array.isArray(v)) for (const item of v) out.push([`${prefix}[${k}][]`, item]);
        else write(v, `${prefix}[${k}]`, out);
      }
      return out;
    };
    fc.assert(
      fc.property(tree, (value) => {
        counts.cases++;
        const query = new URLSearchParams(write(value as Tree, "filter", []));
        const { values, problems } = readBracketQuery(new URLSearchParams(query.toString()), ["filter"]);
        expect(problems).toEqual([]);
        expect(JSON.parse(JSON.stringify(values.filter))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("bracketQueryChecker and filterAndSort under any query", () => {
  const doc = {
    components: {
      schemas: {
        Ops: {
          type: "object",
          additionalProperties: false,
          properties: Object.fromEntries(
            Object.keys(FILTER_OPERATORS).map((op) => [op, { type: ["string", "array"] }]),
          ),
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
        additionalProperties: { anyOf: [{ type: "string" }, { $ref: "#/components/schemas/Ops" }] },
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
  ];
  const check = bracketQueryChecker(doc, parameters)!;
  const records = Array.from({ length: 12 }, (_, i) => ({ id: i, name: `n${i % 5}`, group: { id: i % 3 } }));

  it("the checker answers a message or nothing; what it lets through, filterAndSort applies without throwing", () => {
    fc.assert(
      fc.property(entries, (list) => {
        counts.cases++;
        const verdict = check(list);
        expect(verdict === undefined || typeof verdict === "string").toBe(true);
        if (verdict === undefined) {
          const kept = filterAndSort(records, list, {
            filters: [
              { param: "filter", match: "all" },
              { param: "filter[or]", match: "any" },
            ],
            sort: "sort",
          });
          expect(kept.length).toBeLessThanOrEqual(records.length);
          for (const record of kept) expect(records).toContain(record);
        }
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("filterAndSort alone, on unchecked queries, fails only with its own unknown-operator error", () => {
    fc.assert(
      fc.property(entries, (list) => {
        counts.cases++;
        try {
          const kept = filterAndSort(records, list, { filters: [{ param: "filter", match: "all" }], sort: "sort" });
          expect(kept.length).toBeLessThanOrEqual(records.length);
        } catch (error) {
          expect((error as Error).message).toMatch(/^Unknown filter operator /);
        }
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  // A URL holds at most ~16 KB in Node (5,000 such segments); 20,000 is beyond any real request.
  it("a deep or long key is read in one pass, without recursion (a 20,000-segment key)", () => {
    counts.cases++;
    const deep = `filter${"[a]".repeat(20_000)}`;
    const { values, problems } = readBracketQuery([[deep, "x"]], ["filter"]);
    expect(problems).toEqual([]);
    let depth = 0;
    for (let node: unknown = values.filter; node && typeof node === "object"; node = (node as { a?: unknown }).a)
      depth++;
    expect(depth).toBe(20_000);
  });
});
