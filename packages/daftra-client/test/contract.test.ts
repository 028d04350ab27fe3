// Contract tests: the generated client against the Prism mock of the bundled spec, over HTTP.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDaftraClient, requestAccessToken, type DaftraAuth } from "../src/index.js";

const baseUrl = inject("mockUrl");
const login = { clientId: "1", clientSecret: "test-client-secret", username: "owner@example.test", password: "test-password" };

/** A fetch that records the headers of every request it forwards. */
function recordingFetch() {
  const seen: Request[] = [];
  const fetchFn = (input: Request) => {
    seen.push(input.clone());
    return fetch(input);
  };
  return { seen, fetch: fetchFn };
}

describe("POST /v2/oauth/token", () => {
  it.each(["multipart", "json"] as const)("issues a token for a %s body", async (encoding) => {
    const rec = recordingFetch();
    const client = createDaftraClient({ baseUrl, fetch: rec.fetch });
    const { data, error, response } = await requestAccessToken(client, login, { encoding });

    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ token_type: "Bearer", access_token: expect.any(String), expires_in: expect.any(Number) });
    const sent = rec.seen[0]!;
    expect(sent.headers.get("content-type")).toMatch(encoding === "multipart" ? /^multipart\/form-data; boundary=/ : /^application\/json/);
    // The token endpoint is public: no credential header may leak onto it.
    expect(sent.headers.get("apikey")).toBeNull();
    expect(sent.headers.get("authorization")).toBeNull();
  });

  it("refuses a request without the required fields", async () => {
    const response = await fetch(`${baseUrl}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "1", grant_type: "password" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty("error");
  });

  it("refuses an unsupported grant type", async () => {
    const response = await fetch(`${baseUrl}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "1", client_secret: "s", grant_type: "client_credentials", username: "u", password: "p" }),
    });
    expect(response.status).toBe(400);
  });

  it("checks its arguments before sending anything", () => {
    const client = createDaftraClient({ baseUrl });
    expect(() => requestAccessToken(client, { ...login, password: "" })).toThrow(/password/);
  });
});

const modes: [string, () => DaftraAuth][] = [];
let accessToken = "";
beforeAll(async () => {
  const { data } = await requestAccessToken(createDaftraClient({ baseUrl }), login);
  accessToken = data!.access_token;
});
modes.push(["an API key", () => ({ apiKey: "test-api-key" })], ["a Bearer token", () => ({ accessToken })]);

describe.each(modes)("resources with %s", (_label, auth) => {
  function client() {
    const rec = recordingFetch();
    return { rec, daftra: createDaftraClient({ baseUrl, auth: auth(), fetch: rec.fetch }) };
  }

  function expectOneCredential(request: Request) {
    const credentials = auth();
    if (credentials.apiKey !== undefined) {
      expect(request.headers.get("apikey")).toBe(credentials.apiKey);
      expect(request.headers.get("authorization")).toBeNull();
    } else {
      expect(request.headers.get("authorization")).toBe(`Bearer ${credentials.accessToken}`);
      expect(request.headers.get("apikey")).toBeNull();
    }
  }

  it("lists clients with pagination", async () => {
    const { daftra, rec } = client();
    const { data, error, response } = await daftra.GET("/api2/clients.json", { params: { query: { page: 1, limit: 20 } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data!.data.length).toBeGreaterThan(0);
    expect(data!.data[0]!.Client.business_name).toEqual(expect.any(String));
    expect(data!.pagination).toMatchObject({ page: 1, page_count: expect.any(Number), total_results: expect.any(Number) });
    expect(new URL(rec.seen[0]!.url).search).toBe("?page=1&limit=20");
    expectOneCredential(rec.seen[0]!);
  });

  it("gets, creates, updates and deletes a client", async () => {
    const { daftra, rec } = client();
    const one = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 512 } } });
    expect(one.response.status).toBe(200);
    expect(one.data!.data.Client.id).toBe(512);
    expect(new URL(rec.seen[0]!.url).pathname).toBe("/api2/clients/512.json");

    const created = await daftra.POST("/api2/clients.json", {
      body: { Client: { business_name: "مؤسسة الاختبار", type: 3, email: "qa@example.test" } },
    });
    expect(created.response.status).toBe(202);
    expect(created.data).toMatchObject({ code: 202, result: "successful", id: expect.anything() });

    const updated = await daftra.PUT("/api2/clients/{id}.json", { params: { path: { id: 512 } }, body: { Client: { phone1: "+966 11 000 0000" } } });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({ result: "successful" });

    const deleted = await daftra.DELETE("/api2/clients/{id}.json", { params: { path: { id: 512 } } });
    expect(deleted.response.status).toBe(200);
    rec.seen.forEach(expectOneCredential);
  });

  it("lists, gets, creates, updates and deletes invoices", async () => {
    const { daftra, rec } = client();
    const list = await daftra.GET("/api2/invoices.json", { params: { query: { limit: 10, direction: "DESC" } } });
    expect(list.response.status).toBe(200);
    expect(list.data!.data[0]!.Invoice.client_id).toBeDefined();

    const one = await daftra.GET("/api2/invoices/{id}.json", { params: { path: { id: 2415 } } });
    expect(one.response.status).toBe(200);
    expect(one.data!.data.Invoice.InvoiceItem?.length).toBeGreaterThan(0);

    const created = await daftra.POST("/api2/invoices.json", {
      body: {
        Invoice: { client_id: 512, date: "2026-03-14", currency_code: "SAR" },
        InvoiceItem: [{ item: "استشارة", unit_price: 500, quantity: 2 }],
      },
    });
    expect(created.response.status).toBe(202);
    expect(created.data!.id).toBeDefined();

    const updated = await daftra.PUT("/api2/invoices/{id}.json", {
      params: { path: { id: 2415 } },
      body: { Invoice: { client_id: 512, notes: "شكراً لتعاملكم معنا" }, InvoiceItem: [{ item: "استشارة", unit_price: 500, quantity: 3 }] },
    });
    expect(updated.response.status).toBe(200);

    const deleted = await daftra.DELETE("/api2/invoices/{id}.json", { params: { path: { id: 2415 } } });
    expect(deleted.response.status).toBe(200);
    rec.seen.forEach(expectOneCredential);
  });

  it("adds invoices in bulk and reads the site info", async () => {
    const { daftra } = client();
    const bulk = await daftra.POST("/api2/invoices/add_bulk.json", {
      body: [{ Invoice: { client_id: 512 }, InvoiceItem: [{ item: "اشتراك شهري", unit_price: 99, quantity: 1 }] }],
    });
    expect(bulk.response.status).toBe(200);
    expect(Array.isArray(bulk.data)).toBe(true);

    const site = await daftra.GET("/api2/site_info.json");
    expect(site.response.status).toBe(200);
    expect(site.data!.data.Site.currency_code).toEqual(expect.any(String));
  });
});

describe("errors", () => {
  const daftra = () => createDaftraClient({ baseUrl, auth: { apiKey: "test-api-key" } });

  it("answers a create without business_name with validation errors", async () => {
    // Cast on purpose: the type system already refuses this body (see types.test-d.ts).
    const { data, error, response } = await daftra().POST("/api2/clients.json", { body: { Client: { email: "not-an-email" } } as never });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ result: "failed", code: 400, validation_errors: expect.any(Object) });
  });

  it("answers an invoice without client_id with a 400", async () => {
    const { error, response } = await daftra().POST("/api2/invoices.json", { body: { Invoice: {} } as never });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ result: "failed" });
  });

  it("answers a request without credentials with 401", async () => {
    const { data, error, response } = await createDaftraClient({ baseUrl }).GET("/api2/clients.json");
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toHaveProperty("message");
  });

  it("serves the documented 404 when asked for it", async () => {
    const { error, response } = await daftra().GET("/api2/clients/{id}.json", {
      params: { path: { id: 999999 } },
      headers: { Prefer: "code=404" },
    });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 404, result: "failed" });
  });
});

describe("path forms", () => {
  it.each(["/api2/clients.json", "/api2/clients", "/api2/clients/512.json", "/api2/clients/512"])("the mock answers %s", async (p) => {
    const response = await fetch(`${baseUrl}${p}`, { headers: { apikey: "test-api-key" } });
    expect(response.status).toBe(200);
  });
});
