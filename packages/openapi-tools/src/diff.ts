// Comparing two versions of a bundled OpenAPI document from the users' side: what a caller's
// code or a generated client stops accepting. Schemas are compared after $refs and allOf are
// resolved, so moving a schema into a shared component changes nothing.
import {
  branches,
  deref,
  isObject,
  type JsonObject,
  type OperationEntry,
  operationsOf,
  propertiesOf,
  type SchemaObject,
  securityAlternatives,
} from "./walker.js";

export type ChangeSide = "request" | "response";

export interface ApiChange {
  /** True when callers' code or a generated client may stop working (a major version of its client). */
  breaking: boolean;
  /** e.g. "operation-removed", "field-required", "enum-widened", "security-changed". */
  kind: string;
  /** "METHOD /path". */
  operation: string;
  /** Where in the operation: "parameter id (path)", "response 200 application/json.data.name"... */
  location: string;
  message: string;
}

/** What the comparison of one operation carries along. */
interface Context {
  oldDoc: unknown;
  newDoc: unknown;
  operation: string;
  out: ApiChange[];
}

/** One difference: `breaking` ones need a major bump of the API's client. */
function change(
  list: ApiChange[],
  breaking: boolean,
  kind: string,
  operation: string,
  location: string,
  message: string,
): void {
  list.push({ breaking, kind, operation, location, message });
}

// An anyOf/oneOf whose members are all single-typed values (`{type, const}`, `{type, enum}` or
// `{type: "null"}`) is one enum written out per value, as loosenResponses writes mixed enums for
// other generators: it is compared as the enum it is, not as alternatives.
const enumOnly = (v: unknown): v is SchemaObject & { type: string } =>
  isObject(v) &&
  Object.keys(v).every((k) => k === "type" || k === "enum" || k === "const") &&
  typeof v.type === "string" &&
  (Array.isArray(v.enum) || v.const !== undefined || v.type === "null");
const enumVariantsOf = (s: SchemaObject): (SchemaObject & { type: string })[] | undefined =>
  [s.anyOf, s.oneOf].find(
    (list): list is (SchemaObject & { type: string })[] =>
      Array.isArray(list) && list.length > 0 && list.every(enumOnly),
  );

interface Flattened {
  types: Set<unknown> | undefined;
  enumValues: unknown[] | undefined;
  items: unknown;
  required: Set<string>;
  properties: Record<string, SchemaObject>;
  variants: unknown[];
}

/** A schema (an object) with its allOf branches folded in: types, enum, properties, required, items. */
function flatten(doc: unknown, schema: JsonObject): Flattened {
  const all = branches(doc, schema);
  const types = new Set<unknown>();
  let typed = false;
  let enumValues: unknown[] | undefined;
  let items: unknown;
  const required = new Set<string>();
  for (const s of all) {
    if (s.type !== undefined) {
      typed = true;
      for (const t of [s.type].flat()) types.add(t);
    }
    if (s.nullable === true) types.add("null");
    if (s.const !== undefined) enumValues = [s.const];
    if (Array.isArray(s.enum)) enumValues = s.enum;
    const perType = enumVariantsOf(s);
    if (perType) {
      typed = true;
      for (const v of perType) types.add(v.type);
      enumValues = perType.flatMap((v) => v.enum ?? (v.const !== undefined ? [v.const] : [null]));
    }
    if (s.items !== undefined) items ??= s.items;
    for (const name of s.required ?? []) required.add(name);
  }
  // An integer is a number too: `integer` -> `number` widens, the reverse narrows.
  return {
    types: typed ? types : undefined,
    enumValues,
    items,
    required,
    properties: propertiesOf(doc, schema),
    variants: (["oneOf", "anyOf"] as const).flatMap((k) =>
      all.flatMap((s) => (s[k] === enumVariantsOf(s) ? [] : (s[k] ?? []))),
    ),
  };
}

const show = (values: Iterable<unknown>) => [...values].map((v) => JSON.stringify(v)).join(", ");
const accepts = (types: Set<unknown>, t: unknown) => types.has(t) || (t === "integer" && types.has("number"));

/**
 * Compares two schemas. `side` is "request" (what callers send: narrowing breaks) or
 * "response" (what callers receive: widening breaks).
 */
function compareSchema(
  ctx: Context & { side: ChangeSide },
  oldSchema: unknown,
  newSchema: unknown,
  location: string,
  seen = new Map<JsonObject, Set<JsonObject>>(),
): void {
  const { oldDoc, newDoc, side, operation, out } = ctx;
  const o = deref(oldDoc, oldSchema);
  const n = deref(newDoc, newSchema);
  if (!isObject(o) || !isObject(n)) return;
  // Recursive schemas: each pair of nodes is compared once.
  const pairs = seen.get(o) ?? new Set();
  if (pairs.has(n)) return;
  pairs.add(n);
  seen.set(o, pairs);

  const a = flatten(oldDoc, o);
  const b = flatten(newDoc, n);
  const request = side === "request";

  // Types: undefined means "any".
  if (a.types || b.types) {
    const lost = a.types ? [...a.types].filter((t) => !b.types || !accepts(b.types, t)) : [];
    const gained = b.types ? [...b.types].filter((t) => !a.types || !accepts(a.types, t)) : [];
    const narrowed = (a.types === undefined && b.types !== undefined) || (b.types !== undefined && lost.length > 0);
    const widened = (b.types === undefined && a.types !== undefined) || (a.types !== undefined && gained.length > 0);
    const from = a.types ? show(a.types) : "any";
    const to = b.types ? show(b.types) : "any";
    if (narrowed) change(out, request, "type-narrowed", operation, location, `type narrowed from ${from} to ${to}`);
    if (widened) change(out, !request, "type-widened", operation, location, `type widened from ${from} to ${to}`);
  }

  // Enums: a missing enum allows every value.
  if (a.enumValues || b.enumValues) {
    const removed = a.enumValues ? a.enumValues.filter((v) => !b.enumValues?.some((w) => same(v, w))) : [];
    const added = b.enumValues ? b.enumValues.filter((v) => !a.enumValues?.some((w) => same(v, w))) : [];
    if (!a.enumValues)
      change(out, request, "enum-narrowed", operation, location, `now limited to ${show(b.enumValues ?? [])}`);
    else if (removed.length)
      change(out, request, "enum-narrowed", operation, location, `enum values removed: ${show(removed)}`);
    if (!b.enumValues)
      change(out, !request, "enum-widened", operation, location, `no longer limited to ${show(a.enumValues ?? [])}`);
    else if (a.enumValues && added.length)
      change(out, !request, "enum-widened", operation, location, `enum values added: ${show(added)}`);
  }

  // Properties.
  for (const [name, schema] of Object.entries(a.properties)) {
    const where = `${location}.${name}`;
    if (!(name in b.properties)) {
      change(out, true, "field-removed", operation, where, `${side} field removed`);
      continue;
    }
    compareSchema(ctx, schema, b.properties[name], where, seen);
    if (request && !a.required.has(name) && b.required.has(name)) {
      change(out, true, "field-required", operation, where, "request field is now required");
    }
    if (!request && a.required.has(name) && !b.required.has(name)) {
      change(out, true, "field-optional", operation, where, "response field is no longer always present");
    }
    if (request && a.required.has(name) && !b.required.has(name)) {
      change(out, false, "field-optional", operation, where, "request field is now optional");
    }
  }
  for (const name of Object.keys(b.properties)) {
    if (name in a.properties) continue;
    const where = `${location}.${name}`;
    if (request && b.required.has(name))
      change(out, true, "field-required", operation, where, "new required request field");
    else change(out, false, "field-added", operation, where, `${side} field added`);
  }

  if (a.items || b.items) compareSchema(ctx, a.items ?? {}, b.items ?? {}, `${location}[]`, seen);

  // oneOf/anyOf: only the number of alternatives, compared in the direction that breaks.
  if (a.variants.length !== b.variants.length && (a.variants.length || b.variants.length)) {
    const fewer = b.variants.length < a.variants.length;
    change(
      out,
      fewer === request,
      fewer ? "variants-removed" : "variants-added",
      operation,
      location,
      `alternatives (oneOf/anyOf) went from ${a.variants.length} to ${b.variants.length}`,
    );
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An alternative of a security requirement list, as a comparable string (schemes sorted). */
function securityKeys(doc: unknown, security: readonly unknown[]): string[] {
  return securityAlternatives(doc, security).map(
    (schemes) =>
      schemes
        .map(({ key, type, in: where, name, scheme, tokenPrefix }) =>
          JSON.stringify({ key, type, in: where, name, scheme: scheme?.toLowerCase(), tokenPrefix }),
        )
        .sort()
        .join(" + ") || "(none)",
  );
}

function compareParameters(ctx: Context, oldOp: OperationEntry, newOp: OperationEntry): void {
  const { out, operation } = ctx;
  const keyOf = (p: { in: string; name: string }) => `${p.in}:${p.name}`;
  const oldParams = new Map(oldOp.parameters.map((p) => [keyOf(p), p]));
  const newParams = new Map(newOp.parameters.map((p) => [keyOf(p), p]));
  for (const [key, p] of oldParams) {
    const where = `parameter ${p.name} (${p.in})`;
    const q = newParams.get(key);
    if (!q) {
      change(out, true, "parameter-removed", operation, where, "parameter removed");
      continue;
    }
    if (!p.required && q.required)
      change(out, true, "parameter-required", operation, where, "parameter is now required");
    if (p.required && !q.required)
      change(out, false, "parameter-optional", operation, where, "parameter is now optional");
    compareSchema({ ...ctx, side: "request" }, p.schema, q.schema, where);
  }
  for (const [key, q] of newParams) {
    if (oldParams.has(key)) continue;
    const where = `parameter ${q.name} (${q.in})`;
    if (q.required) change(out, true, "parameter-required", operation, where, "new required parameter");
    else change(out, false, "parameter-added", operation, where, "optional parameter added");
  }
}

function compareRequestBody(ctx: Context, oldOp: OperationEntry, newOp: OperationEntry): void {
  const { out, operation } = ctx;
  const a = oldOp.requestBody;
  const b = newOp.requestBody;
  if (!a && !b) return;
  if (a && !b) {
    change(out, true, "request-body-removed", operation, "request body", "request body removed");
    return;
  }
  if (!a || !b) {
    if (b?.required) change(out, true, "request-body-required", operation, "request body", "new required request body");
    else change(out, false, "request-body-added", operation, "request body", "optional request body added");
    return;
  }
  if (!a.required && b.required)
    change(out, true, "request-body-required", operation, "request body", "request body is now required");
  const oldContent = a.content ?? {};
  const newContent = b.content ?? {};
  for (const type of Object.keys(oldContent)) {
    if (!(type in newContent))
      change(out, true, "media-type-removed", operation, `request body ${type}`, "request media type removed");
    else
      compareSchema(
        { ...ctx, side: "request" },
        oldContent[type]?.schema,
        newContent[type]?.schema,
        `request body ${type}`,
      );
  }
  for (const type of Object.keys(newContent)) {
    if (!(type in oldContent))
      change(out, false, "media-type-added", operation, `request body ${type}`, "request media type added");
  }
}

function compareResponses(ctx: Context, oldOp: OperationEntry, newOp: OperationEntry): void {
  const { out, operation, oldDoc, newDoc } = ctx;
  const oldResponses = oldOp.op.responses ?? {};
  const newResponses = newOp.op.responses ?? {};
  for (const [status, raw] of Object.entries(oldResponses)) {
    const where = `response ${status}`;
    if (!(status in newResponses)) {
      change(out, true, "status-removed", operation, where, "response status removed");
      continue;
    }
    const oldContent = deref(oldDoc, raw)?.content ?? {};
    const newContent = deref(newDoc, newResponses[status])?.content ?? {};
    for (const type of Object.keys(oldContent)) {
      if (!(type in newContent))
        change(out, true, "media-type-removed", operation, `${where} ${type}`, "response media type removed");
      else
        compareSchema(
          { ...ctx, side: "response" },
          oldContent[type]?.schema,
          newContent[type]?.schema,
          `${where} ${type}`,
        );
    }
    for (const type of Object.keys(newContent)) {
      // A body where there was none is new data; a second media type is one callers may not parse.
      if (!(type in oldContent)) {
        const breaking = Object.keys(oldContent).length > 0;
        change(out, breaking, "media-type-added", operation, `${where} ${type}`, "response media type added");
      }
    }
  }
  for (const status of Object.keys(newResponses)) {
    if (!(status in oldResponses))
      change(out, false, "status-added", operation, `response ${status}`, "response status added");
  }
}

/**
 * Every difference between two versions of a document, operation by operation, each with
 * `breaking`, `kind`, `operation` ("GET /path"), `location` and a `message`.
 */
export function diffDocuments(oldDoc: unknown, newDoc: unknown): ApiChange[] {
  const out: ApiChange[] = [];
  const oldOps = new Map(operationsOf(oldDoc).map((o) => [o.key, o]));
  const newOps = new Map(operationsOf(newDoc).map((o) => [o.key, o]));
  for (const [key, oldOp] of oldOps) {
    const newOp = newOps.get(key);
    if (!newOp) {
      change(out, true, "operation-removed", key, "operation", "operation removed");
      continue;
    }
    const ctx: Context = { oldDoc, newDoc, operation: key, out };
    compareParameters(ctx, oldOp, newOp);
    compareRequestBody(ctx, oldOp, newOp);
    compareResponses(ctx, oldOp, newOp);

    const oldAuth = securityKeys(oldDoc, oldOp.security);
    const newAuth = securityKeys(newDoc, newOp.security);
    // Security alternatives are ORed: only losing one breaks a caller ("(none)" = anonymous).
    const lostAuth = oldAuth.filter((k) => !newAuth.includes(k));
    const gainedAuth = newAuth.filter((k) => !oldAuth.includes(k));
    if (oldAuth.length === 0 && newAuth.length > 0) {
      change(out, true, "security-changed", key, "security", "operation now requires authentication");
    } else if (lostAuth.length) {
      change(
        out,
        true,
        "security-changed",
        key,
        "security",
        `security changed: ${describeAuth(lostAuth)} no longer accepted`,
      );
    } else if (gainedAuth.length && oldAuth.length) {
      change(out, false, "security-added", key, "security", `security alternative added: ${describeAuth(gainedAuth)}`);
    }

    if (!oldOp.op.deprecated && newOp.op.deprecated)
      change(out, false, "operation-deprecated", key, "operation", "operation deprecated");
  }
  for (const key of newOps.keys()) {
    if (!oldOps.has(key)) change(out, false, "operation-added", key, "operation", "operation added");
  }
  return out;
}

function describeAuth(keys: readonly string[]): string {
  return keys.map((k) => k.replace(/\{"key":"([^"]*)"[^}]*\}/g, "$1")).join("; ");
}

/** The breaking ones of diffDocuments' changes. */
export function breakingChanges(oldDoc: unknown, newDoc: unknown): ApiChange[] {
  return diffDocuments(oldDoc, newDoc).filter((c) => c.breaking);
}

const ADDED = /-added$/;
const REMOVED = /-removed$/;

/** A markdown changelog section: operations and fields added, changed and removed. */
export function changelogMarkdown(
  changes: readonly ApiChange[],
  { title = "API changes" }: { title?: string } = {},
): string {
  const groups: Record<"Added" | "Changed" | "Removed", string[]> = { Added: [], Changed: [], Removed: [] };
  for (const c of changes) {
    const group = ADDED.test(c.kind) && !c.breaking ? "Added" : REMOVED.test(c.kind) ? "Removed" : "Changed";
    const where = c.location === "operation" ? "" : ` — ${c.location}`;
    groups[group].push(`- ${c.breaking ? "**Breaking:** " : ""}\`${c.operation}\`${where}: ${c.message}`);
  }
  const lines = [`## ${title}`, ""];
  if (changes.length === 0) lines.push("No changes to the API.", "");
  for (const [heading, items] of Object.entries(groups)) {
    if (items.length) lines.push(`### ${heading}`, "", ...items, "");
  }
  return lines.join("\n");
}
