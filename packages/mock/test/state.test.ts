// Stateful mode (src/state.ts): writes are remembered, per session, through real HTTP on
// 127.0.0.1. Each test names its own session, so the tests share one mock and still cannot see
// each other's records.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { jsonExamples, operationsOf } from "@mizan/openapi-tools";
import { getApi } from "@mizan/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_HEADER } from "../src/index.js";
import { startMock, type RunningMock } from "./serve.js";
import { createState } from "../src/state.js";
import { stateRequests } from "./state-requests.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "bin", "mizan-mock.js");

const bundles = new Map<string, unknown>();
/** The served bundle's example for an operation's response: what the mock must answer, read from the spec. */
function documented(api: string, key: string, status: string, name?: string): unknown {
  if (!bundles.has(api)) bundles.set(api, JSON.parse(readFileSync(getApi(api).mockBundle, "utf8")));
  const doc = bundles.get(api);
  const entry = operationsOf(doc).find((e) => e.key === key)!;
  const examples = jsonExamples(doc, (entry.op as { responses: Record<string, unknown> }).responses[status]);
  return (examples.find(([n]) => n === name) ?? examples[0])![1];
}

/** A JSON client for one session of a mock. */
function client(url: string, session?: string, headers: Record<string, string> = { apikey: "test-key" }) {
  return async (method: string, p: string, body?: unknown, extra: Record<string, string> = {}) => {
    const response = await fetch(`${url}${p}`, {
      method,
      headers: {
        ...headers,
        ...(session === undefined ? {} : { [SESSION_HEADER]: session }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...extra,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };
}

describe("a stateful Daftra mock", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", stateful: true });
  });
  afterAll(() => mock.stop());

  it("v1 clients: create, read, update, list, delete, then the documented 404", async () => {
    const call = client(mock.url, "v1-clients");
    const created = await call("POST", "/api2/clients.json", {
      Client: { business_name: "شركة الاختبار", email: "qa@test.example", city: "جدة" },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ code: 202, result: "successful" });
    const id = created.body.id;
    // A fresh id: none of the seeded clients (the list example's) has it.
    const seeded = await client(mock.url, "v1-clients-untouched")("GET", "/api2/clients.json");
    expect(seeded.body.data.map((item: { Client: { id: number } }) => item.Client.id)).not.toContain(id);

    const read = await call("GET", `/api2/clients/${id}.json`);
    expect(read.status).toBe(200);
    // As written, and the example's other fields around it.
    expect(read.body.data.Client).toMatchObject({
      id,
      business_name: "شركة الاختبار",
      email: "qa@test.example",
      city: "جدة",
      default_currency_code: "SAR",
    });

    // The suffix-less path form is the same resource.
    expect((await call("PUT", `/api2/clients/${id}`, { Client: { city: "الدمام", credit_limit: 5000 } })).body).toEqual(
      { code: 200, result: "successful" },
    );
    const updated = (await call("GET", `/api2/clients/${id}`)).body.data.Client;
    expect(updated).toMatchObject({ id, business_name: "شركة الاختبار", city: "الدمام", credit_limit: 5000 });
    // The path read before the update shows it too (read answers are kept only until a write).
    expect((await call("GET", `/api2/clients/${id}.json`)).body.data.Client).toMatchObject({
      city: "الدمام",
      credit_limit: 5000,
    });

    const list = await call("GET", "/api2/clients.json");
    const ids = list.body.data.map((item: { Client: { id: number } }) => item.Client.id);
    expect(ids).toEqual([...seeded.body.data.map((item: { Client: { id: number } }) => item.Client.id), id]);
    expect(list.body.data.at(-1).Client).toMatchObject({ business_name: "شركة الاختبار", city: "الدمام" });
    expect(list.body.pagination).toEqual({ prev: null, next: null, page: 1, page_count: 1, total_results: ids.length });

    expect(await call("DELETE", `/api2/clients/${id}.json`)).toEqual({
      status: 200,
      body: { code: 200, result: "successful" },
    });
    const notFound = (method: string) => ({
      status: 404,
      body: documented("daftra", `${method} /api2/clients/{id}.json`, "404"),
    });
    expect(notFound("GET").body).toMatchObject({ result: "failed", code: 404 });
    expect(await call("GET", `/api2/clients/${id}.json`)).toEqual(notFound("GET"));
    expect(await call("PUT", `/api2/clients/${id}.json`, { Client: { city: "x" } })).toEqual(notFound("PUT"));
    expect(await call("DELETE", `/api2/clients/${id}.json`)).toEqual(notFound("DELETE"));
    expect((await call("GET", "/api2/clients.json")).body.pagination.total_results).toBe(ids.length - 1);
  });

  it("v1 invoices: create, read, update, list, delete, then the documented 404", async () => {
    const call = client(mock.url, "v1-invoices");
    const created = await call("POST", "/api2/invoices.json", {
      Invoice: { client_id: 513, currency_code: "EGP", notes: "فاتورة اختبار" },
      InvoiceItem: [{ item: "استشارة", unit_price: 250, quantity: 4 }],
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const read = (await call("GET", `/api2/invoices/${id}.json`)).body.data;
    expect(read.Invoice).toMatchObject({ id, client_id: 513, currency_code: "EGP", notes: "فاتورة اختبار" });
    expect(read.InvoiceItem).toEqual([{ item: "استشارة", unit_price: 250, quantity: 4 }]);

    await call("PUT", `/api2/invoices/${id}.json`, { Invoice: { client_id: 513, notes: "معدلة" } });
    expect((await call("GET", `/api2/invoices/${id}.json`)).body.data.Invoice).toMatchObject({
      id,
      currency_code: "EGP",
      notes: "معدلة",
    });

    const list = (await call("GET", "/api2/invoices.json")).body;
    expect(list.data.at(-1).Invoice).toMatchObject({ id, notes: "معدلة" });
    expect(list.pagination.total_results).toBe(list.data.length);

    expect((await call("DELETE", `/api2/invoices/${id}.json`)).status).toBe(200);
    expect(await call("GET", `/api2/invoices/${id}.json`)).toEqual({
      status: 404,
      body: documented("daftra", "GET /api2/invoices/{id}.json", "404"),
    });
  });

  it("v1 client appointments: the body's FollowUpReminder is read back as ClientAppointment (x-mock-resource wrappers)", async () => {
    const call = client(mock.url, "v1-appointments");
    const created = await call("POST", "/api2/client_appointments.json", {
      FollowUpReminder: { item_id: 512, date: "2026-05-03 09:30:00", body: "مراجعة عرض السعر" },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const read = await call("GET", `/api2/client_appointments/${id}.json`);
    expect(read.body.data.ClientAppointment).toMatchObject({
      id,
      item_id: 512,
      date: "2026-05-03 09:30:00",
      body: "مراجعة عرض السعر",
    });
    expect(read.body.data.FollowUpReminder).toBeUndefined();
    await call("PUT", `/api2/client_appointments/${id}.json`, { FollowUpReminder: { body: "تم التأجيل" } });
    expect((await call("GET", `/api2/client_appointments/${id}.json`)).body.data.ClientAppointment).toMatchObject({
      id,
      item_id: 512,
      body: "تم التأجيل",
    });
    const listed = (await call("GET", "/api2/client_appointments.json")).body.data.map(
      (item: { ClientAppointment: { id: number } }) => item.ClientAppointment.id,
    );
    expect(listed).toContain(id);
    expect((await call("DELETE", `/api2/client_appointments/${id}.json`)).status).toBe(200);
    expect((await call("GET", `/api2/client_appointments/${id}.json`)).status).toBe(404);
  });

  it("pages what is stored: page sizes, page counts and links follow the records", async () => {
    const call = client(mock.url, "v1-paging");
    const seeded = (await call("GET", "/api2/clients.json")).body.pagination.total_results;
    for (let i = 0; i < 3; i++) await call("POST", "/api2/clients.json", { Client: { business_name: `عميل ${i}` } });
    const total = seeded + 3;
    const pages = Math.ceil(total / 2);
    const second = (await call("GET", "/api2/clients.json?limit=2&page=2")).body;
    expect(second.data).toHaveLength(2);
    expect(second.pagination).toEqual({
      prev: "/api2/clients.json?page=1&limit=2",
      next: pages > 2 ? "/api2/clients.json?page=3&limit=2" : null,
      page: 2,
      page_count: pages,
      total_results: total,
    });
    const last = (await call("GET", `/api2/clients.json?limit=2&page=${pages}`)).body;
    expect(last.data.at(-1).Client.business_name).toBe("عميل 2");
    expect(last.pagination.next).toBeNull();
    expect((await call("GET", `/api2/clients.json?limit=2&page=${pages + 1}`)).body.data).toEqual([]);
  });

  it("v2 brands: create, read, update, list, and the documented 400 Record not found", async () => {
    const call = client(mock.url, "v2-brands");
    const created = await call("POST", "/v2/api/entity/brand", { name: "علامة الاختبار" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: expect.any(Number) });
    const id = created.body.id;
    expect((await call("GET", `/v2/api/entity/brand/${id}/1`)).body).toMatchObject({ id, name: "علامة الاختبار" });
    // The update answers with the record's id; the path's id wins over the body's.
    expect((await call("PUT", `/v2/api/entity/brand/${id}`, { id: 1, name: "علامة معدلة" })).body).toMatchObject({
      id,
    });
    expect((await call("GET", `/v2/api/entity/brand/${id}/1`)).body).toMatchObject({ id, name: "علامة معدلة" });

    const all = (await call("GET", "/v2/api/entity/brand/list/1")).body;
    expect(all.data.at(-1)).toMatchObject({ id, name: "علامة معدلة" });
    expect(all).toMatchObject({
      current_page: 1,
      last_page: 1,
      total: all.data.length,
      from: 1,
      to: all.data.length,
      next_page_url: null,
    });
    const page = (await call("GET", `/v2/api/entity/brand/list/1?per_page=1&page=${all.total}`)).body;
    expect(page).toMatchObject({
      current_page: all.total,
      last_page: all.total,
      per_page: 1,
      from: all.total,
      to: all.total,
      next_page_url: null,
    });
    expect(page.data).toEqual([expect.objectContaining({ id })]);
    expect(page.prev_page_url).toBe(
      `https://your-account.daftra.com/v2/api/entity/brand/list/1?page=${all.total - 1}&per_page=1`,
    );
    expect(page.links.map((link: { label: string }) => link.label)).toEqual([
      "&laquo; Previous",
      ...Array.from({ length: all.total }, (_, i) => String(i + 1)),
      "Next &raquo;",
    ]);

    // v2 has no delete of brands; an id never created is the documented not-found.
    const recordNotFound = { status: 400, body: { message: "Record not found" } };
    expect(documented("daftra", "GET /v2/api/entity/brand/{id}/{level}", "400")).toEqual(recordNotFound.body);
    expect(await call("GET", "/v2/api/entity/brand/987654/1")).toEqual(recordNotFound);
    expect(await call("PUT", "/v2/api/entity/brand/987654", { id: 987654, name: "x" })).toEqual(recordNotFound);
  });

  it("v2 lists keep the records their filters ask for, sorted as asked, and page what is kept", async () => {
    const call = client(mock.url, "v2-brand-filters");
    const names = ["فلتر ألفا", "فلتر بيتا", "Filter Gamma", "غير ذلك"];
    const ids: number[] = [];
    for (const name of names) ids.push((await call("POST", "/v2/api/entity/brand", { name })).body.id);
    const list = async (query: string) => (await call("GET", `/v2/api/entity/brand/list/1?${query}`)).body;
    const idsOf = (body: { data: { id: number }[] }) => body.data.map((record) => record.id);

    expect(idsOf(await list(`filter[name][like]=${encodeURIComponent("فلتر")}`))).toEqual([ids[0], ids[1]]);
    expect(idsOf(await list("filter[name][like]=filter"))).toEqual([ids[2]]);
    expect(idsOf(await list(`filter[id][in][]=${ids[1]}&filter[id][in][]=${ids[3]}`))).toEqual([ids[1], ids[3]]);
    expect(idsOf(await list(`filter[id][gte]=${ids[1]}&sort[id]=desc`))).toEqual([ids[3], ids[2], ids[1]]);
    expect(idsOf(await list(`filter[or][id][eq]=${ids[0]}&filter[or][name][like]=gamma`))).toEqual([ids[0], ids[2]]);
    const none = await list("filter[name][like]=no-such-brand");
    expect(none).toMatchObject({ data: [], total: 0, current_page: 1, last_page: 1, from: null, to: null });
    // Paging counts what the filter keeps.
    const page = await list(`filter[id][gte]=${ids[0]}&per_page=3&page=2`);
    expect(page).toMatchObject({ total: 4, last_page: 2, current_page: 2 });
    expect(idsOf(page)).toEqual([ids[3]]);
    // A write changes what a filtered list answers.
    await call("PUT", `/v2/api/entity/brand/${ids[3]}`, { id: ids[3], name: "فلتر دلتا" });
    expect(idsOf(await list(`filter[name][like]=${encodeURIComponent("فلتر")}`))).toEqual([ids[0], ids[1], ids[3]]);
  });

  it("answers an id that was never created with the documented not-found, and seeds lists from the examples", async () => {
    const call = client(mock.url, "never-created");
    expect(await call("GET", "/api2/clients/999999.json")).toEqual({
      status: 404,
      body: documented("daftra", "GET /api2/clients/{id}.json", "404"),
    });
    // The seeded records are the list example's, readable one by one.
    const list = (await call("GET", "/api2/clients.json")).body;
    expect(list.data.length).toBeGreaterThan(0);
    for (const { Client } of list.data)
      expect((await call("GET", `/api2/clients/${Client.id}.json`)).body.data.Client).toMatchObject(Client);
  });

  it("refuses an invalid create and stores nothing", async () => {
    const call = client(mock.url, "invalid-create");
    const before = (await call("GET", "/api2/clients.json")).body;
    const refused = await call("POST", "/api2/clients.json", { Client: { email: "not-an-email" } });
    expect(refused.status).toBe(400);
    expect(refused.body.validation_errors.business_name).toBe("This field is required");
    // (A number for a text field is accepted, as the live server does: x-mock-coercions.)
    const v2Refused = await call("POST", "/v2/api/entity/brand", { name: "" });
    expect(v2Refused.status).toBe(422);
    expect((await call("GET", "/api2/clients.json")).body).toEqual(before);
    // Nor without credentials.
    expect(
      (await client(mock.url, "invalid-create", {})("POST", "/api2/clients.json", { Client: { business_name: "x" } }))
        .status,
    ).toBe(401);
    expect((await call("GET", "/api2/clients.json")).body).toEqual(before);
  });

  it("keeps a __proto__ key in a body as data: it changes no field and is not answered back", async () => {
    const send = (method: string, p: string, text: string) =>
      fetch(`${mock.url}${p}`, {
        method,
        headers: { apikey: "k", "content-type": "application/json", [SESSION_HEADER]: "proto" },
        body: text,
      });
    const exampleCity = (
      documented("daftra", "GET /api2/clients/{id}.json", "200") as { data: { Client: { city: string } } }
    ).data.Client.city;
    const { id } = await (
      await send("POST", "/api2/clients.json", '{"Client":{"business_name":"p","__proto__":{"city":"X"}}}')
    ).json();
    const read = async () => (await client(mock.url, "proto")("GET", `/api2/clients/${id}.json`)).body.data.Client;
    expect(await read()).toMatchObject({ id, business_name: "p", city: exampleCity });
    expect((await send("PUT", `/api2/clients/${id}.json`, '{"Client":{"__proto__":{"city":"Y"}}}')).status).toBe(200);
    const updated = await read();
    expect(updated).toMatchObject({ id, business_name: "p", city: exampleCity });
    expect(Object.keys(updated)).not.toContain("__proto__");
  });

  it("keeps sessions apart, also when their tests write at the same time", async () => {
    const sessions = ["parallel-a", "parallel-b", "parallel-c"];
    const ids = await Promise.all(
      sessions.map(
        async (session) =>
          (await client(mock.url, session)("POST", "/api2/clients.json", { Client: { business_name: session } })).body
            .id as number,
      ),
    );
    for (const [i, session] of sessions.entries()) {
      const call = client(mock.url, session);
      const names = (await call("GET", "/api2/clients.json")).body.data.map(
        (item: { Client: { business_name: string } }) => item.Client.business_name,
      );
      expect(names.filter((name: string) => name.startsWith("parallel-"))).toEqual([session]);
      expect((await call("GET", `/api2/clients/${ids[i]}.json`)).body.data.Client.business_name).toBe(session);
    }
    // Without the header: the default session, which saw none of it.
    const plain = (await client(mock.url)("GET", "/api2/clients.json")).body.data;
    expect(
      plain.some((item: { Client: { business_name: string } }) => item.Client.business_name.startsWith("parallel-")),
    ).toBe(false);
  });

  it("forgets one session's writes on reset, or every session's", async () => {
    const a = client(mock.url, "reset-a");
    const b = client(mock.url, "reset-b");
    const seeded = (await a("GET", "/api2/clients.json")).body.pagination.total_results;
    const fromA = (await a("POST", "/api2/clients.json", { Client: { business_name: "a" } })).body.id;
    const fromB = (await b("POST", "/api2/clients.json", { Client: { business_name: "b" } })).body.id;
    await a("DELETE", "/api2/clients/512.json");

    await mock.reset("reset-a");
    expect((await a("GET", "/api2/clients.json")).body.pagination.total_results).toBe(seeded);
    expect((await a("GET", "/api2/clients/512.json")).status).toBe(200);
    expect((await a("GET", `/api2/clients/${fromA}.json`)).status).toBe(404);
    expect((await b("GET", `/api2/clients/${fromB}.json`)).status).toBe(200);

    const reset = await fetch(`${mock.url}/__mock/reset`, { method: "POST", headers: { "x-mock-control": "1" } });
    expect(reset.status).toBe(204);
    expect((await b("GET", `/api2/clients/${fromB}.json`)).status).toBe(404);
  });

  it("still gives a documented answer on request, and refuses a bad session name", async () => {
    const call = client(mock.url, "prefer");
    expect(await call("GET", "/api2/clients/512.json", undefined, { prefer: "code=404" })).toEqual({
      status: 404,
      body: documented("daftra", "GET /api2/clients/{id}.json", "404"),
    });
    expect(
      (await call("GET", "/api2/clients/777777.json", undefined, { prefer: "code=200" })).body.data.Client.id,
    ).toBe(512);
    const long = await client(mock.url, "x".repeat(201))("GET", "/api2/clients.json");
    expect(long).toMatchObject({
      status: 400,
      body: { result: "failed", message: `The ${SESSION_HEADER} header must be one name of at most 200 characters.` },
    });
    const get = await fetch(`${mock.url}/__mock/reset`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("a stateful VMSAlpha mock (multipart create, an exit that removes)", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "vmsalpha", stateful: true });
  });
  afterAll(() => mock.stop());

  it("adds a visitor, reads and lists them, records the exit, then answers 3404", async () => {
    const auth = { authorization: "Token test-token", [SESSION_HEADER]: "vms" };
    const form = new FormData();
    for (const [name, value] of Object.entries({
      access_token: "test-token",
      cardno: "42",
      name: "Meera Iyer",
      mobile: "9876500042",
      purpose: "Interview",
    }))
      form.set(name, value);
    form.set("image", new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], { type: "image/jpeg" }), "meera.jpg");
    const added = await fetch(`${mock.url}/v1/add/`, {
      method: "POST",
      headers: { [SESSION_HEADER]: "vms" },
      body: form,
    });
    const { success, visitor_id: id } = await added.json();
    expect(success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{40}$/);

    const read = await (await fetch(`${mock.url}/v1/get/${id}`, { headers: auth })).json();
    // The form's fields the record declares; the token and the photo are not part of it.
    expect(read).toEqual({
      success: true,
      data: [
        expect.objectContaining({ visitor_id: id, name: "Meera Iyer", mobile: "9876500042", purpose: "Interview" }),
      ],
    });
    expect(read.data[0]).not.toHaveProperty("access_token");
    const list = await (await fetch(`${mock.url}/v1/get/`, { headers: auth })).json();
    expect(list.data.at(-1)).toMatchObject({ visitor_id: id, name: "Meera Iyer" });

    expect(await (await fetch(`${mock.url}/v1/exit/${id}`, { headers: auth })).json()).toEqual({ success: true });
    expect(await (await fetch(`${mock.url}/v1/exit/${id}`, { headers: auth })).json()).toEqual(
      documented("vmsalpha", "GET /v1/exit/{visitorId}", "200", "notFound"),
    );
    const gone = await fetch(`${mock.url}/v1/get/${id}`, { headers: auth });
    expect(gone.status).toBe(200);
    expect(await gone.json()).toEqual(documented("vmsalpha", "GET /v1/get/{visitorId}", "200", "notFound"));
    const after = await (await fetch(`${mock.url}/v1/get/`, { headers: auth })).json();
    expect(after.data.map((v: { visitor_id: string }) => v.visitor_id)).not.toContain(id);
  });

  it("refuses a form it cannot read (no closing boundary), in the API's error shape, and stores nothing", async () => {
    const headers = { authorization: "Token test-token", [SESSION_HEADER]: "vms-cut" };
    const before = await (await fetch(`${mock.url}/v1/get/`, { headers })).json();
    const part = (name: string, value: string, extra = "") =>
      `--XX\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;
    const fields = [
      part("access_token", "t"),
      part("cardno", "42"),
      part("name", "A"),
      part("mobile", "9876500042"),
      part("purpose", "p"),
      part("image", "JPEG", '; filename="a.jpg"\r\nContent-Type: image/jpeg'),
    ].join("");
    const cut = await fetch(`${mock.url}/v1/add/`, {
      method: "POST",
      headers: { ...headers, "content-type": "multipart/form-data; boundary=XX" },
      body: `${fields}--XX`,
    });
    expect(cut.status).toBe(200);
    expect((await cut.json()).errors).toMatchObject({
      message: expect.stringMatching(/^The (form|multipart) body could not be read/),
    });
    expect(await (await fetch(`${mock.url}/v1/get/`, { headers })).json()).toEqual(before);
  });
});

describe("the stateful mode's limits", () => {
  // The store itself, on the served bundle: filling 1,000 sessions over HTTP would test nothing more.
  const { doc, request } = stateRequests("daftra");
  const LIST = "GET /api2/clients.json";
  const CREATE = "POST /api2/clients.json";
  const createClient = (state: ReturnType<typeof createState>, session: string, name: string) =>
    state.answer(request(CREATE, "/api2/clients.json", session, { Client: { business_name: name } }));

  it("refuses a session beyond the limit, and a create beyond the record limit, without storing", async () => {
    const state = createState(doc, { maxSessions: 2, maxRecords: 3 });
    // Reads keep nothing: a session is made by its first write.
    for (const name of ["one", "two", "three", "four"])
      expect((await state.answer(request(LIST, "/api2/clients.json", name)))!.status).toBe(200);
    expect(await state.stats()).toMatchObject({ sessions: 0, recordBytes: 0 });
    await state.answer(request("DELETE /api2/clients/{id}.json", "/api2/clients/1.json", "two"));
    await state.answer(request("DELETE /api2/clients/{id}.json", "/api2/clients/1.json", "three"));
    expect(await createClient(state, "one", "x")).toEqual({
      status: 507,
      body: { message: expect.stringMatching(/at most 2 sessions/) },
    });
    await state.reset("three");
    // Two seeded clients, so one more fits.
    expect(
      (await state.answer(
        request("POST /api2/clients.json", "/api2/clients.json", "one", { Client: { business_name: "x" } }),
      ))!.status,
    ).toBe(202);
    expect(
      await state.answer(
        request("POST /api2/clients.json", "/api2/clients.json", "one", { Client: { business_name: "y" } }),
      ),
    ).toEqual({ status: 507, body: { message: expect.stringMatching(/at most 3 records/) } });
    expect((await state.answer(request("GET /api2/clients.json", "/api2/clients.json", "one")))!.body).toMatchObject({
      pagination: { total_results: 3 },
    });
    await state.reset("one");
    expect((await state.answer(request("GET /api2/clients.json", "/api2/clients.json", "one")))!.body).toMatchObject({
      pagination: { total_results: 2 },
    });
  });

  it("keys rendered answers on the parsed request: junk parameters and spellings of one page are one entry", async () => {
    const state = createState(doc);
    for (let n = 0; n < 30; n++) expect((await createClient(state, "s", `client ${n}`))!.status).toBe(202);
    const before = (await state.stats()).answerCache;
    const answers = new Set<string>();
    for (let n = 0; n < 300; n++) {
      const query = [`limit=10&_=${n}`, "limit=10&page=1", "page=01&limit=10", "limit=010&page=1&x=y"][n % 4]!;
      answers.add((await state.answer(request(LIST, "/api2/clients.json", "s", undefined, query)))!.bytes!.toString());
    }
    expect(answers.size).toBe(1);
    const after = (await state.stats()).answerCache;
    expect(after.entries - before.entries).toBe(1);
    // Measured: the one entry is the answer's JSON, UTF-8.
    expect(after.bytes - before.bytes).toBe(Buffer.byteLength([...answers][0]!));
    // A write makes a new version; the old answer is not served again.
    await createClient(state, "s", "late");
    expect((await state.answer(request(LIST, "/api2/clients.json", "s", undefined, "limit=100")))!.body).toMatchObject({
      pagination: { total_results: 33 },
    });
  });

  it("bounds the answer cache in bytes, dropping the least recently used answers", async () => {
    const limit = 64 * 1024;
    const state = createState(doc, { answerCacheBytes: limit });
    for (let n = 0; n < 60; n++) await createClient(state, "s", `client ${"x".repeat(200)} ${n}`);
    let largest = 0;
    for (let page = 1; page <= 400; page++) {
      const answer = await state.answer(
        request(LIST, "/api2/clients.json", "s", undefined, `limit=${(page % 40) + 1}&page=${page % 7}`),
      );
      largest = Math.max(largest, answer!.bytes!.length);
      const { answerCache } = await state.stats();
      expect(answerCache.bytes).toBeLessThanOrEqual(limit);
    }
    const { answerCache } = await state.stats();
    expect(answerCache.maxBytes).toBe(limit);
    expect(answerCache.bytes).toBeGreaterThan(limit - 2 * 2 * largest);
    expect(answerCache.entries).toBeGreaterThan(1);
  });

  it("refuses writes past its memory budget with 507, keeps reading, and frees it all on reset", async () => {
    const maxBytes = 256 * 1024;
    const state = createState(doc, { maxBytes });
    let refused: { status: number; body: unknown } | undefined;
    let stored = 0;
    for (let n = 0; n < 2000 && !refused; n++) {
      const answer = await createClient(state, `session ${n % 50}`, `client ${"y".repeat(500)} ${n}`);
      if (answer!.status === 202) stored++;
      else refused = answer as { status: number; body: unknown };
      await state.answer(request(LIST, "/api2/clients.json", `session ${n % 50}`, undefined, `limit=50&page=${n}`));
    }
    expect(refused).toEqual({
      status: 507,
      body: {
        message: `The mock's stateful store is full (its memory budget is ${maxBytes} bytes); reset it with POST /__mock/reset, or start it with a larger budget.`,
      },
    });
    expect(stored).toBeGreaterThan(100);
    const full = await state.stats();
    expect(full.bytes).toBeLessThanOrEqual(maxBytes + 2 * 2048);
    expect(full.recordBytes).toBeGreaterThan(maxBytes / 2);
    expect((await state.answer(request(LIST, "/api2/clients.json", "session 1")))!.status).toBe(200);
    await state.reset("session 1");
    expect((await state.stats()).recordBytes).toBeLessThan(full.recordBytes);
    await state.reset();
    expect(await state.stats()).toMatchObject({
      sessions: 0,
      recordBytes: 0,
      bytes: 0,
      answerCache: { entries: 0, bytes: 0 },
    });
    expect((await createClient(state, "again", "fits"))!.status).toBe(202);
  });

  it("leaves operations that keep no records to Prism", async () => {
    const state = createState(doc);
    expect(await state.answer(request("GET /api2/site_info.json", "/api2/site_info.json", "s"))).toBeUndefined();
  });
});

describe("stateful mode off, and from the CLI", () => {
  it("changes nothing without it: a create is not listed and there is nothing to reset", async () => {
    const mock = await startMock({ api: "daftra" });
    try {
      const call = client(mock.url);
      const before = (await call("GET", "/api2/clients.json")).body;
      expect((await call("POST", "/api2/clients.json", { Client: { business_name: "x" } })).body.id).toBe(2415);
      expect((await call("GET", "/api2/clients.json")).body).toEqual(before);
      const reset = await fetch(`${mock.url}/__mock/reset`, { method: "POST", headers: { "x-mock-control": "1" } });
      expect(reset.status).toBe(409);
      expect((await reset.json()).error).toMatch(/--stateful/);
      await expect(mock.reset()).rejects.toThrow(/refused the reset \(409\)/);
    } finally {
      await mock.stop();
    }
  });

  it("refuses --stateful with --proxy", () => {
    const res = spawnSync(process.execPath, [cli, "--stateful", "--proxy", "http://127.0.0.1:9"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--stateful and --proxy cannot be combined/);
  });

  it("remembers writes with --stateful", async () => {
    const child = spawn(process.execPath, [cli, "--stateful", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (b: Buffer) => {
          const m = /^Stateful mock of daftra listening on (\S+)/.exec(b.toString());
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`CLI exited early (${code})`)));
      });
      const call = client(url);
      const { id } = (await call("POST", "/api2/clients.json", { Client: { business_name: "من سطر الأوامر" } })).body;
      expect((await call("GET", `/api2/clients/${id}.json`)).body.data.Client.business_name).toBe("من سطر الأوامر");
    } finally {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
