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
import { filterAndSort } from "@mizan/openapi-tools/query";
import { undeclaredFieldsOf } from "@mizan/openapi-tools/examples";
import { MOCK_RESOURCE, rewrap, type MockAnswer, type MockResource } from "@mizan/mock-model";

/** The request header that names a session; each session has its own records. */
export const SESSION_HEADER = "x-mock-session";
/** How many sessions one mock keeps at most (a new one beyond that is refused). */
export const MAX_SESSIONS = 1000;
/** How many records one resource keeps at most per session (a create beyond that is refused). */
export const MAX_RECORDS = 10_000;
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
  /** Forgets the writes of one session, or of every session. */
  reset(session?: string): void;
  /** How many sessions and records (over all sessions) are kept: the metrics' state size, and the readiness check. */
  size(): { sessions: number; records: number };
}

export interface StateOptions {
  maxSessions?: number;
  maxRecords?: number;
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
}

interface Collection {
  records: Map<string, Stored>;
  /** Every id this collection has held, so a deleted id is never handed out again. */
  issued: Set<string>;
  counter: number;
  /** A documented id, whose form fresh ids take. */
  sample: Json;
  /** Read and list answers as rendered (and serialised) since the last write, by operation, path and page. */
  answers: Map<string, { body: Json; text: string }>;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** RFC 6901 pointer -> keys. */
function keysOf(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function getAt(value: Json, keys: string[]): Json {
  return keys.reduce<Json>((node, key) => (node !== null && typeof node === "object" ? (node as JsonObject)[key] : undefined), value);
}

/** Sets a value, making the objects on the way. `keys` must not be empty. */
function setAt(value: JsonObject, keys: string[], to: Json): void {
  let node: JsonObject = value;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys.at(-1)!] = to;
}

/** Sets a key as an own property, also `__proto__` (which JSON bodies may carry as a plain key). */
function put(object: JsonObject, key: string, value: Json): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** A deep copy of JSON data (several times faster than structuredClone on small values). */
function copy(value: Json): Json {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) put(out, key, copy((value as JsonObject)[key]));
  return out;
}

/** A copy of `written` over `base`: objects merge key by key, anything else (arrays too) replaces. */
function merge(base: Json, written: Json): Json {
  if (!isObject(base) || !isObject(written)) return copy(written);
  const out: JsonObject = { ...base };
  for (const key of Object.keys(written)) put(out, key, merge(Object.hasOwn(base, key) ? base[key] : undefined, written[key]));
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
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  const form = await new Response(text, { headers: { "content-type": contentType } }).formData();
  const fields: JsonObject = {};
  for (const [name, value] of form) if (typeof value === "string") fields[name] = value;
  return fields;
}

function sessionOf(headers: IncomingHttpHeaders): string | { problem: string } {
  const raw = headers[SESSION_HEADER];
  if (raw === undefined) return "";
  if (Array.isArray(raw) || raw.length > MAX_SESSION_NAME) return { problem: `The ${SESSION_HEADER} header must be one name of at most ${MAX_SESSION_NAME} characters.` };
  return raw;
}

/** Whether the caller asked Prism for a particular documented answer (`Prefer: code=404`, `example=...`). */
const asksForExample = (headers: IncomingHttpHeaders) => /\b(code|example)=/.test(String(headers.prefer ?? ""));

export function createState(doc: unknown, options: StateOptions = {}): State {
  const maxSessions = options.maxSessions ?? MAX_SESSIONS;
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
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
      const content = (deref(doc, response) as { content?: Record<string, { schema?: unknown }> } | undefined)?.content ?? {};
      const schema = Object.entries(content).find(([type]) => /json/i.test(type))?.[1]?.schema;
      found = { example: (all.find(([name]) => name === answer.example) ?? all[0])?.[1], undeclared: schema ? undeclaredFieldsOf(doc, schema) : undefined };
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
    return rendered;
  };
  const stored = (data: JsonObject): Stored => ({ data, views: {} });

  const sessions = new Map<string, Map<string, Collection>>();

  function collection(session: Map<string, Collection>, family: Family, name: string): Collection {
    let found = session.get(name);
    if (found) return found;
    const records = new Map<string, Stored>();
    const list = family.list;
    const ids: Json[] = [];
    if (list) {
      const items = getAt(example(list.entry, list.mark.answer), keysOf(list.mark.items ?? ""));
      for (const item of Array.isArray(items) ? items : []) {
        const id = getAt(item, keysOf(list.mark.idField));
        if (!isObject(item) || id === undefined) continue;
        records.set(String(id), stored(item));
        ids.push(id);
      }
    }
    const create = family.create;
    const documentedId = create?.mark.answerId ? getAt(example(create.entry, create.mark.answer), keysOf(create.mark.answerId)) : undefined;
    const sample = ids[0] ?? documentedId;
    const numbers = [...ids, documentedId].filter((id): id is number => typeof id === "number");
    found = { records, issued: new Set(records.keys()), counter: typeof sample === "number" ? Math.max(0, ...numbers) : 0, sample, answers: new Map() };
    session.set(name, found);
    return found;
  }

  function freshId(store: Collection): Json {
    for (;;) {
      const id = formatId(store.sample, ++store.counter);
      if (!store.issued.has(String(id))) return id;
    }
  }

  return {
    size() {
      let records = 0;
      for (const collections of sessions.values()) for (const collection of collections.values()) records += collection.records.size;
      return { sessions: sessions.size, records };
    },

    reset(session) {
      if (session === undefined) sessions.clear();
      else sessions.delete(session);
    },

    async answer(request) {
      const member = byKey.get(request.entry.key);
      if (!member || asksForExample(request.headers)) return undefined;
      const { entry, mark, family } = member;
      const params = member.params(request.pathname) ?? {};
      const name = mark.resource.replace(/\{([^}]+)\}/g, (whole, param: string) => params[param] ?? whole);
      const sessionName = sessionOf(request.headers);
      if (typeof sessionName !== "string") return request.errorShape(400, sessionName.problem);
      let session = sessions.get(sessionName);
      if (!session) {
        if (sessions.size >= maxSessions) return request.errorShape(507, `The mock keeps at most ${maxSessions} sessions; reset them with POST /__mock/reset.`);
        session = new Map();
        sessions.set(sessionName, session);
      }
      const store = collection(session, family, name);
      const idKeys = keysOf(mark.idField);
      const id = mark.idParam === undefined ? undefined : params[mark.idParam];
      const record = id === undefined ? undefined : store.records.get(id);
      if (id !== undefined && !record) {
        if (mark.notFound) return { status: Number(mark.notFound.status), body: example(entry, mark.notFound) };
        return request.errorShape(404, `No record with id ${id}.`);
      }

      // Answers are serialised at once and never changed, so they may hold the cached views.
      const status = Number(mark.answer.status);
      // Reads and lists are rendered once per state of the collection: any write forgets them.
      if (mark.action === "read" || mark.action === "list") {
        // A list's answer depends on its whole query (page, size, filters, sort).
        const key = `${entry.key} ${request.pathname}${mark.action === "list" ? `?${request.query}` : ""}`;
        let kept = store.answers.get(key);
        if (kept === undefined) {
          const body = mark.action === "read" ? placed(example(entry, mark.answer), keysOf(mark.record ?? ""), view(family, record!, "read")) : listAnswer(member, store, request);
          kept = { body, text: JSON.stringify(body) };
          store.answers.set(key, kept);
        }
        return { status, ...kept };
      }
      store.answers.clear();

      if (mark.action === "delete") {
        store.records.delete(id!);
        return { status, body: example(entry, mark.answer) };
      }

      // create and update: the body as written, JSON or a form's fields.
      let written: JsonObject | undefined;
      try {
        written = isObject(request.body) ? request.body : typeof request.body === "string" ? await formFields(request.body, String(request.headers["content-type"] ?? "")) : undefined;
        // A body that wraps the record under another name than the answers (Daftra's client appointments).
        written = rewrap(written, mark.wrappers);
      } catch (error) {
        return request.errorShape(400, `The form body could not be read: ${(error as Error).message}`);
      }
      if (!written) return undefined;
      let recordId: Json;
      if (mark.action === "create") {
        if (store.records.size >= maxRecords) return request.errorShape(507, `The mock keeps at most ${maxRecords} records of ${name} per session; reset with POST /__mock/reset.`);
        recordId = freshId(store);
        const created = copy(written) as JsonObject;
        setAt(created, idKeys, recordId);
        store.records.set(String(recordId), stored(created));
        store.issued.add(String(recordId));
      } else {
        // The id stays the path's, whatever the body says (Daftra v2 repeats it in the body).
        recordId = getAt(record!.data, idKeys);
        const updated = merge(record!.data, written) as JsonObject;
        setAt(updated, idKeys, recordId);
        store.records.set(id!, stored(updated));
      }
      const body = example(entry, mark.answer);
      if (mark.answerId) placed(body, keysOf(mark.answerId), recordId);
      return { status, body };
    },
  };

  /** The page and page size a list request asks for. */
  function pageOf(mark: Member["mark"], request: StatefulRequest, total: number): [number, number] {
    const paging = mark.paging;
    const size = Math.max(1, Number(paging?.size && request.query.get(paging.size)) || (paging ? paging.defaultSize : total || 1));
    const page = Math.max(1, Number(paging?.page && request.query.get(paging.page)) || 1);
    return [page, size];
  }

  function listAnswer({ entry, mark, family }: Member & { family: Family }, store: Collection, request: StatefulRequest): Json {
    const body = example(entry, mark.answer);
    // The records the list's filters keep, in the order its sort asks (x-mock-filter, x-mock-sort).
    const records = mark.query ? filterAndSort([...store.records.values()], request.query, mark.query, (record) => record.data) : [...store.records.values()];
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
        if (role === "links") setAt(body as JsonObject, keys, pageLinks(getAt(body, keys), values, pageCount, url, page));
        else setAt(body as JsonObject, keys, values[role]);
      }
    }
    return body;
  }
}

/** Laravel's `links`: previous, one per page, next, labelled as in the example. */
function pageLinks(example: Json, values: Record<string, Json>, pageCount: number, url: (n: number) => string, page: number): Json {
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
    res.writeHead(status, body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method !== "POST") {
    res.setHeader("allow", "POST");
    return reply(405, { error: "Use POST /__mock/reset." });
  }
  if (!state) return reply(409, { error: "The mock is not stateful: start it with --stateful (startMock({ stateful: true }))." });
  const session = sessionOf(req.headers);
  if (typeof session !== "string") return reply(400, { error: session.problem });
  state.reset(req.headers[SESSION_HEADER] === undefined ? undefined : session);
  reply(204);
}
