// A newcomer's first hour, played from empty folders with the packed packages: the root README's
// pack, install and `npx @mizan/mock` lines run verbatim, its program type-checked by the
// project's own TypeScript (the lowest supported 5.x, the newest 5.x and 7, the native compiler)
// and run against the mock those lines started, and installing the mock leaves each project's
// TypeScript as it was (5.8 as well, the version a user saw moved). npm fetches TypeScript and the
// packages' third-party dependencies from the registry (or its cache); everything after the
// installs talks to 127.0.0.1 only. Slow (installs), so its time limits are generous.
import { spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, stopChild, userEnv } from "@mizan/test-helpers/packed-install";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const work = mkdtempSync(path.join(tmpdir(), "mizan-first-hour-"));
const children = new Set<ChildProcess>();

/** The TypeScript a user's project has before it installs anything of ours. */
const LOWEST = "5.4.5";
const NEWEST_5 = "5.9.3";
const NATIVE = "7.0.2";
const PROJECTS = [LOWEST, "5.8.3", NEWEST_5, NATIVE];
/** The project that runs the mock and the program (any would do; one keeps the run short). */
const RUNNER = NEWEST_5;
const TYPES_NODE = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")).devDependencies[
  "@types/node"
];

/** The fenced blocks of a language in a Markdown text. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, "gm"))].map((m) => m[1]!);
}

/** The commands of a shell block: its non-empty lines, `a && b` as two, comments dropped. */
function commandsOf(block: string): string[] {
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"))
    .flatMap((line) => line.split(/\s+&&\s+/));
}

const packLine = commandsOf(blocks(readme, "sh").find((b) => / pack --pack-destination /.test(b)) ?? "");
const projectLines = commandsOf(blocks(readme, "sh").find((b) => b.includes("npx @mizan/mock")) ?? "");
const program = blocks(readme, "ts").find((b) => b.includes("createDaftraClient")) ?? "";
const mockReadme = path.join(repoRoot, "packages", "mock", "README.md");
const mockProgram =
  blocks(readFileSync(mockReadme, "utf8"), "ts").find((b) => b.includes("startMock") && b.includes("node:test")) ?? "";

function sh(command: string, cwd: string, { env = userEnv(), timeoutMs = 300_000 } = {}): Promise<string> {
  return runCommand("sh", ["-c", command], { cwd, env, timeoutMs, children });
}

/** An npm install, tried once more after a network failure (the registry is outside this machine). */
async function npm(command: string, cwd: string): Promise<string> {
  try {
    return await sh(command, cwd);
  } catch (error) {
    if (!/npm error code (E[A-Z]*NET|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ERR_SSL|UNABLE_TO)/.test(String(error)))
      throw error;
    return sh(command, cwd);
  }
}

const installedTypeScript = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, "node_modules", "typescript", "package.json"), "utf8")).version;
const declaredTypeScript = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).devDependencies?.typescript;

/** The project's own `tsc`, as `npx tsc` finds it: exit status and output. */
async function typeCheck(dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await sh("npx --no-install tsc -p .", dir, { timeoutMs: 180_000 }) };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

interface Project {
  dir: string;
  typescript: string;
  /** What `tsc` said in the CommonJS project `npm init -y` made, before `npm pkg set type=module`. */
  commonJs: { ok: boolean; output: string };
  /** The installed TypeScript right before the mock's install line. */
  beforeMock: { installed: string; declared: string };
}

const projects = new Map<string, Project>();

/** Plays the README's project lines in a new folder whose user already has `typescript`. */
async function playProject(typescript: string, packs: string): Promise<Project> {
  const dir = path.join(work, `project-ts-${typescript}`);
  mkdirSync(dir);
  for (const file of readdirSync(packs)) copyFileSync(path.join(packs, file), path.join(dir, file));
  const project: Project = {
    dir,
    typescript,
    commonJs: { ok: true, output: "" },
    beforeMock: { installed: "", declared: "" },
  };
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        outDir: "out",
        types: ["node"],
      },
      include: ["*.ts"],
    }),
  );
  writeFileSync(path.join(dir, "main.ts"), program);
  writeFileSync(path.join(dir, "mock.test.ts"), mockProgram);
  for (const command of projectLines) {
    if (command.startsWith("npx ")) continue; // the mock starts in the test below
    if (/@mizan\/mock|mizan-mock-/.test(command))
      project.beforeMock = { installed: installedTypeScript(dir), declared: declaredTypeScript(dir) };
    if (command === "npm pkg set type=module") project.commonJs = await typeCheck(dir);
    await npm(command, dir);
    // The user's project had its TypeScript before any of ours.
    if (command === "npm init -y")
      await npm(
        `npm install --save-dev --save-exact --no-audit --no-fund typescript@${typescript} @types/node@${TYPES_NODE}`,
        dir,
      );
  }
  return project;
}

/** The README's `npx @mizan/mock` line. */
const npxLine = projectLines.find((c) => c.startsWith("npx @mizan/mock")) ?? "";

/**
 * Runs `command` (the README's npx line) in `dir` with a shell, in a process group of its own,
 * until the mock says where it listens. $PORT=0, as the README says, so the run takes a free port.
 */
async function startReadmeMock(dir: string, command: string): Promise<{ launcher: ChildProcess; url: string }> {
  const launcher = spawn("sh", ["-c", command], {
    cwd: dir,
    env: { ...userEnv(), PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(launcher);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 120 s:\n${out}`)), 120_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (\S+)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    launcher.stdout!.on("data", read);
    launcher.stderr!.on("data", read);
    launcher.once("exit", (code) => reject(new Error(`${command} exited (${code}) before it listened:\n${out}`)));
  });
  return { launcher, url };
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

beforeAll(async () => {
  expect(packLine.length, "the README's pack line").toBe(1);
  expect(
    projectLines.some((c) => c.startsWith("npx @mizan/mock")),
    "the README's npx line",
  ).toBe(true);
  // The pack line, verbatim, from the repository root, with ~ standing for this test's folder.
  await sh(packLine[0]!, repoRoot, { env: { ...userEnv(), HOME: work }, timeoutMs: 300_000 });
  const packs = path.join(work, "mizan-packs");
  // Two at a time: installs are mostly waiting on the registry, and the machine has two cores.
  for (let i = 0; i < PROJECTS.length; i += 2) {
    const played = await Promise.all(PROJECTS.slice(i, i + 2).map((ts) => playProject(ts, packs)));
    for (const p of played) projects.set(p.typescript, p);
  }
}, 1_500_000);

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
  rmSync(work, { recursive: true, force: true });
});

describe("the first hour, from the root README", () => {
  it("packs exactly the tarballs the install lines name", () => {
    const named = projectLines
      .flatMap((c) => c.split(/\s+/))
      .filter((w) => w.endsWith(".tgz"))
      .map((w) => path.basename(w));
    expect(named.sort()).toEqual(readdirSync(path.join(work, "mizan-packs")).sort());
  });

  it("installs each package with the repository's MIT license", () => {
    const license = readFileSync(path.join(repoRoot, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License/);
    const installed = path.join(projects.get(RUNNER)!.dir, "node_modules", "@mizan");
    expect(readdirSync(installed).sort()).toEqual([
      "client-core",
      "daftra-client",
      "mock",
      "mock-model",
      "openapi-tools",
    ]);
    for (const name of readdirSync(installed))
      expect(readFileSync(path.join(installed, name, "LICENSE"), "utf8"), name).toBe(license);
  });

  it.each(PROJECTS)("leaves the project's TypeScript %s where it was when the mock is installed", (typescript) => {
    const { dir, beforeMock } = projects.get(typescript)!;
    expect(beforeMock).toEqual({ installed: typescript, declared: typescript });
    expect(installedTypeScript(dir)).toBe(typescript);
    expect(declaredTypeScript(dir)).toBe(typescript);
    expect(existsSync(path.join(dir, "node_modules", "@mizan", "mock", "package.json"))).toBe(true);
    // Nor does it bring the code generator's packages.
    expect(existsSync(path.join(dir, "node_modules", "openapi-typescript"))).toBe(false);
  });

  it("says why top-level await fails in the CommonJS project npm init makes (TS1309), and the fix works", () => {
    const { commonJs } = projects.get(RUNNER)!;
    expect(commonJs.ok).toBe(false);
    expect(commonJs.output).toMatch(/TS1309/);
    expect(readme).toMatch(/TS1309/);
  });

  it.each([LOWEST, NEWEST_5, NATIVE])(
    "type-checks the README's programs with TypeScript %s",
    async (typescript) => {
      const { dir } = projects.get(typescript)!;
      expect(await sh("npx --no-install tsc -v", dir)).toContain(`Version ${typescript}`);
      const { ok, output } = await typeCheck(dir);
      expect(ok, output).toBe(true);
    },
    240_000,
  );

  it("starts the mock with the README's npx line and runs the README's program against it", async () => {
    const { dir } = projects.get(RUNNER)!;
    const { launcher, url } = await startReadmeMock(dir, npxLine);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The program as the project's tsc compiled it (the type check above emits it; compiled
      // here when this test runs alone), pointed at this mock's port.
      const compiled = path.join(dir, "out", "main.js");
      if (!existsSync(compiled)) {
        const { ok, output } = await typeCheck(dir);
        expect(ok, output).toBe(true);
      }
      writeFileSync(compiled, readFileSync(compiled, "utf8").replaceAll("http://127.0.0.1:4010", url));
      const printed = (
        await runCommand(process.execPath, [compiled], { cwd: dir, timeoutMs: 60_000, children })
      ).trim();
      const expected = (await (
        await fetch(`${url}/api2/clients/512.json`, { headers: { apikey: "any-key" } })
      ).json()) as { data: { Client: { business_name: string } } };
      expect(printed).toBe(expected.data.Client.business_name);
    } finally {
      await stopChild(launcher);
    }
  }, 240_000);
  it("stops the mock when the npx that launched it is killed outright", async () => {
    const { dir } = projects.get(RUNNER)!;
    // `exec` makes the shell become npx, so the process killed is the README's launcher itself
    // (npx starts the mock through a shell of its own, which outlives it).
    const { launcher, url } = await startReadmeMock(dir, `exec ${npxLine}`);
    const port = Number(new URL(url).port);
    try {
      expect(await accepting(port)).toBe(true);
      // SIGKILL: the launcher can pass nothing on; the mock must notice by itself that it is gone.
      process.kill(launcher.pid!, "SIGKILL");
      // Bounded by count, not speed: the mock looks for its launcher every half second, and a
      // shared CI machine can be slow to schedule it, so up to 60 s of tries at 250 ms apart.
      let open = true;
      for (let i = 0; i < 240 && open; i++) {
        await new Promise((r) => setTimeout(r, 250));
        open = await accepting(port);
      }
      expect(open, `the mock on port ${port} still accepts connections after its launcher was killed`).toBe(false);
    } finally {
      // Whatever is left of the launcher's process group (npx's shell, the mock) goes now.
      try {
        process.kill(-launcher.pid!, "SIGKILL");
      } catch {
        // the group is gone: nothing outlived the launcher
      }
    }
  }, 240_000);
});
