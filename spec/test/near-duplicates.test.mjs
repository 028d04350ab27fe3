// Flags new near-copies among the component schemas of every bundled API: two schemas whose own
// properties (name and type) mostly coincide, while neither builds on the other with allOf. Put
// what they share in a base and compose it (see CONTRIBUTING.md, "Shared bases"), or, when they
// must stay apart, add the pair to ALLOWED with the reason.
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "../scripts/apis.mjs";
import { nearDuplicates } from "../scripts/near-duplicates.mjs";

// Jaccard overlap of the own property sets, and the fewest shared properties that count.
const THRESHOLD = 0.6;
const MIN_SHARED = 4;

const ALLOWED = {
  daftra: {
    "CreditNoteBody ~ EstimateBody":
      "Request bodies of invoice-like documents differ only in the header's wrapper key; each keeps additionalProperties: false, which allOf composition would defeat, and the blocks they share are already $refs to InvoiceBody.",
    "CreditNoteBody ~ RefundReceiptBody": "As above: same document blocks, different header wrapper.",
    "EstimateBody ~ RefundReceiptBody": "As above: same document blocks, different header wrapper.",
  },
};

describe.each(listApis().map((api) => [api.name]))("%s component schemas", (name) => {
  const found = nearDuplicates(readBundle(name), { threshold: THRESHOLD, minShared: MIN_SHARED });
  const allowed = ALLOWED[name] ?? {};

  it("have no near-duplicate pair outside the allow-list", () => {
    expect(found.filter((p) => !(p.pair in allowed))).toEqual([]);
  });

  it("allow only pairs that are still near duplicates", () => {
    const current = new Set(found.map((p) => p.pair));
    expect(Object.keys(allowed).filter((pair) => !current.has(pair))).toEqual([]);
  });
});

describe("nearDuplicates", () => {
  const fields = (...names) => Object.fromEntries(names.map((n) => [n, { type: "string" }]));
  const doc = (schemas) => ({ components: { schemas } });
  const contact = fields("name", "email", "phone", "city", "address");

  it("flags two schemas that copy the same properties", () => {
    const pairs = nearDuplicates(
      doc({ A: { properties: { ...contact, a: { type: "integer" } } }, B: { properties: contact } }),
    );
    expect(pairs.map((p) => p.pair)).toEqual(["A ~ B"]);
  });

  it("accepts a schema that composes the other with allOf", () => {
    const pairs = nearDuplicates(
      doc({
        Base: { properties: contact },
        A: { allOf: [{ $ref: "#/components/schemas/Base" }, { properties: contact }] },
      }),
    );
    expect(pairs).toEqual([]);
  });

  it("accepts two schemas that share a base and keep only their own fields", () => {
    const base = { $ref: "#/components/schemas/Base" };
    const pairs = nearDuplicates(
      doc({
        Base: { properties: contact },
        A: { allOf: [base], properties: fields("x") },
        B: { allOf: [base], properties: fields("y") },
      }),
    );
    expect(pairs).toEqual([]);
  });

  it("counts a property with another type as a different property", () => {
    const other = Object.fromEntries(Object.keys(contact).map((k) => [k, { type: "integer" }]));
    expect(nearDuplicates(doc({ A: { properties: contact }, B: { properties: other } }))).toEqual([]);
  });

  it("ignores the Record copies the bundle step derives", () => {
    expect(
      nearDuplicates(
        doc({
          A: { properties: contact },
          ARecord: { properties: contact, "x-derived-from": "#/components/schemas/A" },
        }),
      ),
    ).toEqual([]);
  });
});
