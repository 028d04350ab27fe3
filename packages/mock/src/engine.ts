// Prism's engine, loaded for the mock's own process, and its operation model, prepared once.
//
// Start-up on the full Daftra bundle was ~4 s from spawning the CLI to the first answer. Two
// costs made most of it, and both are cut here:
//   - Prism reads a description into its operation model (dereference, transform, bundle per
//     operation): ~1.4 s. The build does that once per bundled API and stores the model beside
//     the bundle (`<api>.mock.operations.json.br`, Brotli); a start reads it (~0.1 s) when it was made from
//     this very bundle (same SHA-256) by this very prism-http version, else builds it afresh.
//   - prism-http loads @faker-js/faker with all its locales when it is required (~0.7 s), but
//     uses it only to generate dynamic answers. Unless the mock serves dynamic answers, faker is
//     loaded the first time it is used instead (see `deferFaker`).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { getHttpConfigFromRequest, serialize } from "./vendor/prism-http-server.js";

const require = createRequire(import.meta.url);
// Prism's engine packages are pinned dependencies of this package. Their own dependencies
// (json-schema-faker, faker) are taken from prism-http's folder, so they are the copies it uses.
const prismHttpDir = path.dirname(require.resolve("@stoplight/prism-http/package.json"));
const resolveFromPrism = (id: string) => require.resolve(id, { paths: [prismHttpDir] });
const fromPrism = (id: string) => require(resolveFromPrism(id));

/** The prism-http version that made an operation model; a model from another version is not used. */
export const PRISM_HTTP_VERSION: string = require("@stoplight/prism-http/package.json").version;

/** Where the prepared operation model of a bundle lives: beside it, Brotli-compressed (Daftra's is 8 MB of JSON, 0.2 MB so). */
export const operationsFileOf = (specFile: string) => `${specFile.replace(/\.json$/, "")}.operations.json.br`;

export interface PreparedOperations {
  prismHttp: string;
  /** SHA-256 (hex) of the bundle's bytes. */
  specSha256: string;
  operations: unknown[];
}

export const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/**
 * Registers a stand-in for @faker-js/faker in this process's module cache (Node documents adding
 * entries to `require.cache`). Its exports are proxies that load the real module the first time
 * anything is asked of them, and forward every operation to it from then on. prism-http hands
 * faker to json-schema-faker when it loads, but nothing asks faker for anything until a dynamic
 * answer is generated, so static answers never load it. Only the mock's own process calls this
 * (serve() in the CLI or in startMock's child), never a user's process.
 */
function deferFaker() {
  const fakerPath = resolveFromPrism("@faker-js/faker");
  if (require.cache[fakerPath]) return;
  let real: Record<string, object> | undefined;
  const load = () => {
    if (!real) {
      delete require.cache[fakerPath];
      real = require(fakerPath) as Record<string, object>;
    }
    return real;
  };
  // A proxy of one export of the real module; its target is a stand-in object only.
  const lazy = (name: string) => {
    const target = () => load()[name]!;
    return new Proxy(
      {},
      {
        get: (_, key) => Reflect.get(target(), key),
        has: (_, key) => Reflect.has(target(), key),
        ownKeys: () => Reflect.ownKeys(target()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
          // A proxy may not report a property as non-configurable when its target lacks it.
          return descriptor && { ...descriptor, configurable: true };
        },
        getPrototypeOf: () => Reflect.getPrototypeOf(target()),
        set: (_, key, value) => Reflect.set(target(), key, value),
      },
    );
  };
  const standIn = new Module(fakerPath);
  standIn.filename = fakerPath;
  standIn.loaded = true;
  standIn.exports = { __esModule: true, default: lazy("default"), faker: lazy("faker") };
  require.cache[fakerPath] = standIn;
}

export interface PrismEngine {
  createInstance: (config: unknown, components: unknown) => PrismInstance;
  createLogger: (name: string, options: { level: string }) => unknown;
  getHttpConfigFromRequest: typeof getHttpConfigFromRequest;
  serialize: (payload: unknown, contentType: unknown) => string | undefined;
  /** Runs a request of Prism's with the generator options dynamic answers need (see generatorScope). */
  generating<T>(run: () => Promise<T>): Promise<T>;
  /** Prism's operation model of a bundle: the prepared one when it matches, else built now. */
  operationsOf(specFile: string): Promise<PrismOperation[]>;
}

export interface PrismOperation {
  path: string;
  method: string;
}

export interface PrismInstance {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request: (input: unknown, operations: PrismOperation[], config: unknown) => () => Promise<any>;
}

export function loadPrism({ dynamic }: { dynamic: boolean }): PrismEngine {
  if (!dynamic) deferFaker();
  const { createInstance, getHttpOperationsFromSpec } = fromPrism("@stoplight/prism-http");
  const { createLogger } = fromPrism("@stoplight/prism-core");
  return {
    createInstance,
    createLogger,
    getHttpConfigFromRequest,
    serialize,
    generating: generatorScope(),
    async operationsOf(specFile) {
      const prepared = readPrepared(specFile);
      return (prepared ?? (await getHttpOperationsFromSpec(specFile))) as PrismOperation[];
    },
  };
}

/**
 * json-schema-faker (which Prism generates dynamic answers with) keeps its options process-wide.
 * Without `fillProperties: false`, generated objects get random extra properties; the option is
 * set while the mock's requests to Prism are under way and put back as it was when none is, so
 * nothing else in the process that uses json-schema-faker sees it.
 */
function generatorScope() {
  const jsf = fromPrism("json-schema-faker").JSONSchemaFaker as { option(name: string, value?: unknown): unknown };
  let running = 0;
  let before: unknown;
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (running++ === 0) {
      before = jsf.option("fillProperties");
      jsf.option("fillProperties", false);
    }
    try {
      return await run();
    } finally {
      if (--running === 0) jsf.option("fillProperties", before);
    }
  };
}

/** The prepared model of a bundle, if one exists and was made from these bytes by this Prism. */
function readPrepared(specFile: string): unknown[] | undefined {
  const file = operationsFileOf(specFile);
  if (!existsSync(file)) return undefined;
  const prepared = readPreparedFile(file);
  if (prepared.prismHttp !== PRISM_HTTP_VERSION || prepared.specSha256 !== sha256(readFileSync(specFile)))
    return undefined;
  return prepared.operations;
}

/** Builds the operation model of a bundle, for the build to store beside it. */
export async function prepareOperations(specFile: string): Promise<PreparedOperations> {
  const { getHttpOperationsFromSpec } = fromPrism("@stoplight/prism-http");
  const operations = await getHttpOperationsFromSpec(specFile);
  return { prismHttp: PRISM_HTTP_VERSION, specSha256: sha256(readFileSync(specFile)), operations };
}

/** Stores a prepared model beside its bundle (see operationsFileOf). */
export function savePrepared(specFile: string, prepared: PreparedOperations) {
  const text = Buffer.from(JSON.stringify(prepared));
  const params = { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: text.length };
  writeFileSync(operationsFileOf(specFile), brotliCompressSync(text, { params }));
}

/** A stored model, as saved by savePrepared. */
export function readPreparedFile(file: string): PreparedOperations {
  return JSON.parse(brotliDecompressSync(readFileSync(file)).toString("utf8")) as PreparedOperations;
}
