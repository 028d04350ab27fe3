// Nested query parameters in the bracket grammar PHP frameworks read (Daftra's v2 filters):
//   filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&sort[created]=desc
// OpenAPI's deepObject style describes one level of it and leaves deeper nesting to tooling,
// and Prism reads only the properties a schema names. This reads any depth for the parameters
// a spec declares with `style: deepObject`, and checks the values against their schemas, so a
// mock can refuse `filter[name][likee]=x` and say which key is wrong.
import type { ErrorObject } from "ajv";
import { documentSchemaCompiler } from "./examples.js";
import { arrayOf, deref, isObject, type JsonObject } from "./walker.js";

const isPlainObject = (v: unknown): v is JsonObject => isObject(v) && !Array.isArray(v);

/** What a bracket query holds under one key: text, a list of texts (`a[]=1&a[]=2`), or more keys. */
export type BracketValue = string | string[] | BracketObject;
/** Keys of a bracket query and their values; built without a prototype. */
export interface BracketObject {
  [key: string]: BracketValue;
}

/**
 * Key segments that name an object's prototype machinery, not data. A query using one as a key
 * is refused: written into an ordinary object, `filter[__proto__][x]=1` would set `x` on every
 * object of the process.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** An object for keys a request chose: no prototype, so no key reaches one. */
const dictionary = (): BracketObject => Object.create(null);

/**
 * The nested value of each named parameter in a query, and the keys it could not read.
 * `[]` appends to a list; a key repeated without `[]` keeps its last value, as PHP does.
 * Every object it builds has no prototype, and a key naming `__proto__`, `constructor` or
 * `prototype` is refused (listed in `problems`, its value left out).
 */
export function readBracketQuery(
  entries: Iterable<[string, string]>,
  names: readonly string[],
): { values: Record<string, BracketObject>; problems: string[] } {
  const longestFirst = [...names].sort((a, b) => b.length - a.length);
  const values: Record<string, BracketObject> = Object.create(null);
  const problems: string[] = [];
  for (const [key, value] of entries) {
    if (names.includes(key)) {
      problems.push(`${key}: write it with brackets, as in ${key}[<key>]=<value>`);
      continue;
    }
    const name = longestFirst.find((n) => key.startsWith(`${n}[`));
    if (!name) continue;
    const rest = key.slice(name.length);
    const path = [...rest.matchAll(/\[([^\][]*)\]/g)].map((m) => m[1] as string);
    if (path.map((p) => `[${p}]`).join("") !== rest || path.slice(0, -1).includes("") || path[0] === "") {
      problems.push(`${key}: not a bracket key ${name}[a][b] (only the last pair may be empty, for a list)`);
      continue;
    }
    const forbidden = path.find((segment) => FORBIDDEN_KEYS.has(segment));
    if (forbidden !== undefined) {
      problems.push(`${key}: "${forbidden}" cannot be a key of ${name}`);
      continue;
    }
    let node = (values[name] ??= dictionary());
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] as string;
      const existing = node[segment];
      if (path[i + 1] === "") {
        const list = Array.isArray(existing) ? existing : [];
        list.push(value);
        node[segment] = list;
        break;
      }
      if (i === path.length - 1) node[segment] = value;
      else {
        const next = isPlainObject(existing) ? (existing as BracketObject) : dictionary();
        node[segment] = next;
        node = next;
      }
    }
  }
  return { values, problems };
}

const bracketed = (name: string, instancePath: string) =>
  name +
  instancePath
    .split("/")
    .slice(1)
    .map((s) => `[${s.replace(/~1/g, "/").replace(/~0/g, "~")}]`)
    .join("");

// The error that best says what to change, when a value fails several branches of a schema.
const RANK: Record<string, number> = { additionalProperties: 0, enum: 1, type: 2 };
function explain(name: string, errors: readonly ErrorObject[]): string {
  const rank = (e: ErrorObject) => (RANK[e.keyword] ?? 3) * 100 - e.instancePath.split("/").length;
  const e = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  if (!e) return `${name}: not valid`;
  const at = bracketed(name, e.instancePath);
  if (e.keyword === "additionalProperties") {
    const properties = e.parentSchema?.properties;
    const allowed = Object.keys(isObject(properties) ? properties : {});
    return `${at}[${e.params.additionalProperty}]: unknown key "${e.params.additionalProperty}"${allowed.length ? `; use one of: ${allowed.join(", ")}` : ""}`;
  }
  if (e.keyword === "enum") return `${at}: must be one of: ${arrayOf(e.params.allowedValues).join(", ")}`;
  if (e.keyword === "type" && [e.params.type].flat().includes("array"))
    return `${at}: must be a list, written ${at}[]=<value> once per value`;
  if (e.keyword === "type" && [e.params.type].flat().includes("object"))
    return `${at}: must name its keys, as in ${at}[<key>]=<value>`;
  return `${at}: ${e.message}`;
}

/** A deepObject query parameter, as the walker gives it. */
export interface QueryParameter {
  in: string;
  name: string;
  style?: string;
  schema?: unknown;
}

/** A compiled schema: whether a value is valid, and the errors of the last value that was not. */
export type QueryValidator = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null | undefined };

/**
 * A checker for the deepObject query parameters of one operation (`parameters` as the walker
 * gives them), or undefined when it has none; its schemas are compiled on first use. It returns a message naming the offending key
 * and what is allowed, or undefined when the query is fine.
 */
export function bracketQueryChecker(
  doc: unknown,
  parameters: readonly QueryParameter[],
  compile: (schema: unknown) => QueryValidator = documentSchemaCompiler(doc, { coerceTypes: true, verbose: true }),
): ((entries: Iterable<[string, string]>) => string | undefined) | undefined {
  const params = parameters.filter((p) => p.in === "query" && p.style === "deepObject");
  if (!params.length) return undefined;
  // Compiled on the first query checked: a mock with a hundred such operations starts faster.
  let validators: [string, QueryValidator][] | undefined;
  return (entries) => {
    validators ??= params.map((p): [string, QueryValidator] => [p.name, compile(p.schema ?? {})]);
    const { values, problems } = readBracketQuery(
      entries,
      params.map((p) => p.name),
    );
    if (problems.length) return problems[0];
    for (const [name, validate] of validators) {
      if (values[name] !== undefined && !validate(values[name])) return explain(name, validate.errors ?? []);
    }
    return undefined;
  };
}

/*
 * What the bracket filter grammar means for a record, for a mock that keeps records (Daftra v2's
 * list filters). A list operation's parameter marked `x-mock-filter: all` holds conditions that
 * must all hold, `any` conditions of which one must; `x-mock-sort: true` orders the records.
 * Each condition is `field: value` (equals) or `field: {operator: value}`. Values arrive as text,
 * so numbers compare as numbers when both sides read as numbers, and text otherwise.
 */

const numeric = (v: unknown) =>
  typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)));
const isEmpty = (v: unknown) => v === undefined || v === null || v === "";
const same = (a: unknown, b: unknown) =>
  !isEmpty(a) && (numeric(a) && numeric(b) ? Number(a) === Number(b) : String(a) === String(b));
/** -1, 0 or 1; undefined when either side is empty. */
function order(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  if (isEmpty(a) || isEmpty(b)) return undefined;
  const [x, y] = numeric(a) && numeric(b) ? [Number(a), Number(b)] : [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
const compared = (test: (c: number) => boolean) => (a: unknown, b: unknown) => {
  const c = order(a, b);
  return c !== undefined && test(c);
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** A filter operator: whether a record's field value `a` meets the query's operand `b`. */
export type FilterOperator = (value: unknown, operand: unknown) => boolean;

/** The operators the grammar knows, and what each means for a field's value `a` and the query's `b`. */
export const FILTER_OPERATORS: Readonly<Record<string, FilterOperator>> = {
  eq: same,
  not_equal: (a, b) => !same(a, b),
  gt: compared((c) => c > 0),
  gte: compared((c) => c >= 0),
  from: compared((c) => c >= 0),
  lt: compared((c) => c < 0),
  lte: compared((c) => c <= 0),
  to: compared((c) => c <= 0),
  like: (a, b) => !isEmpty(a) && String(a).toLowerCase().includes(String(b).toLowerCase()),
  in: (a, b) => list(b).some((v) => same(a, v)),
  not_in: (a, b) => !list(b).some((v) => same(a, v)),
  is_null: (a, b) => String(b) === "1" && isEmpty(a),
};

/** A record's field by name, or by a dotted path into its related records (`journal.date`). */
function fieldOf(record: unknown, field: string): unknown {
  if (isObject(record) && Object.hasOwn(record, field)) return record[field];
  return field.split(".").reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), record);
}

/** Whether a record meets one field's condition: a bare value (equals) or `{operator: value}`. */
function meets(record: unknown, field: string, condition: unknown): boolean {
  const value = fieldOf(record, field);
  if (!isPlainObject(condition)) return same(value, condition);
  return Object.entries(condition).every(([operator, operand]) => {
    const test = Object.hasOwn(FILTER_OPERATORS, operator) ? FILTER_OPERATORS[operator] : undefined;
    if (!test)
      throw new Error(`Unknown filter operator "${operator}". Known: ${Object.keys(FILTER_OPERATORS).join(", ")}.`);
    return test(value, operand);
  });
}

/**
 * The records a query keeps and their order: `filters` are the marked parameters
 * ({param, match: "all" | "any"}), `sort` the sort parameter's name. Stable: records that compare
 * equal keep their order.
 */
export interface FilterRoles {
  /** The parameters that hold conditions: all must hold, or any one. */
  filters?: readonly { param: string; match: "all" | "any" }[];
  /** The parameter that orders the records. */
  sort?: string | undefined;
}

export function filterAndSort<T>(
  records: T[],
  entries: Iterable<[string, string]>,
  { filters = [], sort }: FilterRoles = {},
  read: (record: T) => unknown = (record) => record,
): T[] {
  const names = [...filters.map((f) => f.param), ...(sort ? [sort] : [])];
  const { values } = readBracketQuery(entries, names);
  let kept = records;
  for (const { param, match } of filters) {
    const conditions = Object.entries(isPlainObject(values[param]) ? values[param] : {});
    if (!conditions.length) continue;
    kept = kept.filter((record) =>
      (match === "any" ? conditions.some : conditions.every).call(conditions, ([field, condition]) =>
        meets(read(record), field, condition),
      ),
    );
  }
  const keys = sort && isPlainObject(values[sort]) ? Object.entries(values[sort]) : [];
  if (!keys.length) return kept;
  return [...kept].sort((x, y) => {
    for (const [field, direction] of keys) {
      const a = fieldOf(read(x), field);
      const b = fieldOf(read(y), field);
      // Empty values go last, whichever the direction.
      if (isEmpty(a) !== isEmpty(b)) return isEmpty(a) ? 1 : -1;
      const c = order(a, b) ?? 0;
      if (c) return String(direction).toLowerCase() === "desc" ? -c : c;
    }
    return 0;
  });
}

/** The operator names a filter parameter's schema declares (the properties of the objects it reaches). */
export function declaredOperators(doc: unknown, schema: unknown): string[] {
  const names = new Set<string>();
  const seen = new Set<JsonObject>();
  const visit = (raw: unknown) => {
    const node = deref(doc, raw);
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    for (const key of Object.keys(isObject(node.properties) ? node.properties : {})) names.add(key);
    for (const branch of [...arrayOf(node.anyOf), ...arrayOf(node.oneOf), ...arrayOf(node.allOf)]) visit(branch);
    if (isPlainObject(node.additionalProperties)) visit(node.additionalProperties);
  };
  visit(schema);
  return [...names];
}
