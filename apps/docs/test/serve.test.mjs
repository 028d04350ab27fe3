// The static server of scripts/serve.mjs: files under the base path only, nothing else.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeBase, serveStatic } from "../scripts/serve.mjs";

// A raw request, so paths reach the server exactly as written (fetch would normalise "..").
function get(url, rawPath, method = "GET") {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method }, (res) => {
      let body = "";
      res
        .on("data", (c) => (body += c))
        .on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject).end();
  });
}

describe("serveStatic", () => {
  const root = mkdtempSync(path.join(tmpdir(), "mizan-serve-"));
  const site = path.join(root, "site");
  let server;

  beforeAll(async () => {
    mkdirSync(path.join(site, "sub"), { recursive: true });
    writeFileSync(path.join(site, "index.html"), "<p>landing</p>");
    writeFileSync(path.join(site, "api.json"), '{"ok":true}');
    writeFileSync(path.join(site, "sub", "index.html"), "<p>sub</p>");
    writeFileSync(path.join(root, "secret.txt"), "outside the site");
    server = await serveStatic(site, { base: "/mizan/" });
  });

  afterAll(() => server?.close());

  it("serves files under the base, index.html for a folder, with their content type", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mizan\/$/);
    expect(await get(server.url, "/mizan/")).toMatchObject({ status: 200, body: "<p>landing</p>" });
    expect(await get(server.url, "/mizan/sub/")).toMatchObject({ status: 200, body: "<p>sub</p>" });
    const json = await get(server.url, "/mizan/api.json");
    expect(json).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(await get(server.url, "/mizan/api.json", "HEAD")).toMatchObject({ status: 200, body: "" });
  });

  it("redirects the base without its slash, as static hosts do", async () => {
    const res = await get(server.url, "/mizan");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/mizan/");
  });

  it("answers 404 outside the base, outside the folder and for bad escapes; 405 for writes", async () => {
    for (const p of [
      "/index.html",
      "/mizan/missing.html",
      "/mizan/../secret.txt",
      "/mizan/%2e%2e/secret.txt",
      "/mizan/%E0%A4%A",
      "/mizan/sub",
    ]) {
      expect((await get(server.url, p)).status, p).toBe(404);
    }
    const post = await get(server.url, "/mizan/api.json", "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("logs every request with its status", () => {
    expect(server.requests).toContainEqual({ method: "GET", path: "/mizan/api.json", status: 200 });
    expect(server.requests).toContainEqual({ method: "GET", path: "/mizan/missing.html", status: 404 });
  });

  it("refuses a base path or folder it cannot serve, saying why", () => {
    for (const bad of ["mizan/", "/mizan", "", "//", "/a?b/"])
      expect(() => normalizeBase(bad)).toThrow(/must start and end with "\/"/);
    expect(() => serveStatic(path.join(root, "nope"))).toThrow(/is not a folder/);
  });
});
