// A small typed API to call @mizan/test-helpers' scripted server with, through the core's
// createApiClient, and the answers only the transport tests script.
import type { ServerResponse } from "node:http";
import { createApiClient, type ApiClientConfig, type SecurityTable } from "../src/index.js";

/** Sends the head and part of a body, then drops the connection. */
export const cut = (
  res: ServerResponse,
  headers: Record<string, string> = { "content-type": "application/json", "content-length": "1000" },
) => {
  res.writeHead(200, headers);
  res.write('{"data": [');
  setTimeout(() => res.destroy(), 10);
};

/** A small API in the shape openapi-typescript writes. */
export interface TestPaths {
  "/items/{id}": {
    parameters: { query?: never; header?: never; path: { id: string | number }; cookie?: never };
    get: {
      parameters: { query?: { page?: number }; header?: never; path: { id: string | number }; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": { id: number; name?: string } } };
        404: { headers: { [name: string]: unknown }; content: { "application/json": { message: string } } };
      };
    };
  };
  "/items": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody: { content: { "application/json": { name: string } } };
      responses: {
        201: { headers: { [name: string]: unknown }; content: { "application/json": { id: number } } };
        422: { headers: { [name: string]: unknown }; content: { "application/json": { message: string } } };
      };
    };
  };
  "/token": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": { access_token: string } } };
      };
    };
  };
}

/** The security of the test API: an API key or a Bearer token on everything. */
export const security: SecurityTable = {
  schemes: { key: { type: "apiKey", header: "x-api-key" }, bearer: { type: "bearer" } },
  default: [["key"], ["bearer"]],
  match: [["POST", /^\/token(?:[?#]|$)/, []]],
};

export const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };

export function testClient(baseUrl: string, config: Partial<ApiClientConfig> = {}) {
  return createApiClient<TestPaths>({
    baseUrl,
    tables: { security, middleware: [] },
    credentials: { apiKey: "key-123456" },
    retry: fast,
    ...config,
  });
}
