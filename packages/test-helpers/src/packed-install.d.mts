import type { ChildProcess } from "node:child_process";

export function userEnv(): NodeJS.ProcessEnv;
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv; children?: Set<ChildProcess> },
): Promise<string>;
export function stopChild(child: ChildProcess): Promise<void>;
export function workspaceDependencies(dir: string, found?: Set<string>): Set<string>;
export function installPacked(
  packageDir: string,
  work: string,
  options?: { extra?: string[]; children?: Set<ChildProcess>; packTimeoutMs?: number; installTimeoutMs?: number },
): Promise<string>;
