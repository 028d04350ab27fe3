// Small process helpers shared by the image scripts and the image test.
import { spawn, spawnSync } from "node:child_process";

/**
 * Runs a command to its end and resolves with its stdout; rejects with everything it printed.
 * `echo` streams its output to ours as well (the long builds, so a user sees progress).
 */
export function run(command, args, { cwd, env = process.env, echo = false, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (echo) process.stderr.write(chunk);
    });
    if (input !== undefined) child.stdin.end(input);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `\`${command} ${args.join(" ")}\` failed (${signal ?? `exit ${code}`}):\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
          ),
        );
    });
  });
}

/** The absolute path of `name` on PATH, or undefined. */
export function which(name) {
  // The sbin folders too: root's tools (chroot) live there, and a minimal PATH may leave them out.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin` };
  const found = spawnSync("sh", ["-c", 'command -v "$1"', "sh", name], { encoding: "utf8", env });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** True when buildah knows an image by this name. */
export async function imageExists(name) {
  const res = spawnSync("buildah", ["inspect", "--type", "image", "--format", "{{.FromImageID}}", name], {
    stdio: "ignore",
  });
  return res.status === 0;
}
