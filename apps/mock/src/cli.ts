// mizan-mock: serve a bundled API description (or proxy a real account) with Prism.
import { parseArgs } from "node:util";
import { getApi } from "@mizan/spec";
import { availableApis } from "./index.js";
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, serve } from "./server.js";

const usage = `Usage: mizan-mock [options]

Serves a mock of an API from its bundled OpenAPI document (build it first with \`pnpm build\`).

Options:
  --api <name>       API to serve (${availableApis().join(", ")}). Default: daftra
  --port <n>         Port, 0 for a free one. Default: 4010 (or $PORT)
  --host <addr>      Interface to bind. Default: 127.0.0.1
  --dynamic          Generate responses from the schemas instead of the examples
  --seed <n>         Seed for --dynamic, for repeatable data
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

Ask for a documented answer with a header: \`Prefer: code=404\` or \`Prefer: example=<name>\`.`;

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
const maxBodyBytes = positiveInteger("max-body");
const headersTimeoutMs = positiveInteger("headers-timeout");
const requestTimeoutMs = positiveInteger("request-timeout");

try {
  const server = await serve({
    specFile: getApi(values.api!).mockBundle,
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
    stateful: values.stateful,
  });
  const what = values.proxy ? `Validating proxy of ${values.api} to ${values.proxy}` : `${values.stateful ? "Stateful mock" : "Mock"} of ${values.api}`;
  console.log(`${what} listening on ${server.url}  (Ctrl-C to stop)`);
  const shutdown = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  console.error(`mizan-mock: ${(error as Error).message}`);
  process.exit(1);
}
