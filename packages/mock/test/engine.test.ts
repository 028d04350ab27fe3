// Prism's engine as the mock loads it (src/engine.ts): the operation models and answers the build
// prepares, when they are used and when not, Prism loaded when first needed (with faker, as
// prism-http loads it), and json-schema-faker's option the mock sets around dynamic answers.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { documentSchemaCompiler } from "@mizan/openapi-tools/examples";
import { deref, operationsOf } from "@mizan/openapi-tools";
import {
  answersFileOf,
  operationsFileOf,
  prepareAnswers,
  prepareOperations,
  PRISM_HTTP_VERSION,
  readPreparedAnswersFile,
  readPreparedFile,
  savePrepared,
  savePreparedAnswers,
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

describe("prepared answers", () => {
  it("the build stores, for every bundled API, Prism's answers to valid requests of that very bundle", async () => {
    for (const api of availableApis()) {
      const bundle = mockBundleOf(api);
      const stored = readPreparedAnswersFile(answersFileOf(bundle));
      expect(stored.prismHttp).toBe(PRISM_HTTP_VERSION);
      expect(stored.specSha256).toBe(sha256(readFileSync(bundle)));
      const model = readPreparedFile(operationsFileOf(bundle));
      expect(stored).toEqual(await prepareAnswers(model));
      // Every operation of Prism's model is listed, and most have an answer (those below 400).
      expect(stored.operations.length).toBe(model.operations.length);
      expect(Object.keys(stored.answers).length, api).toBeGreaterThan(0);
    }
  });

  it("a start answers from answers made from the same bytes, and ignores answers made from other bytes", async () => {
    const served = writeSpec(path.join(dir, "answered.json"), "from the description");
    const model = await prepareOperations(served);
    const real = await prepareAnswers(model);
    const forged = structuredClone(real);
    // fetch sends `accept: */*`; each prepared Accept header has its answer.
    for (const answer of Object.values(forged.answers["GET /thing"]!))
      answer.body = JSON.stringify({ name: "from the prepared answers" });
    savePreparedAnswers(served, forged);
    expect(await nameServed(served)).toBe("from the prepared answers");
    // Another Accept header than those prepared: Prism answers.
    expect(await nameServed(served, { accept: "application/json;q=0.9" })).toBe("from the description");
    savePreparedAnswers(served, { ...forged, specSha256: sha256("other bytes") });
    expect(await nameServed(served)).toBe("from the description");
    savePreparedAnswers(served, { ...forged, prismHttp: "0.0.0" });
    expect(await nameServed(served)).toBe("from the description");
  });

  it("the bundled mock bundles pass the JSON Schema meta-schema (the mock compiles them without that check)", () => {
    for (const api of availableApis()) {
      const doc = JSON.parse(readFileSync(mockBundleOf(api), "utf8"));
      // AJV's default: the document and each schema compiled are checked against the meta-schema (and throw if invalid).
      const compile = documentSchemaCompiler(doc);
      for (const entry of operationsOf(doc)) {
        const body = deref(doc, entry.requestBody) as { content?: Record<string, { schema?: unknown }> } | undefined;
        for (const media of Object.values(body?.content ?? {}))
          if (media.schema) expect(() => compile(media.schema), entry.key).not.toThrow();
        for (const parameter of entry.parameters as { schema?: unknown }[])
          if (parameter.schema) expect(() => compile(parameter.schema), entry.key).not.toThrow();
      }
    }
  });
});

describe("json-schema-faker's option, as the mock sets it (in Prism's thread, prism-worker.cjs)", () => {
  // The mock reads and sets `fillProperties` with json-schema-faker's option(name) and
  // option(name, value), on the copy prism-http uses: pinned here, for the next release of either.
  const require = createRequire(import.meta.url);
  const prismHttp = path.dirname(require.resolve("@stoplight/prism-http/package.json"));
  const jsf = require(require.resolve("json-schema-faker", { paths: [prismHttp] })).JSONSchemaFaker;

  it("option(name) reads what option(name, value) set", () => {
    const before = jsf.option("fillProperties");
    try {
      jsf.option("fillProperties", false);
      expect(jsf.option("fillProperties")).toBe(false);
      jsf.option("fillProperties", true);
      expect(jsf.option("fillProperties")).toBe(true);
    } finally {
      jsf.option("fillProperties", before);
    }
  });

  it("a dynamic answer has no properties its schema does not declare; this process's json-schema-faker is left alone", async () => {
    const spec = writeSpec(path.join(dir, "fill.json"), "x");
    const mock = await startMock({ specFile: spec, port: 0, dynamic: true, seed: 5 });
    try {
      const before = jsf.option("fillProperties");
      for (let i = 0; i < 5; i++) {
        const generated = await (await fetch(`${mock.url}/contact`)).json();
        expect(Object.keys(generated)).toEqual(["email"]);
      }
      expect(jsf.option("fillProperties")).toBe(before);
    } finally {
      await mock.stop();
    }
  });
});

describe("Prism and faker, loaded when first needed", () => {
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

  it("a dynamic mock generates them too", async () => {
    const spec = writeSpec(path.join(dir, "faker-dynamic.json"), "x");
    const mock = await startMock({ specFile: spec, port: 0, dynamic: true, seed: 3 });
    try {
      expect((await (await fetch(`${mock.url}/contact`)).json()).email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/i);
    } finally {
      await mock.stop();
    }
  });
});
