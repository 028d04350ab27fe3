// The release gate's rules (scripts/release-gate.mjs): breaking changes need a pending major
// changeset of the API's client, named by the repository's convention (scripts/apis.mjs).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clientOf } from "../scripts/apis.mjs";
import { gateApi, pendingBumps } from "../scripts/release-gate.mjs";

/** A one-operation API: GET /items/{id} and POST /items, each overridable by `edit`. */
function api(edit = () => {}) {
  const doc = {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    security: [{ token: [] }],
    components: {
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: "APIKEY" },
        basic: { type: "http", scheme: "basic" },
      },
    },
    paths: {
      "/items/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        get: {
          parameters: [{ name: "fields", in: "query", schema: { type: "string" } }],
          responses: {
            200: {
              description: "ok",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "status"],
                    properties: {
                      id: { type: "integer" },
                      status: { type: "string", enum: ["open", "paid"] },
                      note: { type: "string" },
                    },
                  },
                },
              },
            },
            404: { description: "missing" },
          },
        },
      },
      "/items": {
        post: {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["name"],
                  properties: {
                    name: { type: "string" },
                    kind: { type: "string", enum: ["a", "b"] },
                    amount: { type: "number" },
                  },
                },
              },
            },
          },
          responses: { 201: { description: "created" } },
        },
      },
    },
  };
  edit(doc);
  return doc;
}

const getOp = (doc) => doc.paths["/items/{id}"].get;
const getBody = (doc) => getOp(doc).responses[200].content["application/json"].schema;

describe("the changeset rule", () => {
  let dir;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const changesets = (files) => {
    dir = mkdtempSync(path.join(os.tmpdir(), "mizan-changesets-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  const removal = (doc) => delete getBody(doc).properties.note;

  it("reads the largest bump per package from front matter only", () => {
    const bumps = pendingBumps(
      changesets({
        "README.md": '# Changesets\n\n"@mizan/daftra-client": major\n',
        "a.md": "---\n\"@mizan/daftra-client\": minor\n'@mizan/client-core': patch\n---\n\ntext\n",
        "b.md": "---\n@mizan/daftra-client: major\n---\n",
        "c.txt": '---\n"@mizan/vmsalpha-client": major\n---\n',
      }),
    );
    expect(Object.fromEntries(bumps)).toEqual({ "@mizan/daftra-client": "major", "@mizan/client-core": "patch" });
  });

  it("fails breaking changes without a major bump of the API's client", () => {
    const dir = changesets({ "x.md": '---\n"@mizan/daftra-client": minor\n"@mizan/shop-client": major\n---\nfix\n' });
    const result = gateApi({ name: "shop", released: api(), current: api(removal), changesetDir: dir });
    expect(result.ok).toBe(true);
    expect(result.majorPending).toBe(true);
    const daftra = gateApi({ name: "daftra", released: api(), current: api(removal), changesetDir: dir });
    expect(daftra).toMatchObject({ ok: false, majorPending: false, clientPackage: "@mizan/daftra-client" });
    expect(daftra.breaking).toHaveLength(1);
  });

  it("passes additive changes without any changeset", () => {
    const result = gateApi({
      name: "daftra",
      released: api(),
      current: api((doc) => (getBody(doc).properties.x = {})),
      changesetDir: path.join(os.tmpdir(), "no-such-dir-mizan"),
    });
    expect(result).toMatchObject({ ok: true, majorPending: false, breaking: [] });
  });
});

describe("the client naming", () => {
  it("names an API's client package, folder and factory", () => {
    expect(clientOf("enkash-ar")).toEqual({
      packageName: "@mizan/enkash-ar-client",
      folder: "enkash-ar-client",
      factory: "createEnkashArClient",
    });
  });
});
