// Where the stateful mode keeps its records: the StateStore interface. The responder (../state.ts)
// decides what a request means and renders answers; a store keeps sessions, the records of each
// collection, id counters and collection versions, and enforces the limits. MemoryStore
// (./memory.ts) is the default; RedisStore (./redis.ts) lets replicas share one state.
import type { Json, JsonObject } from "./json.js";

/** A record as kept, and how it shows in a read and in a list (rendered when first needed). */
export interface StoredRecord {
  data: JsonObject;
  views: { read?: Json; list?: Json };
}

/** What a collection holds before its first write: the list example's records, the id form, where counting starts. */
export interface Seed {
  records: ReadonlyMap<string, StoredRecord>;
  /** A documented id, whose form fresh ids take. */
  sample: Json;
  /** The last number the seeded ids use; fresh ids count on from it. */
  counter: number;
}

/** One session's collection, as a write names it: written first, it starts as the seed. */
export interface CollectionRef {
  session: string;
  /** The resource with its path's values (`invoices/12/payments`). */
  name: string;
  seed: Seed;
}

/** The version of a collection no write has touched in the session: its answers are the seed's, shared. */
export const SEED_VERSION = "seed";

/** A write the store cannot keep (answered 507): too many sessions, too many records in the collection, or past the byte budget. */
export interface Full {
  full: "sessions" | "records" | "bytes";
}

export interface StoreLimits {
  maxSessions: number;
  maxRecords: number;
  maxBytes: number;
}

export interface StoreStats {
  sessions: number;
  /** Bytes of the stored records (and, in memory, their rendered views), as JSON. */
  recordBytes: number;
}

export interface StateStore {
  /** How errors and the readiness check name the store: "memory", or its URL without credentials. */
  readonly name: string;
  /** The collection's version: a new one after every write; SEED_VERSION when the session never wrote it. */
  version(session: string, name: string): string | Promise<string>;
  /** A record of a collection the session wrote (version is not SEED_VERSION). */
  record(session: string, name: string, id: string): StoredRecord | undefined | Promise<StoredRecord | undefined>;
  /** The records of a collection the session wrote, in the order they were first written. */
  records(session: string, name: string): StoredRecord[] | Promise<StoredRecord[]>;
  /** Keeps a new record under a fresh id of the seed's form; `build` makes the record for that id. */
  create(ref: CollectionRef, build: (id: Json) => JsonObject): Promise<{ id: Json } | Full>;
  /** Replaces a record by what `change` makes of it (atomically: a concurrent write is not lost); undefined when there is no such record. */
  update(ref: CollectionRef, id: string, change: (data: JsonObject) => JsonObject): Promise<true | undefined | Full>;
  /** Forgets a record; undefined when there is no such record. */
  remove(ref: CollectionRef, id: string): Promise<true | undefined | Full>;
  /** Forgets one session's records, or every session's. */
  reset(session?: string): Promise<void>;
  size(): Promise<{ sessions: number; records: number }>;
  stats(): Promise<StoreStats>;
  /** Resolves when the store answers; throws a StateStoreError saying why not (the readiness check). */
  check(): Promise<void>;
  close(): Promise<void>;
  /** A view of a stored record was rendered and kept on it (the memory store counts its bytes). */
  viewRendered?(record: StoredRecord, bytes: number): void;
}

/** The store did not answer (down, too slow): the request is answered 503 naming the store. */
export class StateStoreError extends Error {
  override name = "StateStoreError";
}
