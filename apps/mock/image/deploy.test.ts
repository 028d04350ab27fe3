// The deployment examples against the Containerfile and the CLI they run: the compose file, the
// README's `docker run`, GitHub Actions service and compose snippets, and the image workflow.
// Their port, health endpoint and image name must agree with the Containerfile's, and every
// argument they give the image must be one mizan-mock accepts. No buildah needed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_TAG } from "./build.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, "..");
const watchdog = path.join(here, "watchdog.mjs");
const repoRoot = path.resolve(appDir, "..", "..");
const containerfile = readFileSync(path.join(appDir, "Containerfile"), "utf8");
const composeText = readFileSync(path.join(appDir, "compose.yaml"), "utf8");
const compose = parse(composeText);
const readme = readFileSync(path.join(appDir, "README.md"), "utf8");
const workflow = parse(readFileSync(path.join(repoRoot, ".github", "workflows", "image.yml"), "utf8"));
/** Where the image workflow pushes the image: what the README and compose.yaml must name. */
const workflowImage: string = workflow.jobs.image.env.IMAGE;

// The CLI of the package the image installs, found by its name.
const manifestPath = createRequire(import.meta.url).resolve("@mizan/mock/package.json");
const cli = path.join(path.dirname(manifestPath), JSON.parse(readFileSync(manifestPath, "utf8")).bin["mizan-mock"]);
const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" }).stdout;

/**
 * Whether mizan-mock starts with these arguments (on a free port of 127.0.0.1, which later
 * arguments set): it checks option names and values before it listens. Under the watchdog, so
 * nothing outlives this test.
 */
function accepts(args: string[]): Promise<{ ok: boolean; why: string }> {
  const child = spawn(
    process.execPath,
    [watchdog, process.execPath, cli, ...args, "--port", "0", "--host", "127.0.0.1"],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const why = out.split("\n").find((line) => line.startsWith("mizan-mock:")) ?? out.slice(0, 500);
      if (child.exitCode !== null || child.signalCode !== null) resolve({ ok, why });
      else {
        child.once("exit", () => resolve({ ok, why }));
        child.kill("SIGTERM");
      }
    };
    // Generous: start-up takes about a second, but CI machines are shared and slow at times.
    const timer = setTimeout(() => done(false), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk;
      if (/listening on http:/.test(out)) done(true);
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", () => done(false));
  });
}

const port = Number(/^EXPOSE\s+(\d+)\s*$/m.exec(containerfile)?.[1]);
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("the container's deployment examples", () => {
  it("the Containerfile exposes the port its server and health check use", async () => {
    expect(port).toBe(4010);
    expect(containerfile).toMatch(new RegExp(`^\\s*PORT=${port}\\b`, "m"));
    const healthcheck = /^HEALTHCHECK[\s\S]*?CMD (\[.*\])$/m.exec(containerfile)?.[1];
    expect(JSON.parse(healthcheck!).join(" ")).toContain("/__mock/health");
    // Argument validation works, so the checks below can fail.
    expect((await accepts(["--api", "daftra"])).ok).toBe(true);
    expect(await accepts(["--api", "nope"])).toMatchObject({
      ok: false,
      why: expect.stringMatching(/unknown API "nope"/i),
    });
    expect((await accepts(["--no-such-option"])).ok).toBe(false);
  });

  it("compose.yaml runs the image with arguments mizan-mock accepts, on the exposed port, waiting for its health check", async () => {
    const { mock, app } = compose.services;
    expect(mock.image).toBe(`\${MIZAN_MOCK_IMAGE:-${DEFAULT_TAG}}`);
    const result = await accepts(mock.command);
    expect(result.ok, result.why).toBe(true);
    expect(mock.ports.map((p: string) => Number(p.split(":").at(-1)))).toEqual([port]);
    // The image's own health check: compose must not replace it with one on another path.
    expect(mock.healthcheck).toBeUndefined();
    expect(app.depends_on.mock.condition).toBe("service_healthy");
    expect(app.environment.DAFTRA_BASE_URL).toBe(`http://mock:${port}`);
    // Reached by the name "mock": a host check, where the CLI has one, must be told that name.
    if (help.includes("--allowed-hosts")) {
      const allowed = mock.command[mock.command.indexOf("--allowed-hosts") + 1] ?? "";
      expect(allowed.split(","), "compose's mock command needs --allowed-hosts with mock").toContain("mock");
    }
  });

  it("compose.replicas.yaml runs three replicas of the image on one Redis, behind HAProxy's checked configuration", async () => {
    const replicas = parse(readFileSync(path.join(appDir, "compose.replicas.yaml"), "utf8")).services;
    const names = ["mock1", "mock2", "mock3"];
    for (const name of names) {
      expect(replicas[name].image).toBe(`\${MIZAN_MOCK_IMAGE:-${DEFAULT_TAG}}`);
      expect(replicas[name].command).toEqual(replicas.mock1.command);
    }
    const command: string[] = replicas.mock1.command;
    expect(command[command.indexOf("--state-store") + 1]).toBe("redis://redis:6379/0");
    for (const host of ["balancer", ...names]) expect(command[command.indexOf("--allowed-hosts") + 1]).toContain(host);
    // It starts without Redis (stateful requests answer 503 until Redis answers).
    const result = await accepts(command);
    expect(result.ok, result.why).toBe(true);
    const config = readFileSync(path.join(appDir, "haproxy.replicas.cfg"), "utf8");
    for (const name of names) expect(config).toContain(`server ${name} ${name}:${port} check`);
    expect(config).toMatch(/option httpchk GET \/__mock\/health/);
    expect(config).toContain(`bind :${port}`);
    expect(replicas.balancer.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    const haproxy = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].find((file) => existsSync(file));
    if (haproxy) {
      const check = spawnSync(haproxy, ["-c", "-f", path.join(appDir, "haproxy.replicas.cfg")], { encoding: "utf8" });
      expect(check.status, check.stderr).toBe(0);
    }
  });

  it("the README shows compose.yaml as it is", () => {
    expect(yamlBlocks).toContain(composeText);
  });

  it("the README's docker run publishes the exposed port and passes arguments mizan-mock accepts", async () => {
    const line = readme.split("\n").find((l) => l.startsWith("docker run "))!;
    const [, published, image, args] = /-p (\d+:\d+) (\S+) (.*)$/.exec(line)!;
    expect(Number(published!.split(":")[1])).toBe(port);
    expect(image!.startsWith(`${workflowImage}:`), image).toBe(true);
    const result = await accepts(args!.split(" "));
    expect(result.ok, result.why).toBe(true);
  });

  it("the README's GitHub Actions service publishes the exposed port and passes arguments through MIZAN_MOCK_ARGS", async () => {
    const job = yamlBlocks.map((block) => parse(block)).find((doc) => doc?.jobs)?.jobs;
    const service = Object.values(job).flatMap((j: any) => Object.values(j.services ?? {}))[0] as any;
    expect(String(service.image).startsWith(`${workflowImage}:`), service.image).toBe(true);
    expect(service.ports.map((p: string) => Number(String(p).split(":")[1]))).toEqual([port]);
    expect(containerfile).toContain("$MIZAN_MOCK_ARGS");
    const result = await accepts(service.env.MIZAN_MOCK_ARGS.split(" "));
    expect(result.ok, result.why).toBe(true);
    expect(JSON.stringify(job)).toContain(`localhost:${String(service.ports[0]).split(":")[0]}`);
  });

  it("the image workflow builds this Containerfile on the official Node image and pushes it to GHCR with provenance", () => {
    const steps = Object.values(workflow.jobs).flatMap((job: any) => job.steps ?? []);
    const build = steps.filter((s: any) => s.uses?.startsWith("docker/build-push-action@"));
    expect(build.length).toBeGreaterThan(0);
    for (const step of build) {
      expect(step.with.file).toBe("apps/mock/Containerfile");
      expect(step.with["build-args"]).toMatch(/^BASE_IMAGE=docker\.io\/library\/node:20-bookworm-slim$/m);
    }
    const push = build.find((s: any) => String(s.with.push) !== "false");
    expect(push.with.provenance).toBeTruthy();
    expect(JSON.stringify(workflow)).toContain("ghcr.io/");
    expect(
      workflow.permissions?.packages ??
        Object.values(workflow.jobs)
          .map((j: any) => j.permissions?.packages)
          .find(Boolean),
    ).toBe("write");
  });
});
