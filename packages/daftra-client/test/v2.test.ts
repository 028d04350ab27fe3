// The v2 entity API through the client: the filter/sort query on the wire, v2 lists paged,
// v2 error bodies as typed errors. A scripted server stands in for the network.
import { describe, expect, it } from "vitest";
import {
  createDaftraClient,
  InvalidArgumentError,
  NotFoundError,
  paginate,
  querySerializer,
  toArray,
  ValidationError,
} from "../src/index.js";
import { fakeServer, json } from "./helpers.js";

const baseUrl = "https://acme.daftra.com";
const rawQuery = (r: Request) => new URL(r.url).search.slice(1);

function v2Page(page: number, lastPage: number, ids: number[]) {
  return json({
    current_page: page,
    data: ids.map((id) => ({ id, name: `brand ${id}` })),
    per_page: ids.length,
    last_page: lastPage,
    total: 99,
    from: 1,
    to: ids.length,
  });
}

describe("v2 filter and sort on the wire", () => {
  it("writes the documented bracket form, byte for byte", async () => {
    const server = fakeServer(() => v2Page(1, 1, []));
    const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "k-1234" }, fetch: server.fetch, querySerializer });
    await daftra.GET("/v2/api/entity/brand/list/{level}", {
      params: {
        path: { level: 1 },
        query: {
          page: 2,
          per_page: 50,
          filter: {
            name: { like: "acme" },
            created: { gte: "2026-01-01", lte: "2026-06-30" },
            status: { in: [1, 2] },
            branch_id: 3,
            "journal.date": { is_null: 1 },
          },
          "filter[or]": { email: { like: "@acme" }, phone1: { eq: "0550" } },
          sort: { created: "desc", name: "asc" },
        },
      },
    });
    expect(rawQuery(server.requests[0]!)).toBe(
      [
        "page=2",
        "per_page=50",
        "filter[name][like]=acme",
        "filter[created][gte]=2026-01-01",
        "filter[created][lte]=2026-06-30",
        "filter[status][in][]=1",
        "filter[status][in][]=2",
        "filter[branch_id]=3",
        "filter[journal.date][is_null]=1",
        "filter[or][email][like]=%40acme",
        "filter[or][phone1][eq]=0550",
        "sort[created]=desc",
        "sort[name]=asc",
      ].join("&"),
    );
  });

  it("encodes values and field names, and leaves flat v1 queries as openapi-fetch writes them", async () => {
    expect(querySerializer({ filter: { "name&x": { like: "a b&c=d" } } })).toBe("filter[name%26x][like]=a%20b%26c%3Dd");
    expect(querySerializer({ page: 2, limit: 20, id: [1, 2], skip: undefined, none: null })).toBe(
      "page=2&limit=20&id=1&id=2",
    );
  });

  it("refuses a value it cannot write instead of dropping it", () => {
    expect(() => querySerializer({ filter: { created: { gte: new Date(0) } } })).toThrow(
      /filter\[created\]\[gte\].*plain object/,
    );
    expect(() => querySerializer({ filter: new Map([["a", 1]]) })).toThrow(InvalidArgumentError);
  });

  it("without the serialiser, a nested filter fails loudly before any request", async () => {
    const server = fakeServer(() => v2Page(1, 1, []));
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    await expect(
      daftra.GET("/v2/api/entity/brand/list/{level}", {
        params: { path: { level: 1 }, query: { filter: { name: { like: "a" } } } },
      }),
    ).rejects.toThrow(/querySerializer/);
    expect(server.count()).toBe(0);
  });
});

describe("v2 lists", () => {
  it("paginate walks page/last_page and yields the flat records", async () => {
    const server = fakeServer((r) => {
      const page = Number(new URL(r.url).searchParams.get("page"));
      return v2Page(page, 3, [page * 10 + 1, page * 10 + 2]);
    });
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch, querySerializer });
    const names: string[] = [];
    for await (const brand of paginate(daftra, "/v2/api/entity/brand/list/{level}", {
      params: { path: { level: 1 }, query: { per_page: 2, filter: { name: { like: "b" } } } },
    }))
      names.push(brand.name);
    expect(names).toEqual(["brand 11", "brand 12", "brand 21", "brand 22", "brand 31", "brand 32"]);
    expect(server.requests.map(rawQuery)).toEqual([1, 2, 3].map((p) => `per_page=2&filter[name][like]=b&page=${p}`));
  });

  it("stops on an empty page even if last_page says more", async () => {
    const server = fakeServer(() => v2Page(1, 9, []));
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    expect(
      await toArray(daftra, "/v2/api/entity/{entity}/list/{level}", {
        params: { path: { entity: "client", level: 1 } },
        max: 50,
      }),
    ).toEqual([]);
    expect(server.count()).toBe(1);
  });
});

describe("v2 errors", () => {
  it("422 is a ValidationError with each field's reasons", async () => {
    const server = fakeServer(() =>
      json(
        { message: "Entity not saved", errors: { name: ["The name field is required.", "It must be unique."] } },
        422,
      ),
    );
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch, throwOnError: true });
    const error = await daftra.POST("/v2/api/entity/brand", { body: { name: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({ name: "The name field is required. It must be unique." });
    expect((error as ValidationError).message).toBe("POST /v2/api/entity/brand: 422 Entity not saved");
  });

  it("400 Record not found is a NotFoundError; any other 400 stays a ValidationError", async () => {
    let body = { message: "Record not found" };
    const server = fakeServer(() => json(body, 400));
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    const { error, response } = await daftra.GET("/v2/api/entity/brand/{id}/{level}", {
      params: { path: { id: 99, level: 1 } },
    });
    const notFound = daftra.toError(response, error, { method: "GET", path: "/v2/api/entity/brand/99/1" });
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.status).toBe(400);
    body = { message: "Bad input" };
    const other = await daftra.GET("/v2/api/entity/brand/{id}/{level}", { params: { path: { id: 99, level: 1 } } });
    expect(daftra.toError(other.response, other.error, { method: "GET", path: "/x" })).toBeInstanceOf(ValidationError);
  });

  it("v1 validation_errors still map one reason per field", async () => {
    const server = fakeServer(() =>
      json(
        {
          result: "failed",
          code: 400,
          message: "Bad Request",
          validation_errors: { email: "Please enter a valid email address" },
        },
        400,
      ),
    );
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch, throwOnError: true });
    const error = await daftra
      .POST("/api2/clients.json", { body: { Client: { business_name: "x" } } })
      .catch((e: unknown) => e);
    expect((error as ValidationError).fields).toEqual({ email: "Please enter a valid email address" });
  });
});
