// node watchdog.mjs <command> [args...]: runs the command in its own process group and ends that
// whole group when the process that started us goes away (our stdin closes, which happens even
// when it is killed with SIGKILL), or on SIGTERM/SIGINT. The image test starts the image's
// entrypoint through it, so no server outlives the test. Prints `pid <n>` (the command's pid)
// first on stderr, then passes the command's output through, and exits with its status.
import { spawn } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node watchdog.mjs <command> [args...]");
  process.exit(2);
}
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });
process.stderr.write(`pid ${child.pid}\n`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  setTimeout(() => signal("SIGKILL"), 5000).unref();
}

process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
child.once("error", (error) => {
  console.error(`watchdog: ${error.message}`);
  process.exit(127);
});
child.once("exit", (code, sig) => {
  // Whatever the command left in its group goes with it.
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // nothing left
  }
  process.exit(code ?? (sig ? 128 + 1 : 1));
});
