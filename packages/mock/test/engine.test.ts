// Prism's engine as the mock loads it (src/engine.ts): the operation models the build prepares,
// when they are used and when not, and faker loaded only for dynamic answers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  operationsFileOf,
  prepareOperations,
  PRISM_HTTP_VERSION,
  readPreparedFile,
  savePrepared,
  sha256,
} from "../src/engine.js";
import { availableApis, mockBundleOf } from "../src/index.js";
import { startMock } from "./serve.js";

const dir = mkdtempSync(path.join(tmpdir(), "mizan-mock-engine-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-path description answering `{ name }` from its example, and an e-mail made by faker. */
function description(name: string) {
  return {
    openapi: "3.1.0",
    info: { title: "engine test", version: "1" },
    paths: {
      "/thing": {
        get: {
          operationId: "getThing",
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: { type: "object", properties: { name: { type: "string" } } },
                  example: { name },
                },
              },
            },
          },
        },
      },
      "/contact": {
        get: {
          operationId: "getContact",
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["email"],
                    properties: { email: { type: "string", "x-faker": "internet.email" } },
                  },
                  example: { email: "static@example.com" },
                },
              },
            },
          },
        },
      },
    },
  };
}

function writeSpec(file: string, name: string) {
  writeFileSync(file, JSON.stringify(description(name)));
  return file;
}

async function nameServed(specFile: string, headers: Record<string, string> = {}) {
  const mock = await startMock({ specFile, port: 0 });
  try {
    return (await (await fetch(`${mock.url}/thing`, { headers })).json()).name;
  } finally {
    await mock.stop();
  }
}

describe("prepared operation models", () => {
  it("the build stores, for every bundled API, the model Prism makes of that very bundle", async () => {
    for (const api of availableApis()) {
      const bundle = mockBundleOf(api);
      const stored = readPreparedFile(operationsFileOf(bundle));
      expect(stored.prismHttp).toBe(PRISM_HTTP_VERSION);
      expect(stored.specSha256).toBe(sha256(readFileSync(bundle)));
      const fresh = await prepareOperations(bundle);
      expect(stored.operations, api).toEqual(JSON.parse(JSON.stringify(fresh.operations)));
    }
  });

  it("a start uses a model made from the same bytes, and rebuilds one made from other bytes", async () => {
    const served = writeSpec(path.join(dir, "served.json"), "from the description");
    const other = writeSpec(path.join(dir, "other.json"), "from the prepared model");
    const model = await prepareOperations(other);
    // Claims to be made from `served`: the mock trusts the hash, so it answers from the model.
    savePrepared(served, { ...model, specSha256: sha256(readFileSync(served)) });
    expect(await nameServed(served)).toBe("from the prepared model");
    // The description changed after the model was made: the model is stale and not used.
    writeSpec(served, "edited since");
    expect(await nameServed(served)).toBe("edited since");
    // Made by another prism-http: not used either.
    writeSpec(served, "from the description");
    savePrepared(served, { ...model, specSha256: sha256(readFileSync(served)), prismHttp: "0.0.0" });
    expect(await nameServed(served)).toBe("from the description");
  });
});

describe("faker, loaded on first use", () => {
  it("a static mock still generates faker values for dynamic answers (Prefer: dynamic=true)", async () => {
    const spec = writeSpec(path.join(dir, "faker.json"), "x");
    const mock = await startMock({ specFile: spec, port: 0 });
    try {
      const statics = await (await fetch(`${mock.url}/contact`)).json();
      expect(statics.email).toBe("static@example.com");
      for (let i = 0; i < 3; i++) {
        const generated = await (await fetch(`${mock.url}/contact`, { headers: { prefer: "dynamic=true" } })).json();
        expect(generated.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/i);
        expect(generated.email).not.toBe("static@example.com");
      }
    } finally {
      await mock.stop();
    }
  });

  it("a dynamic mock (faker loaded at start) generates them too", async () => {
    const spec = writeSpec(path.join(dir, "faker-dynamic.json"), "x");
    const mock = await startMock({ specFile: spec, port: 0, dynamic: true, seed: 3 });
    try {
      expect((await (await fetch(`${mock.url}/contact`)).json()).email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/i);
    } finally {
      await mock.stop();
    }
  });
});
