// The v2 example of the docs guide ("v1 or v2?", apps/docs/guides/daftra.md), run through the real
// client against the Prism mock, and the mock's check of the filter grammar. Keep in step with the guide.
import { describe, expect, inject, it } from "vitest";
import {
  createDaftraClient,
  NotFoundError,
  paginate,
  querySerializer,
  readEntities,
  ValidationError,
} from "../src/index.js";

const daftra = () =>
  createDaftraClient({ baseUrl: inject("mockUrl"), auth: { apiKey: "test-key" }, querySerializer, retry: false });

describe("v2 against the mock", () => {
  it("runs the guide's filtered, sorted, paged invoice list", async () => {
    const seen: string[] = [];
    for await (const invoice of paginate(daftra(), "/v2/api/entity/invoice/list/{level}", {
      params: {
        path: { level: 1 },
        query: {
          per_page: 100,
          filter: { date: { gte: "2026-01-01", lte: "2026-03-31" }, payment_status: { in: [0, 1] }, branch_id: 2 },
          "filter[or]": { client_business_name: { like: "النور" }, client_email: { like: "alnoor" } },
          sort: { date: "desc" },
        },
      },
    })) {
      seen.push(String(invoice.no));
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  it("refuses a misspelt operator, naming it", async () => {
    const { error, response } = await daftra().GET("/v2/api/entity/brand/list/{level}", {
      // @ts-expect-error: the types refuse it too; this checks what the mock does with it
      params: { path: { level: 1 }, query: { filter: { name: { likee: "a" } } } },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ message: expect.stringContaining('filter[name][likee]: unknown key "likee"') });
  });

  it("routes a concrete entity path before the generic family, and a workflow key to the workflow operation", async () => {
    const brand = await daftra().GET("/v2/api/entity/brand/{id}/{level}", { params: { path: { id: 3, level: 1 } } });
    expect(brand.response.status).toBe(200);
    const list = await daftra().GET("/v2/api/entity/brand/list/{level}", { params: { path: { level: 1 } } });
    expect(list.data?.data.length).toBeGreaterThan(0);
    const workflow = await daftra().GET("/v2/api/entity/le_workflow-type-entity-{workflowId}/list/{level}", {
      params: { path: { workflowId: 7, level: 1 } },
    });
    expect(workflow.response.status).toBe(200);
    // The generic family lists only the entities without operations of their own.
    const generic = await daftra().GET("/v2/api/entity/{entity}/list/{level}", {
      params: { path: { entity: "client", level: 1 } },
    });
    expect(generic.response.status).toBe(200);
  });

  it("maps v2 errors to the typed classes", async () => {
    const client = createDaftraClient({
      baseUrl: inject("mockUrl"),
      auth: { apiKey: "test-key" },
      retry: false,
      throwOnError: true,
    });
    await expect(
      client.GET("/v2/api/entity/brand/{id}/{level}", {
        params: { path: { id: 3, level: 1 } },
        headers: { Prefer: "code=400" },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const refused = await client.POST("/v2/api/entity/brand", { body: { name: "" } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).status).toBe(422);
    expect(Object.keys((refused as ValidationError).fields)).toEqual(["name"]);
  });
});

describe("readEntities against the mock", () => {
  it("sends the reads and returns each result under its alias", async () => {
    const { order, lines } = await readEntities(daftra(), [
      { key: "invoice", action: "show", options: 101, data_level: 2, alias: "order" },
      { key: "invoice_item", action: "list", options: { invoice_id: 101 }, alias: "lines" },
    ]);
    expect(order.id).toBe(101);
    expect(lines.data.length).toBeGreaterThan(0);
  });

  it("refuses two reads that would answer under one key, before sending", async () => {
    await expect(
      readEntities(daftra(), [
        { key: "brand", action: "show", options: 1 },
        { key: "brand", action: "list", options: {} },
      ]),
    ).rejects.toThrow(/both answer under "brand"/);
  });

  it("throws the typed error of a refused request", async () => {
    await expect(
      // @ts-expect-error: data_level 9 is not a level; the mock refuses it
      readEntities(daftra(), [{ key: "brand", action: "show", options: 1, data_level: 9 }]),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
