// Response bodies in the forms the live server is known or assumed to send, against the published
// bundle's response schemas: dates in the account's display format (`account-dates`) and codes in
// both their string and their number form (`flag-numbers`). Each body is the operation's own
// documented example with those fields changed. Requests stay strict: the same values are refused
// in request bodies. The evidence for the date forms is recorded in
// spec/daftra/corpus/hellye-star__daftra-pdf-generator/estimate-date-day-first.json.
import { describe, expect, it } from "vitest";
import { deref, jsonExamples, operationsOf } from "@mizan/openapi-tools";
import { schemaValidator } from "@mizan/openapi-tools/examples";
import { readBundle } from "../scripts/apis.mjs";

const doc = readBundle("daftra");
const check = schemaValidator(doc);
const operations = new Map(operationsOf(doc).map((entry) => [entry.key, entry]));

const schemaOf = (part) =>
  Object.entries(deref(doc, part)?.content ?? {}).find(([type]) => /json/i.test(type))[1].schema;
const exampleOf = (part) => structuredClone(jsonExamples(doc, part)[0][1]);

/** The documented 200 answer of an operation, its example changed by `edit`, checked against its schema. */
function answer(key, edit) {
  const { op } = operations.get(key);
  const body = exampleOf(op.responses["200"]);
  edit(body);
  return check(schemaOf(op.responses["200"]), body);
}

/** The documented request body of an operation, changed by `edit`, checked against its schema. */
function request(key, edit) {
  const { requestBody } = operations.get(key);
  const body = exampleOf(requestBody);
  edit(body);
  return check(schemaOf(requestBody), body);
}

describe("daftra responses in the server's forms", () => {
  it("takes a quotation's date in the account's display format", () => {
    for (const date of ["2026-06-15", "15/06/2026", "06/15/2026", "15-06-2026", "15.06.2026", "15/06/2026 14:32"]) {
      expect(
        answer("GET /api2/estimates/{id}.json", (body) => (body.data.Estimate.date = date)),
        date,
      ).toEqual([]);
    }
  });

  it("takes an invoice's dates and timestamps in the account's display format", () => {
    const errors = answer("GET /api2/invoices/{id}.json", ({ data: { Invoice } }) => {
      Invoice.date = "15/06/2026";
      Invoice.issue_date = "15.06.2026";
      Invoice.created = "15/06/2026 14:32:05";
      Invoice.modified = "15/06/2026 14:32";
    });
    expect(errors).toEqual([]);
  });

  it("still refuses a date that is not one", () => {
    for (const date of ["abc", "tomorrow", "15/06/26", "2026/06/15"]) {
      expect(
        answer("GET /api2/estimates/{id}.json", (body) => (body.data.Estimate.date = date)),
        date,
      ).not.toEqual([]);
    }
    expect(answer("GET /api2/invoices/{id}.json", (body) => (body.data.Invoice.created = "15 June 2026"))).not.toEqual(
      [],
    );
  });

  it("takes a chart-of-accounts type code as a string or a number, and no other code", () => {
    for (const type of ["0", "1", 0, 1]) {
      expect(
        answer("GET /api2/journal_accounts/{id}.json", (body) => (body.data.JournalAccount.type = type)),
        String(type),
      ).toEqual([]);
    }
    for (const type of [2, "2", "asset", true]) {
      expect(
        answer("GET /api2/journal_accounts/{id}.json", (body) => (body.data.JournalAccount.type = type)),
        String(type),
      ).not.toEqual([]);
    }
  });

  it("keeps requests strict: ISO dates only, type codes as documented", () => {
    expect(request("POST /api2/invoices.json", (body) => (body.Invoice.date = "15/06/2026"))).not.toEqual([]);
    expect(request("POST /api2/invoices.json", (body) => (body.Invoice.date = "2026-06-15"))).toEqual([]);
    expect(request("POST /api2/journal_accounts.json", (body) => (body.JournalAccount.type = 0))).not.toEqual([]);
  });
});
