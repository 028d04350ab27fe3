import { InvalidArgumentError } from "./errors.js";

// Query strings with nested values, in the bracket form PHP frameworks read:
//   { filter: { name: { like: "acme" }, status: { in: [1, 2] } }, sort: { created: "desc" } }
//   -> filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&sort[created]=desc
// openapi-fetch's default serialiser writes one level of deepObject and would send a nested
// object as "[object Object]". Flat parameters come out exactly as openapi-fetch writes them
// (`page=2`, a top-level list as `id=1&id=2`), so an API can use this for every call.

/** Serialises a query object, nesting with brackets and lists inside objects as `key[]=v`. */
export function bracketQuery(query: Record<string, unknown> | undefined): string {
  const out: string[] = [];
  const add = (key: string, value: unknown, nested?: boolean): void => {
    if (Array.isArray(value)) for (const item of value) add(nested ? `${key}[]` : key, item, nested);
    else if (typeof value === "object" && value) {
      // A Date or a Map would otherwise lose the condition silently (no own entries).
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new InvalidArgumentError(`Query parameter ${key}: pass a string or a plain object`, undefined, {
          field: key,
        });
      for (const [k, v] of Object.entries(value)) add(`${key}[${encodeURIComponent(k)}]`, v, true);
    } else if (value != null) out.push(`${key}=${encodeURIComponent(String(value))}`);
  };
  // Parameter names come from the spec (`filter[or]` keeps its brackets); field names are data.
  for (const [k, v] of Object.entries(query ?? {})) add(k, v);
  return out.join("&");
}
