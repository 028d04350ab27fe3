// The default StateStore: everything in this process's memory, in Maps (session names and ids
// come from requests). Its byte budget counts the records, the views rendered of them and the
// responder's answer cache (`extraBytes`): a write that would pass it is refused.
import { copy, formatId, jsonBytes, type Json, type JsonObject } from "./json.js";
import {
  SEED_VERSION,
  type CollectionRef,
  type Full,
  type StateStore,
  type StoreLimits,
  type StoredRecord,
} from "./store.js";

/** A kept record: its bytes (data and views rendered so far) and the session that pays for them. */
interface Kept extends StoredRecord {
  bytes: number;
  owner: Session;
}

interface Collection {
  records: Map<string, Kept>;
  /** The seeded ids: fresh ids only ever count up, so only these need skipping. */
  seeded: ReadonlySet<string>;
  counter: number;
  sample: Json;
  version: string;
}

interface Session {
  name: string;
  collections: Map<string, Collection>;
  bytes: number;
}

export interface MemoryStoreOptions extends StoreLimits {
  /** Bytes the budget counts besides the records (the answer cache). */
  extraBytes?: () => number;
}

export class MemoryStore implements StateStore {
  readonly name = "memory";
  readonly #sessions = new Map<string, Session>();
  #recordBytes = 0;
  /** Versions are unique for the life of the store, so a reset session's answers never come back. */
  #versions = 0;
  readonly #limits: MemoryStoreOptions;

  constructor(limits: MemoryStoreOptions) {
    this.#limits = limits;
  }

  #full(more: number): boolean {
    return this.#recordBytes + (this.#limits.extraBytes?.() ?? 0) + more > this.#limits.maxBytes;
  }

  #charge(session: Session, bytes: number): void {
    // A record of a session reset since it was read charges nothing.
    if (this.#sessions.get(session.name) !== session) return;
    session.bytes += bytes;
    this.#recordBytes += bytes;
  }

  #keep(session: Session, data: JsonObject, bytes = jsonBytes(data)): Kept {
    const record: Kept = { data, views: {}, bytes, owner: session };
    this.#charge(session, record.bytes);
    return record;
  }

  /** The session's collection, kept (seeded) on its first write; or why it cannot be. */
  #kept(ref: CollectionRef): Collection | Full {
    let session = this.#sessions.get(ref.session);
    if (!session) {
      if (this.#sessions.size >= this.#limits.maxSessions) return { full: "sessions" };
      session = { name: ref.session, collections: new Map(), bytes: 0 };
      this.#sessions.set(ref.session, session);
    }
    const found = session.collections.get(ref.name);
    if (found) return found;
    if (this.#full(0)) return { full: "bytes" };
    const records = new Map<string, Kept>();
    for (const [id, record] of ref.seed.records) records.set(id, this.#keep(session, copy(record.data) as JsonObject));
    const collection: Collection = {
      records,
      seeded: new Set(records.keys()),
      counter: ref.seed.counter,
      sample: ref.seed.sample,
      version: this.#nextVersion(),
    };
    session.collections.set(ref.name, collection);
    return collection;
  }

  #nextVersion(): string {
    return `v${++this.#versions}`;
  }

  version(session: string, name: string): string {
    return this.#sessions.get(session)?.collections.get(name)?.version ?? SEED_VERSION;
  }

  record(session: string, name: string, id: string): StoredRecord | undefined {
    return this.#sessions.get(session)?.collections.get(name)?.records.get(id);
  }

  records(session: string, name: string): StoredRecord[] {
    return [...(this.#sessions.get(session)?.collections.get(name)?.records.values() ?? [])];
  }

  async create(ref: CollectionRef, build: (id: Json) => JsonObject): Promise<{ id: Json } | Full> {
    const collection = this.#kept(ref);
    if ("full" in collection) return collection;
    collection.version = this.#nextVersion();
    if (collection.records.size >= this.#limits.maxRecords) return { full: "records" };
    let id: Json;
    do id = formatId(collection.sample, ++collection.counter);
    while (collection.seeded.has(String(id)));
    const data = build(id);
    const bytes = jsonBytes(data);
    if (this.#full(bytes)) return { full: "bytes" };
    collection.records.set(String(id), this.#keep(this.#sessions.get(ref.session)!, data, bytes));
    return { id };
  }

  async update(
    ref: CollectionRef,
    id: string,
    change: (data: JsonObject) => JsonObject,
  ): Promise<true | undefined | Full> {
    const collection = this.#kept(ref);
    if ("full" in collection) return collection;
    const record = collection.records.get(id);
    if (!record) return undefined;
    collection.version = this.#nextVersion();
    const updated = change(record.data);
    const bytes = jsonBytes(updated);
    if (this.#full(bytes - record.bytes)) return { full: "bytes" };
    this.#charge(record.owner, -record.bytes);
    collection.records.set(id, this.#keep(record.owner, updated, bytes));
    return true;
  }

  async remove(ref: CollectionRef, id: string): Promise<true | undefined | Full> {
    const collection = this.#kept(ref);
    if ("full" in collection) return collection;
    const record = collection.records.get(id);
    if (!record) return undefined;
    collection.version = this.#nextVersion();
    this.#charge(record.owner, -record.bytes);
    collection.records.delete(id);
    return true;
  }

  viewRendered(record: StoredRecord, bytes: number): void {
    const kept = record as Kept;
    if (kept.owner === undefined) return;
    kept.bytes += bytes;
    this.#charge(kept.owner, bytes);
  }

  async reset(session?: string): Promise<void> {
    if (session === undefined) {
      this.#sessions.clear();
      this.#recordBytes = 0;
      return;
    }
    const found = this.#sessions.get(session);
    if (!found) return;
    this.#recordBytes -= found.bytes;
    this.#sessions.delete(session);
  }

  async size() {
    let records = 0;
    for (const session of this.#sessions.values())
      for (const collection of session.collections.values()) records += collection.records.size;
    return { sessions: this.#sessions.size, records };
  }

  async stats() {
    return { sessions: this.#sessions.size, recordBytes: this.#recordBytes };
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {}
}
