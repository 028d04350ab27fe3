// The resources of the served bundle, as the stateful mode reads them from `x-mock-resource`
// (written by @mizan/mock-model's markMockResources), and how their records show: merged into
// the documented example answers, fields the answer's schema does not declare left out.
import type { IncomingHttpHeaders } from "node:http";
import { deref, jsonExamples, operationsOf, pathTemplateMatcher, type OperationEntry } from "@mizan/openapi-tools";
import { filterAndSort } from "@mizan/openapi-tools/query";
import { undeclaredFieldsOf } from "@mizan/openapi-tools/examples";
import { MOCK_RESOURCE, type MockAnswer, type MockResource } from "@mizan/mock-model";
import { copy, getAt, isObject, jsonBytes, keysOf, merge, placed, setAt, type Json, type JsonObject } from "./json.js";
import type { Seed, StoredRecord } from "./store.js";

export interface Member {
  entry: OperationEntry;
  mark: MockResource;
  params: (path: string) => Record<string, string> | undefined;
  family: Family;
  /** `mark.idField` and `mark.answerId` as keys, read once (every write needs them). */
  idKeys: string[];
  answerIdKeys?: string[];
}

/** One resource's operations, by action (the first of each; a suffix-less twin is the same). */
export type Family = Partial<Record<MockResource["action"], Member>>;

/** What a list answer depends on besides the records. */
export interface ListRequest {
  pathname: string;
  query: URLSearchParams;
  headers?: IncomingHttpHeaders;
}

export function resourcesOf(doc: unknown, onViewRendered?: (record: StoredRecord, bytes: number) => void) {
  const byKey = new Map<string, Member>();
  const families = new Map<string, Family>();
  for (const entry of operationsOf(doc)) {
    const mark = (entry.op as Record<string, unknown>)[MOCK_RESOURCE] as MockResource | undefined;
    if (!mark) continue;
    const family = families.get(mark.resource) ?? families.set(mark.resource, {}).get(mark.resource)!;
    const member: Member = {
      entry,
      mark,
      params: pathTemplateMatcher(entry.path),
      family,
      idKeys: keysOf(mark.idField),
      answerIdKeys: mark.answerId ? keysOf(mark.answerId) : undefined,
    };
    family[mark.action] ??= member;
    byKey.set(entry.key, member);
  }

  // Each documented answer is prepared once, when first used: its example (cloned for each use)
  // and a checker of the fields its schema does not declare.
  const prepared = new WeakMap<MockAnswer, { example: Json; undeclared?: (value: unknown) => string[] }>();
  const prepare = (entry: OperationEntry, answer: MockAnswer) => {
    let found = prepared.get(answer);
    if (!found) {
      const response = (entry.op as { responses?: Record<string, unknown> }).responses?.[answer.status];
      const all = jsonExamples(doc, response);
      const content =
        (deref(doc, response) as { content?: Record<string, { schema?: unknown }> } | undefined)?.content ?? {};
      const schema = Object.entries(content).find(([type]) => /json/i.test(type))?.[1]?.schema;
      found = {
        example: (all.find(([name]) => name === answer.example) ?? all[0])?.[1],
        undeclared: schema ? undeclaredFieldsOf(doc, schema) : undefined,
      };
      prepared.set(answer, found);
    }
    return found;
  };
  const example = (entry: OperationEntry, answer: MockAnswer): Json => copy(prepare(entry, answer).example);
  /** An answer without the fields its documented schema does not declare (a form's access token, say). */
  const pruned = (entry: OperationEntry, answer: MockAnswer, body: Json): Json => {
    // Deepest first, so removing an array item never shifts one still to be removed.
    for (const path of prepare(entry, answer).undeclared?.(body).reverse() ?? []) {
      const keys = path.slice(1).split("/");
      const parent = getAt(body, keys.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(Number(keys.at(-1)), 1);
      else if (isObject(parent)) delete parent[keys.at(-1)!];
    }
    return body;
  };

  /**
   * How a record shows in a read or a list answer: merged into the example's record, pruned to
   * what the answer declares. Rendered once per record version; the examples around it are
   * checked at build time (no undeclared field), so answers need no pruning of their own.
   */
  const view = (family: Family, stored: StoredRecord, kind: "read" | "list"): Json => {
    const cached = stored.views[kind];
    if (cached !== undefined) return cached;
    const { entry, mark } = family[kind]!;
    const body = example(entry, mark.answer);
    let rendered: Json;
    if (kind === "read") {
      const at = keysOf(mark.record ?? "");
      rendered = getAt(pruned(entry, mark.answer, placed(body, at, merge(getAt(body, at), stored.data))), at);
    } else {
      const at = keysOf(mark.items ?? "");
      const template = (getAt(body, at) as Json[])[0];
      rendered = (getAt(pruned(entry, mark.answer, placed(body, at, [merge(template, stored.data)])), at) as Json[])[0];
    }
    stored.views[kind] = rendered;
    // A view is rendered at most twice per record version, so reads grow the count by a bounded amount.
    onViewRendered?.(stored, jsonBytes(rendered));
    return rendered;
  };

  /** The seed of a family's collections (the same for every session and path), made once; never changed. */
  const seeds = new WeakMap<Family, Seed>();
  const seedOf = (family: Family): Seed => {
    let seed = seeds.get(family);
    if (seed) return seed;
    const records = new Map<string, StoredRecord>();
    const list = family.list;
    const ids: Json[] = [];
    if (list) {
      const items = getAt(example(list.entry, list.mark.answer), keysOf(list.mark.items ?? ""));
      for (const item of Array.isArray(items) ? items : []) {
        const id = getAt(item, keysOf(list.mark.idField));
        if (!isObject(item) || id === undefined) continue;
        records.set(String(id), { data: item, views: {} });
        ids.push(id);
      }
    }
    const create = family.create;
    const documentedId = create?.mark.answerId
      ? getAt(example(create.entry, create.mark.answer), keysOf(create.mark.answerId))
      : undefined;
    const sample = ids[0] ?? documentedId;
    const numbers = [...ids, documentedId].filter((id): id is number => typeof id === "number");
    seed = { records, sample, counter: typeof sample === "number" ? Math.max(0, ...numbers) : 0 };
    seeds.set(family, seed);
    return seed;
  };

  /** The page and page size a list request asks for (`total` is the size without paging). */
  function pageOf(mark: MockResource, query: URLSearchParams, total: number): [number, number] {
    const paging = mark.paging;
    const size = Math.max(
      1,
      Number(paging?.size && query.get(paging.size)) || (paging ? paging.defaultSize : total || 1),
    );
    const page = Math.max(1, Number(paging?.page && query.get(paging.page)) || 1);
    return [page, size];
  }

  function listAnswer({ entry, mark, family }: Member, stored: StoredRecord[], request: ListRequest): Json {
    const body = example(entry, mark.answer);
    // The records the list's filters keep, in the order its sort asks (x-mock-filter, x-mock-sort).
    const records = mark.query ? filterAndSort(stored, request.query, mark.query, (record) => record.data) : stored;
    const total = records.length;
    const paging = mark.paging;
    const [page, size] = pageOf(mark, request.query, total);
    const [start, end] = paging ? [(page - 1) * size, page * size] : [0, total];
    const shown = records.slice(start, end).map((record) => view(family, record, "list"));
    placed(body, keysOf(mark.items ?? ""), shown);
    if (paging) {
      const pageCount = Math.max(1, Math.ceil(total / size));
      const first = (page - 1) * size + 1;
      // Links take the form of the example's: absolute on the example's host, or a bare path.
      const exampleUrl = Object.entries(paging.fields)
        .filter(([, role]) => ["next", "prev", "first", "last", "path"].includes(role))
        .map(([pointer]) => getAt(body, keysOf(pointer)))
        .find((v): v is string => typeof v === "string");
      const origin = exampleUrl && /^https?:\/\//.test(exampleUrl) ? new URL(exampleUrl).origin : "";
      const sizeQuery = paging.size && request.query.has(paging.size) ? `&${paging.size}=${size}` : "";
      const url = (n: number) => `${origin}${request.pathname}?${paging.page ?? "page"}=${n}${sizeQuery}`;
      const values: Record<string, Json> = {
        page,
        pageCount,
        total,
        size,
        from: shown.length ? first : null,
        to: shown.length ? first + shown.length - 1 : null,
        next: page < pageCount ? url(page + 1) : null,
        prev: page > 1 ? url(page - 1) : null,
        first: url(1),
        last: url(pageCount),
        path: `${origin}${request.pathname}`,
      };
      for (const [pointer, role] of Object.entries(paging.fields)) {
        const keys = keysOf(pointer);
        if (role === "links")
          setAt(body as JsonObject, keys, pageLinks(getAt(body, keys), values, pageCount, url, page));
        else setAt(body as JsonObject, keys, values[role]);
      }
    }
    return body;
  }

  /** A read answer: the example with the record's view where the record goes. */
  const readAnswer = ({ entry, mark, family }: Member, record: StoredRecord): Json =>
    placed(example(entry, mark.answer), keysOf(mark.record ?? ""), view(family, record, "read"));

  return { byKey, example, seedOf, pageOf, listAnswer, readAnswer };
}

export type Resources = ReturnType<typeof resourcesOf>;

/** Laravel's `links`: previous, one per page, next, labelled as in the example. */
function pageLinks(
  example: Json,
  values: Record<string, Json>,
  pageCount: number,
  url: (n: number) => string,
  page: number,
): Json {
  if (!Array.isArray(example) || example.length < 2 || !example.every(isObject)) return example;
  const label = (link: Json) => (isObject(link) ? link.label : undefined);
  return [
    { url: values.prev, label: label(example[0]), active: false },
    ...Array.from({ length: pageCount }, (_, i) => ({ url: url(i + 1), label: String(i + 1), active: i + 1 === page })),
    { url: values.next, label: label(example.at(-1)), active: false },
  ];
}
