// The mock's own process, started by startMock(): serves, says when it is ready on stdout (one
// JSON line), and ends when asked (SIGTERM) or when its parent goes away. The parent holds our
// stdin open, so the pipe closes even when the parent is killed with SIGKILL.
import { serve, type ServeOptions } from "./server.js";

const options = JSON.parse(process.argv[2] ?? "{}") as ServeOptions;
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

try {
  const server = await serve(options);
  let ending = false;
  const end = () => {
    if (ending) return;
    ending = true;
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", end);
  process.on("SIGINT", end);
  process.stdin.on("end", end);
  process.stdin.on("error", end);
  process.stdin.resume();
  say({ event: "ready", url: server.url, port: server.port, faultSeed: server.faultSeed });
} catch (error) {
  say({ event: "error", message: (error as Error).message });
  process.exit(1);
}
