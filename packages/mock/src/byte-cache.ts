// A least-recently-used cache bounded by the bytes of what it holds, not by its count: a mock's
// rendered answers range from a few hundred bytes to megabytes, so a count says nothing of memory.
// A Map keeps insertion order; reading an entry moves it to the end, so the first is the oldest.

export interface ByteCacheStats {
  entries: number;
  /** The bytes of the entries held (as `sizeOf` measures them). */
  bytes: number;
  maxBytes: number;
}

export class ByteCache<V> {
  readonly #entries = new Map<string, { value: V; bytes: number }>();
  #bytes = 0;
  /** The key last put at the end of #entries. It may be gone since, which is harmless: a key
   * only comes back through set(), which makes it the newest again. */
  #newest: string | undefined;

  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {
    if (!(maxBytes >= 0)) throw new RangeError(`A cache's byte limit must be 0 or more, got ${maxBytes}.`);
  }

  get(key: string): V | undefined {
    const found = this.#entries.get(key);
    if (!found) return undefined;
    // Already the newest (a key read again and again): moving it to the end would change nothing.
    if (key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, found);
      this.#newest = key;
    }
    return found.value;
  }

  /** Keeps a value, dropping the oldest entries to stay within the limit; a value larger than the whole limit is not kept. */
  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.#entries.set(key, { value, bytes });
    this.#newest = key;
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const found = this.#entries.get(key);
    if (!found) return;
    this.#entries.delete(key);
    this.#bytes -= found.bytes;
  }

  /** Forgets the entries whose key starts with `prefix` (all of them without one). */
  clear(prefix?: string): void {
    if (prefix === undefined) {
      this.#entries.clear();
      this.#bytes = 0;
      return;
    }
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  get bytes(): number {
    return this.#bytes;
  }

  stats(): ByteCacheStats {
    return { entries: this.#entries.size, bytes: this.#bytes, maxBytes: this.maxBytes };
  }
}
