// The image test's servers run under watchdog.mjs so that none outlives the test, even when the
// test process is killed with SIGKILL (no exit handler runs then). This kills a stand-in parent.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const watchdog = path.join(path.dirname(fileURLToPath(import.meta.url)), "watchdog.mjs");
const alive = (pid: number) => existsSync(`/proc/${pid}`);

describe.skipIf(process.platform !== "linux")("watchdog.mjs", () => {
  it("ends the command it started when its parent is killed with SIGKILL", async () => {
    // The parent starts the watchdog as the image test does (stdin a pipe from the parent), and
    // prints the watchdog's first line: the pid of the command, a process that would run forever.
    const parentScript = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, [${JSON.stringify(watchdog)}, process.execPath, "-e", "setInterval(() => {}, 1000)"], { stdio: ["pipe", "inherit", "pipe"] });
      child.stderr.on("data", (chunk) => process.stdout.write(chunk));
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["-e", parentScript], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = "";
      parent.stdout!.on("data", (chunk) => {
        out += chunk;
        const found = /^pid (\d+)$/m.exec(out);
        if (found) resolve(Number(found[1]));
      });
      parent.once("exit", () => reject(new Error(`the parent exited first: ${out}`)));
    });
    expect(alive(pid)).toBe(true);

    parent.kill("SIGKILL");
    // Bounded by count, not time: 600 looks 50 ms apart, far more than the watchdog needs.
    for (let i = 0; i < 600 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });
});
