// The vendor's own response examples are evidence of what the server sends: each one recorded in
// test/fixtures/vendor-response-examples.json (extracted from the docs' export by
// scripts/vendor-examples.mjs) must pass the published bundle's response schema of its operation
// and status, with no field the schema leaves undeclared. Where one does not, the response side
// is widened (labelled, citing the docs page), never the request side.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deref, operationsOf } from "@mizan/openapi-tools";
import { schemaValidator } from "@mizan/openapi-tools/examples";
import { readBundle, specDir } from "../scripts/apis.mjs";

const { examples } = JSON.parse(
  readFileSync(path.join(specDir, "test", "fixtures", "vendor-response-examples.json"), "utf8"),
);
const doc = readBundle("daftra");
const check = schemaValidator(doc);
const operations = new Map(operationsOf(doc).map((entry) => [entry.key, entry]));

// Bodies the vendor's docs show in their prose, beyond the examples of their export: the create
// answer with its id as a string, the invoice-payment delete message, the
// generic not-found frame, and the v2 error bodies.
const quoted = [
  { method: "POST", path: "/api2/clients.json", status: "202", body: { code: 202, result: "successful", id: "2415" } },
  {
    method: "DELETE",
    path: "/api2/invoice_payments/{id}.json",
    status: "200",
    body: { code: 200, result: "successful", message: "Payment has been deleted" },
  },
  {
    method: "GET",
    path: "/api2/clients/{id}.json",
    status: "404",
    body: { result: "failed", code: 404, message: "Item not found" },
  },
  { method: "GET", path: "/v2/api/entity/brand/{id}/{level}", status: "400", body: { message: "Record not found" } },
  { method: "GET", path: "/v2/api/entity/brand/list/{level}", status: "401", body: { message: "Unauthenticated." } },
  {
    method: "POST",
    path: "/v2/api/entity/brand",
    status: "422",
    body: { message: "Entity not saved", errors: { name: ["هذا الحقل مطلوب ولا يمكن ان يكون فارغ"] } },
  },
  {
    method: "POST",
    path: "/v2/api/entity/brand",
    status: "200",
    body: { message: "تم إضافة نوع الأصل بنجاح", id: 23 },
  },
];

describe("bodies the reference quotes", () => {
  it.each(quoted.map((e) => [`${e.method} ${e.path} ${e.status}`, e]))("%s passes the response schema", (_, e) => {
    const response = operations.get(`${e.method} ${e.path}`)?.op.responses[e.status];
    expect(response).toBeDefined();
    const media = Object.entries(deref(doc, response).content ?? {}).find(([type]) => /json/i.test(type));
    expect(check(media[1].schema, e.body)).toEqual([]);
  });
});

describe("the vendor's response examples", () => {
  it("are all there (the export holds 57)", () => {
    expect(examples.length).toBe(57);
  });

  it.each(examples.map((e) => [`${e.method} ${e.path} ${e.status} "${e.name}" (docs ${e.docs})`, e]))(
    "%s passes the response schema",
    (_, e) => {
      const entry = operations.get(`${e.method} ${e.path}`);
      expect(entry, "operation in the bundle").toBeDefined();
      const response = entry.op.responses[e.status];
      expect(response, `status ${e.status} documented`).toBeDefined();
      const media = Object.entries(deref(doc, response).content ?? {}).find(([type]) => /json/i.test(type));
      expect(media, "a JSON body").toBeDefined();
      expect(check(media[1].schema, e.body)).toEqual([]);
    },
  );

  it("would catch a body the schema refuses", () => {
    const e = examples.find((x) => x.status === "200" && x.method === "GET");
    const media = Object.entries(
      deref(doc, operations.get(`${e.method} ${e.path}`).op.responses[e.status]).content,
    ).find(([type]) => /json/i.test(type));
    expect(check(media[1].schema, { unexpected: true }).length).toBeGreaterThan(0);
  });
});
