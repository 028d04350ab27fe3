// Prototype pollution: request-chosen keys (bracket queries, form fields, JSON bodies, headers,
// Prefer, stored records, filters and sort) must never reach a prototype. The server runs in this
// very process, so the test can look at Object.prototype itself, then at what the next requests get.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mockBundleOf, SESSION_HEADER } from "../src/index.js";
import { serve, type RunningServer } from "../src/server.js";

const HOSTILE_QUERIES = [
  "filter[__proto__][prefer]=code=503",
  "filter[or][__proto__][prefer]=code=503",
  "filter[constructor][prototype][prefer]=code=503",
  "sort[__proto__][x-mock-session]=P",
  "sort[constructor][prototype][x-mock-session]=P",
  "filter[name][__proto__][]=x",
];
const PLANTED = ["prefer", "x-mock-session", "polluted", "apikey", "authorization", "x"];
const baseline = Object.getOwnPropertyNames(Object.prototype).sort();

function expectPrototypesClean() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
  for (const name of PLANTED) expect(({} as Record<string, unknown>)[name], name).toBeUndefined();
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain("polluted");
}

/** A raw request, so header names Node's client would refuse (`__proto__`) go out as written. */
function raw(url: string, lines: string[], body = ""): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1", () =>
      socket.end(
        `${lines.join("\r\n")}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      ),
    );
    let text = "";
    socket.on("data", (b: Buffer) => (text += b.toString()));
    socket.on("end", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.on("error", reject);
  });
}

for (const stateful of [false, true]) {
  describe(`hostile keys through every parser (${stateful ? "stateful" : "stateless"})`, () => {
    let mock: RunningServer;
    const auth = { apikey: "test-key" };
    beforeAll(async () => {
      mock = await serve({ specFile: mockBundleOf("daftra"), port: 0, stateful });
    });
    afterAll(() => mock.close());
    afterEach(expectPrototypesClean);

    it.each(HOSTILE_QUERIES)(
      "a bracket query %s is refused with 400 naming the parameter, with or without credentials",
      async (query) => {
        for (const headers of [{}, auth]) {
          const response = await fetch(`${mock.url}/v2/api/entity/brand/list/1?${query}`, { headers });
          const text = await response.text();
          if (Object.keys(headers).length) {
            expect(response.status).toBe(400);
            expect(text).toMatch(
              /(filter|filter\[or\]|sort)\[[^"]*: \\"(__proto__|constructor|prototype)\\" cannot be a key of (filter|filter\[or\]|sort)/,
            );
          } else {
            // Without credentials the answer is a refusal either way: never a 2xx, never a 5xx.
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
          }
        }
      },
    );

    it("form fields, JSON bodies, headers and Prefer carrying hostile keys", async () => {
      const form =
        "grant_type=password&client_id=1&client_secret=s&username=u&password=p&__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x";
      await fetch(`${mock.url}/v2/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      });
      const multipart = new FormData();
      for (const name of ["__proto__", "constructor", "prototype", "__proto__[polluted]"]) multipart.append(name, "1");
      await fetch(`${mock.url}/v2/oauth/token`, { method: "POST", body: multipart });
      const json =
        '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "Client": {"business_name": "x", "__proto__": {"polluted": 1}}}';
      for (const path of ["/api2/clients.json", "/v2/api/entity/brand"])
        await fetch(`${mock.url}${path}`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: json,
        });
      await fetch(`${mock.url}/api2/clients.json`, {
        headers: { ...auth, prefer: "__proto__=x, constructor=y, prototype=z, polluted=1" },
      });
      for (const name of ["__proto__", "constructor", "prototype", "polluted"]) {
        const answer = await raw(mock.url, [
          "GET /api2/clients.json HTTP/1.1",
          "host: 127.0.0.1",
          "apikey: k",
          `${name}: polluted`,
        ]);
        expect(answer.status).toBe(200);
      }
      const queried = await fetch(`${mock.url}/api2/clients.json?__proto__=1&__proto__=2&constructor=x`, {
        headers: auth,
      });
      expect(queried.status).toBeLessThan(500);
    });

    it("answers the next requests as before: no forced status, no borrowed session", async () => {
      // A record only session P can see.
      if (stateful) {
        const created = await fetch(`${mock.url}/v2/api/entity/brand`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json", [SESSION_HEADER]: "P" },
          body: JSON.stringify({ name: "P's brand" }),
        });
        expect(created.status).toBeLessThan(300);
      }
      for (const query of HOSTILE_QUERIES)
        await fetch(`${mock.url}/v2/api/entity/brand/list/1?${query}`, { headers: auth });
      const list = await fetch(`${mock.url}/v2/api/entity/brand/list/1`, { headers: auth });
      expect(list.status).toBe(200);
      expect(await list.text()).not.toContain("P's brand");
      const v1 = await fetch(`${mock.url}/api2/clients.json`, { headers: auth });
      expect(v1.status).toBe(200);
    });
  });
}
