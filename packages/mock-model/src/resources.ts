// The mock's resource model: which operations create, read, list, update and delete a
// resource's records, where ids sit and how records are wrapped, derived once from a bundle's
// paths and examples and written on each operation as `x-mock-resource` (a MockResource,
// contract.ts), so the stateful mock has no per-resource code.
import { jsonExamples, operationsOf, type OperationEntry } from "@mizan/openapi-tools";
import { declaredOperators, FILTER_OPERATORS } from "@mizan/openapi-tools/query";
import {
  MOCK_RESOURCE,
  MOCK_RESOURCE_ACTIONS,
  rewrap,
  type MockAction,
  type MockAnswer,
  type MockResource,
  type PagingRole,
} from "./contract.js";

// Documents and their examples are walked as plain JSON of any shape.
type Node = any;

const TEMPLATE_SEGMENT = /^\{([^}]+)\}$/;
// A whole path segment naming a record: `{id}`, `{bookingId}`, `{visitor_id}`.
const ID_PARAM = /^(id|.+Id|.+_id)$/;
const ITEM_ACTIONS: Record<string, MockAction> = { get: "read", put: "update", patch: "update", delete: "delete" };
const COLLECTION_ACTIONS: Record<string, MockAction> = { get: "list", post: "create" };

/** Paging fields by their usual names (Daftra v1's `pagination` block, Laravel's paginator). */
const PAGING_FIELDS: Record<PagingRole, string[]> = {
  page: ["page", "current_page", "currentpage"],
  pageCount: ["page_count", "last_page", "total_pages", "pagecount", "lastpage", "totalpages"],
  total: ["total", "total_results", "total_count", "totalresults", "totalcount"],
  size: ["per_page", "page_size", "perpage", "pagesize"],
  from: ["from"],
  to: ["to"],
  next: ["next", "next_page_url", "nextpageurl"],
  prev: ["prev", "previous", "prev_page_url", "prevpageurl"],
  first: ["first_page_url", "firstpageurl"],
  last: ["last_page_url", "lastpageurl"],
  path: ["path"],
  links: ["links"],
};
const PAGE_PARAM = /^page$/i;
const SIZE_PARAM = /^(limit|per_page|perPage|page_size|pageSize)$/;

const normName = (name: unknown) =>
  String(name)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
const isObject = (v: unknown): v is Record<string, Node> => v !== null && typeof v === "object" && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === "string" || typeof v === "number";
const toPointer = (segments: (string | number)[]) =>
  segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
const valueAt = (value: Node, segments: (string | number)[]) =>
  segments.reduce((node: Node, key) => (node !== null && typeof node === "object" ? node[key] : undefined), value);

/** The collection a path belongs to and what the method does there, from the path's shape alone. */
export function pathRole({
  path,
  method,
}: {
  path: string;
  method: string;
}): { resource: string; action: MockAction; idParam?: string } | undefined {
  const segments = path
    .replace(/\.json$/, "")
    .replace(/\/+$/, "")
    .split("/");
  const idAt = segments.findLastIndex((s) => ID_PARAM.test(TEMPLATE_SEGMENT.exec(s)?.[1] ?? ""));
  if (idAt >= 0) {
    // Only template segments may follow the id (Daftra v2's `{level}`); a literal one names an action on the record.
    if (!segments.slice(idAt + 1).every((s) => TEMPLATE_SEGMENT.test(s))) return undefined;
    const action = ITEM_ACTIONS[method];
    return (
      action && {
        resource: segments.slice(0, idAt).join("/"),
        action,
        idParam: TEMPLATE_SEGMENT.exec(segments[idAt]!)![1]!,
      }
    );
  }
  let end = segments.length;
  while (end > 1 && TEMPLATE_SEGMENT.test(segments[end - 1]!)) end--;
  const action = COLLECTION_ACTIONS[method];
  return action && { resource: segments.slice(0, end).join("/"), action };
}

/** The last whole-segment path parameter that names a record, for a written read, update or delete. */
function idParamOf(path: string): string | undefined {
  return path
    .split("/")
    .map((s) => TEMPLATE_SEGMENT.exec(s.replace(/\.json$/, ""))?.[1])
    .findLast((name) => name && ID_PARAM.test(name));
}

/** The lowest 2xx response of an operation, with its JSON examples as [name | undefined, value]. */
function successExamples(doc: Node, op: Node): { status: string | undefined; examples: [string | undefined, Node][] } {
  const status = Object.keys(op.responses ?? {})
    .filter((code) => /^2\d\d$/.test(code))
    .sort()[0];
  return status ? { status, examples: jsonExamples(doc, op.responses[status]) } : { status: undefined, examples: [] };
}

/** The first example of a request body's documented (first) media type. */
function bodyExample(entry: OperationEntry): Node {
  const media = (entry.requestBody as Node)?.content?.[(entry as Node).requestMediaType];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  return (Object.values(media.examples ?? {})[0] as Node)?.value;
}

/** The shallowest key path in `value` whose key `accepts` and whose value is a string or a number. */
function findKey(value: Node, accepts: (key: string) => boolean): string[] | undefined {
  for (let level: [string[], Node][] = [[[], value]]; level.length; ) {
    const next: [string[], Node][] = [];
    for (const [at, node] of level) {
      if (node === null || typeof node !== "object") continue;
      if (!Array.isArray(node)) {
        const hit = Object.entries(node).find(([key, v]) => accepts(key) && isScalar(v));
        if (hit) return [...at, hit[0]];
      }
      for (const [key, v] of Object.entries(node)) next.push([[...at, key], v]);
    }
    level = next;
  }
  return undefined;
}

/** The first example (of a response's examples) with an id field, and where it is: the field named like the id parameter first, then `id`. */
function findId(
  examples: [string | undefined, Node][],
  names: (string | undefined)[],
): { example: string | undefined; at: string[] } | undefined {
  for (const name of names) {
    for (const [example, value] of examples) {
      const at = findKey(value, (key) => normName(key) === normName(name));
      if (at) return { example, at };
    }
  }
  return undefined;
}

/** The shallowest array in `value` whose first item holds a scalar at `idField`. */
function findItems(value: Node, idField: string[]): string[] | undefined {
  for (let level: [string[], Node][] = [[[], value]]; level.length; ) {
    const next: [string[], Node][] = [];
    for (const [at, node] of level) {
      if (node === null || typeof node !== "object") continue;
      if (Array.isArray(node) && node.length && isScalar(valueAt(node[0], idField))) return at;
      if (!Array.isArray(node)) for (const [key, v] of Object.entries(node)) next.push([[...at, key], v]);
    }
    level = next;
  }
  return undefined;
}

/** The documented answer for a record that does not exist: an example named so, one that says so, or a 404. */
function notFoundOf(doc: Node, op: Node): MockAnswer | undefined {
  let best: { score: number; answer: MockAnswer } | undefined;
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    if (!/^\d{3}$/.test(status)) continue;
    for (const [example, value] of jsonExamples(doc, response)) {
      const named = /not_?found/i.test(example ?? "");
      if (Number(status) < 400 && !named) continue;
      const score =
        (named ? 4 : 0) +
        (/not found|does not exist/i.test(JSON.stringify(value)) ? 2 : 0) +
        (status === "404" ? 1 : 0);
      if (score && (!best || score > best.score)) best = { score, answer: { status, ...(example ? { example } : {}) } };
    }
  }
  return best?.answer;
}

/** How a list pages: its page and size parameters and the paging fields of its answer. */
function pagingOf(entry: OperationEntry, example: Node, items: string[]): MockResource["paging"] {
  const page = (entry.parameters as Node[]).find((p) => p.in === "query" && PAGE_PARAM.test(p.name));
  const size = (entry.parameters as Node[]).find((p) => p.in === "query" && SIZE_PARAM.test(p.name));
  const fields: Record<string, PagingRole> = {};
  const walk = (node: Record<string, Node>, at: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const here = [...at, key];
      if (JSON.stringify(here) === JSON.stringify(items)) continue;
      const role = (Object.keys(PAGING_FIELDS) as PagingRole[]).find((r) =>
        PAGING_FIELDS[r].includes(key.toLowerCase()),
      );
      if (role) fields[toPointer(here)] = role;
      else if (isObject(value)) walk(value, here);
    }
  };
  if (isObject(example)) walk(example, []);
  if (!page && !Object.keys(fields).length) return undefined;
  const sizeField = Object.entries(fields).find(([, role]) => role === "size")?.[0];
  const defaultSize =
    size?.schema?.default ?? (sizeField ? valueAt(example, sizeField.split("/").slice(1)) : undefined) ?? 20;
  return {
    ...(page ? { page: page.name } : {}),
    ...(size ? { size: size.name } : {}),
    defaultSize: Number(defaultSize) || 20,
    fields,
  };
}

/**
 * A list's filter and sort parameters, as its parameters mark them: `x-mock-filter: all` (every
 * condition must hold) or `any` (one must), `x-mock-sort: true`. A filter whose schema declares
 * an operator the grammar does not know (@mizan/openapi-tools/query) is an error.
 */
function queryRolesOf(doc: Node, entry: OperationEntry): MockResource["query"] {
  const filters: { param: string; match: "all" | "any" }[] = [];
  let sort: string | undefined;
  for (const p of entry.parameters as Node[]) {
    const match = p["x-mock-filter"];
    if (match !== undefined) {
      if (match !== "all" && match !== "any")
        throw new Error(`${entry.key}: parameter ${p.name}: x-mock-filter must be "all" or "any".`);
      const unknown = declaredOperators(doc, p.schema).filter((name) => !(name in FILTER_OPERATORS));
      if (unknown.length)
        throw new Error(
          `${entry.key}: parameter ${p.name} declares filter operators the mock does not know: ${unknown.join(", ")} (known: ${Object.keys(FILTER_OPERATORS).join(", ")}).`,
        );
      filters.push({ param: p.name, match });
    }
    if (p["x-mock-sort"] === true) sort = p.name;
  }
  return filters.length || sort ? { filters, ...(sort ? { sort } : {}) } : undefined;
}

/** One operation of a resource, as the paths or a written `x-mock-resource` place it. */
interface Member {
  entry: OperationEntry;
  action: MockAction;
  idParam?: string;
  written?: boolean;
  wrappers?: Record<string, string>;
}

type Family = Partial<Record<MockAction, Member>>;

/** A family's operations completed into their `x-mock-resource` extensions, or the reason it cannot be. */
function completeFamily(
  doc: Node,
  resource: string,
  family: Family,
): { extensions?: Map<OperationEntry, MockResource>; reason?: string } {
  const { read, list, create, update } = family;
  if (!read) return { reason: "it has no read operation (a GET of one record by its id)" };
  const readAnswer = successExamples(doc, read.entry.op);
  const idNames = [...new Set([read.idParam, "id"])];
  const found = findId(readAnswer.examples, idNames);
  if (!found)
    return { reason: `the read operation's answer has no example with an id field (${idNames.join(" or ")})` };
  const readExample = readAnswer.examples.find(([name]) => name === found.example)![1];
  const idKey = found.at.at(-1)!;
  const parents = found.at.slice(0, -1);
  // Request bodies as the records read them: a body may wrap its record under another name (`wrappers`).
  const bodies = [create, update]
    .filter((m): m is Member => !!m)
    .map((member) => rewrap(bodyExample(member.entry), member.wrappers));
  const listAnswer = list && successExamples(doc, list.entry.op);
  // Where a record sits in the read answer (`/data` for Daftra v1, whose bodies wrap it as
  // {"Client": {...}}, the root for v2): the deepest level whose keys the request bodies share
  // and whose id field the list's items hold too.
  for (let depth = parents.length; depth >= 0; depth--) {
    const record = parents.slice(0, depth);
    const idField = [...parents.slice(depth), idKey];
    const recordValue = valueAt(readExample, record);
    if (
      !isObject(recordValue) ||
      !bodies.every((body) => isObject(body) && Object.keys(body).some((key) => key in recordValue))
    )
      continue;
    let items: { example: string | undefined; at: string[] | undefined; value: Node } | undefined;
    if (list) {
      items = listAnswer!.examples
        .map(([example, value]) => ({ example, at: findItems(value, idField), value }))
        .find((hit) => hit.at);
      if (!items) continue;
    }
    const base = { resource, idField: toPointer(idField) };
    const answer = (status: string | undefined, example: string | undefined): MockAnswer => ({
      status: status!,
      ...(example ? { example } : {}),
    });
    const out = new Map<OperationEntry, MockResource>();
    out.set(read.entry, {
      ...base,
      action: "read",
      idParam: read.idParam,
      answer: answer(readAnswer.status, found.example),
      record: toPointer(record),
      notFound: notFoundOf(doc, read.entry.op),
    });
    if (list) {
      const query = queryRolesOf(doc, list.entry);
      out.set(list.entry, {
        ...base,
        action: "list",
        answer: answer(listAnswer!.status, items!.example),
        items: toPointer(items!.at!),
        paging: pagingOf(list.entry, items!.value, items!.at!),
        ...(query ? { query } : {}),
      });
    }
    const answerNames = [...new Set([idKey, read.idParam, "id"])];
    for (const member of [create, update, family.delete]) {
      if (!member) continue;
      const { status, examples } = successExamples(doc, member.entry.op);
      const withId = member.action === "delete" ? undefined : findId(examples, answerNames);
      if (member.action === "create" && !withId) {
        if (member.written)
          return { reason: `${member.entry.key} documents no answer with the new id (${answerNames.join(" or ")})` };
        continue;
      }
      out.set(member.entry, {
        ...base,
        action: member.action,
        ...(member.idParam ? { idParam: member.idParam } : {}),
        answer: answer(status, withId?.example ?? examples[0]?.[0]),
        ...(withId ? { answerId: toPointer(withId.at) } : {}),
        ...(member.wrappers ? { wrappers: member.wrappers } : {}),
        ...(member.action === "create" ? {} : { notFound: notFoundOf(doc, member.entry.op) }),
      });
    }
    // A read alone keeps nothing worth remembering.
    if (out.size < 2) return { reason: "it has no list, create, update or delete operation" };
    return { extensions: out };
  }
  return { reason: "no level of the read answer matches both the request bodies and the list items" };
}

/**
 * The mock's copy of a bundle with `x-mock-resource` on every operation of a resource, for the
 * mock's stateful mode. Operations are grouped by path: a collection (`/api2/clients.json`,
 * `/v2/api/entity/brand`) with POST = create and GET = list, its item path (`.../{id}`, trailing
 * template segments such as `{level}` allowed) with GET = read, PUT/PATCH = update and
 * DELETE = delete. A list or create on a sub-path (`/brand/list/{level}`, `/bookings/add`)
 * joins the nearest enclosing collection that has a read and no operation of that kind yet.
 * From the examples it then finds the id field, where a record sits in each answer, the list's
 * items and paging fields, and the documented not-found answer.
 *
 * Where the paths do not say it, a source description writes `x-mock-resource:
 * {resource, action}` on the operation (the rest is derived the same way), or `false` to leave
 * an operation out. A written annotation that cannot be completed is an error.
 */
export function markMockResources<T>(input: T): T {
  const doc: Node = structuredClone(input);
  const families = new Map<string, Family>();
  const family = (resource: string) => families.get(resource) ?? families.set(resource, {}).get(resource)!;
  const joinLater: (Member & { resource: string })[] = [];
  for (const entry of operationsOf(doc)) {
    const op = entry.op as Node;
    const written = op[MOCK_RESOURCE];
    delete op[MOCK_RESOURCE];
    if (written === false) continue;
    if (written !== undefined) {
      if (
        !isObject(written) ||
        typeof written.resource !== "string" ||
        !MOCK_RESOURCE_ACTIONS.includes(written.action)
      ) {
        throw new Error(
          `${entry.key}: ${MOCK_RESOURCE} must be false or {resource: <name>, action: ${MOCK_RESOURCE_ACTIONS.join(" | ")}}.`,
        );
      }
      const { wrappers } = written;
      if (
        wrappers !== undefined &&
        (!["create", "update"].includes(written.action) ||
          !isObject(wrappers) ||
          !Object.values(wrappers).every((v) => typeof v === "string" && v))
      ) {
        throw new Error(
          `${entry.key}: ${MOCK_RESOURCE}.wrappers maps a request body's wrapper to the record's ({FollowUpReminder: ClientAppointment}), on a create or update only.`,
        );
      }
      const idParam = ["read", "update", "delete"].includes(written.action)
        ? (written.idParam ?? idParamOf(entry.path))
        : undefined;
      if (idParam === undefined && ["read", "update", "delete"].includes(written.action))
        throw new Error(`${entry.key}: ${MOCK_RESOURCE} says ${written.action}, but the path has no id parameter.`);
      const members = family(written.resource);
      const action = written.action as MockAction;
      if (members[action]?.written)
        throw new Error(
          `${entry.key}: ${written.resource} already has a ${action} operation (${members[action]!.entry.key}).`,
        );
      members[action] = { entry, action, idParam, written: true, ...(wrappers ? { wrappers } : {}) };
      continue;
    }
    const role = pathRole(entry);
    if (!role) continue;
    const members = family(role.resource);
    members[role.action] ??= { entry, action: role.action, idParam: role.idParam };
  }
  // A list or create whose own collection has no read joins the nearest enclosing one that has.
  for (const [resource, members] of families) {
    if (members.read) continue;
    for (const action of ["list", "create"] as const)
      if (members[action] && !members[action]!.written) joinLater.push({ ...members[action]!, resource });
  }
  for (const { entry, action, resource } of joinLater) {
    const segments = resource.split("/");
    for (let end = segments.length - 1; end > 1; end--) {
      const members = families.get(segments.slice(0, end).join("/"));
      if (!members?.read) continue;
      if (!members[action]) members[action] = { entry, action };
      break;
    }
  }
  for (const [resource, members] of families) {
    const written = Object.values(members).filter((m): m is Member => !!m?.written);
    const { extensions, reason } = completeFamily(doc, resource, members);
    if (extensions) for (const [entry, extension] of extensions) (entry.op as Node)[MOCK_RESOURCE] = extension;
    if (!extensions && written.length)
      throw new Error(`${written[0]!.entry.key}: ${MOCK_RESOURCE} "${resource}" cannot be completed: ${reason}.`);
  }
  return doc;
}
