// Stateful mode (`--stateful`): writes are remembered. Which operations create, read, list,
// update and delete a resource, where ids sit and how records are wrapped is read from the
// `x-mock-resource` extension the bundle step writes on the mock bundle's operations
// (./state/resources.ts); nothing here knows a resource.
//
// A record is kept as the request bodies write it (Daftra v1 `{"Client": {...}}`, v2 flat) and
// shown through the documented example answers. Requests reach this module only after Prism has
// validated them, so an invalid write never stores anything. Records live in a StateStore
// (./state/store.ts): this process's memory by default, or Redis, shared by replicas; rendered
// answers are kept here, per process, keyed by the collection's version in the store.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { OperationEntry } from "@mizan/openapi-tools";
import { readBracketQuery } from "@mizan/openapi-tools/query";
import { rewrap } from "@mizan/mock-model";
import { ByteCache, type ByteCacheStats } from "./byte-cache.js";
import { copy, dictionary, getAt, isObject, merge, placed, setAt, type Json, type JsonObject } from "./state/json.js";
import { MemoryStore } from "./state/memory.js";
import { resourcesOf, type Member } from "./state/resources.js";
import { SEED_VERSION, StateStoreError, type Full, type StateStore, type StoredRecord } from "./state/store.js";

export { StateStoreError, type StateStore } from "./state/store.js";

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
/** The status of a stateful request while the state store does not answer. */
export const STORE_DOWN_STATUS = 503;
/** How long a session of a shared store (Redis) lives after its last use, by default: one hour. */
export const DEFAULT_SESSION_TTL_SECONDS = 3600;
const MAX_SESSION_NAME = 200;

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
  /** The body serialised (UTF-8), for reads and lists: what the answer cache keeps and the server sends. */
  bytes?: Buffer;
}

export interface State {
  /** The answer from the stored records, or undefined when the operation keeps no records. */
  answer(request: StatefulRequest): Promise<StatefulAnswer | undefined>;
  /** Forgets the writes of one session, or of every session, with the memory they took. */
  reset(session?: string): Promise<void>;
  /** What the state holds now: sessions, and the bytes its budget counts. */
  stats(): Promise<StateStats>;
  /** How many sessions and records (over all sessions) are kept: the metrics' state size. */
  size(): Promise<{ sessions: number; records: number }>;
  /** Resolves when the store answers, throws saying why not: the readiness check. */
  check(): Promise<void>;
  /** Lets go of the store (a Redis connection). */
  close(): Promise<void>;
}

export interface StateStats {
  sessions: number;
  /** Bytes of the stored records and their rendered views (JSON). */
  recordBytes: number;
  /** The rendered answers kept (`bytes`: their JSON, UTF-8). */
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
  /** Where records live: a store made for this state (default: a MemoryStore with these limits). */
  store?: (limits: {
    maxSessions: number;
    maxRecords: number;
    maxBytes: number;
    extraBytes: () => number;
  }) => StateStore;
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

/** An answer kept serialised: its body is parsed again only if someone asks for it (the server sends the bytes). */
/** A cached answer: its body parsed only if someone asks (the server sends the bytes). A class, not
 * an object literal with a getter, which V8 builds far more slowly on every cached read. */
class CachedAnswer implements StatefulAnswer {
  constructor(
    readonly status: number,
    readonly bytes: Buffer,
  ) {}
  get body(): Json {
    return JSON.parse(this.bytes.toString()) as Json;
  }
}

export function createState(doc: unknown, options: StateOptions = {}): State {
  const maxSessions = options.maxSessions ?? MAX_SESSIONS;
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STATE_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0))
    throw new RangeError(`maxBytes must be a whole number of bytes above 0, got ${maxBytes}.`);
  // Rendered read and list answers, keyed by session, collection version and the parsed request
  // (never the raw query: `page=01`, `page=1` and `page=1&_=123` are one answer), kept as the
  // bytes the server sends, so a cached answer costs no serialising or encoding.
  const answers = new ByteCache<Buffer>(
    Math.min(options.answerCacheBytes ?? DEFAULT_ANSWER_CACHE_BYTES, Math.floor(maxBytes / 4)),
    (bytes) => bytes.length,
  );
  const limits = { maxSessions, maxRecords, maxBytes, extraBytes: () => answers.bytes };
  const store = options.store ? options.store(limits) : new MemoryStore(limits);
  const resources = resourcesOf(doc, (record, bytes) => store.viewRendered?.(record, bytes));
  const refusal = (request: StatefulRequest, { full }: Full, name: string) =>
    request.errorShape(
      STATE_FULL_STATUS,
      full === "sessions"
        ? `The mock keeps at most ${maxSessions} sessions; reset them with POST /__mock/reset.`
        : full === "records"
          ? `The mock keeps at most ${maxRecords} records of ${name} per session; reset with POST /__mock/reset.`
          : `The mock's stateful store is full (its memory budget is ${maxBytes} bytes); reset it with POST /__mock/reset, or start it with a larger budget.`,
    );

  /** The cache key of a list answer: what the answer depends on, parsed (page and size as numbers, filters and sort as read). */
  function listKey({ mark }: Member, request: StatefulRequest): string {
    const [page, size] = resources.pageOf(mark, request.query, 0);
    const sizeGiven = !!mark.paging?.size && request.query.has(mark.paging.size);
    const names = mark.query
      ? [...(mark.query.filters ?? []).map((f) => f.param), ...(mark.query.sort ? [mark.query.sort] : [])]
      : [];
    const { values } = readBracketQuery(request.query, names);
    return JSON.stringify([request.pathname, page, mark.paging ? size : 0, sizeGiven, values]);
  }

  async function read(member: Member, request: StatefulRequest, session: string, name: string, id?: string) {
    const { entry, mark, family } = member;
    const found = store.version(session, name);
    const version = typeof found === "string" ? found : await found;
    const seeded = version === SEED_VERSION;
    // Fresh collections are alike in every session: their answers are shared ("*").
    const key = `${seeded ? "*" : JSON.stringify(session)}\u0000${name}\u0000${version}\u0000${entry.key}\u0000${mark.action === "list" ? listKey(member, request) : id}`;
    const status = Number(mark.answer.status);
    const cached = answers.get(key);
    if (cached !== undefined) return new CachedAnswer(status, cached);
    let body: Json;
    if (mark.action === "read") {
      const seed = seeded ? resources.seedOf(family).records.get(id!) : undefined;
      const record = seeded ? seed : await store.record(session, name, id!);
      if (!record) return notFound(member, request, id!);
      body = resources.readAnswer(member, record);
    } else {
      const records = seeded ? [...resources.seedOf(family).records.values()] : await store.records(session, name);
      body = resources.listAnswer(member, records, request);
    }
    const rendered = Buffer.from(JSON.stringify(body));
    answers.set(key, rendered);
    return { status, body, bytes: rendered };
  }

  function notFound({ entry, mark }: Member, request: StatefulRequest, id: string): StatefulAnswer {
    if (mark.notFound) return { status: Number(mark.notFound.status), body: resources.example(entry, mark.notFound) };
    return request.errorShape(404, `No record with id ${id}.`);
  }

  async function write(member: Member, request: StatefulRequest, session: string, name: string, id?: string) {
    const { entry, mark, family } = member;
    const ref = { session, name, seed: resources.seedOf(family) };
    const status = Number(mark.answer.status);
    if (mark.action === "delete") {
      const done = await store.remove(ref, id!);
      if (done === undefined) return notFound(member, request, id!);
      if (done !== true) return refusal(request, done, name);
      return { status, body: resources.example(entry, mark.answer) };
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
    const { idKeys, answerIdKeys } = member;
    let recordId: Json;
    if (mark.action === "create") {
      const created = await store.create(ref, (fresh) => {
        const record = copy(written) as JsonObject;
        setAt(record, idKeys, fresh);
        return record;
      });
      if ("full" in created) return refusal(request, created, name);
      recordId = created.id;
    } else {
      const updated = await store.update(ref, id!, (data) => {
        // The id stays the path's, whatever the body says (Daftra v2 repeats it in the body).
        recordId = getAt(data, idKeys);
        const record = merge(data, written) as JsonObject;
        setAt(record, idKeys, recordId);
        return record;
      });
      if (updated === undefined) return notFound(member, request, id!);
      if (updated !== true) return refusal(request, updated, name);
    }
    const body = resources.example(entry, mark.answer);
    if (answerIdKeys) placed(body, answerIdKeys, recordId);
    return { status, body };
  }

  return {
    // The metrics' state size: unknown (NaN) while the store does not answer, not a failed scrape.
    size: () =>
      store.size().catch((error) => {
        if (error instanceof StateStoreError) return { sessions: Number.NaN, records: Number.NaN };
        throw error;
      }),
    reset: async (session) => {
      await store.reset(session);
      answers.clear(session === undefined ? undefined : `${JSON.stringify(session)}\u0000`);
    },
    async stats() {
      const { sessions, recordBytes } = await store.stats();
      const bytes = recordBytes + answers.bytes;
      return { sessions, recordBytes, answerCache: answers.stats(), bytes, maxBytes };
    },
    check: () => store.check(),
    close: () => store.close(),

    async answer(request) {
      const member = resources.byKey.get(request.entry.key);
      if (!member || asksForExample(request.headers)) return undefined;
      const { mark } = member;
      const params = member.params(request.pathname) ?? {};
      const name = mark.resource.replace(/\{([^}]+)\}/g, (whole, param: string) => params[param] ?? whole);
      const session = sessionOf(request.headers);
      if (typeof session !== "string") return request.errorShape(400, session.problem);
      const id = mark.idParam === undefined ? undefined : params[mark.idParam];
      try {
        // Reads and lists are rendered once per version of the collection and parsed request.
        if (mark.action === "read" || mark.action === "list") return await read(member, request, session, name, id);
        return await write(member, request, session, name, id);
      } catch (error) {
        if (!(error instanceof StateStoreError)) throw error;
        return request.errorShape(STORE_DOWN_STATUS, error.message);
      }
    },
  };
}

/** A State on the store the options name: memory (the default), or a Redis URL (loaded only then). */
export async function openState(
  doc: unknown,
  options: StateOptions & { stateStore?: string; sessionTtlSeconds?: number },
): Promise<State> {
  const { stateStore, sessionTtlSeconds, ...rest } = options;
  if (!stateStore) return createState(doc, rest);
  const { redisStore } = await import("./state/redis.js");
  const store = redisStore(doc, stateStore, { sessionTtlSeconds: sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS });
  return createState(doc, { ...rest, store });
}

/** `POST /__mock/reset`: forgets the writes of the session the header names, or of every session. */
export async function handleReset(req: IncomingMessage, res: ServerResponse, state: State | undefined): Promise<void> {
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
  try {
    await state.reset(req.headers[SESSION_HEADER] === undefined ? undefined : session);
  } catch (error) {
    if (!(error instanceof StateStoreError)) throw error;
    return reply(STORE_DOWN_STATUS, { error: error.message });
  }
  reply(204);
}

export type { StoredRecord };
