// The release gate's rules (scripts/release-gate.mjs): breaking changes need a pending major
// changeset of the API's client, named by the repository's convention (scripts/apis.mjs).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clientOf } from "../scripts/apis.mjs";
import { gateApi, pendingBumps } from "../scripts/release-gate.mjs";

/** A one-operation API, GET /items/{id}, answering an object with `fields`. */
const api = (fields = { id: { type: "integer" }, note: { type: "string" } }) => ({
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/items/{id}": {
      get: {
        responses: {
          200: {
            description: "ok",
            content: { "application/json": { schema: { type: "object", properties: fields } } },
          },
        },
      },
    },
  },
});

describe("the changeset rule", () => {
  let dir;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const changesets = (files) => {
    dir = mkdtempSync(path.join(os.tmpdir(), "mizan-changesets-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  const removed = () => api({ id: { type: "integer" } });

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
    const result = gateApi({ name: "shop", released: api(), current: removed(), changesetDir: dir });
    expect(result.ok).toBe(true);
    expect(result.majorPending).toBe(true);
    const daftra = gateApi({ name: "daftra", released: api(), current: removed(), changesetDir: dir });
    expect(daftra).toMatchObject({ ok: false, majorPending: false, clientPackage: "@mizan/daftra-client" });
    expect(daftra.breaking).toHaveLength(1);
  });

  it("passes additive changes without any changeset", () => {
    const result = gateApi({
      name: "daftra",
      released: api(),
      current: api({ id: { type: "integer" }, note: { type: "string" }, x: {} }),
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
