// Stateful mode (`--stateful`): writes are remembered. Which operations create, read, list,
// update and delete a resource, where ids sit and how records are wrapped is read from the
// `x-mock-resource` extension the bundle step writes on the mock bundle's operations
// (`markMockResources` in @mizan/mock-model); nothing here knows a resource.
//
// A record is kept as the request bodies write it (Daftra v1 `{"Client": {...}}`, v2 flat) and
// shown through the documented example answers: merged into the example record, fields the
// answer's schema does not declare left out. Requests reach this module only after Prism has
// validated them, so an invalid write never stores anything.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { deref, jsonExamples, operationsOf, pathTemplateMatcher, type OperationEntry } from "@mizan/openapi-tools";
import { filterAndSort, readBracketQuery } from "@mizan/openapi-tools/query";
import { undeclaredFieldsOf } from "@mizan/openapi-tools/examples";
import { MOCK_RESOURCE, rewrap, type MockAnswer, type MockResource } from "@mizan/mock-model";
import { ByteCache, type ByteCacheStats } from "./byte-cache.js";

/** The request header that names a session; each session has its own records. */
export const SESSION_HEADER = "x-mock-session";
/** How many sessions one mock keeps at most (a new one beyond that is refused). */
export const MAX_SESSIONS = 1000;
/** How many records one resource keeps at most per session (a create beyond that is refused). */
export const MAX_RECORDS = 10_000;
/**
 * The memory budget of the whole state (records, their rendered views and the answer cache), in
 * bytes of their JSON: a write that would pass it is refused with 507. Default 256 MiB.
 */
export const DEFAULT_MAX_STATE_BYTES = 256 * 1024 * 1024;
/** The bytes of rendered read and list answers kept at most, least recently used dropped first. Default 32 MiB (and at most a quarter of the budget). */
export const DEFAULT_ANSWER_CACHE_BYTES = 32 * 1024 * 1024;
/** The status of a write the state cannot keep (too many sessions or records, or past the memory budget): 507 Insufficient Storage (RFC 4918 §11.5). */
export const STATE_FULL_STATUS = 507;
const MAX_SESSION_NAME = 200;

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface StatefulRequest {
  entry: OperationEntry;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as the server read it: parsed JSON, or the raw text of a form. */
  body: unknown;
  /** The mock's own error answer in the operation's error shape, for errors no example documents. */
  errorShape: (status: number, message: string) => { status: number; body: unknown };
}

export interface StatefulAnswer {
  status: number;
  body: unknown;
  /** The body serialised, where it was kept from an earlier answer. */
  text?: string;
}

export interface State {
  /** The answer from the stored records, or undefined when the operation keeps no records. */
  answer(request: StatefulRequest): Promise<StatefulAnswer | undefined>;
  /** Forgets the writes of one session, or of every session, with the memory they took. */
  reset(session?: string): void;
  /** What the state holds now: sessions, and the bytes its budget counts. */
  stats(): StateStats;
  /** How many sessions and records (over all sessions) are kept: the metrics' state size, and the readiness check. */
  size(): { sessions: number; records: number };
}

export interface StateStats {
  sessions: number;
  /** Bytes of the stored records and their rendered views (JSON). */
  recordBytes: number;
  /** The rendered answers kept (`bytes`: their JSON text, as V8 may hold it, two bytes a character). */
  answerCache: ByteCacheStats;
  /** recordBytes + answerCache.bytes, which writes may not take past maxBytes. */
  bytes: number;
  maxBytes: number;
}

export interface StateOptions {
  maxSessions?: number;
  maxRecords?: number;
  /** The memory budget in bytes (see DEFAULT_MAX_STATE_BYTES). */
  maxBytes?: number;
  /** The answer cache's bound in bytes (see DEFAULT_ANSWER_CACHE_BYTES). */
  answerCacheBytes?: number;
}

interface Member {
  entry: OperationEntry;
  mark: MockResource;
  params: (path: string) => Record<string, string> | undefined;
}

/** One resource's operations, by action (the first of each; a suffix-less twin is the same). */
type Family = Partial<Record<MockResource["action"], Member>>;

/** A record as written, and how it shows in a read and in a list (rendered when first needed). */
interface Stored {
  data: JsonObject;
  views: { read?: Json; list?: Json };
  /** The bytes of `data` and of the views rendered so far, as the budget counts them. */
  bytes: number;
}

interface Collection {
  records: Map<string, Stored>;
  /** Every id this collection has held, so a deleted id is never handed out again. */
  issued: Set<string>;
  counter: number;
  /** A documented id, whose form fresh ids take. */
  sample: Json;
  /**
   * Names this collection's content in the answer cache's keys: a new one after every write, so
   * answers rendered before it are never served again (they age out of the cache).
   */
  version: string;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);
/** An object for keys a request chose (records, form fields): no prototype, so `__proto__` or `constructor` is a key like any other. */
const dictionary = (): JsonObject => Object.create(null) as JsonObject;
/** The bytes a JSON value takes written out (UTF-8), which the budget counts. */
const jsonBytes = (value: Json): number => Buffer.byteLength(JSON.stringify(value) ?? "");

/** RFC 6901 pointer -> keys. */
function keysOf(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function getAt(value: Json, keys: string[]): Json {
  return keys.reduce<Json>(
    (node, key) => (node !== null && typeof node === "object" ? (node as JsonObject)[key] : undefined),
    value,
  );
}

/** Sets a value, making the objects on the way. `keys` must not be empty. */
function setAt(value: JsonObject, keys: string[], to: Json): void {
  let node: JsonObject = value;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = dictionary();
    node = node[key] as JsonObject;
  }
  node[keys.at(-1)!] = to;
}

/**
 * A deep copy of JSON data (several times faster than structuredClone on small values), its
 * objects without a prototype: a body's `__proto__` key (JSON.parse keeps it as a plain key) stays data.
 */
function copy(value: Json): Json {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out = dictionary();
  for (const key of Object.keys(value)) out[key] = copy((value as JsonObject)[key]);
  return out;
}

/** A copy of `written` over `base`: objects merge key by key, anything else (arrays too) replaces. */
function merge(base: Json, written: Json): Json {
  if (!isObject(base) || !isObject(written)) return copy(written);
  const out = dictionary();
  for (const key of Object.keys(base)) out[key] = base[key];
  for (const key of Object.keys(written))
    out[key] = merge(Object.hasOwn(base, key) ? base[key] : undefined, written[key]);
  return out;
}

/** A value put where the pointer says, the root included. */
function placed(body: Json, keys: string[], value: Json): Json {
  if (!keys.length) return value;
  setAt(body as JsonObject, keys, value);
  return body;
}

/** A fresh id of the documented id's form: the next number, or a string as long and of the same characters. */
function formatId(sample: Json, n: number): Json {
  if (typeof sample === "number" || sample === undefined) return n;
  const text = String(sample);
  if (/^\d+$/.test(text)) return String(n).padStart(text.length, "0");
  if (/^[0-9a-f]+$/.test(text)) return n.toString(16).padStart(text.length, "0");
  if (/^[0-9A-F]+$/.test(text)) return n.toString(16).toUpperCase().padStart(text.length, "0");
  const digits = /\d+$/.exec(text)?.[0];
  if (digits) return text.slice(0, -digits.length) + String(n).padStart(digits.length, "0");
  return `${text}-${n}`;
}

/** The body of a form (multipart or urlencoded) as its text fields; files are not kept. */
export async function formFields(text: string, contentType: string): Promise<JsonObject | undefined> {
  const fields = dictionary();
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [name, value] of new URLSearchParams(text)) fields[name] = value;
    return fields;
  }
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  const form = await new Response(text, { headers: { "content-type": contentType } }).formData();
  for (const [name, value] of form) if (typeof value === "string") fields[name] = value;
  return fields;
}

function sessionOf(headers: IncomingHttpHeaders): string | { problem: string } {
  const raw = headers[SESSION_HEADER];
  if (raw === undefined) return "";
  if (Array.isArray(raw) || raw.length > MAX_SESSION_NAME)
    return { problem: `The ${SESSION_HEADER} header must be one name of at most ${MAX_SESSION_NAME} characters.` };
  return raw;
}

/** Whether the caller asked Prism for a particular documented answer (`Prefer: code=404`, `example=...`). */
const asksForExample = (headers: IncomingHttpHeaders) => /\b(code|example)=/.test(String(headers.prefer ?? ""));

/** An answer kept as text: its body is parsed again only if someone asks for it (the server sends the text). */
function cachedAnswer(status: number, text: string): StatefulAnswer {
  return {
    status,
    text,
    get body() {
      return JSON.parse(text) as Json;
    },
  };
}

export function createState(doc: unknown, options: StateOptions = {}): State {
  const maxSessions = options.maxSessions ?? MAX_SESSIONS;
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STATE_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0))
    throw new RangeError(`maxBytes must be a whole number of bytes above 0, got ${maxBytes}.`);
  const budgetMessage = () =>
    `The mock's stateful store is full (its memory budget is ${maxBytes} bytes); reset it with POST /__mock/reset, or start it with a larger budget.`;
  const families = new Map<string, Family>();
  const byKey = new Map<string, Member & { family: Family }>();
  for (const entry of operationsOf(doc)) {
    const mark = (entry.op as Record<string, unknown>)[MOCK_RESOURCE] as MockResource | undefined;
    if (!mark) continue;
    const member = { entry, mark, params: pathTemplateMatcher(entry.path) };
    const family = families.get(mark.resource) ?? families.set(mark.resource, {}).get(mark.resource)!;
    family[mark.action] ??= member;
    byKey.set(entry.key, { ...member, family });
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
  const view = (family: Family, stored: Stored, kind: "read" | "list"): Json => {
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
    const bytes = jsonBytes(rendered);
    stored.bytes += bytes;
    const owner = owners.get(stored);
    if (owner !== undefined) charge(owner, bytes);
    return rendered;
  };

  const sessions = new Map<string, Map<string, Collection>>();
  /** The bytes each kept session's records take; their sum is recordBytes. */
  const sessionBytes = new Map<string, number>();
  let recordBytes = 0;
  /** Which session a kept record belongs to, for the bytes its views add when rendered. */
  let owners = new WeakMap<Stored, string>();
  const charge = (session: string, bytes: number) => {
    sessionBytes.set(session, (sessionBytes.get(session) ?? 0) + bytes);
    recordBytes += bytes;
  };
  const keep = (session: string, data: JsonObject): Stored => {
    const record: Stored = { data, views: {}, bytes: jsonBytes(data) };
    owners.set(record, session);
    charge(session, record.bytes);
    return record;
  };
  const forget = (session: string, record: Stored | undefined) => {
    if (record) charge(session, -record.bytes);
  };

  // Rendered read and list answers, keyed by session, collection version and the parsed request
  // (never the raw query: `page=01`, `page=1` and `page=1&_=123` are one answer). Text is held at
  // two bytes a character, what V8 may take for it.
  const answers = new ByteCache<string>(
    Math.min(options.answerCacheBytes ?? DEFAULT_ANSWER_CACHE_BYTES, Math.floor(maxBytes / 4)),
    (text) => 2 * text.length,
  );
  /** Versions of collections: unique for the life of the state, so a reset session's keys never come back. */
  let versions = 0;
  const bytesUsed = () => recordBytes + answers.bytes;
  const full = (more: number) => bytesUsed() + more > maxBytes;

  /**
   * A session's collection. A read of a collection the session never wrote is answered from a
   * fresh one that is not kept (reads never take memory beyond the answer cache); a write keeps it.
   */
  function collection(
    sessionName: string,
    session: Map<string, Collection> | undefined,
    family: Family,
    name: string,
    kept: boolean,
  ): Collection {
    const found = session?.get(name);
    if (found) return found;
    const records = new Map<string, Stored>();
    const list = family.list;
    const ids: Json[] = [];
    if (list) {
      const items = getAt(example(list.entry, list.mark.answer), keysOf(list.mark.items ?? ""));
      for (const item of Array.isArray(items) ? items : []) {
        const id = getAt(item, keysOf(list.mark.idField));
        if (!isObject(item) || id === undefined) continue;
        records.set(String(id), kept ? keep(sessionName, item) : { data: item, views: {}, bytes: 0 });
        ids.push(id);
      }
    }
    const create = family.create;
    const documentedId = create?.mark.answerId
      ? getAt(example(create.entry, create.mark.answer), keysOf(create.mark.answerId))
      : undefined;
    const sample = ids[0] ?? documentedId;
    const numbers = [...ids, documentedId].filter((id): id is number => typeof id === "number");
    // Every fresh collection of a name starts alike, so their answers are shared: version "seed".
    const fresh: Collection = {
      records,
      issued: new Set(records.keys()),
      counter: typeof sample === "number" ? Math.max(0, ...numbers) : 0,
      sample,
      version: kept ? `v${++versions}` : "seed",
    };
    if (kept) session!.set(name, fresh);
    return fresh;
  }

  /** Fresh ids only ever count up, so only the seeded ids need skipping (`issued` does not grow). */
  function freshId(store: Collection): Json {
    for (;;) {
      const id = formatId(store.sample, ++store.counter);
      if (!store.issued.has(String(id))) return id;
    }
  }

  /** The cache key of a list answer: what the answer depends on, parsed (page and size as numbers, filters and sort as read). */
  function listKey(member: Member, request: StatefulRequest, store: Collection): string {
    const { mark } = member;
    const [page, size] = pageOf(mark, request, store.records.size);
    const sizeGiven = !!mark.paging?.size && request.query.has(mark.paging.size);
    const names = mark.query
      ? [...(mark.query.filters ?? []).map((f) => f.param), ...(mark.query.sort ? [mark.query.sort] : [])]
      : [];
    const { values } = readBracketQuery(request.query, names);
    return JSON.stringify([request.pathname, page, size, sizeGiven, values]);
  }

  return {
    size() {
      let records = 0;
      for (const collections of sessions.values())
        for (const collection of collections.values()) records += collection.records.size;
      return { sessions: sessions.size, records };
    },

    reset(session) {
      if (session === undefined) {
        sessions.clear();
        sessionBytes.clear();
        owners = new WeakMap();
        recordBytes = 0;
        answers.clear();
        return;
      }
      sessions.delete(session);
      recordBytes -= sessionBytes.get(session) ?? 0;
      sessionBytes.delete(session);
      answers.clear(`${JSON.stringify(session)}\u0000`);
    },

    stats() {
      return { sessions: sessions.size, recordBytes, answerCache: answers.stats(), bytes: bytesUsed(), maxBytes };
    },

    async answer(request) {
      const member = byKey.get(request.entry.key);
      if (!member || asksForExample(request.headers)) return undefined;
      const { entry, mark, family } = member;
      const params = member.params(request.pathname) ?? {};
      const name = mark.resource.replace(/\{([^}]+)\}/g, (whole, param: string) => params[param] ?? whole);
      const sessionName = sessionOf(request.headers);
      if (typeof sessionName !== "string") return request.errorShape(400, sessionName.problem);
      const reading = mark.action === "read" || mark.action === "list";
      let session = sessions.get(sessionName);
      if (!session && !reading) {
        if (sessions.size >= maxSessions)
          return request.errorShape(
            STATE_FULL_STATUS,
            `The mock keeps at most ${maxSessions} sessions; reset them with POST /__mock/reset.`,
          );
        session = new Map();
        sessions.set(sessionName, session);
      }
      if (!reading && !session!.has(name) && full(0)) return request.errorShape(STATE_FULL_STATUS, budgetMessage());
      const store = collection(sessionName, session, family, name, !reading);
      const idKeys = keysOf(mark.idField);
      const id = mark.idParam === undefined ? undefined : params[mark.idParam];
      const record = id === undefined ? undefined : store.records.get(id);
      if (id !== undefined && !record) {
        if (mark.notFound) return { status: Number(mark.notFound.status), body: example(entry, mark.notFound) };
        return request.errorShape(404, `No record with id ${id}.`);
      }

      const status = Number(mark.answer.status);
      // Reads and lists are rendered once per state of the collection and parsed request.
      if (reading) {
        // Fresh collections are alike in every session: their answers are shared ("*").
        const key = `${store.version === "seed" ? "*" : JSON.stringify(sessionName)}\u0000${name}\u0000${store.version}\u0000${entry.key}\u0000${mark.action === "list" ? listKey(member, request, store) : id}`;
        let text = answers.get(key);
        if (text === undefined) {
          const body =
            mark.action === "read"
              ? placed(example(entry, mark.answer), keysOf(mark.record ?? ""), view(family, record!, "read"))
              : listAnswer(member, store, request);
          text = JSON.stringify(body);
          answers.set(key, text);
          return { status, body, text };
        }
        return cachedAnswer(status, text);
      }
      // Any write gives the collection a new version: answers rendered before it are not served again.
      store.version = `v${++versions}`;

      if (mark.action === "delete") {
        forget(sessionName, store.records.get(id!));
        store.records.delete(id!);
        return { status, body: example(entry, mark.answer) };
      }

      // create and update: the body as written, JSON or a form's fields.
      let written: JsonObject | undefined;
      try {
        written = isObject(request.body)
          ? request.body
          : typeof request.body === "string"
            ? await formFields(request.body, String(request.headers["content-type"] ?? ""))
            : undefined;
        // A body that wraps the record under another name than the answers (Daftra's client appointments).
        written = rewrap(written, mark.wrappers);
      } catch (error) {
        return request.errorShape(400, `The form body could not be read: ${(error as Error).message}`);
      }
      if (!written) return undefined;
      let recordId: Json;
      if (mark.action === "create") {
        if (store.records.size >= maxRecords)
          return request.errorShape(
            STATE_FULL_STATUS,
            `The mock keeps at most ${maxRecords} records of ${name} per session; reset with POST /__mock/reset.`,
          );
        recordId = freshId(store);
        const created = copy(written) as JsonObject;
        setAt(created, idKeys, recordId);
        if (full(jsonBytes(created))) return request.errorShape(STATE_FULL_STATUS, budgetMessage());
        store.records.set(String(recordId), keep(sessionName, created));
      } else {
        // The id stays the path's, whatever the body says (Daftra v2 repeats it in the body).
        recordId = getAt(record!.data, idKeys);
        const updated = merge(record!.data, written) as JsonObject;
        setAt(updated, idKeys, recordId);
        if (full(jsonBytes(updated) - record!.bytes)) return request.errorShape(STATE_FULL_STATUS, budgetMessage());
        forget(sessionName, record);
        store.records.set(id!, keep(sessionName, updated));
      }
      const body = example(entry, mark.answer);
      if (mark.answerId) placed(body, keysOf(mark.answerId), recordId);
      return { status, body };
    },
  };

  /** The page and page size a list request asks for. */
  function pageOf(mark: Member["mark"], request: StatefulRequest, total: number): [number, number] {
    const paging = mark.paging;
    const size = Math.max(
      1,
      Number(paging?.size && request.query.get(paging.size)) || (paging ? paging.defaultSize : total || 1),
    );
    const page = Math.max(1, Number(paging?.page && request.query.get(paging.page)) || 1);
    return [page, size];
  }

  function listAnswer(
    { entry, mark, family }: Member & { family: Family },
    store: Collection,
    request: StatefulRequest,
  ): Json {
    const body = example(entry, mark.answer);
    // The records the list's filters keep, in the order its sort asks (x-mock-filter, x-mock-sort).
    const records = mark.query
      ? filterAndSort([...store.records.values()], request.query, mark.query, (record) => record.data)
      : [...store.records.values()];
    const total = records.length;
    const paging = mark.paging;
    const [page, size] = pageOf(mark, request, total);
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
}

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

/** `POST /__mock/reset`: forgets the writes of the session the header names, or of every session. */
export function handleReset(req: IncomingMessage, res: ServerResponse, state: State | undefined): void {
  req.resume();
  const reply = (status: number, body?: unknown) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(
      status,
      body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
    );
    res.end(text);
  };
  if (req.method !== "POST") {
    res.setHeader("allow", "POST");
    return reply(405, { error: "Use POST /__mock/reset." });
  }
  if (!state)
    return reply(409, { error: "The mock is not stateful: start it with --stateful (startMock({ stateful: true }))." });
  const session = sessionOf(req.headers);
  if (typeof session !== "string") return reply(400, { error: session.problem });
  state.reset(req.headers[SESSION_HEADER] === undefined ? undefined : session);
  reply(204);
}
