// Type tests: checked by tsc (vitest typecheck), never executed. Each @ts-expect-error must
// really be an error, or the run fails.
import { describe, expectTypeOf, it } from "vitest";
import { createDaftraClient, paginate, readEntities, toArray, type ListItem } from "../src/index.js";

const daftra = createDaftraClient({ baseUrl: "http://127.0.0.1:4010", auth: { apiKey: "k" } });

describe("paths", () => {
  it("accepts only documented paths", () => {
    // @ts-expect-error: the resource is "clients", not "client"
    void daftra.GET("/api2/client.json");
    // @ts-expect-error: clients have no PATCH
    void daftra.PATCH("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
    void daftra.GET("/api2/clients.json");
  });
});

describe("parameters", () => {
  it("types path and query parameters", () => {
    // @ts-expect-error: id is a number or a string of digits
    void daftra.GET("/api2/clients/{id}.json", { params: { path: { id: true } } });
    // @ts-expect-error: the path parameter is required
    void daftra.GET("/api2/clients/{id}.json", { params: { path: {} } });
    // @ts-expect-error: limit is a number
    void daftra.GET("/api2/clients.json", { params: { query: { limit: "50" } } });
    // @ts-expect-error: clients have no documented filters
    void daftra.GET("/api2/clients.json", { params: { query: { keywords: "x" } } });
    // @ts-expect-error: direction is ASC or DESC
    void daftra.GET("/api2/invoices.json", { params: { query: { direction: "up" } } });
    void daftra.GET("/api2/invoices.json", { params: { query: { direction: "ASC", page: 2 } } });
  });
});

describe("bodies", () => {
  it("requires the model wrapper and the required fields", () => {
    // @ts-expect-error: the record must be wrapped in "Client"
    void daftra.POST("/api2/clients.json", { body: { business_name: "x" } });
    // @ts-expect-error: business_name is required on create
    void daftra.POST("/api2/clients.json", { body: { Client: { email: "a@b.example" } } });
    // @ts-expect-error: type is 2 (individual) or 3 (business)
    void daftra.POST("/api2/clients.json", { body: { Client: { business_name: "x", type: 1 } } });
    // @ts-expect-error: client_id is required on an invoice
    void daftra.POST("/api2/invoices.json", { body: { Invoice: { currency_code: "SAR" } } });
    void daftra.POST("/v2/oauth/token", {
      // @ts-expect-error: grant_type is "password"
      body: { client_id: "1", client_secret: "s", grant_type: "code", username: "u", password: "p" },
    });
    void daftra.POST("/api2/clients.json", { body: { Client: { business_name: "x", type: 3 } } });
  });
});

describe("responses", () => {
  it("types the data of each status", async () => {
    const { data, error } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
    // Optional response fields may be null: the server sends null for unset fields.
    if (data) expectTypeOf(data.data.Client.business_name).toEqualTypeOf<string | null | undefined>();
    if (error) expectTypeOf(error.message).toBeString();
    const created = await daftra.POST("/api2/clients.json", { body: { Client: { business_name: "x" } } });
    if (created.data) expectTypeOf(created.data.id).toEqualTypeOf<number | string>();
  });

  it("takes an id read from a create answer where ids are sent, on v1 and v2", async () => {
    const created = await daftra.POST("/api2/clients.json", { body: { Client: { business_name: "x" } } });
    if (created.data) void daftra.GET("/api2/clients/{id}.json", { params: { path: { id: created.data.id } } });
    const brand = await daftra.POST("/v2/api/entity/brand", { body: { name: "x" } });
    if (brand.data)
      void daftra.GET("/v2/api/entity/brand/{id}/{level}", { params: { path: { id: brand.data.id, level: 1 } } });
  });
});

describe("options", () => {
  it("refuses both credentials at once", () => {
    // @ts-expect-error: an API key and a token together are refused by Daftra
    createDaftraClient({ baseUrl: "http://127.0.0.1:4010", auth: { apiKey: "k", accessToken: "t" } });
  });
});

describe("pagination", () => {
  it("types items by the list they come from", async () => {
    for await (const client of paginate(daftra, "/api2/clients.json")) {
      expectTypeOf(client.business_name).toEqualTypeOf<string | null | undefined>();
      break;
    }
    const invoices = await toArray(daftra, "/api2/invoices.json", { max: 10, params: { query: { direction: "ASC" } } });
    expectTypeOf(invoices[0]!.client_id).not.toBeAny();
    // @ts-expect-error: only list operations can be paginated
    void paginate(daftra, "/api2/clients/{id}.json");
    // @ts-expect-error: toArray needs a cap
    void toArray(daftra, "/api2/clients.json", {});
  });

  it("knows the list operations of the spec and their item keys", () => {
    // Items come unwrapped from the key the spec gives each list ({"Client": {...}} -> the record).
    expectTypeOf<ListItem<"/api2/clients.json">>().toHaveProperty("business_name");
    expectTypeOf<ListItem<"/api2/invoices.json">>().toHaveProperty("client_id");
    expectTypeOf<ListItem<"/api2/clients.json">>().not.toHaveProperty("Client");
  });
});

describe("auth options", () => {
  it("takes the four documented modes and nothing half-filled", () => {
    createDaftraClient({ subdomain: "acme", auth: { username: "u", password: "p", clientId: "1", clientSecret: "s" } });
    createDaftraClient({ subdomain: "acme", auth: { getToken: async () => "t" } });
    createDaftraClient({
      subdomain: "acme",
      domain: "daftara.com",
      auth: { accessToken: "t" },
      retry: false,
      timeoutMs: 5_000,
    });
    // @ts-expect-error: a login without the client secret
    createDaftraClient({ subdomain: "acme", auth: { username: "u", password: "p", clientId: "1" } });
    // @ts-expect-error: only daftra.com and daftara.com host accounts
    createDaftraClient({ subdomain: "acme", domain: "example.com" });
  });
});

describe("v2 filters and sort", () => {
  const list = "/v2/api/entity/brand/list/{level}" as const;
  it("accepts the documented grammar", () => {
    void daftra.GET(list, {
      params: {
        path: { level: 1 },
        query: {
          filter: { name: { like: "acme" }, created: { gte: "2026-01-01" }, status: { in: [1, 2] }, branch_id: 3 },
          "filter[or]": { email: { like: "a" } },
          sort: { created: "desc" },
        },
      },
    });
  });
  it("refuses what the server would not read", () => {
    // @ts-expect-error: "likee" is not an operator
    void daftra.GET(list, { params: { path: { level: 1 }, query: { filter: { name: { likee: "acme" } } } } });
    // @ts-expect-error: `in` takes a list
    void daftra.GET(list, { params: { path: { level: 1 }, query: { filter: { status: { in: 1 } } } } });
    // @ts-expect-error: conditions in an `or` group name their operator
    void daftra.GET(list, { params: { path: { level: 1 }, query: { "filter[or]": { email: "a" } } } });
    // @ts-expect-error: a misspelt operator in an `or` group
    void daftra.GET(list, { params: { path: { level: 1 }, query: { "filter[or]": { email: { lik: "a" } } } } });
    // @ts-expect-error: sort is asc or desc
    void daftra.GET(list, { params: { path: { level: 1 }, query: { sort: { created: "down" } } } });
    // @ts-expect-error: level is 1-4 or -1
    void daftra.GET(list, { params: { path: { level: 7 } } });
    // @ts-expect-error: the generic family does not list entities that have their own operations
    void daftra.GET("/v2/api/entity/{entity}/list/{level}", { params: { path: { entity: "brand", level: 1 } } });
  });
  it("types v2 list items as flat records", () => {
    expectTypeOf<ListItem<"/v2/api/entity/brand/list/{level}">["name"]>().toEqualTypeOf<string>();
  });
  it("types records", async () => {
    const { data } = await daftra.GET("/v2/api/entity/brand/{id}/{level}", { params: { path: { id: 3, level: 1 } } });
    if (data) expectTypeOf(data.name).toEqualTypeOf<string>();
    // @ts-expect-error: the update body repeats the id
    void daftra.PUT("/v2/api/entity/brand/{id}", { params: { path: { id: 3 } }, body: { name: "x" } });
    // @ts-expect-error: the name is text
    void daftra.POST("/v2/api/entity/brand", { body: { name: 5 } });
  });
});

describe("readEntities", () => {
  it("types each result by its alias, action and entity", async () => {
    const result = await readEntities(daftra, [
      { key: "brand", action: "show", options: 3, alias: "brand" },
      { key: "brand", action: "list", options: { name: "x" }, alias: "brands" },
      { key: "client", action: "show", options: 512 },
    ]);
    expectTypeOf(result.brand.name).toEqualTypeOf<string>();
    expectTypeOf(result.brands.data[0]!.name).toEqualTypeOf<string>();
    expectTypeOf(result.client.id).toEqualTypeOf<number | string>();
    // @ts-expect-error: nothing was read under this key
    void result.order;
    // @ts-expect-error: the action is show or list
    void readEntities(daftra, [{ key: "brand", action: "get", options: 3 }]);
  });
});

describe("throwOnError", () => {
  const throwing = createDaftraClient({ baseUrl: "http://127.0.0.1:4010", auth: { apiKey: "k" }, throwOnError: true });

  it("types a successful call's data as defined on a client that throws", async () => {
    const { data, error } = await throwing.GET("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
    expectTypeOf(data).toEqualTypeOf<NonNullable<typeof data>>();
    expectTypeOf(error).toEqualTypeOf<undefined>();
    // No `data!`: the record is there.
    const record: object = data.data.Client;
    void record;
    const created = await throwing.POST("/api2/clients.json", { body: { Client: { business_name: "x" } } });
    void created.data.id;
  });

  it("keeps the default as openapi-fetch has it: data may be undefined", async () => {
    const { data } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
    // @ts-expect-error: data is undefined when the call failed
    void data.data;
    const loose = createDaftraClient({ baseUrl: "http://127.0.0.1:4010", throwOnError: false as boolean });
    // @ts-expect-error: with throwOnError not known to be true, data may be undefined
    void (await loose.GET("/api2/site_info.json")).data.data;
  });

  it("still pages and checks paths on a client that throws", () => {
    // @ts-expect-error: the resource is "clients", not "client"
    void throwing.GET("/api2/client.json");
    expectTypeOf(paginate(throwing, "/api2/clients.json")).toEqualTypeOf(paginate(daftra, "/api2/clients.json"));
  });
});

describe("toError", () => {
  it("compiles as the README shows it: toError(response, error, { method, path })", async () => {
    const { error, response } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 42 } } });
    if (error)
      expectTypeOf(
        daftra.toError(response, error, { method: "GET", path: "/api2/clients/42.json" }),
      ).toMatchTypeOf<Error>();
    // @ts-expect-error: the call's method and path are needed (a Response does not know its method)
    if (error) void daftra.toError(response, error);
  });
});
