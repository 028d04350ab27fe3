// The example of the "Contract testing with the mock" guide (packages/mock/README.md), run as a
// test so that the guide cannot rot. Keep the two in step.
import { startMock, type RunningMock } from "@mizan/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDaftraClient, ValidationError, type DaftraClient } from "../src/index.js";

describe("my Daftra integration", () => {
  let mock: RunningMock;
  let daftra: DaftraClient;

  beforeAll(async () => {
    mock = await startMock({ api: "daftra", port: 0 }); // a free port on 127.0.0.1
    daftra = createDaftraClient({ baseUrl: mock.url, auth: { apiKey: "test-key" }, throwOnError: true });
  });
  afterAll(() => mock.stop());

  it("creates an invoice for a client", async () => {
    const { data } = await daftra.POST("/api2/invoices.json", {
      body: {
        Invoice: { client_id: 512, currency_code: "SAR" },
        InvoiceItem: [{ item: "استشارة", unit_price: 250, quantity: 4 }],
      },
    });
    expect(data?.id).toBeDefined();
  });

  it("handles a missing invoice", async () => {
    await expect(
      daftra.GET("/api2/invoices/{id}.json", { params: { path: { id: 999 } }, headers: { Prefer: "code=404" } }),
    ).rejects.toMatchObject({ name: "NotFoundError", status: 404 });
  });

  it("shows which field the server refused", async () => {
    const error = await daftra
      .POST("/api2/clients.json", { body: { Client: { business_name: "مؤسسة الاختبار", email: "not-an-email" } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.email).toMatch(/valid email/i);
  });
});
