// The mock server: Prism's engine (prism-http), run in this process with our own small HTTP
// layer, which also speaks Daftra where Prism does not (refusals name each field and rule; two
// alternative credentials are refused; a proxy's violations are logged and listed).
// serve() reads the options (options.ts) and the bundle once, then answers each request through
// the pipeline of src/pipeline/: route, guards, responders (stateful, fast path, Prism or proxy).
// Prism runs in a thread of its own, which loads it while the server already answers (engine.ts,
// prism-thread.ts); what the build prepared of it (its operation model and its answers to valid
// requests) keeps it off the path to the first answer; the fast path (fast-path.ts) makes valid
// requests fast.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { documentSchemaCompiler } from "@mizan/openapi-tools/examples";
import { mockBundleOf } from "./apis.js";
import { prismEngine } from "./engine.js";
import { faultInjector } from "./faults.js";
import { createMetrics } from "./metrics.js";
import { checkOptions, optionValue, type MockOptions } from "./options.js";
import { declaredBodyLimit, bodyReader } from "./pipeline/body.js";
import { controlEndpoints } from "./pipeline/control.js";
import { contentTypeCheck } from "./pipeline/content-type.js";
import { cors } from "./pipeline/cors.js";
import { oneCredential } from "./pipeline/credentials.js";
import { errorShapeOf, errorShapeOnFirstUse } from "./pipeline/error-shape.js";
import type { Exchange, Responder } from "./pipeline/exchange.js";
import { faultInjection } from "./pipeline/fault-injection.js";
import { hostCheck } from "./pipeline/host.js";
import { methodCheck } from "./pipeline/method.js";
import { pathValueCheck } from "./pipeline/path-values.js";
import { fastPath } from "./pipeline/fast.js";
import { requestHandler } from "./pipeline/index.js";
import { lifecycle } from "./pipeline/lifecycle.js";
import { observer } from "./pipeline/observe.js";
import { operationsEndpoints } from "./pipeline/operations.js";
import { CHECK_CONFIG, MAIN_CONFIG, prismStage, type PrismConfig } from "./pipeline/prism.js";
import { queryCheck } from "./pipeline/query.js";
import { router, routeTable } from "./pipeline/route.js";
import { stateful } from "./pipeline/stateful.js";
import { unknownFields } from "./pipeline/unknown-fields.js";
import { violationRecorder, type ViolationLog } from "./pipeline/violations.js";
import { openState } from "./state.js";

export interface RunningServer {
  url: string;
  port: number;
  /** The seed of the injected faults: `seed` if given, else a random one (pass it to repeat a run). */
  faultSeed: number;
  violationLog(): ViolationLog;
  /** Stops at once, cutting the requests in flight. */
  close(): Promise<void>;
  /** Stops gracefully: no new connections, the requests in flight finish within `shutdownTimeoutMs`; resolves with how many had to be cut. */
  shutdown(): Promise<number>;
}

export async function serve(options: MockOptions): Promise<RunningServer> {
  // Checked before the spec is read, so a bad option fails at once with its own message.
  checkOptions(options);
  const specFile = options.specFile ?? mockBundleOf(optionValue(options, "api")!);
  const dynamic = !!options.dynamic;
  const faultSeed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const faults = faultInjector({ delayMs: options.delayMs, failureRate: options.failureRate, seed: faultSeed });
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  const config: PrismConfig = {
    checkSecurity: true,
    validateRequest: true,
    // Responses are the spec's own examples in mock mode (checked at build time); only a real
    // upstream's answers need checking.
    validateResponse: !!upstream,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic, seed: options.seed },
    ...(upstream ? { isProxy: true, upstream } : { isProxy: false }),
  };
  const configs: Record<string, PrismConfig> = { [MAIN_CONFIG]: config };
  // Proxy mode with --proxy-refuse-invalid: requests are validated as the mock would, and only
  // what the spec accepts is forwarded.
  if (upstream && options.refuseInvalid)
    configs[CHECK_CONFIG] = { ...config, validateResponse: false, isProxy: false, upstream: undefined };
  const bundleBytes = readFileSync(specFile);
  const engine = prismEngine(specFile, bundleBytes, { configs, logLevel: options.verbose ? "info" : "silent" });
  const operations = await engine.operationKeys().catch(async (error: Error) => {
    await engine.close();
    throw error;
  });
  if (!operations.length) throw new Error(`No operations found in ${specFile}.`);
  // Prism (or the build) has read the file by now, so it is a valid document (Prism's errors say more).
  const doc = JSON.parse(bundleBytes.toString("utf8"));
  const state = options.stateful
    ? await openState(doc, {
        maxBytes: optionValue(options, "stateMaxMb")! * 1024 * 1024,
        stateStore: options.stateStore,
        sessionTtlSeconds: optionValue(options, "sessionTtl"),
      }).catch(async (error: Error) => {
        await engine.close();
        throw error;
      })
    : undefined;
  const errorShape = errorShapeOnFirstUse(() => errorShapeOf(doc));
  // Schemas of the served document, compiled on first use: parameters (with coercion: they arrive
  // as text), and bodies and x-mock-when conditions. The schemas of a bundle the build prepared
  // (one of this package's own) are not checked against the JSON Schema meta-schema again:
  // test/engine.test.ts compiles them all with that check, and compiling the meta-schema takes
  // longer than the first request's own validators.
  const checked = engine.preparedByBuild ? { validateSchema: false } : {};
  let paramCompiler: ReturnType<typeof documentSchemaCompiler> | undefined;
  const compileQuery = (schema: unknown) =>
    (paramCompiler ??= documentSchemaCompiler(doc, { coerceTypes: true, verbose: true, ...checked }))(schema);
  let compiler: ReturnType<typeof documentSchemaCompiler> | undefined;
  const compile = (schema: unknown) => (compiler ??= documentSchemaCompiler(doc, checked))(schema);
  const routes = routeTable(doc, operations, errorShape, compile, compileQuery);
  const shapeOf = (exchange: Exchange) => exchange.route?.errorShape ?? errorShape;
  const violations = violationRecorder();
  const maxBodyBytes = optionValue(options, "maxBodyBytes")!;

  const prism = prismStage({
    engine,
    config,
    errorShape,
    violations,
    proxied: !!upstream,
  });
  const fast = fastPath({
    on: optionValue(options, "fastPath")! && !upstream && !dynamic,
    doc,
    compile,
    compileQuery,
    prismResultOf: prism.resultOf,
    preparedAnswer: engine.preparedAnswer,
    serialize: engine.serialize,
  });
  const responders: Responder[] = [];
  if (configs[CHECK_CONFIG]) responders.push(prism.refuseInvalid());
  if (state) responders.push(stateful({ state, fastVerdictOf: fast.verdictOf, prismResultOf: prism.resultOf }));
  responders.push(fast.responder, prism.responder);

  // Operations: the requests in flight (graceful shutdown), the request log, readiness and metrics
  // (after the Host check, like every other endpoint).
  const api = options.specFile && !options.api ? "custom" : optionValue(options, "api")!;
  const flight = lifecycle();
  const metrics = createMetrics({ api, stateSize: state && (() => state.size()), inFlight: flight.inFlight });
  const observe = observer({
    metrics,
    writeLine: options.log === "json" ? (line) => process.stdout.write(line) : undefined,
  });
  const opsEndpoints = operationsEndpoints({
    metrics,
    // Ready once Prism's thread has loaded Prism (a probe during the load waits for it), and not
    // when that thread has failed: the fast path would still answer, Prism's requests would not.
    checks: { prism: () => engine.loaded(), ...(state ? { state: () => state.check() } : {}) },
    draining: flight.draining,
  });

  const handler = requestHandler(
    {
      before: [
        flight.guard,
        observe,
        hostCheck({ host: optionValue(options, "host")!, allowedHosts: options.allowedHosts }),
        opsEndpoints,
        controlEndpoints({ health: () => ({ fastPath: fast.health() }), state, violations }),
        cors,
        declaredBodyLimit(maxBodyBytes, errorShape),
      ],
      route: router(routes, errorShape),
      guards: [
        methodCheck(errorShape),
        pathValueCheck,
        contentTypeCheck(shapeOf),
        faultInjection({ faults, failureRate: options.failureRate, seed: faultSeed, proxied: !!upstream, shapeOf }),
        oneCredential,
        queryCheck({ forwardInvalid: !!upstream && !options.refuseInvalid, violations }),
        bodyReader(maxBodyBytes, shapeOf, errorShape),
        unknownFields({ doc, strict: !!options.strictBodies, violations }),
      ],
      responders,
    },
    errorShape,
  );

  const headersTimeout = optionValue(options, "headersTimeoutMs")!;
  const requestTimeout = Math.max(optionValue(options, "requestTimeoutMs")!, headersTimeout);
  // Node checks these timeouts only every connectionsCheckingInterval (30 s by default).
  const server = createServer(
    { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    handler,
  );
  server.keepAliveTimeout = 5000;
  const host = optionValue(options, "host")!;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (error: Error) => {
    await engine.close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    faultSeed,
    violationLog: violations.log,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await engine.close();
      await state?.close();
    },
    async shutdown() {
      const cut = await flight.drain(server, optionValue(options, "shutdownTimeoutMs")!);
      await engine.close();
      await state?.close();
      return cut;
    },
  };
}
