// Walks paged lists, opt-in: a client that never pages does not ship the list table. Which
// operations are lists, where their items are, which key wraps each item and how the last page
// shows comes from the spec (the client's generated `lists` table), not from a guess at the
// body's shape.

/** How one list operation pages, as mizan-codegen writes it. Paths are dotted: "pagination.page_count". */
export interface ListMeta {
  /** The query parameter that selects the page (1-based). */
  page: string;
  /** Where the items of a page are in the body. */
  items: string;
  /** Where the number of the last page is, when the body gives it. */
  lastPage?: string;
  /** Where a "next page" link or flag is, when the body gives one: no value means no next page. */
  next?: string;
  /** The key that wraps each item (Daftra v1: {"Client": {...}}), if any. */
  wrapper?: string;
}

/** The least a client must offer to be walked: GET, and the typed error of a failed page. */
export interface Pageable {
  GET(path: never, init?: never): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  toError(response: Response, body: unknown, context: { method: string; path: string }): Error;
}

const at = (body: unknown, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body);
const asNumber = (v: unknown) => (v === null || v === undefined || v === "" ? undefined : Number(v));

/** Every page from the one asked for (default 1) to the last, one request at a time. */
export async function* pages(
  client: Pageable,
  path: string,
  meta: ListMeta,
  init: Record<string, unknown> = {},
): AsyncGenerator<unknown> {
  const params = (init.params ?? {}) as { query?: Record<string, unknown> };
  let page = asNumber(params.query?.[meta.page]) ?? 1;
  const get = client.GET as (path: string, init: unknown) => ReturnType<Pageable["GET"]>;
  for (;;) {
    const result = await get(path, { ...init, params: { ...params, query: { ...params.query, [meta.page]: page } } });
    if (result.error !== undefined || !result.data)
      throw client.toError(result.response, result.error, { method: "GET", path });
    const body = result.data;
    yield body;
    const items = at(body, meta.items);
    const last = meta.lastPage ? asNumber(at(body, meta.lastPage)) : undefined;
    // Stop at the last page by any sign the server gives; never loop on an empty page.
    if (
      !Array.isArray(items) ||
      !items.length ||
      (meta.next && !at(body, meta.next)) ||
      (last !== undefined && page >= last)
    )
      return;
    page += 1;
  }
}

/** Every item of every page, unwrapped from its wrapper key when the list has one. */
export async function* items(
  client: Pageable,
  path: string,
  meta: ListMeta,
  init?: Record<string, unknown>,
): AsyncGenerator<unknown> {
  for await (const page of pages(client, path, meta, init)) {
    for (const entry of at(page, meta.items) as Record<string, unknown>[])
      yield meta.wrapper ? entry?.[meta.wrapper] : entry;
  }
}

/** Collects at most `max` items. The cap is required: a list can hold many thousands of records. */
export async function toArray(
  client: Pageable,
  path: string,
  meta: ListMeta,
  init: Record<string, unknown> & { max: number },
): Promise<unknown[]> {
  const { max, ...rest } = init ?? ({} as typeof init);
  if (!Number.isInteger(max) || max < 0)
    throw new TypeError("toArray needs `max`, a cap on the items, e.g. { max: 500 }.");
  const out: unknown[] = [];
  if (max === 0) return out;
  for await (const item of items(client, path, meta, rest)) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
