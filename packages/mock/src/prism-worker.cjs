// @ts-check
// Prism's engine in its own thread (why: prism-thread.ts). Plain CommonJS so that the very same
// file runs from the sources under vitest and from dist; tsc checks it (checkJs) and copies it.
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { brotliDecompressSync } = require("node:zlib");

/** @typedef {import("./prism-thread.js").PrismWorkerData} PrismWorkerData */
/** @typedef {import("./prism-thread.js").PrismAsk} PrismAsk */
/** @typedef {import("./prism-thread.js").PrismWorkerMessage} PrismWorkerMessage */
/** Prism's operation model: only what this file reads of it. @typedef {{ method: string; path: string }} Operation */

/** @type {PrismWorkerData} */
const data = workerData;
/** @param {Operation} op */
const keyOf = (op) => `${op.method.toUpperCase()} ${op.path}`;
/** @param {unknown} error */
const messageOf = (error) => String((error instanceof Error && error.message) || error);

/** @param {PrismWorkerMessage} message */
function send(message) {
  parentPort?.postMessage(message);
}

async function start() {
  const { createInstance, getHttpOperationsFromSpec } = require(data.prismHttp);
  const { createLogger } = require(data.prismCore);
  const jsf = require(data.jsonSchemaFaker).JSONSchemaFaker;
  /** @type {Operation[] | undefined} */
  let operations;
  if (data.operationsFile) {
    const stored = JSON.parse(brotliDecompressSync(readFileSync(data.operationsFile)).toString("utf8"));
    if (stored.prismHttp === data.prismHttpVersion && stored.specSha256 === data.specSha256) {
      operations = stored.operations;
    }
  }
  /** @type {Operation[]} */
  const all = operations ?? (await getHttpOperationsFromSpec(data.specFile));
  const byKey = new Map(all.map((op) => [keyOf(op), op]));
  const logger = createLogger("mock", { level: data.logLevel });
  /** @type {Map<string, any>} Prism's instances by configuration name. */
  const instances = new Map();
  /** @type {Map<string, Record<string, any>>} */
  const configs = new Map();
  for (const [name, raw] of Object.entries(data.configs)) {
    const config = raw.upstream ? { ...raw, upstream: new URL(raw.upstream) } : raw;
    configs.set(name, config);
    instances.set(name, createInstance(config, { logger }));
  }
  // Without fillProperties: false, generated objects get random extra properties. Set while a
  // dynamic answer is made, and put back as it was after; only this thread sees the option.
  let generating = 0;
  /** @type {unknown} */
  let fillBefore;
  /**
   * @template T
   * @param {() => Promise<T>} run
   */
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
  /** Prism's Either as plain data (its errors are class instances). @param {any} result */
  const plain = (result) => {
    if (result._tag === "Left") {
      const e = result.left;
      return {
        _tag: "Left",
        left: {
          status: e.status,
          name: e.name,
          title: e.title,
          detail: e.detail ?? e.message,
          additional: e.additional,
        },
      };
    }
    const { output, validations } = result.right;
    return {
      _tag: "Right",
      right: { output: { statusCode: output.statusCode, headers: output.headers, body: output.body }, validations },
    };
  };
  parentPort?.on("message", async (/** @type {PrismAsk} */ ask) => {
    try {
      const config = configs.get(ask.config);
      const instance = instances.get(ask.config);
      if (!config || !instance) throw new Error(`no Prism configuration named ${ask.config}`);
      const toTry = ask.operations ? ask.operations.map((key) => byKey.get(key)).filter(Boolean) : all;
      const mock = { ...config.mock, ...ask.mock };
      const asked = () => instance.request(ask.input, toTry, { ...config, mock })();
      const result = mock.dynamic ? await generate(asked) : await asked();
      send({ type: "answer", id: ask.id, result: plain(result) });
    } catch (error) {
      send({ type: "answer", id: ask.id, error: messageOf(error) });
    }
  });
  send({ type: "ready", operations: all.map(keyOf) });
}

start().catch((error) => send({ type: "failed", message: messageOf(error) }));
