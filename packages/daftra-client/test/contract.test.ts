// The client's own behaviour against the Prism mock, over HTTP: token requests and credentials
// end to end. Every operation's documented answers are checked by operations.contract.test.ts,
// and the mock's own behaviour by packages/mock/test.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDaftraClient, requestAccessToken, type DaftraAuth } from "../src/index.js";

const baseUrl = inject("mockUrl");
const login = {
  clientId: "1",
  clientSecret: "test-client-secret",
  username: "owner@example.test",
  password: "test-password",
};

/** A fetch that records the headers of every request it forwards. */
function recordingFetch() {
  const seen: Request[] = [];
  const fetchFn = (input: Request) => {
    seen.push(input.clone());
    return fetch(input);
  };
  return { seen, fetch: fetchFn };
}

describe("POST /v2/oauth/token", () => {
  it.each(["multipart", "json"] as const)("issues a token for a %s body", async (encoding) => {
    const rec = recordingFetch();
    const client = createDaftraClient({ baseUrl, fetch: rec.fetch });
    const { data, error, response } = await requestAccessToken(client, login, { encoding });

    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      token_type: "Bearer",
      access_token: expect.any(String),
      expires_in: expect.any(Number),
    });
    const sent = rec.seen[0]!;
    expect(sent.headers.get("content-type")).toMatch(
      encoding === "multipart" ? /^multipart\/form-data; boundary=/ : /^application\/json/,
    );
    // The token endpoint is public: no credential header may leak onto it.
    expect(sent.headers.get("apikey")).toBeNull();
    expect(sent.headers.get("authorization")).toBeNull();
  });

  it("checks its arguments before sending anything", () => {
    const client = createDaftraClient({ baseUrl });
    expect(() => requestAccessToken(client, { ...login, password: "" })).toThrow(/password/);
  });
});

const modes: [string, () => DaftraAuth][] = [];
let accessToken = "";
beforeAll(async () => {
  const { data } = await requestAccessToken(createDaftraClient({ baseUrl }), login);
  accessToken = data!.access_token;
});
modes.push(["an API key", () => ({ apiKey: "test-api-key" })], ["a Bearer token", () => ({ accessToken })]);

describe.each(modes)("resources with %s", (_label, auth) => {
  function client() {
    const rec = recordingFetch();
    return { rec, daftra: createDaftraClient({ baseUrl, auth: auth(), fetch: rec.fetch }) };
  }

  function expectOneCredential(request: Request) {
    const credentials = auth();
    if (credentials.apiKey !== undefined) {
      expect(request.headers.get("apikey")).toBe(credentials.apiKey);
      expect(request.headers.get("authorization")).toBeNull();
    } else {
      expect(request.headers.get("authorization")).toBe(`Bearer ${credentials.accessToken}`);
      expect(request.headers.get("apikey")).toBeNull();
    }
  }

  it("lists clients with the query it was given and one credential", async () => {
    const { daftra, rec } = client();
    const { data, error, response } = await daftra.GET("/api2/clients.json", {
      params: { query: { page: 1, limit: 20 } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data!.data.length).toBeGreaterThan(0);
    expect(data!.data[0]!.Client.business_name).toEqual(expect.any(String));
    expect(data!.pagination).toMatchObject({
      page: 1,
      page_count: expect.any(Number),
      total_results: expect.any(Number),
    });
    expect(new URL(rec.seen[0]!.url).search).toBe("?page=1&limit=20");
    expectOneCredential(rec.seen[0]!);
  });
});
