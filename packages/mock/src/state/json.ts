// JSON values as the stateful mode handles them: pointers, deep copies without prototypes, the
// merge of a write over a record, and ids of a documented id's form.

export type Json = unknown;
export type JsonObject = Record<string, Json>;

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);
/** An object for keys a request chose (records, form fields): no prototype, so `__proto__` or `constructor` is a key like any other. */
export const dictionary = (): JsonObject => Object.create(null) as JsonObject;
/** The bytes a JSON value takes written out (UTF-8), which the budget counts. */
export const jsonBytes = (value: Json): number => Buffer.byteLength(JSON.stringify(value) ?? "");

/** RFC 6901 pointer -> keys. */
export function keysOf(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function getAt(value: Json, keys: string[]): Json {
  return keys.reduce<Json>(
    (node, key) => (node !== null && typeof node === "object" ? (node as JsonObject)[key] : undefined),
    value,
  );
}

/** Sets a value, making the objects on the way. `keys` must not be empty. */
export function setAt(value: JsonObject, keys: string[], to: Json): void {
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
export function copy(value: Json): Json {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out = dictionary();
  for (const key of Object.keys(value)) out[key] = copy((value as JsonObject)[key]);
  return out;
}

/** A copy of `written` over `base`: objects merge key by key, anything else (arrays too) replaces. */
export function merge(base: Json, written: Json): Json {
  if (!isObject(base) || !isObject(written)) return copy(written);
  const out = dictionary();
  for (const key of Object.keys(base)) out[key] = base[key];
  for (const key of Object.keys(written))
    out[key] = merge(Object.hasOwn(base, key) ? base[key] : undefined, written[key]);
  return out;
}

/** A value put where the pointer says, the root included. */
export function placed(body: Json, keys: string[], value: Json): Json {
  if (!keys.length) return value;
  setAt(body as JsonObject, keys, value);
  return body;
}

/** A fresh id of the documented id's form: the next number, or a string as long and of the same characters. */
export function formatId(sample: Json, n: number): Json {
  if (typeof sample === "number" || sample === undefined) return n;
  const text = String(sample);
  if (/^\d+$/.test(text)) return String(n).padStart(text.length, "0");
  if (/^[0-9a-f]+$/.test(text)) return n.toString(16).padStart(text.length, "0");
  if (/^[0-9A-F]+$/.test(text)) return n.toString(16).toUpperCase().padStart(text.length, "0");
  const digits = /\d+$/.exec(text)?.[0];
  if (digits) return text.slice(0, -digits.length) + String(n).padStart(digits.length, "0");
  return `${text}-${n}`;
}

/** JSON text parsed into objects without prototypes (records read back from a shared store). */
export function parseRecord(text: string): JsonObject {
  return copy(JSON.parse(text)) as JsonObject;
}
