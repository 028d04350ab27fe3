// A typed helper for POST /v2/api/multi-entity: several reads in one request, each result under
// its alias (or key). The result type follows the reads asked for: a `show` of an entity that
// has its own read operation in the spec is typed as that operation's record, a `list` as that
// entity's page, anything else as the open v2 record or page. Opt-in: import it to use it.
import type { components, paths } from "./generated/daftra.js";
import type { DaftraClient, ThrowingDaftraClient } from "./index.js";

/** One read of a multi-entity request. */
export type EntityRead = components["schemas"]["MultiEntityQuery"];

type Json<T> = T extends { responses: { 200: { content: { "application/json": infer B } } } } ? B : never;
type RecordOf<K extends string> = `/v2/api/entity/${K}/{id}/{level}` extends keyof paths
  ? Json<paths[`/v2/api/entity/${K}/{id}/{level}`]["get"]>
  : components["schemas"]["AnyEntityRecord"];
type PageOf<K extends string> = `/v2/api/entity/${K}/list/{level}` extends keyof paths
  ? Json<paths[`/v2/api/entity/${K}/list/{level}`]["get"]>
  : components["schemas"]["AnyEntityPage"];

/** Where a read's result goes in the answer: its alias, or its key. */
export type ResultKey<R> = R extends { alias: infer A extends string }
  ? A
  : R extends { key: infer K extends string }
    ? K
    : never;
/** The answer to `reads`, keyed by alias or key. */
export type EntityReadResults<Reads extends readonly EntityRead[]> = {
  [R in Reads[number] as ResultKey<R>]: R extends { action: "list"; key: infer K extends string }
    ? PageOf<K>
    : R extends { key: infer K extends string }
      ? RecordOf<K>
      : never;
};

/**
 * Runs several v2 reads in one round trip and returns their results by alias (or key), typed.
 * Throws the typed error of a refused request, and a TypeError before sending when two reads
 * would land under the same key (the server would keep only one of them).
 *
 * ```ts
 * const { order, lines } = await readEntities(daftra, [
 *   { key: "invoice", action: "show", options: 101, data_level: 2, alias: "order" },
 *   { key: "invoice_item", action: "list", options: { invoice_id: 101 }, alias: "lines" },
 * ]);
 * ```
 */
export async function readEntities<const Reads extends readonly EntityRead[]>(
  client: DaftraClient | ThrowingDaftraClient,
  reads: Reads,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<EntityReadResults<Reads>> {
  const seen = new Set<string>();
  for (const read of reads) {
    const key = read.alias ?? read.key;
    if (seen.has(key))
      throw new TypeError(`readEntities: two reads would both answer under "${key}"; give one of them another alias.`);
    seen.add(key);
  }
  const { data, error, response } = await (client as DaftraClient).POST("/v2/api/multi-entity", {
    ...init,
    body: [...reads],
  });
  if (error !== undefined || data === undefined)
    throw client.toError(response, error, { method: "POST", path: "/v2/api/multi-entity" });
  return data as EntityReadResults<Reads>;
}
