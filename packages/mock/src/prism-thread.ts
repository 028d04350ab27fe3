// Prism's engine in a worker thread of the mock. Loading Prism takes ~1.2 s of CPU on an idle
// machine (0.7 s of it @faker-js/faker with all its locales, which prism-http requires when it
// loads). In a thread of its own that load never stops the server: the mock answers from the
// fast path and the build's prepared answers meanwhile, and a request that needs Prism waits
// for it without holding up the others. json-schema-faker's options, which are process-wide in
// its module, are set in this thread only.
//
// The worker is prism-worker.cjs: plain JavaScript that tsc checks (checkJs) against the types
// below and copies into dist, so the same file runs from the sources (tests) and from dist. It
// takes plain data and answers plain data (structured clone): the request as Prism's input,
// which configuration, and the operations to try by their "METHOD /path"; the answer is
// Prism's Either, its error as a plain object.

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
