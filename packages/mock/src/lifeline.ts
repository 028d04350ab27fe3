// A server process ends with the process that started it, whatever ended that one. Signals
// (SIGTERM, SIGINT, SIGHUP) end it gracefully; a launcher killed outright (SIGKILL, or a launcher
// such as npx that does not pass signals on) is noticed because this process is re-parented, and
// for startMock's child, because the pipe its launcher holds on our stdin closes.
import { readFileSync } from "node:fs";

/** How often the parent is looked for: a port is freed within about this long after its launcher died. */
const PARENT_CHECK_MS = 500;

/** A process's parent pid, `self` for this one (Linux: /proc; Node's `process.ppid` is read once, at start-up). */
function parentOf(pid: number | "self"): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

const currentParent = () => parentOf("self");

/** Whether a process is a shell: npx, npm run and pnpm start a bin through `sh -c`, which outlives them. */
function isShell(pid: number): boolean {
  try {
    return /^(sh|dash|bash|ash|zsh)$/.test(readFileSync(`/proc/${pid}/comm`, "utf8").trim());
  } catch {
    return false;
  }
}

function launcherAlive(launcher: number): boolean {
  const parent = currentParent();
  // Started through a shell: the shell's own launcher (npx, say) must be alive too.
  if (parent !== undefined && shellsLauncher !== undefined)
    return parent === launcher && parentOf(launcher) === shellsLauncher;
  if (parent !== undefined) return parent === launcher;
  try {
    process.kill(launcher, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

// Read when this module loads, at the process's start: a launcher that dies while the server
// is still starting must be noticed too.
const launcherAtStart = currentParent() ?? process.ppid;
// Who started that process, when it is a shell (and not init): a launcher killed outright leaves
// its shell running, re-parented, so the shell's parent changing is how its death shows.
const shellsLauncherAtStart = isShell(launcherAtStart) ? parentOf(launcherAtStart) : undefined;
const shellsLauncher =
  shellsLauncherAtStart !== undefined && shellsLauncherAtStart > 1 ? shellsLauncherAtStart : undefined;

/**
 * Calls `end` once when the process is told to stop or its launcher is gone. `stdinPipe`: the
 * launcher holds our stdin open (startMock), so its end means the launcher is gone.
 */
export function endWithLauncher(end: () => void, { stdinPipe = false } = {}): void {
  let ended = false;
  const once = () => {
    if (ended) return;
    ended = true;
    end();
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, once);
  if (stdinPipe) {
    process.stdin.on("end", once);
    process.stdin.on("error", once);
    process.stdin.resume();
  }
  // Started by init (pid 1, e.g. as a container's entrypoint), there is no launcher to outlive.
  const launcher = launcherAtStart;
  if (launcher > 1) setInterval(() => launcherAlive(launcher) || once(), PARENT_CHECK_MS).unref();
}
