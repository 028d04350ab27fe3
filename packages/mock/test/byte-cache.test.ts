// The answer cache's bounds and order, against a plain model of a least-recently-used cache:
// whatever the sequence of reads, writes, deletes and clears, it holds what the model holds and
// never more bytes than its limit. Writes that overflow evict, and the reads after them show
// whether the same entries went (the oldest read or written first).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteCache } from "../src/byte-cache.js";

const SEED = 7122026;
const MAX = 100;

type Op =
  | { kind: "get"; key: string }
  | { kind: "set"; key: string; size: number }
  | { kind: "delete"; key: string }
  | { kind: "clear"; prefix: string | undefined };

/** The model: an array from oldest to newest. */
class Model {
  entries: { key: string; size: number }[] = [];
  bytes = () => this.entries.reduce((n, e) => n + e.size, 0);
  get(key: string) {
    const at = this.entries.findIndex((e) => e.key === key);
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.push(entry!);
    return entry!.size;
  }
  set(key: string, size: number) {
    this.delete(key);
    if (size > MAX) return;
    this.entries.push({ key, size });
    while (this.bytes() > MAX) this.entries.shift();
  }
  delete(key: string) {
    this.entries = this.entries.filter((e) => e.key !== key);
  }
  clear(prefix?: string) {
    this.entries = prefix === undefined ? [] : this.entries.filter((e) => !e.key.startsWith(prefix));
  }
}

// Keys come from requests (session names, paths): an object's own names among them.
const key = fc.constantFrom("a", "b", "ab", "c", "ca", "__proto__", "constructor");
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("get" as const), key }), weight: 4 },
  {
    arbitrary: fc.record({ kind: fc.constant("set" as const), key, size: fc.integer({ min: 0, max: 120 }) }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), key }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant("clear" as const), prefix: fc.option(fc.constantFrom("a", "c")) }),
    weight: 1,
  },
);

describe("ByteCache", () => {
  it("holds what a plain LRU model holds, in its order, within its byte limit", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        // Values are strings whose length is their size, so a value says which write it was.
        const cache = new ByteCache<string>(MAX, (value) => value.length);
        const model = new Model();
        for (const o of ops) {
          if (o.kind === "get") expect(cache.get(o.key)?.length).toBe(model.get(o.key));
          else if (o.kind === "set") {
            cache.set(o.key, "x".repeat(o.size));
            model.set(o.key, o.size);
          } else if (o.kind === "delete") {
            cache.delete(o.key);
            model.delete(o.key);
          } else {
            cache.clear(o.prefix ?? undefined);
            model.clear(o.prefix ?? undefined);
          }
          expect(cache.bytes).toBe(model.bytes());
          expect(cache.bytes).toBeLessThanOrEqual(MAX);
          expect(cache.stats().entries).toBe(model.entries.length);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("keeps no value larger than its whole limit, and refuses a negative limit", () => {
    const cache = new ByteCache<string>(10, (value) => value.length);
    cache.set("big", "x".repeat(11));
    expect(cache.get("big")).toBeUndefined();
    expect(cache.bytes).toBe(0);
    expect(() => new ByteCache<string>(-1, (value) => value.length)).toThrow(RangeError);
  });
});
