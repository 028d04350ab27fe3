// The mock under hostile or careless clients: huge bodies, slow headers, bad encoding, long
// proxy sessions; and its own errors in each API's documented shape. Real servers on 127.0.0.1.
import { readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { getApi } from "@mizan/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorShapeOf } from "../src/index.js";
import { startMock, type RunningMock } from "./serve.js";

const MAX_BODY = 1024 * 1024;

/** POSTs a body in 64 KiB chunks until the server answers; resolves with the status and bytes sent. */
function streamUntilAnswered(url: string, maxBytes: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(`${url}/api2/clients.json`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode!, sent });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      if (answered || sent >= maxBytes) return;
      sent += chunk.length;
      req.write(chunk, () => setTimeout(pump, 5));
    };
    req.write("[");
    pump();
  });
}

describe("a Daftra mock with tight limits", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", maxBodyBytes: MAX_BODY, headersTimeoutMs: 1000, requestTimeoutMs: 3000 });
  });
  afterAll(() => mock.stop());

  it("refuses a body whose Content-Length is over the limit before reading it", async () => {
    // Only one byte of the announced 500 MB is ever sent.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${mock.url}/api2/clients.json`, {
        method: "POST",
        headers: { apikey: "k", "content-type": "application/json", "content-length": String(500 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (b: Buffer) => (text += b.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on("error", reject);
      req.write("{");
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({
      result: "failed",
      code: 413,
      message: expect.stringMatching(/larger than the mock's limit of 1048576 bytes/),
    });
  });

  it("stops reading a streamed body at the limit, answers 413, and serves others meanwhile", async () => {
    const streaming = streamUntilAnswered(mock.url, 200 * MAX_BODY);
    const other = await fetch(`${mock.url}/api2/site_info.json`, { headers: { apikey: "k" } });
    expect(other.status).toBe(200);
    const { status, sent } = await streaming;
    expect(status).toBe(413);
    expect(sent).toBeLessThan(20 * MAX_BODY);
    expect((await fetch(`${mock.url}/__mock/health`)).status).toBe(200);
  });

  it.each(["/api2/clients%ZZ.json", "/api2/clients%.json"])(
    "answers 400 for malformed percent-encoding in %s",
    async (p) => {
      const response = await fetch(`${mock.url}${p}`, { headers: { apikey: "k" } });
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(/not valid percent-encoding/);
    },
  );

  it("refuses a body that is not JSON in Daftra's shape", async () => {
    const response = await fetch(`${mock.url}/api2/clients.json`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      result: "failed",
      code: 400,
      message: "The request body is not valid JSON.",
    });
  });

  it("reflects the origin and says it varies with it", async () => {
    const response = await fetch(`${mock.url}/api2/site_info.json`, {
      headers: { apikey: "k", origin: "http://app.test" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://app.test");
    expect(response.headers.get("vary")).toMatch(/Origin/);
  });

  it("cuts off a client that never finishes its headers", async () => {
    const started = Date.now();
    const closed = await new Promise<string>((resolve, reject) => {
      const socket = connect(mock.port, "127.0.0.1", () =>
        socket.write("GET /api2/site_info.json HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: k\r\n"),
      );
      let received = "";
      socket.on("data", (b) => (received += b.toString()));
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      setTimeout(() => reject(new Error("still connected after 15 s")), 15_000).unref();
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(closed === "" || /^HTTP\/1\.1 408/.test(closed)).toBe(true);
  });

  it("keeps the last 1,000 violations, counts them all, and clears them", async () => {
    await mock.clearViolations();
    const invalid = () =>
      fetch(`${mock.url}/api2/invoices.json?limit=5000`, { headers: { apikey: "k" } }).then((r) => r.arrayBuffer());
    for (let batch = 0; batch < 55; batch++) await Promise.all(Array.from({ length: 20 }, invalid));
    const log = await mock.violationLog();
    expect(log.total).toBe(1100);
    expect(log.dropped).toBe(100);
    expect(log.violations).toHaveLength(1000);
    expect((await mock.violations())[0]).toMatchObject({ side: "request", path: "/api2/invoices.json" });
    await mock.clearViolations();
    expect(await mock.violationLog()).toEqual({ total: 0, dropped: 0, violations: [] });
  });
});

describe("the mock's own errors in each API's documented shape", () => {
  const shapeOf = (api: string) => errorShapeOf(JSON.parse(readFileSync(getApi(api).mockBundle, "utf8")));

  it("VMSAlpha: success false with an errors object, sent with 200 as the API does", () => {
    const answer = shapeOf("vmsalpha")(413, "too large");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: false,
      errors: { message: "too large", type: expect.any(String), code: expect.any(String) },
    });
  });

  it("EnKash: its ErrorResponse inside the envelope, with the real status", () => {
    const answer = shapeOf("enkash-ar")(413, "too large");
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      errorResponse: { errorMessage: "too large", errorType: expect.any(String), apiSubErrors: [] },
      response_code: 413,
      response_message: "Payload Too Large",
    });
  });

  it("Daftra: result failed with the status as code", () => {
    expect(shapeOf("daftra")(401, "two credentials")).toEqual({
      status: 401,
      body: { result: "failed", code: 401, message: "two credentials" },
    });
  });

  it("a server failure in a request error's frame leaves out the emptied field map; lists stay", () => {
    // Daftra v1: a 413 keeps the 400's (empty) validation_errors, a 503 leaves it out (optional in its schema).
    expect(shapeOf("daftra")(413, "too large").body).toHaveProperty("validation_errors", {});
    expect(shapeOf("daftra")(503, "down")).toEqual({
      status: 503,
      body: { result: "failed", code: 503, message: "down" },
    });
    // EnKash's list of sub-errors is part of its frame, also on a 503.
    expect(shapeOf("enkash-ar")(503, "down").body).toMatchObject({ errorResponse: { apiSubErrors: [] } });
  });

  it.each([
    [
      "vmsalpha",
      200,
      (body: any) =>
        expect(body).toMatchObject({ success: false, errors: { message: expect.stringMatching(/not valid JSON/) } }),
    ],
    ["enkash-ar", 400, (body: any) => expect(body.errorResponse.errorMessage).toMatch(/not valid JSON/)],
  ])("%s answers a bad JSON body in its own shape", async (api, status, check) => {
    const mock = await startMock({ api });
    try {
      const response = await fetch(`${mock.url}/anything`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      expect(response.status).toBe(status);
      const body = await response.json();
      check(body);
      expect(body).not.toHaveProperty("result");
    } finally {
      await mock.stop();
    }
  });
});

describe("proxy mode and invalid requests", () => {
  let upstreamHits = 0;
  const upstream = createServer((req, res) => {
    upstreamHits++;
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 200, result: "successful", data: [] }));
  });
  let upstreamUrl: string;
  beforeAll(async () => {
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => upstream.close(() => r())));
  const invalidClient = (url: string) =>
    fetch(`${url}/api2/clients.json`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json" },
      body: JSON.stringify({ Client: { type: 7 } }),
    });

  it("forwards invalid requests by default", async () => {
    const proxy = await startMock({ upstream: upstreamUrl });
    try {
      upstreamHits = 0;
      expect((await invalidClient(proxy.url)).status).toBe(200);
      expect(upstreamHits).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it("refuses them with the validation error when asked to, and forwards valid ones", async () => {
    const proxy = await startMock({ upstream: upstreamUrl, refuseInvalid: true });
    try {
      upstreamHits = 0;
      const refused = await invalidClient(proxy.url);
      expect(refused.status).toBe(400);
      expect((await refused.json()).validation_errors.type).toMatch(/^Please choose one of: /);
      expect(upstreamHits).toBe(0);
      expect((await fetch(`${proxy.url}/api2/clients.json`, { headers: { apikey: "k" } })).status).toBe(200);
      expect(upstreamHits).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe("what an outside API fuzzer found", () => {
  let daftra: RunningMock;
  let vms: RunningMock;
  beforeAll(async () => {
    [daftra, vms] = await Promise.all([startMock({ api: "daftra" }), startMock({ api: "vmsalpha" })]);
  });
  afterAll(() => Promise.all([daftra.stop(), vms.stop()]));
  const auth = { apikey: "k" };

  it("405 says which methods the path has (RFC 9110 §15.5.6)", async () => {
    const response = await fetch(`${daftra.url}/api2/clients.json`, { method: "PATCH", headers: auth });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST, HEAD");
  });

  it("refuses a JSON body nested 100,000 deep with a 400 naming the limit, not a 500", async () => {
    const body = `{"Client": {"business_name": "x", "deep": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const response = await fetch(`${daftra.url}/api2/clients.json`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toBe("The request body nests deeper than the mock's limit of 64 levels.");
  });

  it("reads a multipart file part without a Content-Type on the token endpoint (was a 500 '…reading trim')", async () => {
    const body =
      '--B\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\npassword\r\n--B\r\nContent-Disposition: form-data; name="username"; filename="u.txt"\r\n\r\nu\r\n--B--\r\n';
    const response = await fetch(`${daftra.url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=B" },
      body,
    });
    expect(response.status).toBeLessThan(500);
    expect([400, 401]).toContain(response.status);
  });

  it("ignores a Content-Type that is no media type on a request without a body, and refuses it with one", async () => {
    expect((await fetch(`${daftra.url}/api2/clients.json`, { headers: { ...auth, "content-type": "!" } })).status).toBe(
      200,
    );
    const refused = await fetch(`${daftra.url}/api2/clients.json`, {
      method: "POST",
      headers: { ...auth, "content-type": "!" },
      body: "{}",
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/^Content-Type: "!" is not a media type/);
  });

  it("answers an id beyond 2^53, a non-numeric id and a bad percent-encoding with the documented 404", async () => {
    for (const id of ["99999999999999999999", "abc", "%E0%A4%A"]) {
      const response = await fetch(`${daftra.url}/api2/clients/${id}.json`, { method: "DELETE", headers: auth });
      expect(response.status, id).toBe(404);
    }
  });

  it("answers invalid JSON on a v2 write that documents only 422 with 422", async () => {
    const response = await fetch(`${daftra.url}/v2/api/entity/brand`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: '{"name": ',
    });
    expect(response.status).toBe(422);
  });

  it("VMSAlpha: no token gives the documented missingToken answer; a validation error keeps message, type and code", async () => {
    const doc = JSON.parse(readFileSync(getApi("vmsalpha").mockBundle, "utf8"));
    const response = await fetch(`${vms.url}/v1/get/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(doc.components.examples.MissingToken.value);
    const refused = await fetch(`${vms.url}/v1/oauth/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    const body = await refused.json();
    expect(body).toMatchObject({
      success: false,
      errors: {
        message: expect.stringMatching(/username/),
        type: expect.stringMatching(/^(OAuthException|APIMethodException)$/),
        code: expect.stringMatching(/^\d{4}$/),
      },
    });
    expect(Object.keys(body.errors).sort()).toEqual(["code", "message", "type"]);
  });
});
