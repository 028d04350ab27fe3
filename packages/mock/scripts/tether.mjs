// node scripts/tether.mjs <command> [args...]: runs a server that does not watch who started it
// (redis-server, haproxy) and ends it with the test process that started this one, through the
// mock's own lifeline (our stdin pipe closes when the test process dies, even by SIGKILL).
import { spawn } from "node:child_process";
import { endWithLauncher } from "../dist/lifeline.js";

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
child.once("error", (error) => {
  console.error(`tether: ${command}: ${error.message}`);
  process.exit(127);
});
child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
endWithLauncher(
  () => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  },
  { stdinPipe: true },
);
