// Which credential each operation gets, as the spec says, with a recording fetch.
import { describe, expect, it } from "vitest";
import { createEnkashArClient, InvalidArgumentError, toUrlEncoded } from "../src/index.js";
import { shown } from "@mizan/test-helpers/errors";

function recording() {
  const seen: Request[] = [];
  const fetch = async (request: Request) => {
    seen.push(request.clone());
    return new Response(JSON.stringify({ response_code: 200, response_message: "Success", payload: null }), {
      headers: { "content-type": "application/json" },
    });
  };
  return { seen, fetch };
}
const auth = { basic: { username: "CEKCLIENT1", password: "test-secret" }, accessToken: "test-access-token" };

describe("createEnkashArClient", () => {
  it("sends HTTP Basic and a urlencoded form to the token endpoint", async () => {
    const rec = recording();
    const enkash = createEnkashArClient({ baseUrl: "https://ar.example.test", auth, fetch: rec.fetch });
    await enkash.POST("/oauth/token", {
      body: { username: "accounts@example.test", password: "pw", grant_type: "password", clientId: "CEKCLIENT1" },
      bodySerializer: toUrlEncoded,
    });
    const sent = rec.seen[0]!;
    expect(sent.headers.get("authorization")).toBe(`Basic ${btoa("CEKCLIENT1:test-secret")}`);
    expect(sent.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(await sent.text()).toContain("grant_type=password");
  });

  it("types data as defined on a client created with throwOnError: true (checked by tsc)", async () => {
    const enkash = createEnkashArClient({
      baseUrl: "https://ar.example.test",
      auth,
      fetch: recording().fetch,
      throwOnError: true,
    });
    const { data } = await enkash.POST("/oauth/token", {
      body: { username: "u", password: "p", grant_type: "password", clientId: "c" },
      bodySerializer: toUrlEncoded,
    });
    const body: object = data; // no `data!`
    expect(body).toMatchObject({ response_code: 200 });
  });

  it("sends the Bearer token to the AR operations", async () => {
    const rec = recording();
    const enkash = createEnkashArClient({ baseUrl: "https://ar.example.test/", auth, fetch: rec.fetch });
    await enkash.GET("/api/v0/invoice/{invoiceId}", { params: { path: { invoiceId: "INV-1" } } });
    expect(rec.seen[0]!.url).toBe("https://ar.example.test/api/v0/invoice/INV-1");
    expect(rec.seen[0]!.headers.get("authorization")).toBe("Bearer test-access-token");
  });

  it("refuses bad options before sending anything", () => {
    expect(() => createEnkashArClient({ baseUrl: "ar.example.test" })).toThrow(/absolute http/);
    expect(() =>
      createEnkashArClient({ baseUrl: "https://a.example", auth: { basic: { username: "", password: "x" } } }),
    ).toThrow(/client id/);
    expect(() => createEnkashArClient({ baseUrl: "https://a.example", auth: { accessToken: "" } })).toThrow(
      /accessToken/,
    );
  });
});

describe("credentials a header cannot carry", () => {
  it("refuses an access token with CR/LF when the client is created, naming the field, never the value", () => {
    let error: unknown;
    try {
      createEnkashArClient({ baseUrl: "https://ar.example.test", auth: { accessToken: "tok-123456\r\nx-evil: 1" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: "auth.accessToken" });
    expect(shown(error)).not.toContain("123456");
  });
});
