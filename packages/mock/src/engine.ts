// Prism's engine for the mock, and what the build prepares of it beside each bundle.
//
// Start-up on the full Daftra bundle was ~4 s from spawning the CLI to the first answer. Prism
// made most of it, and none of it is on the path to the first answer now:
//   - Prism reads a description into its operation model (dereference, transform, bundle per
//     operation): ~1.4 s. The build does that once per bundled API and stores the model beside
//     the bundle (`<api>.mock.operations.json.br`, Brotli), used if it was made from this very
//     bundle (same SHA-256) by this very prism-http version.
//   - Loading prism-http takes ~1.2 s on an idle machine, 0.7 s of it @faker-js/faker with all
//     its locales, which prism-http requires when it loads. Prism runs in a worker thread
//     (prism-worker.cjs) that loads it while the server already answers: the build also stores
//     Prism's answer to a valid request of every operation (`<api>.mock.answers.json.br`), which
//     the fast path serves as Prism's own, and a request that needs Prism waits for its thread
//     without holding up the others.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type { PrismResult } from "./pipeline/exchange.js";
import type { PrismAsk, PrismWorkerData, PrismWorkerMessage } from "./prism-thread.js";
import { getHttpConfigFromRequest, serialize } from "./vendor/prism-http-server.js";

const require = createRequire(import.meta.url);
// Prism's engine packages are pinned dependencies of this package. json-schema-faker is taken
// from prism-http's folder, so it is the copy Prism uses.
const prismHttpDir = () => path.dirname(require.resolve("@stoplight/prism-http/package.json"));
const resolveFromPrism = (id: string) => require.resolve(id, { paths: [prismHttpDir()] });
const fromPrism = (id: string) => require(resolveFromPrism(id));

/** The prism-http version that made an operation model; a model from another version is not used. */
export const PRISM_HTTP_VERSION: string = require("@stoplight/prism-http/package.json").version;

/** Where the prepared operation model of a bundle lives: beside it, Brotli-compressed (Daftra's is 8 MB of JSON, 0.2 MB so). */
export const operationsFileOf = (specFile: string) => `${specFile.replace(/\.json$/, "")}.operations.json.br`;
/** Where Prism's prepared answers of a bundle live: beside it, Brotli-compressed. */
export const answersFileOf = (specFile: string) => `${specFile.replace(/\.json$/, "")}.answers.json.br`;

/** What made a prepared file: a prepared file is used only for the same bundle bytes and prism-http. */
interface PreparedFrom {
  prismHttp: string;
  /** SHA-256 (hex) of the bundle's bytes. */
  specSha256: string;
}

export interface PreparedOperations extends PreparedFrom {
  operations: unknown[];
}

/** Prism's answer to a valid request, as the fast path stores it (body as text). */
export interface PreparedAnswer {
  status: number;
  headers: [string, string | string[]][];
  body: string;
}

export interface PreparedAnswers extends PreparedFrom {
  /** Every operation of Prism's model, as "METHOD /path". */
  operations: string[];
  /** By operation, then by the request's Accept header ("" for none): Prism's answer to a valid request. */
  answers: Record<string, Record<string, PreparedAnswer>>;
}

/** The Accept headers answers are prepared for: none, and what fetch and JSON clients send. */
export const PREPARED_ACCEPTS = ["", "*/*", "application/json"];

export const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

export interface PrismOperation {
  path: string;
  method: string;
}

export const operationKey = (op: PrismOperation) => `${op.method.toUpperCase()} ${op.path}`;

export interface PrismInstance {
  // Prism's result (pipeline/exchange.ts has its shape).
  request: (input: unknown, operations: PrismOperation[], config: unknown) => () => Promise<any>;
}

export interface PrismEngine {
  getHttpConfigFromRequest: typeof getHttpConfigFromRequest;
  serialize: (payload: unknown, contentType: unknown) => string | undefined;
  /** The "METHOD /path" of every operation in Prism's model: from the prepared answers when they match, else once Prism has read the bundle. */
  operationKeys(): Promise<string[]>;
  /** Whether the build prepared this bundle (its prepared answers match it). */
  preparedByBuild: boolean;
  /** Prism's prepared answer to a valid request of an operation ("METHOD /path") with this Accept header, if the build stored one. */
  preparedAnswer(operation: string, accept: string): PreparedAnswer | undefined;
  /**
   * Asks Prism, in its thread, to answer `input` with the configuration named `config` (the
   * request's `mock` settings over the configuration's), trying the operations named (all when none are).
   */
  request(
    config: string,
    input: unknown,
    operations: string[] | undefined,
    mock: Record<string, unknown>,
  ): Promise<PrismResult>;
  /** Resolves once Prism's thread has loaded Prism; rejects if it could not, or has ended. */
  loaded(): Promise<void>;
  /** Ends Prism's thread. */
  close(): Promise<void>;
}

export interface PrismEngineOptions {
  /** Prism's configurations by name (see serve()); a configuration's `upstream` is a URL. */
  configs: Record<string, Record<string, unknown>>;
  /** Prism's log level ("silent", or "info" for --verbose). */
  logLevel: string;
}

/**
 * Prism's engine for one bundle (`bundleBytes`: the file's bytes, already read by the caller).
 * Prism's thread starts here and loads Prism; the prepared answers are read here, if they match
 * the bundle.
 */
export function prismEngine(specFile: string, bundleBytes: Buffer, options: PrismEngineOptions): PrismEngine {
  const specSha256 = sha256(bundleBytes);
  const answersFile = answersFileOf(specFile);
  const answersRead = existsSync(answersFile) ? readPreparedAnswersFile(answersFile) : undefined;
  const prepared =
    answersRead && answersRead.prismHttp === PRISM_HTTP_VERSION && answersRead.specSha256 === specSha256
      ? answersRead
      : undefined;
  // Keys come from the build's own output, but are looked up with the request's Accept header.
  const answers = new Map(
    Object.entries(prepared?.answers ?? {}).map(([key, byAccept]) => [key, new Map(Object.entries(byAccept))]),
  );

  const operationsFile = operationsFileOf(specFile);
  const workerData: PrismWorkerData = {
    prismHttp: require.resolve("@stoplight/prism-http"),
    prismCore: require.resolve("@stoplight/prism-core"),
    jsonSchemaFaker: resolveFromPrism("json-schema-faker"),
    specFile,
    operationsFile: existsSync(operationsFile) ? operationsFile : undefined,
    specSha256,
    prismHttpVersion: PRISM_HTTP_VERSION,
    configs: Object.fromEntries(
      Object.entries(options.configs).map(([name, config]) => [
        name,
        { ...config, upstream: config.upstream instanceof URL ? config.upstream.href : undefined },
      ]),
    ),
    logLevel: options.logLevel,
  };
  const worker = new Worker(new URL("./prism-worker.cjs", import.meta.url), { workerData });
  // The server keeps the process alive, not Prism's thread.
  worker.unref();
  let failure: Error | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (result: PrismResult) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  const ready = new Promise<string[]>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      failAll(error);
    };
    worker.on("message", (message: PrismWorkerMessage) => {
      if (message.type === "ready") resolve(message.operations);
      else if (message.type === "failed") fail(new Error(message.message));
      else {
        const asked = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error !== undefined) asked?.reject(new Error(message.error));
        else asked?.resolve(message.result as PrismResult);
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`Prism's thread ended (code ${code}).`)));
  });
  // A failure to start is met by whoever asks Prism; nobody may.
  ready.catch(() => {});

  return {
    getHttpConfigFromRequest,
    serialize,
    operationKeys: async () => prepared?.operations ?? ready,
    preparedByBuild: prepared !== undefined,
    preparedAnswer: (operation, accept) => answers.get(operation)?.get(accept),
    request(config, input, operations, mock) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const ask: PrismAsk = { id, config, input, operations, mock };
      return new Promise<PrismResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage(ask);
      });
    },
    loaded: async () => {
      await ready;
      if (failure) throw failure;
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Builds the operation model of a bundle, for the build to store beside it. */
export async function prepareOperations(specFile: string): Promise<PreparedOperations> {
  const { getHttpOperationsFromSpec } = fromPrism("@stoplight/prism-http");
  const operations = await getHttpOperationsFromSpec(specFile);
  return { prismHttp: PRISM_HTTP_VERSION, specSha256: sha256(readFileSync(specFile)), operations };
}

/**
 * Prism's answer, for every operation of a prepared model and each of PREPARED_ACCEPTS, to a
 * request it takes as valid (input validation and the security check off: in static mode, the
 * answer to a valid request depends on the operation and the Accept header only). Only answers
 * below 400 are kept; test/fast-path.test.ts compares the mock's answers with Prism's own.
 */
export async function prepareAnswers(model: PreparedOperations): Promise<PreparedAnswers> {
  const { createInstance } = fromPrism("@stoplight/prism-http");
  const { createLogger } = fromPrism("@stoplight/prism-core");
  const config = {
    checkSecurity: false,
    validateRequest: false,
    validateResponse: false,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: false },
    isProxy: false,
  };
  const instance: PrismInstance = createInstance(config, { logger: createLogger("prepare", { level: "silent" }) });
  const operations = model.operations as PrismOperation[];
  const answers: PreparedAnswers["answers"] = {};
  for (const op of operations) {
    const key = operationKey(op);
    for (const accept of PREPARED_ACCEPTS) {
      const input = {
        method: op.method.toLowerCase(),
        url: { path: op.path, query: {} },
        headers: accept ? { accept } : {},
        body: undefined,
      };
      const result = await instance.request(input, [op], config)();
      if (result._tag !== "Right" || result.right.output.statusCode >= 400) continue;
      const { output } = result.right;
      const headers = Object.entries(output.headers ?? {}) as [string, string | string[]][];
      const contentType = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1];
      (answers[key] ??= {})[accept] = {
        status: output.statusCode,
        headers,
        body: serialize(output.body, contentType) ?? "",
      };
    }
  }
  return {
    prismHttp: model.prismHttp,
    specSha256: model.specSha256,
    operations: operations.map(operationKey),
    answers,
  };
}

const brotli = (value: unknown) => {
  const text = Buffer.from(JSON.stringify(value));
  const params = { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: text.length };
  return brotliCompressSync(text, { params });
};
const unbrotli = (file: string) => JSON.parse(brotliDecompressSync(readFileSync(file)).toString("utf8"));

/** Stores a prepared model beside its bundle (see operationsFileOf). */
export function savePrepared(specFile: string, prepared: PreparedOperations) {
  writeFileSync(operationsFileOf(specFile), brotli(prepared));
}

/** Stores prepared answers beside their bundle (see answersFileOf). */
export function savePreparedAnswers(specFile: string, prepared: PreparedAnswers) {
  writeFileSync(answersFileOf(specFile), brotli(prepared));
}

/** A stored model, as saved by savePrepared. */
export function readPreparedFile(file: string): PreparedOperations {
  return unbrotli(file) as PreparedOperations;
}

/** Stored answers, as saved by savePreparedAnswers. */
export function readPreparedAnswersFile(file: string): PreparedAnswers {
  return unbrotli(file) as PreparedAnswers;
}
