// VMSAlpha answers errors with HTTP 200: the client must turn `success: false` into a typed error.
import { describe, expect, inject, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  createVmsalphaClient,
  InvalidArgumentError,
  NotFoundError,
  toUrlEncoded,
} from "../src/index.js";
import { shown } from "@mizan/test-helpers/errors";

const mockUrl = inject("mockUrl");

describe("typed errors on HTTP 200", () => {
  it("returns the data of a successful call", async () => {
    const vms = createVmsalphaClient({ baseUrl: mockUrl, auth: { accessToken: "test-access-token" } });
    const { data, response } = await vms.GET("/v1/get/");
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ success: true });
  });

  it("types data as defined on a client created with throwOnError: true (checked by tsc)", async () => {
    const vms = createVmsalphaClient({
      baseUrl: mockUrl,
      auth: { accessToken: "test-access-token" },
      throwOnError: true,
    });
    const { data } = await vms.GET("/v1/get/");
    const body: object = data; // no `data!`
    expect(body).toMatchObject({ success: true });
  });

  it("throws the typed error for the server's code when the body says success: false", async () => {
    const vms = createVmsalphaClient({ baseUrl: mockUrl, auth: { accessToken: "test-access-token" } });
    const error = await vms
      .GET("/v1/get/{visitorId}", {
        params: { path: { visitorId: "a".repeat(40) } },
        headers: { Prefer: "example=notFound" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, code: "3404", method: "GET" });
  });

  it("sends the token as `Authorization: Token ...`, and never in an error message", async () => {
    const seen: Request[] = [];
    const token = "secret-token-0123456789";
    const vms = createVmsalphaClient({
      baseUrl: "http://vms.example.test",
      auth: { accessToken: token },
      fetch: async (request: Request) => {
        seen.push(request.clone());
        const body = {
          success: false,
          errors: { message: `token ${token} is invalid`, type: "OAuthException", code: "1403" },
        };
        return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
      },
    });
    const error = await vms.GET("/v1/get/").catch((e: unknown) => e);
    expect(seen[0]!.headers.get("authorization")).toBe(`Token ${token}`);
    expect(String((error as Error).message)).not.toContain(token);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as ApiError).code).toBe("1403");
  });

  it("sends the token request as a urlencoded form, without the Authorization header", async () => {
    const seen: Request[] = [];
    const vms = createVmsalphaClient({
      baseUrl: "http://vms.example.test",
      auth: { accessToken: "t-123456" },
      fetch: async (request: Request) => {
        seen.push(request.clone());
        return new Response(JSON.stringify({ success: true, data: { access_token: "x", expiry: 1 } }), {
          headers: { "content-type": "application/json" },
        });
      },
    });
    await vms.POST("/v1/oauth/", { body: { username: "guard1", password: "pw" }, bodySerializer: toUrlEncoded });
    expect(seen[0]!.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(seen[0]!.headers.get("authorization")).toBeNull();
    expect(await seen[0]!.text()).toBe("username=guard1&password=pw");
  });
});

describe("credentials a header cannot carry", () => {
  it("refuses an access token with CR/LF when the client is created, naming the field, never the value", () => {
    let error: unknown;
    try {
      createVmsalphaClient({ baseUrl: mockUrl, auth: { accessToken: "tok-123456\r\nx-evil: 1" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: "auth.accessToken" });
    expect(shown(error)).not.toContain("123456");
  });
});
