// Prism's engine in a worker thread of the mock. Loading Prism takes ~1.2 s of CPU on an idle
// machine (0.7 s of it @faker-js/faker with all its locales, which prism-http requires when it
// loads). In a thread of its own that load never stops the server: the mock answers from the
// fast path and the build's prepared answers meanwhile, and a request that needs Prism waits
// for it without holding up the others. json-schema-faker's options, which are process-wide in
// its module, are set in this thread only.
//
// The worker runs as a script (eval), so it needs no file of its own beside the compiled code
// and runs the same from the sources (tests) and from dist. It takes plain data and answers
// plain data (structured clone): the request as Prism's input, which configuration, and the
// operations to try by their "METHOD /path"; the answer is Prism's Either, its error as a plain
// object.

/** What the worker is started with (workerData). */
export interface PrismWorkerData {
  /** Resolved entry files of the packages Prism is loaded from. */
  prismHttp: string;
  prismCore: string;
  jsonSchemaFaker: string;
  specFile: string;
  /** The build's operation model of the bundle, if one exists; used when made from `specSha256` by `prismHttpVersion`. */
  operationsFile?: string;
  specSha256: string;
  prismHttpVersion: string;
  /** Prism's configurations by name; `upstream` is a URL's text (URLs do not cross threads). */
  configs: Record<string, Record<string, unknown> & { upstream?: string }>;
  logLevel: string;
}

/** A question to the worker. */
export interface PrismAsk {
  id: number;
  config: string;
  input: unknown;
  /** The operations to try; none: all of them. */
  operations?: string[];
  /** Per-request mock settings (merged over the configuration's). */
  mock: Record<string, unknown>;
}

/** What the worker says: ready (with every operation's key), failed to start, or an answer. */
export type PrismWorkerMessage =
  | { type: "ready"; operations: string[] }
  | { type: "failed"; message: string }
  | { type: "answer"; id: number; result?: unknown; error?: string };

export const PRISM_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { brotliDecompressSync } = require("node:zlib");
const data = workerData;
const keyOf = (op) => op.method.toUpperCase() + " " + op.path;

async function start() {
  const { createInstance, getHttpOperationsFromSpec } = require(data.prismHttp);
  const { createLogger } = require(data.prismCore);
  const jsf = require(data.jsonSchemaFaker).JSONSchemaFaker;
  let operations;
  if (data.operationsFile) {
    const stored = JSON.parse(brotliDecompressSync(readFileSync(data.operationsFile)).toString("utf8"));
    if (stored.prismHttp === data.prismHttpVersion && stored.specSha256 === data.specSha256) operations = stored.operations;
  }
  operations ??= await getHttpOperationsFromSpec(data.specFile);
  const byKey = new Map(operations.map((op) => [keyOf(op), op]));
  const logger = createLogger("mock", { level: data.logLevel });
  const instances = new Map();
  const configs = new Map();
  for (const [name, raw] of Object.entries(data.configs)) {
    const config = raw.upstream ? { ...raw, upstream: new URL(raw.upstream) } : raw;
    configs.set(name, config);
    instances.set(name, createInstance(config, { logger }));
  }
  // Without fillProperties: false, generated objects get random extra properties. Set while a
  // dynamic answer is made, and put back as it was after.
  let generating = 0;
  let fillBefore;
  const generate = async (run) => {
    if (generating++ === 0) {
      fillBefore = jsf.option("fillProperties");
      jsf.option("fillProperties", false);
    }
    try {
      return await run();
    } finally {
      if (--generating === 0) jsf.option("fillProperties", fillBefore);
    }
  };
  const plain = (result) => {
    if (result._tag === "Left") {
      const e = result.left;
      return { _tag: "Left", left: { status: e.status, name: e.name, title: e.title, detail: e.detail ?? e.message, additional: e.additional } };
    }
    const { output, validations } = result.right;
    return { _tag: "Right", right: { output: { statusCode: output.statusCode, headers: output.headers, body: output.body }, validations } };
  };
  parentPort.on("message", async (ask) => {
    try {
      const config = configs.get(ask.config);
      const toTry = ask.operations ? ask.operations.map((key) => byKey.get(key)).filter(Boolean) : operations;
      const mock = { ...config.mock, ...ask.mock };
      const asked = () => instances.get(ask.config).request(ask.input, toTry, { ...config, mock })();
      const result = mock.dynamic ? await generate(asked) : await asked();
      parentPort.postMessage({ type: "answer", id: ask.id, result: plain(result) });
    } catch (error) {
      parentPort.postMessage({ type: "answer", id: ask.id, error: String((error && error.message) || error) });
    }
  });
  parentPort.postMessage({ type: "ready", operations: operations.map(keyOf) });
}
start().catch((error) => parentPort.postMessage({ type: "failed", message: String((error && error.message) || error) }));
`;
