// Contract tests generated from the bundle: nothing here names an operation. For every
// operation of spec/dist/daftra.json, a request built from the operation's own examples goes
// through the typed client to the Prism mock and must get the documented success status and a
// body that matches the documented schema; then every documented error status is asked for
// with Prism's `Prefer: code=` and its body checked the same way.
import { readBundle } from "@mizan/spec";
import { exampleRequest, operationsOf, schemaValidator, deref } from "@mizan/spec/examples";
import { describe, expect, inject, it } from "vitest";
import { createDaftraClient, toFormData } from "../src/index.js";

const doc = readBundle("daftra");
const check = schemaValidator(doc);
const baseUrl = inject("mockUrl");
// No retries: error statuses are asked for on purpose and must come back as they are.
const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "test-api-key" }, retry: false });

const cases = operationsOf(doc).map((entry) => {
  const statuses = Object.keys(entry.op.responses);
  return {
    ...entry,
    success: statuses.find((s) => s.startsWith("2"))!,
    errors: statuses.filter((s) => /^[45]\d\d$/.test(s)),
    request: exampleRequest(doc, entry),
  };
});

async function call(c: (typeof cases)[number], prefer?: string) {
  const { params, body, contentType } = c.request;
  const init: Record<string, unknown> = {
    params: { path: params.path, query: params.query },
    headers: prefer ? { Prefer: prefer } : {},
  };
  if (body !== undefined) {
    init.body = body;
    if (contentType === "multipart/form-data") init.bodySerializer = (b: Record<string, string>) => toFormData(b);
  }
  // The typed client, driven by data: the path and method come from the bundle at run time.
  const { response, data, error } = await daftra.request(c.method as "get", c.path as "/api2/clients.json", init as never);
  return { response, json: (data ?? error) as unknown };
}

function responseSchema(c: (typeof cases)[number], status: string) {
  const response = deref(doc, c.op.responses[status]);
  return response.content?.["application/json"]?.schema;
}

it("covers every operation of the bundle", () => {
  expect(cases.length).toBe(Object.values(doc.paths).reduce((n: number, item: any) => n + ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).length, 0));
  expect(cases.every((c) => c.success)).toBe(true);
});

describe.each(cases.map((c) => [c.key, c]))("%s", (_key, c) => {
  it(`answers ${c.success} to a request built from its examples`, async () => {
    const { response, json } = await call(c);
    expect(response.status, JSON.stringify(json)).toBe(Number(c.success));
    const schema = responseSchema(c, c.success);
    if (schema) expect(check(schema, json)).toEqual([]);
  });

  it.each(c.errors)("documents %s with a body that matches its schema", async (status) => {
    const { response, json } = await call(c, `code=${status}`);
    expect(response.status).toBe(Number(status));
    const schema = responseSchema(c, status);
    expect(schema, "error responses must have a JSON body").toBeDefined();
    expect(check(schema, json)).toEqual([]);
  });
});

describe("suffix-less aliases", () => {
  const aliased = cases.filter((c) => c.path.endsWith(".json") && c.method === "get" && !c.path.includes("{"));
  it.each(aliased.map((c) => [c.path.slice(0, -5), c]))("%s answers like its .json form", async (alias, c) => {
    const query = new URLSearchParams(Object.entries(c.request.params.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]])));
    const response = await fetch(`${baseUrl}${alias}${query.size ? `?${query}` : ""}`, { headers: { apikey: "test-api-key" } });
    expect(response.status).toBe(Number(c.success));
  });
});
