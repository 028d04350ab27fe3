// The Redis StateStore (`--state-store redis://host:port/db`): sessions, records, id counters
// and collection versions in Redis (or Valkey), so that replicas behind a load balancer serve the
// same sessions. Every write is one Lua script (./redis-scripts.ts), atomic in Redis; ids come
// from the collection's counter there; a version bumped by every write names what each replica's
// answer cache holds, so a write on one replica is seen by a read on any other. Sessions expire
// `sessionTtlSeconds` after their last use. Key names are the prefix and SHA-256 hashes of the
// session and collection names: no header reaches another key. Loaded only when asked for.
import { createHash, randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { formatId, parseRecord, type Json, type JsonObject } from "./json.js";
import { luaOf, SCRIPTS, type ScriptName } from "./redis-scripts.js";
import {
  SEED_VERSION,
  StateStoreError,
  type CollectionRef,
  type Full,
  type StateStore,
  type StoreLimits,
  type StoredRecord,
} from "./store.js";

/** How long one Redis call may take before the request is answered 503: a stopped Redis must not hang the mock. */
export const REDIS_TIMEOUT_MS = 2000;
/** How many times an update is tried again when another replica changed the record in between. */
const UPDATE_ATTEMPTS = 50;

export interface RedisStoreOptions {
  sessionTtlSeconds: number;
  /** Milliseconds one call may take (REDIS_TIMEOUT_MS). */
  timeoutMs?: number;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

/** The URL as errors show it: no user name or password. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return "redis";
  }
}

type Call = (script: ScriptName, session: string, ...args: (string | number)[]) => Promise<unknown>;

/** A Redis store for the served document (its title and version name the keys' prefix). */
export function redisStore(doc: unknown, url: string, options: RedisStoreOptions) {
  return (limits: StoreLimits): StateStore => new RedisStore(doc, url, limits, options);
}

class RedisStore implements StateStore {
  readonly name: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #limits: StoreLimits;
  readonly #call: Call;
  /** Stands for a fresh numeric id in a record's JSON until Redis gives the number (no request can know it). */
  readonly #placeholder = `\u0000mizan-mock-id:${randomBytes(16).toString("hex")}`;
  /** The first connection, awaited (within the time limit) before the first call. */
  #connected: Promise<void>;

  constructor(doc: unknown, url: string, limits: StoreLimits, options: RedisStoreOptions) {
    this.name = shown(url);
    this.#limits = limits;
    this.#ttlMs = options.sessionTtlSeconds * 1000;
    const info = (doc as { info?: { title?: string; version?: string } }).info;
    this.#prefix = `mizan-mock:${hash(`${info?.title}\u0000${info?.version}`).slice(0, 12)}:`;
    const timeoutMs = options.timeoutMs ?? REDIS_TIMEOUT_MS;
    this.#redis = new Redis(url, {
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      // A call while Redis is away fails at once (503) rather than waiting in a queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    // Connection errors are answered per request (503) and by the readiness check.
    this.#redis.on("error", () => {});
    for (const name of Object.keys(SCRIPTS) as ScriptName[])
      this.#redis.defineCommand(name, { numberOfKeys: 0, lua: luaOf(name) });
    this.#connected = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#redis.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const scripts = this.#redis as unknown as Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;
    this.#call = (script, session, ...args) =>
      this.#guard(() => scripts[script](this.#prefix, hash(session), this.#ttlMs, ...args));
  }

  async #guard<T>(call: () => Promise<T>): Promise<T> {
    await this.#connected;
    try {
      return await call();
    } catch (error) {
      throw new StateStoreError(`The mock's state store (${this.name}) does not answer: ${(error as Error).message}`);
    }
  }

  #records(session: string, name: string): string {
    return `${this.#prefix}s:${hash(session)}:r:${hash(name)}`;
  }

  async version(session: string, name: string): Promise<string> {
    const version = await this.#call("version", session, name);
    return typeof version === "string" ? version : SEED_VERSION;
  }

  async record(session: string, name: string, id: string): Promise<StoredRecord | undefined> {
    const value = await this.#guard(() => this.#redis.hget(this.#records(session, name), id));
    return value === null ? undefined : { data: parseRecord(value.slice(value.indexOf("\n") + 1)), views: {} };
  }

  async records(session: string, name: string): Promise<StoredRecord[]> {
    const values = await this.#guard(() => this.#redis.hvals(this.#records(session, name)));
    return values
      .map((value) => {
        const cut = value.indexOf("\n");
        return { order: Number(value.slice(0, cut)), text: value.slice(cut + 1) };
      })
      .sort((a, b) => a.order - b.order)
      .map(({ text }) => ({ data: parseRecord(text), views: {} }));
  }

  /** Keeps the seed of a collection the session has not written yet (another replica may just have). */
  async #seed(ref: CollectionRef): Promise<Full | undefined> {
    const records: (string | number)[] = [];
    // Seeded records come first in lists: orders below any version Redis hands out (1 on).
    let order = -ref.seed.records.size;
    for (const [id, record] of ref.seed.records) {
      const text = JSON.stringify(record.data);
      records.push(id, `${order++}\n${text}`, Buffer.byteLength(text));
    }
    const { maxSessions, maxBytes } = this.#limits;
    const kept = await this.#call(
      "seed",
      ref.session,
      ref.name,
      this.#records(ref.session, ref.name),
      maxSessions,
      maxBytes,
      ref.seed.counter,
      ...records,
    );
    return kept === "ok" ? undefined : { full: kept as Full["full"] };
  }

  async create(ref: CollectionRef, build: (id: Json) => JsonObject): Promise<{ id: Json } | Full> {
    const key = this.#records(ref.session, ref.name);
    // Numeric ids (Daftra's): one call, the id put in Redis where the placeholder is.
    if (typeof ref.seed.sample === "number" || ref.seed.sample === undefined) {
      const text = JSON.stringify(build(this.#placeholder));
      const quoted = JSON.stringify(this.#placeholder);
      if (!text.includes(quoted)) throw new Error(`The record of ${ref.name} holds no id.`);
      const seeded = [...ref.seed.records.keys()];
      const { maxRecords, maxBytes } = this.#limits;
      for (;;) {
        const kept = await this.#call(
          "createNumbered",
          ref.session,
          ref.name,
          key,
          maxRecords,
          maxBytes,
          quoted,
          text,
          ...seeded,
        );
        if (typeof kept === "number") return { id: kept };
        if (kept !== "seed") return { full: kept as Full["full"] };
        const full = await this.#seed(ref);
        if (full) return full;
      }
    }
    for (;;) {
      const n = Number(await this.#call("nextId", ref.session, ref.name, key, this.#limits.maxRecords));
      if (n === -1) {
        const full = await this.#seed(ref);
        if (full) return full;
        continue;
      }
      if (n === -2) return { full: "records" };
      const id = formatId(ref.seed.sample, n);
      if (ref.seed.records.has(String(id))) continue;
      const text = JSON.stringify(build(id));
      const { maxRecords, maxBytes } = this.#limits;
      const kept = await this.#call(
        "create",
        ref.session,
        ref.name,
        key,
        maxRecords,
        maxBytes,
        String(id),
        text,
        Buffer.byteLength(text),
      );
      if (kept === "ok") return { id };
      // Reset between the two calls: seed again, then take a fresh number.
      if (kept === "seed" || kept === "taken") continue;
      return { full: kept as Full["full"] };
    }
  }

  async update(ref: CollectionRef, id: string, change: (data: JsonObject) => JsonObject) {
    const key = this.#records(ref.session, ref.name);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const [kept, value] = (await this.#call("peek", ref.session, ref.name, key, id)) as [number, string | null];
      if (!kept) {
        const full = await this.#seed(ref);
        if (full) return full;
        continue;
      }
      if (typeof value !== "string") return undefined;
      const text = JSON.stringify(change(parseRecord(value.slice(value.indexOf("\n") + 1))));
      const done = await this.#call("update", ref.session, ref.name, key, this.#limits.maxBytes, id, value, text);
      if (done === "ok") return true;
      if (done === "missing") return undefined;
      if (done === "bytes") return { full: "bytes" } as Full;
      // "conflict" (another write came first) or "seed" (reset in between): read again.
    }
    throw new StateStoreError(
      `The mock's state store (${this.name}) kept changing record ${id} of ${ref.name}: ${UPDATE_ATTEMPTS} attempts to update it failed.`,
    );
  }

  async remove(ref: CollectionRef, id: string): Promise<true | undefined | Full> {
    for (;;) {
      const done = await this.#call("remove", ref.session, ref.name, this.#records(ref.session, ref.name), id);
      if (done === "ok") return true;
      if (done === "missing") return undefined;
      const full = await this.#seed(ref);
      if (full) return full;
    }
  }

  async reset(session?: string): Promise<void> {
    if (session !== undefined) {
      await this.#call("reset", session);
      return;
    }
    // Every key under the prefix but the version counter and its epoch: versions stay unique, so
    // no replica's cached answer of a forgotten collection is served again.
    await this.#guard(async () => {
      let cursor = "0";
      do {
        const [next, keys] = await this.#redis.scan(cursor, "MATCH", `${this.#prefix}*`, "COUNT", 500);
        cursor = next;
        const doomed = keys.filter((key) => key !== `${this.#prefix}version` && key !== `${this.#prefix}epoch`);
        if (doomed.length) await this.#redis.unlink(...doomed);
      } while (cursor !== "0");
    });
  }

  async #stats(): Promise<[number, number, number]> {
    return (await this.#call("stats", "")) as [number, number, number];
  }

  async size() {
    const [sessions, records] = await this.#stats();
    return { sessions, records };
  }

  async stats() {
    const [sessions, , recordBytes] = await this.#stats();
    return { sessions, recordBytes };
  }

  async check(): Promise<void> {
    await this.#guard(() => this.#redis.ping());
  }

  async close(): Promise<void> {
    const quit = this.#redis.quit().catch(() => undefined);
    const timer = setTimeout(() => this.#redis.disconnect(), 1000);
    await quit;
    clearTimeout(timer);
    this.#redis.disconnect();
  }
}
