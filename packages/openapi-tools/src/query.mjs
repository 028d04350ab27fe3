// Nested query parameters in the bracket grammar PHP frameworks read (Daftra's v2 filters):
//   filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&sort[created]=desc
// OpenAPI's deepObject style describes one level of it and leaves deeper nesting to tooling,
// and Prism reads only the properties a schema names. This reads any depth for the parameters
// a spec declares with `style: deepObject`, and checks the values against their schemas, so a
// mock can refuse `filter[name][likee]=x` and say which key is wrong.
import { documentSchemaCompiler } from "./examples.mjs";
import { deref } from "./walker.mjs";

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Key segments that name an object's prototype machinery, not data. A query using one as a key
 * is refused: written into an ordinary object, `filter[__proto__][x]=1` would set `x` on every
 * object of the process.
 */
export const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** An object for keys a request chose: no prototype, so no key reaches one. */
const dictionary = () => Object.create(null);

/**
 * The nested value of each named parameter in a query, and the keys it could not read.
 * `[]` appends to a list; a key repeated without `[]` keeps its last value, as PHP does.
 * Every object it builds has no prototype, and a key naming `__proto__`, `constructor` or
 * `prototype` is refused (listed in `problems`, its value left out).
 */
export function readBracketQuery(entries, names) {
  const longestFirst = [...names].sort((a, b) => b.length - a.length);
  const values = dictionary();
  const problems = [];
  for (const [key, value] of entries) {
    if (names.includes(key)) {
      problems.push(`${key}: write it with brackets, as in ${key}[<key>]=<value>`);
      continue;
    }
    const name = longestFirst.find((n) => key.startsWith(`${n}[`));
    if (!name) continue;
    const rest = key.slice(name.length);
    const path = [...rest.matchAll(/\[([^\][]*)\]/g)].map((m) => m[1]);
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
      const segment = path[i];
      if (path[i + 1] === "") {
        if (!Array.isArray(node[segment])) node[segment] = [];
        node[segment].push(value);
        break;
      }
      if (i === path.length - 1) node[segment] = value;
      else node = node[segment] = isPlainObject(node[segment]) ? node[segment] : dictionary();
    }
  }
  return { values, problems };
}

const bracketed = (name, instancePath) =>
  name +
  instancePath
    .split("/")
    .slice(1)
    .map((s) => `[${s.replace(/~1/g, "/").replace(/~0/g, "~")}]`)
    .join("");

// The error that best says what to change, when a value fails several branches of a schema.
const RANK = { additionalProperties: 0, enum: 1, type: 2 };
function explain(name, errors) {
  const rank = (e) => (RANK[e.keyword] ?? 3) * 100 - e.instancePath.split("/").length;
  const e = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  const at = bracketed(name, e.instancePath);
  if (e.keyword === "additionalProperties") {
    const allowed = Object.keys(e.parentSchema?.properties ?? {});
    return `${at}[${e.params.additionalProperty}]: unknown key "${e.params.additionalProperty}"${allowed.length ? `; use one of: ${allowed.join(", ")}` : ""}`;
  }
  if (e.keyword === "enum") return `${at}: must be one of: ${e.params.allowedValues.join(", ")}`;
  if (e.keyword === "type" && [e.params.type].flat().includes("array"))
    return `${at}: must be a list, written ${at}[]=<value> once per value`;
  if (e.keyword === "type" && [e.params.type].flat().includes("object"))
    return `${at}: must name its keys, as in ${at}[<key>]=<value>`;
  return `${at}: ${e.message}`;
}

/**
 * A checker for the deepObject query parameters of one operation (`parameters` as the walker
 * gives them), or undefined when it has none; its schemas are compiled on first use. It returns a message naming the offending key
 * and what is allowed, or undefined when the query is fine.
 */
export function bracketQueryChecker(
  doc,
  parameters,
  compile = documentSchemaCompiler(doc, { coerceTypes: true, verbose: true }),
) {
  const params = parameters.filter((p) => p.in === "query" && p.style === "deepObject");
  if (!params.length) return undefined;
  // Compiled on the first query checked: a mock with a hundred such operations starts faster.
  let validators;
  return (entries) => {
    validators ??= params.map((p) => [p.name, compile(p.schema ?? {})]);
    const { values, problems } = readBracketQuery(
      entries,
      params.map((p) => p.name),
    );
    if (problems.length) return problems[0];
    for (const [name, validate] of validators) {
      if (values[name] !== undefined && !validate(values[name])) return explain(name, validate.errors);
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

const numeric = (v) => typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)));
const isEmpty = (v) => v === undefined || v === null || v === "";
const same = (a, b) => !isEmpty(a) && (numeric(a) && numeric(b) ? Number(a) === Number(b) : String(a) === String(b));
/** -1, 0 or 1; undefined when either side is empty. */
function order(a, b) {
  if (isEmpty(a) || isEmpty(b)) return undefined;
  const [x, y] = numeric(a) && numeric(b) ? [Number(a), Number(b)] : [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
const compared = (test) => (a, b) => {
  const c = order(a, b);
  return c !== undefined && test(c);
};
const list = (v) => (Array.isArray(v) ? v : [v]);

/** The operators the grammar knows, and what each means for a field's value `a` and the query's `b`. */
export const FILTER_OPERATORS = {
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
function fieldOf(record, field) {
  if (record && typeof record === "object" && Object.hasOwn(record, field)) return record[field];
  return field.split(".").reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), record);
}

/** Whether a record meets one field's condition: a bare value (equals) or `{operator: value}`. */
function meets(record, field, condition) {
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
export function filterAndSort(records, entries, { filters = [], sort } = {}, read = (record) => record) {
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
export function declaredOperators(doc, schema) {
  const names = new Set();
  const seen = new Set();
  const visit = (raw) => {
    const node = deref(doc, raw);
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    for (const key of Object.keys(node.properties ?? {})) names.add(key);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) visit(branch);
    if (isPlainObject(node.additionalProperties)) visit(node.additionalProperties);
  };
  visit(schema);
  return [...names];
}
