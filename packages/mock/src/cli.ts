// mizan-mock: serve a bundled API description (or proxy a real account) with Prism. The options,
// their parsing and the usage text come from options.ts; the server runs in this process (no
// second process to start, which keeps start-up short) and ends with its launcher (lifeline.ts).
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { endWithLauncher } from "./lifeline.js";
import { optionsFromArgs, optionValue, parseArgsConfig, usage, type MockOptions } from "./options.js";
import { stopGracefully } from "./pipeline/lifecycle.js";
import { serve } from "./server.js";

function fail(message: string): never {
  console.error(`mizan-mock: ${message}\n\n${usage()}`);
  process.exit(2);
}

let options: MockOptions;
try {
  const { values } = parseArgs({ options: parseArgsConfig(), strict: true });
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  if (values.version) {
    // package.json sits one level up from both src/ and dist/.
    console.log(createRequire(import.meta.url)("../package.json").version);
    process.exit(0);
  }
  options = optionsFromArgs(values);
} catch (error) {
  fail((error as Error).message);
}

try {
  const server = await serve(options);
  const what = options.upstream
    ? `Validating proxy of ${options.api} to ${options.upstream}`
    : `${options.stateful ? "Stateful mock" : "Mock"} of ${options.api}`;
  console.log(`${what} listening on ${server.url}  (Ctrl-C to stop)`);
  if (options.delayMs !== undefined || options.failureRate !== undefined) {
    const delay =
      typeof options.delayMs === "object"
        ? `${options.delayMs.min}-${options.delayMs.max} ms`
        : `${options.delayMs ?? 0} ms`;
    console.log(
      `Faults: delay ${delay}, failure rate ${options.failureRate ?? 0}, seed ${server.faultSeed} (--seed ${server.faultSeed} repeats this run)`,
    );
  }
  // Graceful: new connections refused, the requests in flight answered (within the bound).
  endWithLauncher(() => void stopGracefully(server, optionValue(options, "shutdownTimeoutMs")!));
} catch (error) {
  console.error(`mizan-mock: ${(error as Error).message}`);
  process.exit(1);
}
