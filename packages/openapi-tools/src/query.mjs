// Nested query parameters in the bracket grammar PHP frameworks read (Daftra's v2 filters):
//   filter[name][like]=acme&filter[status][in][]=1&filter[status][in][]=2&sort[created]=desc
// OpenAPI's deepObject style describes one level of it and leaves deeper nesting to tooling,
// and Prism reads only the properties a schema names. This reads any depth for the parameters
// a spec declares with `style: deepObject`, and checks the values against their schemas, so a
// mock can refuse `filter[name][likee]=x` and say which key is wrong.
import { documentSchemaCompiler } from "./examples.mjs";

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The nested value of each named parameter in a query, and the keys it could not read.
 * `[]` appends to a list; a key repeated without `[]` keeps its last value, as PHP does.
 */
export function readBracketQuery(entries, names) {
  const longestFirst = [...names].sort((a, b) => b.length - a.length);
  const values = {};
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
    let node = (values[name] ??= {});
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (path[i + 1] === "") {
        if (!Array.isArray(node[segment])) node[segment] = [];
        node[segment].push(value);
        break;
      }
      if (i === path.length - 1) node[segment] = value;
      else node = node[segment] = isPlainObject(node[segment]) ? node[segment] : {};
    }
  }
  return { values, problems };
}

const bracketed = (name, instancePath) => name + instancePath.split("/").slice(1).map((s) => `[${s.replace(/~1/g, "/").replace(/~0/g, "~")}]`).join("");

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
  if (e.keyword === "type" && [e.params.type].flat().includes("array")) return `${at}: must be a list, written ${at}[]=<value> once per value`;
  if (e.keyword === "type" && [e.params.type].flat().includes("object")) return `${at}: must name its keys, as in ${at}[<key>]=<value>`;
  return `${at}: ${e.message}`;
}

/**
 * A checker for the deepObject query parameters of one operation (`parameters` as the walker
 * gives them), or undefined when it has none; its schemas are compiled on first use. It returns a message naming the offending key
 * and what is allowed, or undefined when the query is fine.
 */
export function bracketQueryChecker(doc, parameters, compile = documentSchemaCompiler(doc, { coerceTypes: true, verbose: true })) {
  const params = parameters.filter((p) => p.in === "query" && p.style === "deepObject");
  if (!params.length) return undefined;
  // Compiled on the first query checked: a mock with a hundred such operations starts faster.
  let validators;
  return (entries) => {
    validators ??= params.map((p) => [p.name, compile(p.schema ?? {})]);
    const { values, problems } = readBracketQuery(entries, params.map((p) => p.name));
    if (problems.length) return problems[0];
    for (const [name, validate] of validators) {
      if (values[name] !== undefined && !validate(values[name])) return explain(name, validate.errors);
    }
    return undefined;
  };
}
