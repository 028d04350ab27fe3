// Property-based tests (fast-check) of every parser in the core that reads untrusted input:
// path templates and values, Retry-After, header values, token answers, query serialisation,
// and the redaction of error bodies. Invariants: only typed errors, no prototype touched,
// bounded time and memory (inputs bounded by size, runs by count), a round trip where there is one.
import fc from "fast-check";
import { shown } from "@mizan/test-helpers/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  InvalidArgumentError,
  apiErrorFor,
  bracketQuery,
  checkHeaderValue,
  checkedPathSerializer,
  parseRetryAfter,
  redact,
  tokenSetOf,
} from "../src/index.js";

// Seeded so that a failure reproduces; the seed and path fast-check prints make it a fixture.
const SEED = 19_2026;
const RUNS = 300;
let checked = 0;
const check = <T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => unknown, runs = RUNS) => {
  fc.assert(
    fc.property(arbitrary, (value) => {
      checked++;
      return predicate(value) !== false; // a predicate fails by returning false or by throwing
    }),
    { seed: SEED, numRuns: runs },
  );
};

const anyChar = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
// Names a hostile server or caller would try; the prototype must stay as it was.
const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "polluted"),
  fc.string({ maxLength: 12 }),
);
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
const untouched = () => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
};
beforeAll(untouched);
afterAll(() => {
  untouched();
  console.log(`[properties] seed ${SEED}: ${checked} generated cases checked across ${RUNS} runs per property`);
});

describe("Retry-After", () => {
  it("is undefined or a finite wait >= 0, whatever the header says", () => {
    check(
      fc.oneof(
        fc.string(),
        fc.stringMatching(/^-?\d{1,400}(\.\d{0,5})?$/),
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      ),
      (header) => {
        const ms = parseRetryAfter(header, 1_700_000_000_000);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      },
    );
  });

  it("reads seconds back as written", () => {
    check(fc.nat({ max: 10_000_000 }), (seconds) => parseRetryAfter(String(seconds)) === seconds * 1000);
  });

  it("reads an HTTP date back as the time until then, 0 when it has passed", () => {
    const now = Date.parse("2026-12-07T12:00:00Z");
    check(fc.integer({ min: -1e10, max: 1e10 }), (offsetS) => {
      const date = new Date(now + offsetS * 1000);
      return parseRetryAfter(date.toUTCString(), now) === Math.max(0, offsetS * 1000);
    });
  });

  it("never reads a negative number as a wait", () => {
    check(fc.integer({ min: -1e9, max: -1 }), (seconds) => parseRetryAfter(String(seconds)) === undefined);
  });
});

describe("header values", () => {
  it("passes exactly what fetch's Headers accepts as it is, and refuses the rest typed, without the value", () => {
    check(
      fc.string({
        unit: fc.oneof(fc.constantFrom("\r", "\n", "\0", "\t", " ", "\u0085", "\u00ff", "\u0100", "\u0663"), anyChar),
        maxLength: 40,
      }),
      (value) => {
        let accepted = true;
        try {
          expect(checkHeaderValue(value, "auth.apiKey")).toBe(value);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as Error).message).toBe("auth.apiKey: a character not allowed in a header");
          accepted = false;
        }
        // fetch trims outer spaces and tabs; anything else it cannot carry throws there.
        let fetchAccepts = true;
        try {
          new Headers({ "x-key": value });
        } catch {
          fetchAccepts = false;
        }
        if (accepted) expect(fetchAccepts).toBe(true);
      },
    );
  });
});

describe("path values", () => {
  const serialize = checkedPathSerializer();
  const base = "https://api.example.test/v2";
  const template = `${base}/api/entity/{entity}/{id}/{level}`;
  const value = fc.oneof(
    fc.constantFrom("", ".", "..", "...", "%2e%2e", "%2E.", "a/../b", "..\\", "?", "#", "//"),
    fc.string({ maxLength: 10 }),
    fc.integer(),
  );

  it("never changes the route: refused typed, or one segment per value that decodes back to it", () => {
    check(fc.record({ entity: value, id: value, level: value }), (params) => {
      let path: string;
      try {
        path = serialize(template, params);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(["", ".", ".."]).toContain(String(params[(error as InvalidArgumentError).field as keyof typeof params]));
        return;
      }
      const url = new URL(path);
      expect(url.origin + url.pathname.slice(0, "/v2/api/entity/".length)).toBe(`${base}/api/entity/`);
      const segments = url.pathname.split("/").slice(4);
      expect(segments.map(decodeURIComponent)).toEqual([params.entity, params.id, params.level].map(String));
    });
  });
});

describe("query serialisation", () => {
  // A reader of the bracket form, as PHP builds $_GET (enough for the round trip).
  const read = (query: string) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const pair of query ? query.split("&") : []) {
      const [rawKey, rawValue = ""] = pair.split("=");
      const [head, ...rest] = rawKey!.split("[");
      const path = [head!, ...rest.map((p) => p.slice(0, -1))].map(decodeURIComponent);
      const list = path.at(-1) === "";
      if (list) path.pop();
      const last = path.pop()!;
      let node = out;
      for (const key of path) node = (node[key] ??= Object.create(null)) as Record<string, unknown>;
      const value = decodeURIComponent(rawValue);
      if (list) ((node[last] ??= []) as unknown[]).push(value);
      else node[last] = value;
    }
    return out;
  };
  const leaf = fc.string({ maxLength: 8 });
  const field = hostileKey.filter((k) => k !== "");
  // (An empty condition has no bracket form: nothing to round-trip.)
  const condition = fc.dictionary(field, fc.oneof(leaf, fc.array(leaf, { minLength: 1, maxLength: 3 })), {
    minKeys: 1,
    maxKeys: 3,
    noNullPrototype: false,
  });
  const query = fc.record({
    page: fc.nat().map(String),
    filter: fc.dictionary(field, condition, { maxKeys: 3, noNullPrototype: false }),
  });

  it("round-trips nested filters, hostile field names included, without touching a prototype", () => {
    check(query, (q) => {
      const parsed = read(bracketQuery(q));
      // Compared as JSON text: key order is kept, and a "__proto__" key is plain data in both.
      expect(JSON.stringify(parsed)).toBe(
        JSON.stringify({ page: q.page, ...(Object.keys(q.filter).length ? { filter: q.filter } : {}) }),
      );
      untouched();
    });
  });

  it("refuses values it cannot write (a Date, a Map, a class instance) with a typed error", () => {
    check(
      fc.constantFrom(new Date(0), new Map(), new (class Thing {})(), /x/),
      (value) => {
        expect(() => bracketQuery({ filter: { created: { gte: value } } })).toThrow(InvalidArgumentError);
      },
      20,
    );
  });
});

describe("token answers", () => {
  it("give a usable token set or nothing, whatever the endpoint sends", () => {
    const now = 1_700_000_000_000;
    const answer = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          access_token: fc.oneof(fc.string(), fc.jsonValue()),
          refresh_token: fc.jsonValue(),
          expires_in: fc.oneof(fc.jsonValue(), fc.double(), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );
    check(answer, (body) => {
      const token = tokenSetOf(body, now);
      if (token === undefined) return;
      expect(typeof token.accessToken).toBe("string");
      expect(token.accessToken.length).toBeGreaterThan(0);
      expect(Number.isFinite(token.expiresAt) && token.expiresAt > now).toBe(true);
      expect(token.refreshToken === undefined || typeof token.refreshToken === "string").toBe(true);
    });
  });
});

describe("error bodies", () => {
  const secret = fc
    .string({
      minLength: 6,
      maxLength: 16,
      unit: fc.oneof(anyChar, fc.constantFrom('"', "\\", "\n", "\u2028", "é", "/", "<")),
    })
    .filter((s) => s.trim().length >= 6);
  // A JSON body with the secrets placed anywhere: in values, in keys, inside longer strings.
  const bodyWith = (secrets: string[]) => {
    const text = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(...secrets),
      fc.constantFrom(...secrets).map((s) => `before ${s} after`),
    );
    return fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        text,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.oneof(hostileKey, text), tie("node"), { maxKeys: 3 }),
      ),
    })).node;
  };

  it("never carry a secret, whatever the body and wherever the secret is, and stay typed", () => {
    check(
      fc
        .array(secret, { minLength: 1, maxLength: 3 })
        .chain((secrets) =>
          fc.tuple(fc.constant(secrets), bodyWith(secrets), fc.constantFrom(400, 401, 404, 429, 500, 503, 418)),
        ),
      ([secrets, body, status]) => {
        const response = new Response(null, { status, headers: { "x-echo": "ok" } });
        const error = apiErrorFor(response, body, { method: "GET", path: "/x" }, {}, secrets);
        expect(error).toBeInstanceOf(ApiError);
        const seen = shown(error);
        for (const s of secrets) expect(seen).not.toContain(s);
        untouched();
      },
      200,
    );
  });

  it("redact is bounded: a body nested far deeper than any real one is cut, not a stack overflow", () => {
    let deep: unknown = "key-123456";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const error = apiErrorFor(new Response(null, { status: 500 }), deep, { method: "GET", path: "/x" }, {}, [
      "key-123456",
    ]);
    expect(shown(error)).not.toContain("key-123456");
    expect(redact({ a: "x key-123456 y" }, ["key-123456"])).toEqual({ a: "x [redacted] y" });
  });
});
