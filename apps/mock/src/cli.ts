// mizan-mock: serve a bundled API description (or proxy a real account) with Prism.
import { parseArgs } from "node:util";
import { availableApis, mockBundleOf } from "./apis.js";
import { FaultOptionError, MAX_DELAY_MS, parseDelay, parseFailureRate } from "./faults.js";
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, serve } from "./server.js";

const usage = `Usage: mizan-mock [options]

Serves a mock of an API from the OpenAPI document bundled in this package.

Options:
  --api <name>       API to serve (${availableApis().join(", ")}). Default: daftra
  --port <n>         Port, 0 for a free one. Default: 4010 (or $PORT)
  --host <addr>      Interface to bind. Default: 127.0.0.1
  --dynamic          Generate responses from the schemas instead of the examples
  --seed <n>         Seed for --dynamic, --delay ranges and --failure-rate, so a
                     run repeats (without it, faults use a random seed, printed on start)
  --delay <ms>       Wait this long before every answer: 200, or a range 100-500 for a
                     random delay in it (at most ${MAX_DELAY_MS} ms)
  --failure-rate <r> Answer this share of requests (0 to 1; 0.2 is one in five) with 503
                     in the API's error shape, to test retries
  --proxy <url>      Forward to a real server (e.g. https://acme.daftra.com) and report
                     every request or response that breaks the spec. Invalid requests
                     are forwarded too, unless --proxy-refuse-invalid is given
  --proxy-refuse-invalid  With --proxy: answer an invalid request with its validation
                     error instead of forwarding it
  --stateful         Remember writes: creates, updates and deletes change what reads and
                     lists answer. Header \`x-mock-session: <name>\` keeps a test's records
                     apart; POST /__mock/reset forgets them
  --max-body <bytes> Refuse larger request bodies with 413. Default: ${DEFAULT_MAX_BODY_BYTES} (10 MiB)
  --headers-timeout <ms>  Cut off clients that have not sent their headers. Default: ${DEFAULT_HEADERS_TIMEOUT_MS}
  --request-timeout <ms>  Cut off clients that have not sent their request. Default: ${DEFAULT_REQUEST_TIMEOUT_MS}
  --verbose          Show Prism's request log
  -h, --help         Show this help

Ask for a documented answer with a header: \`Prefer: code=404\` or \`Prefer: example=<name>\`.
Per request: \`Prefer: delay=<ms>\` answers late, \`Prefer: code=503\` fails even where the
operation does not document that status (any 4xx or 5xx).`;

function fail(message: string): never {
  console.error(`mizan-mock: ${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      api: { type: "string", default: "daftra" },
      port: { type: "string", default: process.env.PORT ?? "4010" },
      host: { type: "string", default: "127.0.0.1" },
      dynamic: { type: "boolean", default: false },
      seed: { type: "string" },
      delay: { type: "string" },
      "failure-rate": { type: "string" },
      proxy: { type: "string" },
      "proxy-refuse-invalid": { type: "boolean", default: false },
      stateful: { type: "boolean", default: false },
      "max-body": { type: "string" },
      "headers-timeout": { type: "string" },
      "request-timeout": { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got "${values.port}"`);
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);
if (!availableApis().includes(values.api!)) fail(`unknown API "${values.api}"`);
if (values.proxy !== undefined && !/^https?:\/\/[^/]+/.test(values.proxy)) fail(`--proxy must be an http(s) URL, got "${values.proxy}"`);
if (values.proxy !== undefined && values.dynamic) fail("--dynamic and --proxy cannot be combined");
if (values["proxy-refuse-invalid"] && values.proxy === undefined) fail("--proxy-refuse-invalid needs --proxy");
if (values.stateful && values.proxy !== undefined) fail("--stateful and --proxy cannot be combined");
function positiveInteger(option: string): number | undefined {
  const raw = values![option as "max-body"];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(`--${option} must be a positive integer, got "${raw}"`);
  return n;
}
let delayMs;
let failureRate;
try {
  delayMs = values.delay === undefined ? undefined : parseDelay(values.delay);
  failureRate = values["failure-rate"] === undefined ? undefined : parseFailureRate(values["failure-rate"]);
} catch (error) {
  if (!(error instanceof FaultOptionError)) throw error;
  fail(error.message);
}
const maxBodyBytes = positiveInteger("max-body");
const headersTimeoutMs = positiveInteger("headers-timeout");
const requestTimeoutMs = positiveInteger("request-timeout");

try {
  const server = await serve({
    specFile: mockBundleOf(values.api!),
    host: values.host,
    port,
    dynamic: values.dynamic,
    seed,
    upstream: values.proxy,
    verbose: values.verbose,
    maxBodyBytes,
    headersTimeoutMs,
    requestTimeoutMs,
    refuseInvalid: values["proxy-refuse-invalid"],
    delayMs,
    failureRate,
    stateful: values.stateful,
  });
  const what = values.proxy ? `Validating proxy of ${values.api} to ${values.proxy}` : `${values.stateful ? "Stateful mock" : "Mock"} of ${values.api}`;
  console.log(`${what} listening on ${server.url}  (Ctrl-C to stop)`);
  if (delayMs !== undefined || failureRate !== undefined) {
    const delay = typeof delayMs === "object" ? `${delayMs.min}-${delayMs.max} ms` : `${delayMs ?? 0} ms`;
    console.log(`Faults: delay ${delay}, failure rate ${failureRate ?? 0}, seed ${server.faultSeed} (--seed ${server.faultSeed} repeats this run)`);
  }
  const shutdown = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  console.error(`mizan-mock: ${(error as Error).message}`);
  process.exit(1);
}
