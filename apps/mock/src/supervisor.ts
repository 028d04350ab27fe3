// Runs Prism (argv after the script) and ends it as soon as our parent goes away.
// The parent holds our stdin open; when the parent exits, even by SIGKILL, the pipe
// closes and we take Prism down with us, so no test run leaves a server behind.
import { spawn } from "node:child_process";

const [prismEntry, ...prismArgs] = process.argv.slice(2);
if (!prismEntry) {
  console.error("usage: supervisor.js <prism entry> [prism args...]");
  process.exit(2);
}

const prism = spawn(process.execPath, [prismEntry, ...prismArgs], { stdio: ["ignore", "inherit", "inherit"] });

let ending = false;
function end(signal: NodeJS.Signals) {
  if (ending) return;
  ending = true;
  if (prism.exitCode === null && prism.signalCode === null) {
    prism.kill(signal);
    setTimeout(() => prism.kill("SIGKILL"), 2000).unref();
  }
}

prism.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.on("SIGTERM", () => end("SIGTERM"));
process.on("SIGINT", () => end("SIGINT"));
process.stdin.on("end", () => end("SIGTERM"));
process.stdin.on("error", () => end("SIGTERM"));
process.stdin.resume();
