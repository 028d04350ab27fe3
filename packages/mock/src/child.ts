// The mock's own process, started by startMock(): serves the options it is given (one JSON
// argument, checked by startMock with options.ts), says when it is ready on stdout (one JSON
// line), and ends when asked or when its launcher goes away (lifeline.ts).
import { endWithLauncher } from "./lifeline.js";
import { optionValue, type MockOptions } from "./options.js";
import { stopGracefully } from "./pipeline/lifecycle.js";
import { serve } from "./server.js";

const options = JSON.parse(process.argv[2] ?? "{}") as MockOptions;
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

try {
  const server = await serve(options);
  // Graceful: new connections refused, the requests in flight answered (within the bound).
  endWithLauncher(() => void stopGracefully(server, optionValue(options, "shutdownTimeoutMs")!), {
    stdinPipe: true,
  });
  say({ event: "ready", url: server.url, port: server.port, faultSeed: server.faultSeed });
} catch (error) {
  say({ event: "error", message: (error as Error).message });
  process.exit(1);
}
