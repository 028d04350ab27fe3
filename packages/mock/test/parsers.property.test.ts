// Property-based tests of every parser of untrusted input in the mock: Prefer, form bodies
// (urlencoded and multipart), header values and query strings. Invariants: a parser answers or
// throws its own typed error; the server answers a 4xx at worst, never a 5xx; no prototype is
// touched; output stays proportional to input. Seeded and bounded by count, so a run repeats.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultOptionError, preference, requestedCode, requestedDelay } from "../src/faults.js";
import { mockBundleOf } from "../src/index.js";
import { serve, type RunningServer } from "../src/server.js";
import { formFields } from "../src/state.js";

const SEED = 7122026;
const baseline = Object.getOwnPropertyNames(Object.prototype).sort();
const counts = { unit: 0, http: 0, statuses: new Map<number, number>() };
afterAll(() => {
  const statuses = [...counts.statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}x${n}`)
    .join(" ");
  console.log(
    `[mock parser properties] seed ${SEED}: ${counts.unit} parser cases, ${counts.http} HTTP requests (statuses ${statuses})`,
  );
});

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
  for (const name of ["prefer", "polluted", "x-mock-session", "apikey"])
    expect(({} as Record<string, unknown>)[name]).toBeUndefined();
}

const tricky = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "code",
  "delay",
  "example",
  "dynamic",
  "=",
  ";",
  ",",
  '"',
  "",
  " ",
  "999",
  "302",
  "-1",
  "1e3",
  "0x10",
  "503",
  "200",
  "\t",
  "é",
  "%00",
);
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join("")),
  );
/** What Node's HTTP client lets through as a header value: tab, printable ASCII and Latin-1. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\t\x20-\x7e\x80-\xff]{0,60}$/),
  fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join("").replace(/[^\t\x20-\x7e\x80-\xff]/g, "")),
);

describe("Prefer parsing", () => {
  it("reads a preference, a delay or a code, or throws a FaultOptionError naming the preference", () => {
    fc.assert(
      fc.property(
        fc.oneof(text(80), fc.array(text(30), { maxLength: 3 })),
        fc.array(fc.constantFrom("200", "201", "404", "4XX", "default", "302"), { maxLength: 4 }),
        (header, statuses) => {
          counts.unit++;
          const value = preference(header, "code");
          expect(value === undefined || typeof value === "string").toBe(true);
          for (const read of [() => requestedDelay(header), () => requestedCode(header, statuses)]) {
            try {
              const n = read();
              expect(n === undefined || (Number.isInteger(n) && n >= 0)).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(FaultOptionError);
              expect((error as Error).message).toMatch(/^Prefer: (delay|code) must be/);
            }
          }
          expectPrototypeUntouched();
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe("form bodies", () => {
  const name = fc.oneof(tricky, fc.string({ maxLength: 12 }));
  const multipart = fc
    .tuple(
      fc.array(
        fc.tuple(
          name,
          text(20),
          fc.constantFrom(
            "",
            '; filename="f.txt"',
            "; filename=",
            "\r\nContent-Type: text/plain",
            '; filename="x"\r\nContent-Type: ',
          ),
          fc.boolean(),
        ),
        { maxLength: 5 },
      ),
      fc.boolean(),
    )
    .map(([parts, closed]) => {
      const body = parts
        .map(
          ([field, value, extra, quoted]) =>
            `--B\r\nContent-Disposition: form-data; name=${quoted ? `"${field}"` : field}${extra}\r\n\r\n${value}\r\n`,
        )
        .join("");
      return body + (closed ? "--B--\r\n" : "");
    });

  it("urlencoded: every field read into a null-prototype object, never more fields than pairs", async () => {
    await fc.assert(
      fc.asyncProperty(text(120), async (body) => {
        counts.unit++;
        const fields = (await formFields(body, "application/x-www-form-urlencoded"))!;
        expect(Object.getPrototypeOf(fields)).toBeNull();
        expect(Object.keys(fields).length).toBeLessThanOrEqual(body.split("&").length);
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("multipart: fields in a null-prototype object, or the platform's TypeError for a body it cannot read", async () => {
    await fc.assert(
      fc.asyncProperty(multipart, async (body) => {
        counts.unit++;
        try {
          const fields = (await formFields(body, "multipart/form-data; boundary=B"))!;
          expect(Object.getPrototypeOf(fields)).toBeNull();
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("the server under any header value, query and form body", () => {
  let mock: RunningServer;
  beforeAll(async () => {
    mock = await serve({ specFile: mockBundleOf("daftra"), port: 0, stateful: true });
  });
  afterAll(() => mock.close());

  async function send(path: string, init: RequestInit): Promise<number> {
    counts.http++;
    const response = await fetch(`${mock.url}${path}`, init);
    await response.arrayBuffer();
    counts.statuses.set(response.status, (counts.statuses.get(response.status) ?? 0) + 1);
    return response.status;
  }

  it("header values (Prefer, session, credentials, content type, accept) never make a 5xx", async () => {
    const headers = fc.record(
      {
        prefer: headerValue,
        "x-mock-session": headerValue,
        apikey: headerValue,
        authorization: headerValue,
        accept: headerValue,
        "content-type": headerValue,
      },
      { requiredKeys: [] },
    );
    const target = fc.constantFrom(
      ["GET", "/api2/clients.json"],
      ["GET", "/v2/api/entity/brand/list/1"],
      ["POST", "/api2/clients.json"],
      ["POST", "/v2/oauth/token"],
    );
    await fc.assert(
      fc.asyncProperty(target, headers, async ([method, path], chosen) => {
        // The Prefer delay is bounded so a run is bounded by count, not by what it draws.
        const prefer = chosen.prefer?.replace(/delay/gi, "d");
        const status = await send(path, {
          method,
          headers: { ...chosen, ...(prefer === undefined ? {} : { prefer }) },
          body: method === "POST" ? '{"Client":{"business_name":"x"}}' : undefined,
        });
        expect(status, JSON.stringify(chosen)).toBeLessThan(500);
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: 250 },
    );
  });

  it("query strings on a filtered list never make a 5xx", async () => {
    const key = fc
      .tuple(
        fc.constantFrom("filter", "filter[or]", "sort", "page", "per_page", "__proto__", ""),
        fc.array(fc.oneof(tricky, fc.string({ maxLength: 6 })), { maxLength: 4 }),
      )
      .map(([n, path]) => `${n}${path.map((s) => `[${s}]`).join("")}`);
    const query = fc
      .array(fc.tuple(key, text(12)), { maxLength: 8 })
      .map((pairs) => new URLSearchParams(pairs).toString());
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (q, credentials) => {
        const status = await send(`/v2/api/entity/brand/list/1?${q}`, { headers: credentials ? { apikey: "k" } : {} });
        expect(status, q).toBeLessThan(500);
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: 250 },
    );
  });

  it("form bodies on the token endpoint never make a 5xx", async () => {
    const part = fc.tuple(
      fc.oneof(tricky, fc.constantFrom("grant_type", "username", "password", "client_id", "client_secret")),
      text(16),
      fc.constantFrom("", '; filename="a.txt"', '; filename="a.txt"\r\nContent-Type: text/plain'),
    );
    const body = fc.oneof(
      fc
        .array(fc.tuple(fc.string({ maxLength: 10 }), text(10)), { maxLength: 6 })
        .map((pairs) => ["application/x-www-form-urlencoded", new URLSearchParams(pairs).toString()] as const),
      fc
        .array(part, { maxLength: 5 })
        .map(
          (parts) =>
            [
              "multipart/form-data; boundary=B",
              `${parts.map(([n, v, extra]) => `--B\r\nContent-Disposition: form-data; name="${n}"${extra}\r\n\r\n${v}\r\n`).join("")}--B--\r\n`,
            ] as const,
        ),
    );
    await fc.assert(
      fc.asyncProperty(body, async ([type, payload]) => {
        const status = await send("/v2/oauth/token", {
          method: "POST",
          headers: { "content-type": type },
          body: payload,
        });
        expect(status, payload).toBeLessThan(500);
        expectPrototypeUntouched();
      }),
      { seed: SEED, numRuns: 250 },
    );
  });
});
