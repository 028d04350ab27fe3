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

const { examples } = JSON.parse(readFileSync(path.join(specDir, "test", "fixtures", "vendor-response-examples.json"), "utf8"));
const doc = readBundle("daftra");
const check = schemaValidator(doc);
const operations = new Map(operationsOf(doc).map((entry) => [entry.key, entry]));

describe("the vendor's response examples", () => {
  it("are all there (the export holds 57)", () => {
    expect(examples.length).toBe(57);
  });

  it.each(examples.map((e) => [`${e.method} ${e.path} ${e.status} "${e.name}" (docs ${e.docs})`, e]))("%s passes the response schema", (_, e) => {
    const entry = operations.get(`${e.method} ${e.path}`);
    expect(entry, "operation in the bundle").toBeDefined();
    const response = entry.op.responses[e.status];
    expect(response, `status ${e.status} documented`).toBeDefined();
    const media = Object.entries(deref(doc, response).content ?? {}).find(([type]) => /json/i.test(type));
    expect(media, "a JSON body").toBeDefined();
    expect(check(media[1].schema, e.body)).toEqual([]);
  });

  it("would catch a body the schema refuses", () => {
    const e = examples.find((x) => x.status === "200" && x.method === "GET");
    const media = Object.entries(deref(doc, operations.get(`${e.method} ${e.path}`).op.responses[e.status]).content).find(([type]) => /json/i.test(type));
    expect(check(media[1].schema, { unexpected: true }).length).toBeGreaterThan(0);
  });
});
