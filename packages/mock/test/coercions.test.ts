// The mock accepts what the live server accepts (the description's x-mock-coercions rules):
// numbers and flags as strings, null for optional fields, a date without its time. A value that
// is really wrong is still refused with the field named, and required fields stay required.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type RunningMock } from "./serve.js";

describe("Daftra request coercions", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", port: 0 });
  });
  afterAll(() => mock.stop());

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${mock.url}${path}`, {
      method: "POST",
      headers: { apikey: "test-key", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { validation_errors?: Record<string, string> } };
  };

  it("accepts numeric strings, string flags and enums, nulls for optional fields", async () => {
    const { status } = await post("/api2/clients.json", {
      Client: { business_name: "Acme", city: null, type: "2", credit_limit: "10.00" },
    });
    expect(status).toBe(202);
  });

  it("accepts an invoice as shop plugins send it: ids, prices and quantities as strings, a date without time", async () => {
    const { status } = await post("/api2/invoices.json", {
      Invoice: { client_id: "123", date: "2026-06-15" },
      InvoiceItem: [{ item: "Widget", unit_price: "10.00", quantity: "2" }],
    });
    expect(status).toBe(202);
  });

  it.each([
    ["a number that is not one", { business_name: "Acme", credit_limit: "abc" }, "credit_limit"],
    ["an e-mail without @", { business_name: "Acme", email: "nope" }, "email"],
    ["a missing required field", { city: "Riyadh" }, "business_name"],
    ["null for a required field", { business_name: null }, "business_name"],
  ])("still refuses %s, naming the field", async (_what, client, field) => {
    const { status, body } = await post("/api2/clients.json", { Client: client });
    expect(status).toBe(400);
    expect(Object.keys(body.validation_errors ?? {})).toContain(field);
  });
});

describe("token endpoint (RFC 6749)", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", port: 0 });
  });
  afterAll(() => mock.stop());

  const token = async (fields: Record<string, string>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const response = await fetch(`${mock.url}/v2/oauth/token`, { method: "POST", body: form });
    return { status: response.status, body: (await response.json()) as { error?: string; access_token?: string } };
  };
  const login = {
    client_id: "1",
    client_secret: "your-client-secret",
    grant_type: "password",
    username: "owner@your-company.example",
    password: "your-password",
  };

  it("ignores a parameter it does not know (RFC 6749 §3.2)", async () => {
    const { status, body } = await token({ ...login, scope: "*" });
    expect(status).toBe(200);
    expect(body.access_token).toBeTruthy();
  });

  it("answers a missing field with invalid_request (RFC 6749 §5.2)", async () => {
    const { client_secret: _omitted, ...rest } = login;
    const { status, body } = await token(rest);
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_request");
  });

  it("answers an unknown grant_type with unsupported_grant_type, in a form or JSON body (RFC 6749 §5.2)", async () => {
    const { status, body } = await token({ ...login, grant_type: "client_credentials" });
    expect(status).toBe(400);
    expect(body.error).toBe("unsupported_grant_type");
    const json = await fetch(`${mock.url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...login, grant_type: "authorization_code" }),
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe("unsupported_grant_type");
    // A known grant missing its own fields is a malformed request, not an unsupported grant.
    const { username: _u, ...noUser } = login;
    expect((await token(noUser)).body.error).toBe("invalid_request");
  });

  it("still gives the example named in Prefer", async () => {
    const form = new FormData();
    form.append("grant_type", "client_credentials");
    const response = await fetch(`${mock.url}/v2/oauth/token`, {
      method: "POST",
      body: form,
      headers: { prefer: "code=400, example=invalidRequest" },
    });
    expect((await response.json()).error).toBe("invalid_request");
  });
});
