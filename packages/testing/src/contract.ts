// Contract tests generated from a bundle, for any API and its typed client. Nothing here names
// an operation: for every operation of spec/dist/<api>.json, a request built from the
// operation's own examples goes through the client to the mock and must get the documented
// success status with a body that matches the documented schema; then every documented error
// status is asked for with Prism's `Prefer: code=` and its body checked the same way.
//
//   // test/operations.contract.test.ts
//   defineContractTests({ api: "daftra", client: (baseUrl) => createDaftraClient({ baseUrl, auth: ... }) });
import { deref, operationsOf } from "@mizan/openapi-tools";
import { exampleRequest, schemaValidator } from "@mizan/openapi-tools/examples";
import { readBundle } from "@mizan/spec";
import { describe, expect, inject, it } from "vitest";
import type { AnyClient } from "./any-client.js";
import type {} from "./index.js"; // inject("mockUrl") is typed there

export interface ContractTestOptions {
  /** The API, as named in spec/redocly.yaml; its mock must be running (mockGlobalSetup). */
  api: string;
  /** The typed client under test, pointed at the mock, with retries off. */
  client: (baseUrl: string) => unknown;
  /** Body serializers for non-JSON media types (the client package's helpers). */
  serializers?: Partial<Record<string, (body: never) => BodyInit>>;
}

export function defineContractTests({ api, client, serializers = {} }: ContractTestOptions) {
  const doc = readBundle(api);
  const check = schemaValidator(doc);
  const cases = operationsOf(doc).map((entry) => {
    const statuses = Object.keys(entry.op.responses ?? {});
    return {
      ...entry,
      success: statuses.find((s) => s.startsWith("2"))!,
      errors: statuses.filter((s) => /^[45]\d\d$/.test(s)),
      request: exampleRequest(doc, entry),
    };
  });
  type Case = (typeof cases)[number];

  const mediaOf = (c: Case, status: string) => {
    const content = deref(doc, c.op.responses?.[status])?.content ?? {};
    const type = Object.keys(content)[0];
    return type ? { type, schema: content[type]?.schema } : undefined;
  };

  // Sends the case through the typed client. A client that throws on an error answer (as the
  // VMSAlpha client does, its server using HTTP 200 for errors) counts as that answer.
  async function call(c: Case, status: string, prefer?: string) {
    const api = client(inject("mockUrl")) as AnyClient;
    const { params, body, contentType } = c.request;
    const media = mediaOf(c, status);
    const init: Record<string, unknown> = {
      params: { path: params.path, query: params.query },
      headers: prefer ? { Prefer: prefer } : {},
      parseAs: media && !/json/.test(media.type) ? "blob" : "json",
    };
    if (body !== undefined) {
      init.body = body;
      const serializer = contentType && serializers[contentType];
      if (serializer) init.bodySerializer = serializer;
    }
    try {
      const { response, data, error } = await api.request(c.method, c.path, init);
      return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: data ?? error };
    } catch (thrown) {
      const status = (thrown as { status?: unknown }).status;
      if (typeof status !== "number") throw thrown;
      return { status, contentType: "application/json", body: undefined, thrown };
    }
  }

  it(`covers every operation of ${api}`, () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.filter((c) => !c.success).map((c) => c.key)).toEqual([]);
  });

  describe.each(cases.map((c) => [c.key, c] as const))("%s", (_key, c) => {
    it(`answers ${c.success} to a request built from its examples`, async () => {
      const result = await call(c, c.success);
      expect(result.thrown, String(result.thrown)).toBeUndefined();
      expect(result.status).toBe(Number(c.success));
      const media = mediaOf(c, c.success);
      if (media && /json/.test(media.type)) expect(check(media.schema, result.body)).toEqual([]);
      else if (media) expect(result.contentType).toContain(media.type.split("/")[0]);
    });

    it.each(c.errors)("documents %s with a body that matches its schema", async (status) => {
      const result = await call(c, status, `code=${status}`);
      expect(result.status).toBe(Number(status));
      if (result.thrown) return; // the client turned the documented error into its typed error
      const media = mediaOf(c, status);
      expect(media, "error responses must have a body").toBeDefined();
      expect(check(media!.schema, result.body)).toEqual([]);
    });
  });

  // The mock answers the suffix-less twin of every `.json` path, as the real server does.
  const aliased = cases.filter((c) => c.path.endsWith(".json") && c.method === "get");
  if (aliased.length) {
    it.each(aliased.map((c) => [c.path.slice(0, -5), c] as const))(
      "%s answers like its .json form",
      async (alias, c) => {
        // Through the client, so it authenticates as usual; the cast is on purpose, since its
        // types only know the canonical paths.
        const api = client(inject("mockUrl")) as AnyClient;
        const { params } = c.request;
        const { response } = await api.request(c.method, alias, { params: { path: params.path, query: params.query } });
        expect(response.status).toBe(Number(c.success));
      },
    );
  }
}
