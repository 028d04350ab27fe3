// mizan-mock: serve a bundled API description with Prism.
import { parseArgs } from "node:util";
import { availableApis, startMock } from "./index.js";

const usage = `Usage: mizan-mock [options]

Serves a mock of an API from its bundled OpenAPI document (build it first with \`pnpm build\`).

Options:
  --api <name>      API to serve (${availableApis().join(", ")}). Default: daftra
  --port <n>        Port, 0 for a free one. Default: 4010 (or $PORT)
  --host <addr>     Interface to bind. Default: 127.0.0.1
  --dynamic         Generate responses from the schemas instead of the examples
  --seed <n>        Seed for --dynamic, for repeatable data
  --verbose         Show Prism's request log
  -h, --help        Show this help`;

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

try {
  const mock = await startMock({ api: values.api, port, host: values.host, dynamic: values.dynamic, seed, verbose: values.verbose });
  console.log(`Mock of ${values.api} listening on ${mock.url}  (Ctrl-C to stop)`);
  const shutdown = () => void mock.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  console.error(`mizan-mock: ${(error as Error).message}`);
  process.exit(1);
}
