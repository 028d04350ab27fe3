// Pagination with an injected fetch, and against the Prism mock.
import { describe, expect, inject, it } from "vitest";
import { createDaftraClient, paginate, pages, PermissionError, toArray } from "../src/index.js";
import { clientPage, fakeServer, json } from "./helpers.js";

const baseUrl = "https://acme.daftra.com";
const pageOf = (r: Request) => Number(new URL(r.url).searchParams.get("page"));

function threePages() {
  return fakeServer((r) => {
    const page = pageOf(r);
    return clientPage(page, 3, [page * 10 + 1, page * 10 + 2]);
  });
}

describe("paginate", () => {
  it("yields every item of every page, unwrapped, one page at a time", async () => {
    const server = threePages();
    const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "k-1234" }, fetch: server.fetch });
    const ids: unknown[] = [];
    for await (const client of paginate(daftra, "/api2/clients.json", { params: { query: { limit: 2 } } }))
      ids.push(client.id);
    expect(ids).toEqual([11, 12, 21, 22, 31, 32]);
    expect(server.requests.map(pageOf)).toEqual([1, 2, 3]);
    expect(server.requests.every((r) => new URL(r.url).searchParams.get("limit") === "2")).toBe(true);
  });

  it("starts at the page asked for", async () => {
    const server = threePages();
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    const seen = [];
    for await (const page of pages(daftra, "/api2/clients.json", { params: { query: { page: 2 } } }))
      seen.push(page.pagination.page);
    expect(seen).toEqual([2, 3]);
  });

  it("stops when `next` is null even if page_count says more", async () => {
    const server = fakeServer((r) => {
      const body = {
        code: 200,
        result: "successful",
        data: [{ Client: { id: pageOf(r) } }],
        pagination: { prev: null, next: null, page: 1, page_count: 9, total_results: 9 },
      };
      return json(body);
    });
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    expect(await toArray(daftra, "/api2/clients.json", { max: 100 })).toHaveLength(1);
    expect(server.count()).toBe(1);
  });

  it("stops on an empty page", async () => {
    const server = fakeServer(() =>
      json({
        code: 200,
        result: "successful",
        data: [],
        pagination: { prev: null, next: "/api2/clients.json?page=2", page: 1, page_count: 4, total_results: 0 },
      }),
    );
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    expect(await toArray(daftra, "/api2/clients.json", { max: 10 })).toEqual([]);
    expect(server.count()).toBe(1);
  });

  it("toArray stops requesting once it has `max` items", async () => {
    const server = threePages();
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch });
    const first3 = await toArray(daftra, "/api2/clients.json", { max: 3 });
    expect(first3.map((c) => c.id)).toEqual([11, 12, 21]);
    expect(server.count()).toBe(2);
  });

  it("toArray requires a cap", async () => {
    const daftra = createDaftraClient({ baseUrl, fetch: threePages().fetch });
    await expect(toArray(daftra, "/api2/clients.json", {} as never)).rejects.toThrow(/needs `max`/);
    await expect(toArray(daftra, "/api2/clients.json", { max: -1 })).rejects.toThrow(/needs `max`/);
  });

  it("throws a typed error when a page fails", async () => {
    const server = fakeServer((r) =>
      pageOf(r) === 2 ? json({ result: "failed", code: 403, message: "Forbidden" }, 403) : clientPage(1, 3, [1]),
    );
    const daftra = createDaftraClient({ baseUrl, fetch: server.fetch, retry: false });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const c of paginate(daftra, "/api2/clients.json")) seen.push(c.id);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1]);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({ status: 403, method: "GET", path: "/api2/clients.json" });
  });
});

describe("against the mock", () => {
  const mockUrl = inject("mockUrl");

  it("walks all pages the mock reports, with the client's auth", async () => {
    const daftra = createDaftraClient({ baseUrl: mockUrl, auth: { apiKey: "test-api-key" } });
    let count = 0;
    let items = 0;
    for await (const page of pages(daftra, "/api2/clients.json", { params: { query: { limit: 2 } } })) {
      count += 1;
      items += page.data.length;
    }
    // The mock's example says page_count 5 and always serves the same two clients.
    expect(count).toBe(5);
    expect(items).toBe(10);
    const capped = await toArray(daftra, "/api2/invoices.json", { max: 1 });
    expect(capped).toHaveLength(1);
    expect(capped[0]!.client_id).toBeDefined();
  });

  it("throws the mock's 401 as a typed error when no credentials are sent", async () => {
    const daftra = createDaftraClient({ baseUrl: mockUrl, throwOnError: true });
    await expect(daftra.GET("/api2/clients.json")).rejects.toMatchObject({ name: "AuthenticationError", status: 401 });
  });

  it("logs in with the password grant against the mock's token endpoint", async () => {
    const daftra = createDaftraClient({
      baseUrl: mockUrl,
      auth: { username: "owner@example.test", password: "test-password", clientId: "1", clientSecret: "test-secret" },
    });
    const { response, data } = await daftra.GET("/api2/site_info.json");
    expect(response.status).toBe(200);
    expect(data?.data.Site).toBeDefined();
  });
});
