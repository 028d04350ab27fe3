// Walks Daftra's page/limit lists. Which operations are lists, and which key wraps their
// items, comes from the spec (src/generated/operations.ts), not from a hand-kept table.
import type { Client, FetchOptions } from "openapi-fetch";
import { apiErrorFor } from "./errors.js";
import type { paths } from "./generated/daftra.js";
import type { ListPath, ListWrappers } from "./generated/operations.js";

export type { ListPath, ListWrappers };
/** The body of one page of a list operation. */
export type ListPage<P extends ListPath> = paths[P]["get"]["responses"][200]["content"]["application/json"];
/** One item of a list, unwrapped: a `Client` record for `/api2/clients.json`. */
export type ListItem<P extends ListPath> = ListPage<P>["data"][number][ListWrappers[P]];
export type ListOptions<P extends ListPath> = FetchOptions<paths[P]["get"]>;

const asNumber = (v: unknown) => (v === null || v === undefined || v === "" ? undefined : Number(v));

/** Every page from the one asked for (default 1) to the last, one request at a time. */
export async function* pages<P extends ListPath>(
  client: Client<paths>,
  path: P,
  init?: ListOptions<P>,
  secrets: () => readonly string[] = () => [],
): AsyncGenerator<ListPage<P>> {
  const params = (init?.params ?? {}) as { query?: Record<string, unknown> };
  let page = asNumber(params.query?.page) ?? 1;
  for (;;) {
    const query = { ...params.query, page };
    const result = await (client.GET as (p: string, i: unknown) => Promise<{ data?: ListPage<P>; error?: unknown; response: Response }>)(path, {
      ...init,
      params: { ...params, query },
    });
    if (result.error !== undefined || !result.data) {
      throw apiErrorFor(result.response, result.error, { method: "GET", path }, secrets());
    }
    const body = result.data;
    yield body;
    const p = body.pagination as { next?: unknown; page?: unknown; page_count?: unknown };
    const count = asNumber(p?.page_count);
    // Stop at the last page by any of the signs the server gives; never loop on an empty page.
    if (!body.data.length || !p?.next || (count !== undefined && page >= count)) return;
    page += 1;
  }
}

/** Every item of every page, unwrapped from its model key. */
export async function* items<P extends ListPath>(
  client: Client<paths>,
  path: P,
  init?: ListOptions<P>,
  secrets?: () => readonly string[],
): AsyncGenerator<ListItem<P>> {
  for await (const page of pages(client, path, init, secrets)) {
    for (const entry of page.data as Record<string, unknown>[]) {
      // Each item is {"<Model>": {...}} (ListWrappers names the model); take the model key.
      const key = Object.keys(entry).find((k) => /^[A-Z]/.test(k));
      yield (key ? entry[key] : entry) as ListItem<P>;
    }
  }
}

/** Collects at most `max` items. The cap is required: a list can hold many thousands of records. */
export async function toArray<P extends ListPath>(
  client: Client<paths>,
  path: P,
  init: ListOptions<P> & { max: number },
  secrets?: () => readonly string[],
): Promise<ListItem<P>[]> {
  const { max, ...rest } = init ?? ({} as typeof init);
  if (!Number.isInteger(max) || max < 0) {
    throw new TypeError("toArray needs `max`, a cap on the items, e.g. { max: 500 }.");
  }
  const out: ListItem<P>[] = [];
  if (max === 0) return out;
  for await (const item of items(client, path, rest as unknown as ListOptions<P>, secrets)) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
