// Spec-driven fuzzing of the mock, as an outside API fuzzer would run it: for every operation of
// every bundled API (read from the bundle the mock serves), seeded requests that the schemas
// call valid, and mutations that each break one thing (wrong types, missing required fields,
// extra, huge, deep and hostile fields, bad JSON and encodings, no credentials, a wrong method),
// against a stateless and a stateful mock started with the public startMock(). Checks: never a
// 5xx; a valid request is accepted (stateless); an invalid one is refused naming the field; every
// answer has a status the operation documents and a body its documented schema accepts; a 405
// says Allow. Bounded by count; seeded, so a run repeats (FUZZ_SEED picks another base seed,
// FUZZ_ALL=1 adds the suffix-less twin paths); seeds that once failed are replayed from
// test/fuzz/fixtures.json, and statuses the spec has yet to list are counted from spec-gaps.json.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deref, operationsOf, securityAlternatives, type OperationEntry } from "@mizan/openapi-tools";
import { documentSchemaCompiler, exampleRequest } from "@mizan/openapi-tools/examples";
import { afterAll, describe, expect, it } from "vitest";
import { availableApis, mockBundleOf, startMock, type RunningMock } from "../dist/index.js";
import { fakeCredentials } from "./credentials.js";
import { deepValue, Generator, propertySchema, seedOf, wrongTypeFor, type Json } from "./fuzz/generate.js";
import { seededRandom as random } from "@mizan/test-helpers/random";

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 1);
/** Valid requests generated per operation and mode (the example request comes on top). */
const VALID_PER_OPERATION = 1;

interface Fixture {
  api: string;
  operation: string;
  seed: number;
  found: string;
}
interface SpecGap {
  api: string;
  operations: string;
  statuses: number[];
  spec: string;
}
/** Statuses the spec has yet to list (branch spec documents them): counted, not failed. */
const specGaps = (JSON.parse(readFileSync(path.join(here, "fuzz", "spec-gaps.json"), "utf8")) as { gaps: SpecGap[] })
  .gaps;
const gapCounts = new Map<SpecGap, number>();
const fixtures = (JSON.parse(readFileSync(path.join(here, "fuzz", "fixtures.json"), "utf8")) as { cases: Fixture[] })
  .cases;

interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** "valid": must be accepted; "invalid": must be refused (naming `field` when set); "any": only the general checks. */
  expect: "valid" | "invalid" | "any";
  field?: string;
  /** False for requests that do not reach the operation (a wrong method). */
  routed: boolean;
}

type Validate = ((value: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
const isObject = (v: unknown): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v);

function casesOf(
  doc: unknown,
  entry: OperationEntry,
  seed: number,
  compile: (schema: unknown) => Validate,
  allMethods: string[],
): Case[] {
  const r = random(seed);
  const generate = new Generator(doc, r, seed);
  const example = exampleRequest(doc, entry);
  const alternative = securityAlternatives(doc, entry.security)[0] ?? [];
  const auth = fakeCredentials(alternative) ?? { headers: {}, query: {} };
  const media = entry.requestMediaType;
  const bodySchema = media
    ? (entry.requestBody as { content: Record<string, { schema?: unknown }> }).content[media]?.schema
    : undefined;
  const bodyRequired = !!(entry.requestBody as { required?: boolean } | undefined)?.required;
  const validateBody = bodySchema ? compile(bodySchema) : undefined;
  const json = !media || /json/i.test(media);
  const params = entry.parameters as {
    name: string;
    in: string;
    required?: boolean;
    style?: string;
    schema?: unknown;
  }[];

  const pathValue = (p: { name: string; schema?: unknown }) => example.params.path[p.name] ?? generate.value(p.schema);
  const build = (
    name: string,
    change: {
      path?: Record<string, string>;
      rawPath?: string;
      query?: Record<string, unknown>;
      body?: Json;
      rawBody?: string;
      headers?: Record<string, string>;
      noAuth?: boolean;
      method?: string;
      expect?: Case["expect"];
      field?: string;
    } = {},
  ): Case => {
    const values: Record<string, unknown> = {};
    for (const p of params.filter((p) => p.in === "path"))
      values[p.name] = change.path?.[p.name] ?? encodeURIComponent(String(pathValue(p)));
    const pathname = change.rawPath ?? entry.path.replace(/\{([^}]+)\}/g, (_, key: string) => String(values[key]));
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries({
      ...example.params.query,
      ...(change.noAuth ? {} : auth.query),
      ...change.query,
    })) {
      if (value === undefined || isObject(value)) continue;
      for (const item of [value].flat()) query.append(key, String(item));
    }
    const body = "body" in change ? change.body : example.body;
    const headers: Record<string, string> = { ...(change.noAuth ? {} : auth.headers), ...change.headers };
    let text = change.rawBody;
    if (text === undefined && body !== undefined && media) {
      if (json) text = JSON.stringify(body);
      else if (/urlencoded/i.test(media) && isObject(body))
        text = new URLSearchParams(
          Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ).toString();
      else if (/multipart/i.test(media) && isObject(body))
        text = `${Object.entries(body)
          .map(
            ([k, v]) =>
              `--FUZZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${typeof v === "string" ? v : JSON.stringify(v)}\r\n`,
          )
          .join("")}--FUZZ--\r\n`;
    }
    if (text !== undefined && media)
      headers["content-type"] ??= /multipart/i.test(media) ? "multipart/form-data; boundary=FUZZ" : media;
    const method = (change.method ?? entry.method).toUpperCase();
    if (method === "GET" || method === "HEAD") text = undefined;
    const search = query.toString();
    // A JSON body's verdict is the schema's own (AJV on the served bundle); forms are only checked generally.
    let verdict = change.expect ?? "valid";
    if (change.expect === undefined && "body" in change && json && validateBody)
      verdict = body === undefined ? (bodyRequired ? "invalid" : "valid") : validateBody(body) ? "valid" : "invalid";
    return {
      name,
      method,
      path: `${pathname}${search ? `?${search}` : ""}`,
      headers,
      body: text,
      expect: verdict,
      field: change.field,
      routed: change.method === undefined,
    };
  };

  const cases: Case[] = [build("example", { expect: json ? "valid" : "any" })];
  for (let i = 0; i < VALID_PER_OPERATION; i++) {
    let body = bodySchema ? generate.value(bodySchema) : undefined;
    // The generator may miss a pattern or a combination: then the documented example stands in.
    if (json && validateBody && !validateBody(body)) body = example.body;
    cases.push(build(`generated ${i}`, { body, expect: json ? "valid" : "any" }));
  }
  if (alternative.length) cases.push(build("no credentials", { noAuth: true, expect: "invalid" }));
  for (const p of params) {
    const schema = deref(doc, p.schema) as { type?: unknown; enum?: unknown[] } | undefined;
    const types = [schema?.type].flat();
    const numeric = (types.includes("integer") || types.includes("number")) && !types.includes("string");
    if (p.in === "path" && numeric)
      cases.push(build(`path ${p.name} not a number`, { path: { [p.name]: "abc" }, expect: "invalid", field: p.name }));
    if (p.in === "path" && types.includes("integer") && !types.includes("string"))
      cases.push(
        build(`path ${p.name} beyond 2^53`, { path: { [p.name]: "99999999999999999999" }, expect: "invalid" }),
      );
    if (p.in === "query" && p.style !== "deepObject" && (numeric || schema?.enum))
      cases.push(
        build(`query ${p.name} of the wrong type`, {
          query: { [p.name]: "not-valid" },
          expect: "invalid",
          field: p.name,
        }),
      );
  }
  if (params.some((p) => p.in === "path"))
    cases.push(
      build("path with bad percent-encoding", {
        rawPath: entry.path.replace(/\{[^}]+\}/, "%E0%A4%A"),
        expect: "invalid",
      }),
    );
  const wrong = allMethods.find((m) => m !== entry.method) ?? "patch";
  cases.push(build(`method ${wrong.toUpperCase()}`, { method: wrong, expect: "any" }));
  if (bodySchema && json) {
    const base = isObject(example.body) ? example.body : {};
    const mutable = isObject(example.body);
    const schema = deref(doc, bodySchema) as { required?: string[] };
    const pickField = (object: Record<string, Json>) =>
      Object.keys(object)[Math.floor(r() * Object.keys(object).length)];
    // One level down when the body wraps its record (Daftra v1 {"Client": {...}}).
    const wrapper =
      Object.keys(base).length === 1 && isObject(Object.values(base)[0]) ? Object.keys(base)[0]! : undefined;
    const inner = wrapper ? (base[wrapper] as Record<string, Json>) : base;
    const put = (key: string, value: Json) =>
      wrapper ? { ...base, [wrapper]: { ...inner, [key]: value } } : { ...base, [key]: value };
    for (const name of mutable ? (schema.required ?? []) : [])
      cases.push(
        build(`without ${name}`, {
          body: Object.fromEntries(Object.entries(base).filter(([k]) => k !== name)),
          field: name,
        }),
      );
    const field = mutable ? pickField(inner) : undefined;
    if (field) {
      const innerSchema = wrapper ? propertySchema(doc, bodySchema, wrapper) : bodySchema;
      const wrongValue = wrongTypeFor(doc, propertySchema(doc, innerSchema, field));
      if (wrongValue !== undefined)
        cases.push(build(`${field} of the wrong type`, { body: put(field, wrongValue), field }));
      if (typeof inner[field] === "string")
        cases.push(build(`${field} 100 KB long`, { body: put(field, "x".repeat(100_000)), field }));
    }
    // The real server ignores fields it does not know, so the mock accepts them (the request
    // schemas stay strict for the clients' types): either answer is right, never a 5xx.
    cases.push(build("an extra field", { body: put("zz_fuzz_extra", 1), expect: "any" }));
    cases.push(
      build("hostile keys", {
        rawBody:
          `{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, ${JSON.stringify(base).slice(1, -1) || '"zz": 1'}}`.replace(
            /, }$/,
            "}",
          ),
        expect: "any",
      }),
    );
    cases.push(
      build("a 2,000-deep extra field", {
        rawBody: JSON.stringify(put("zz_deep", "DEEP")).replace('"DEEP"', deepValue(2000)),
        expect: "any",
      }),
    );
    cases.push(build("not JSON", { rawBody: '{"unterminated": ', expect: "invalid" }));
    cases.push(
      build("not UTF-8", {
        rawBody: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString("latin1"),
        expect: "any",
      }),
    );
  }
  return cases;
}

function documents(statuses: string[], status: number): string | undefined {
  return (
    statuses.find((s) => s === String(status)) ??
    statuses.find((s) => s.toUpperCase() === `${String(status)[0]}XX`) ??
    statuses.find((s) => s === "default")
  );
}

interface Finding {
  api: string;
  mode: string;
  operation: string;
  case: string;
  seed: number;
  problem: string;
}

const totals = {
  requests: 0,
  operations: 0,
  valid: 0,
  invalid: 0,
  other: 0,
  checks: 0,
  byStatus: new Map<number, number>(),
};
const findings: Finding[] = [];
afterAll(() => {
  const statuses = [...totals.byStatus]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}:${n}`)
    .join(" ");
  console.log(
    `[fuzz] base seed ${BASE_SEED}: ${totals.requests} requests over ${totals.operations} operations (stateless; the record-keeping ones stateful too) of ${availableApis().length} APIs; ${totals.valid} valid, ${totals.invalid} invalid, ${totals.other} other; ${totals.checks} checks; ${fixtures.length} fixture seeds replayed; ${findings.length} findings; statuses ${statuses}`,
  );
  for (const [gap, count] of gapCounts)
    console.log(
      `[fuzz] spec gap seen ${count} times (${gap.api} ${gap.operations} ${gap.statuses.join("/")}): ${gap.spec}`,
    );
});

for (const api of availableApis()) {
  describe(`${api}: spec-driven fuzz`, () => {
    const doc = JSON.parse(readFileSync(mockBundleOf(api), "utf8")) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const compile = documentSchemaCompiler(doc) as (schema: unknown) => Validate;
    const entries = operationsOf(doc);
    const responseCheck = new Map<string, Validate | null>();
    const mocks: RunningMock[] = [];
    afterAll(() => Promise.all(mocks.map((m) => m.stop())));

    for (const stateful of [false, true]) {
      const mode = stateful ? "stateful" : "stateless";
      // The two modes run side by side: each has its own mock process.
      it.concurrent(`${mode}: every operation, valid and mutated requests`, async () => {
        const mock = await startMock({ api, stateful });
        mocks.push(mock);
        const local: Finding[] = [];
        const runs: [OperationEntry, number][] = [];
        // Stateful mode changes only the operations that keep records (x-mock-resource); the
        // others answer as in stateless mode and are fuzzed there.
        // Suffix-less twins (x-alias-of: /api2/clients for /api2/clients.json) are the same
        // operations on a second path, which the fast-path test compares; FUZZ_ALL=1 fuzzes them too.
        const fuzzed = (entry: OperationEntry) =>
          process.env.FUZZ_ALL === "1" || !doc.paths[entry.path]?.["x-alias-of"];
        for (const entry of entries)
          if (fuzzed(entry) && (!stateful || (entry.op as Record<string, unknown>)["x-mock-resource"]))
            runs.push([entry, seedOf(BASE_SEED, api, entry.key)]);
        for (const fixture of fixtures.filter((f) => f.api === api)) {
          const entry = entries.find((e) => e.key === fixture.operation);
          if (entry) runs.push([entry, fixture.seed]);
        }
        if (!stateful) totals.operations += runs.length - fixtures.filter((f) => f.api === api).length;
        for (const [entry, seed] of runs) {
          const allMethods = Object.keys(doc.paths[entry.path] ?? {}).filter((m) =>
            ["get", "put", "post", "delete", "patch"].includes(m),
          );
          const statuses = Object.keys((entry.op as { responses?: object }).responses ?? {});
          for (const probe of casesOf(
            doc,
            entry,
            seed,
            compile,
            ["get", "put", "post", "delete", "patch"].filter((m) => !allMethods.includes(m)).concat(allMethods),
          )) {
            const fail = (problem: string) =>
              local.push({ api, mode, operation: entry.key, case: probe.name, seed, problem });
            const response = await fetch(`${mock.url}${probe.path}`, {
              method: probe.method,
              headers: { ...probe.headers, "x-mock-session": `fuzz-${seed}` },
              body: probe.body,
            });
            const text = await response.text();
            totals.requests++;
            totals[probe.expect === "valid" ? "valid" : probe.expect === "invalid" ? "invalid" : "other"]++;
            totals.byStatus.set(response.status, (totals.byStatus.get(response.status) ?? 0) + 1);
            totals.checks++;
            if (response.status >= 500) {
              fail(`${response.status}: ${text.slice(0, 200)}`);
              continue;
            }
            if (response.status === 405) {
              totals.checks++;
              if (!response.headers.get("allow")) fail("405 without an Allow header (RFC 9110 §15.5.6)");
            }
            if (!probe.routed) continue;
            totals.checks += 2;
            const documented = documents(statuses, response.status);
            // In stateful mode a valid request can meet a missing record: any documented status is right.
            if (probe.expect === "valid" && !stateful && response.status >= 400)
              fail(`a valid request refused with ${response.status}: ${text.slice(0, 300)}`);
            // An API that reports errors with 200 (VMSAlpha) refuses with `success: false`.
            const refused = response.status >= 400 || /^\{"success":(false|0|"0")\b/.test(text);
            if (probe.expect === "invalid" && !refused) fail(`an invalid request accepted with ${response.status}`);
            if (
              probe.expect === "invalid" &&
              refused &&
              probe.field &&
              response.status !== 401 &&
              response.status !== 403 &&
              !text.includes(probe.field)
            )
              fail(`refused with ${response.status} without naming ${probe.field}: ${text.slice(0, 200)}`);
            if (!documented) {
              const gap = specGaps.find(
                (g) =>
                  g.api === api && g.statuses.includes(response.status) && new RegExp(g.operations).test(entry.key),
              );
              if (gap) {
                gapCounts.set(gap, (gapCounts.get(gap) ?? 0) + 1);
                continue;
              }
              fail(
                `status ${response.status} is not documented for the operation (documented: ${statuses.join(", ")}): ${text.slice(0, 160)}`,
              );
              continue;
            }
            const key = `${entry.key} ${documented}`;
            if (!responseCheck.has(key)) {
              const content =
                (
                  deref(doc, (entry.op as { responses: Record<string, unknown> }).responses[documented]) as {
                    content?: Record<string, { schema?: unknown }>;
                  }
                ).content ?? {};
              const schema = Object.entries(content).find(([type]) => /json/i.test(type))?.[1]?.schema;
              responseCheck.set(key, schema ? compile(schema) : null);
            }
            const validate = responseCheck.get(key);
            if (validate && /json/i.test(response.headers.get("content-type") ?? "")) {
              totals.checks++;
              let body: unknown;
              try {
                body = JSON.parse(text);
              } catch {
                fail(`${response.status}: a JSON content type with a body that is not JSON`);
                continue;
              }
              if (!validate(body))
                fail(
                  `${response.status} body does not match its documented schema: ${(validate.errors ?? [])
                    .slice(0, 2)
                    .map((e) => `${e.instancePath || "/"} ${e.message}`)
                    .join("; ")}; body ${text.slice(0, 160)}`,
                );
            }
          }
        }
        findings.push(...local);
        // Findings grouped by kind, for the log: the same defect shows on many operations.
        const groups = new Map<string, { count: number; first: Finding }>();
        for (const f of local) {
          const kind = `${f.case
            .replace(/^generated \d+$/, "generated")
            .replace(/^(path|query) \S+/, "$1 <param>")
            .replace(/^without \S+/, "without <required>")
            .replace(
              /^\S+ (of the wrong type|100 KB long)$/,
              "<field> $1",
            )} -> ${f.problem.replace(/:.*$/s, "").replace(/\d{4,}/g, "N")}`;
          const group = groups.get(kind) ?? { count: 0, first: f };
          group.count++;
          groups.set(kind, group);
        }
        for (const [kind, { count, first }] of [...groups].sort((a, b) => b[1].count - a[1].count))
          console.log(
            `[fuzz] ${api} ${mode}: ${count} x ${kind} (e.g. ${first.operation}, seed ${first.seed}: ${first.problem.slice(0, 200)})`,
          );
        expect(
          local.map((f) => `${f.operation} [${f.case}, seed ${f.seed}] ${f.problem}`).slice(0, 40),
          `${local.length} findings`,
        ).toEqual([]);
      }, 600_000);
    }
  });
}
