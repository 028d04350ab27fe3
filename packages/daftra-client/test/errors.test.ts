// Daftra's own error bodies and credentials in errors, with an injected fetch. The transport's
// retries, limits and typed errors in general are tested in @mizan/client-core.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createDaftraClient,
  ApiError,
  NotFoundError,
  ValidationError,
  type DaftraClientOptions,
} from "../src/index.js";
import { fakeServer, json, type Handler } from "./helpers.js";

const baseUrl = "https://acme.daftra.com";
const createClientBody = { body: { Client: { business_name: "x" } } };
const setup = (handler: Handler, options: Partial<DaftraClientOptions> = {}) =>
  createDaftraClient({
    baseUrl,
    auth: { apiKey: "key-123456" },
    fetch: fakeServer(handler).fetch,
    retry: false,
    ...options,
  });

describe("Daftra error bodies", () => {
  it("returns the v1 error body as { error } by default", async () => {
    const daftra = setup(() => json({ result: "failed", code: 404, message: "Item not found" }, 404));
    const { data, error } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 9 } } });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ code: 404, message: "Item not found" });
  });

  it("throws a validation error with v1's field map when asked to", async () => {
    const daftra = setup(
      () =>
        json(
          { result: "failed", code: 400, message: "Bad Request", validation_errors: { business_name: "required" } },
          400,
        ),
      { throwOnError: true },
    );
    const error = await daftra.POST("/api2/clients.json", createClientBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      method: "POST",
      path: "/api2/clients.json",
      fields: { business_name: "required" },
    });
    expect((error as Error).message).toBe("POST /api2/clients.json: 400 Bad Request");
  });

  it("reads v2's 400 'Record not found' as a NotFoundError", async () => {
    const daftra = setup(() => json({ message: "Record not found" }, 400), { throwOnError: true });
    const error = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 9 } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it("never shows a credential, even when the server echoes it", async () => {
    const secrets = ["key-123456", "tok-abcdef", "pw-secret-1", "cs-secret-2"];
    const echo: Handler = (r) =>
      json(
        {
          result: "failed",
          code: 400,
          message: `bad key ${r.headers.get("apikey")} / ${r.headers.get("authorization")}`,
          validation_errors: { apikey: `${r.headers.get("apikey")}` },
        },
        400,
      );
    for (const auth of [{ apiKey: secrets[0]! }, { accessToken: secrets[1]! }]) {
      const error = await setup(echo, { auth, throwOnError: true })
        .GET("/api2/site_info.json")
        .catch((e: unknown) => e);
      const seen = [
        String((error as Error).message),
        String((error as Error).stack),
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
      ].join("\n");
      for (const secret of secrets) expect(seen).not.toContain(secret);
      expect(seen).toContain("[redacted]");
    }
  });
});
