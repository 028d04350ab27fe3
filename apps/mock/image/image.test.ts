// The container image, built and run the way our machines allow: `buildah bud --isolation chroot`
// builds apps/mock/Containerfile (its RUN steps need no container runtime), then the image's root
// filesystem is mounted (`buildah from` + `buildah mount`) and its configured entrypoint, user,
// working directory and environment, read from the image (`buildah inspect`), are run there with
// chroot. No container runtime starts here (crun refuses these machines' hybrid cgroups), so
// network isolation is not tested: the servers share our network namespace and bind 127.0.0.1.
//
// Needs buildah and root. Without them the build tests are skipped with the reason printed,
// except under CI=true, where they fail (MOCK_IMAGE_TEST=skip says, on purpose, not to run them).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deref, operationsOf, securityAlternatives } from "@mizan/openapi-tools";
import { exampleRequest, schemaValidator } from "@mizan/openapi-tools/examples";
import { listApis, readBundle } from "@mizan/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "./build.mjs";
import { run, which } from "./run.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const watchdog = path.join(here, "watchdog.mjs");
const apis = listApis().map((api) => api.name);

/** Why the build tests cannot run here, or undefined when they can. */
function missingTools(): string | undefined {
  if (process.platform !== "linux") return "the image test runs on Linux only";
  if (!which("buildah")) return "buildah is not installed (`npm run setup` installs it when run as root on Debian)";
  if (!which("chroot")) return "chroot is not on PATH";
  if (process.getuid?.() !== 0) return "the image test needs root (buildah mount and chroot)";
  return undefined;
}
const missing = missingTools();
const optedOut = process.env.MOCK_IMAGE_TEST === "skip";
const required = process.env.CI === "true" && !optedOut;
if (missing && !required) console.warn(`mock image test skipped: ${missing}`);

interface ImageConfig {
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  User: string;
  Env: string[];
  WorkingDir: string;
  ExposedPorts?: Record<string, unknown>;
  Healthcheck?: { Test: string[] };
}

const tag = `localhost/mizan-mock:test-${process.pid}`;
const containerPrefix = "mizan-mock-image-test-";
const containerName = `${containerPrefix}${process.pid}`;
let config: ImageConfig;
let rootfs = "";
let user = { uid: -1, gid: -1 };
const children = new Set<ChildProcess>();

/** A made-up credential for one security alternative (headers only), or undefined. */
function fakeHeaders(alternative: ReturnType<typeof securityAlternatives>[number]): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const scheme of alternative) {
    if (scheme.type === "apiKey" && scheme.in === "header") headers[scheme.name!] = "test-key";
    else if (scheme.type === "http" && /^bearer$/i.test(scheme.scheme ?? ""))
      headers.authorization = "Bearer test-token";
    else if (scheme.type === "http" && /^basic$/i.test(scheme.scheme ?? ""))
      headers.authorization = `Basic ${Buffer.from("user:pass").toString("base64")}`;
    else return undefined;
  }
  return headers;
}

/** The first GET of the bundle callable with example parameters and made-up credentials. */
function documentedRequest(doc: unknown) {
  for (const entry of operationsOf(doc)) {
    if (entry.method !== "get") continue;
    const success = Object.keys(entry.op.responses).find((s) => /^2\d\d$/.test(s));
    const alternatives = securityAlternatives(doc, entry.security);
    const headers = alternatives.length ? alternatives.map(fakeHeaders).find(Boolean) : {};
    const { params } = exampleRequest(doc, entry, { optional: false });
    const simple = Object.values(params.query).every((v) => ["string", "number", "boolean"].includes(typeof v));
    if (!success || !headers || Object.keys(params.header).length || !simple) continue;
    const filled = entry.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(String(params.path[name])),
    );
    const query = new URLSearchParams(Object.entries(params.query).map(([k, v]) => [k, String(v)])).toString();
    const schema = deref(doc, entry.op.responses[success]).content?.["application/json"]?.schema;
    return { key: entry.key, path: query ? `${filled}?${query}` : filled, headers, status: Number(success), schema };
  }
  throw new Error("no GET operation that can be called with example parameters");
}

/** uid and gid of the image's User ("name", "uid", "name:group" or "uid:gid") from its own /etc files. */
function resolveUser(spec: string): { uid: number; gid: number } {
  const [userPart, groupPart] = spec.split(":");
  const passwd = readFileSync(path.join(rootfs, "etc/passwd"), "utf8")
    .split("\n")
    .map((line) => line.split(":"));
  const entry = passwd.find((f) => f[0] === userPart || f[2] === userPart);
  const uid = entry ? Number(entry[2]) : Number(userPart);
  let gid = entry ? Number(entry[3]) : uid;
  if (groupPart) {
    const group = readFileSync(path.join(rootfs, "etc/group"), "utf8")
      .split("\n")
      .map((line) => line.split(":"))
      .find((f) => f[0] === groupPart || f[2] === groupPart);
    gid = group ? Number(group[2]) : Number(groupPart);
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`cannot resolve the image's user "${spec}"`);
  return { uid, gid };
}

/** The image's environment with `overrides` applied, as `KEY=value` strings. */
function imageEnv(overrides: Record<string, string> = {}): string[] {
  const env = new Map(config.Env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  for (const [key, value] of Object.entries(overrides)) env.set(key, value);
  return [...env].map(([key, value]) => `${key}=${value}`);
}

/** chroot into the image as its user, in its working directory, with only its environment. */
function chrootArgs(argv: string[], env: string[]): string[] {
  return [
    which("chroot") ?? "chroot",
    `--userspec=${user.uid}:${user.gid}`,
    `--groups=${user.gid}`,
    rootfs,
    "/usr/bin/env",
    "-i",
    `--chdir=${config.WorkingDir || "/"}`,
    ...env,
    ...argv,
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  pid: number;
  port: number;
  output: () => string;
}

/** Runs the image's entrypoint with `args` (as `docker run <image> ...args` would) on a free port. */
async function startEntrypoint(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const argv = [...(config.Entrypoint ?? []), ...args];
  // stdin stays open: the watchdog ends the server when it closes, i.e. when this process dies.
  const child = spawn(process.execPath, [watchdog, ...chrootArgs(argv, imageEnv({ PORT: String(port), ...env }))], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the entrypoint did not listen within 120 s:\n${out}`)), 120_000);
    const check = () => {
      const pid = Number(/^pid (\d+)$/m.exec(out)?.[1]);
      if (pid && /listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        clearTimeout(timer);
        resolve({ child, pid, port, output: () => out });
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the entrypoint exited (${code}) before it listened:\n${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Every path under `dir` (not following symlinks), relative to rootfs with a leading "/". */
function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    yield `/${path.relative(rootfs, full)}`;
    if (lstatSync(full).isDirectory()) yield* walk(full);
  }
}

/** Removes working containers that earlier runs left behind when they were killed. */
async function removeStaleContainers() {
  const names = (await run("buildah", ["containers", "--format", "{{.ContainerName}}"]))
    .split("\n")
    .filter((n: string) => n.startsWith(containerPrefix));
  for (const name of names) {
    const pid = Number(name.slice(containerPrefix.length));
    if (pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    await run("buildah", ["rm", name]).catch(() => {});
  }
}

describe.skipIf(missing !== undefined && !required)("the mock's container image", () => {
  let size = "";

  beforeAll(async () => {
    if (missing)
      throw new Error(
        `CI=true requires the image test, but ${missing}. Set MOCK_IMAGE_TEST=skip only where the image is tested another way.`,
      );
    await removeStaleContainers();
    const started = Date.now();
    const logs: string[] = [];
    await buildImage({ tag, echo: false, log: (line: string) => logs.push(line) });
    size = (await run("buildah", ["images", "--format", "{{.Size}}", tag])).trim();
    console.log(
      `${logs.join("\n")}\nmock image: ${tag} built in ${((Date.now() - started) / 1000).toFixed(0)} s, ${size}`,
    );
    const inspected = JSON.parse(await run("buildah", ["inspect", "--type", "image", tag]));
    config = inspected.Docker.config;
    await run("buildah", ["from", "--pull-never", "--name", containerName, tag]);
    rootfs = (await run("buildah", ["mount", containerName])).trim();
    user = resolveUser(config.User);
  });

  afterAll(async () => {
    await Promise.all([...children].map(stop));
    if (missing) return;
    await run("buildah", ["umount", containerName]).catch(() => {});
    await run("buildah", ["rm", containerName]).catch(() => {});
    await run("buildah", ["rmi", tag]).catch(() => {});
  });

  it("is configured as the README says: non-root user, port 4010, mizan-mock on 0.0.0.0", () => {
    expect(size).toMatch(/\d/);
    expect(user.uid).toBeGreaterThan(0);
    expect(user.gid).toBeGreaterThan(0);
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["4010/tcp"]);
    expect(imageEnv()).toContain("PORT=4010");
    // The entrypoint binds every interface of the container unless a later --host says otherwise.
    expect(config.Entrypoint?.join(" ")).toContain("exec mizan-mock --host 0.0.0.0 ");
    // Not the base image's `node`: with no arguments, mizan-mock's defaults.
    expect(config.Cmd ?? []).toEqual([]);
    expect(config.Healthcheck?.Test.join(" ")).toContain("/__mock/health");
  });

  it.each(apis)("serves %s from the entrypoint, as a non-root user, answering a documented request", async (api) => {
    const doc = readBundle(api, { mock: true });
    const request = documentedRequest(doc);
    // `docker run <image> --api <api>`; --host 127.0.0.1 here because this "container" shares our network.
    const server = await startEntrypoint(["--api", api, "--host", "127.0.0.1"]);
    try {
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      const uids = /^Uid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/).map(Number);
      const gids = /^Gid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/).map(Number);
      // Real, effective, saved and file-system ids: the image's user, who is not root.
      expect(uids).toEqual([user.uid, user.uid, user.uid, user.uid]);
      expect(user.uid).not.toBe(0);
      expect(gids).toEqual([user.gid, user.gid, user.gid, user.gid]);
      // It runs the image's files, not ours.
      expect(realpathSync(`/proc/${server.pid}/root`)).toBe(realpathSync(rootfs));
      expect(readFileSync(`/proc/${server.pid}/cmdline`, "utf8")).toContain("mizan-mock");

      const response = await fetch(`http://127.0.0.1:${server.port}${request.path}`, { headers: request.headers });
      const body = await response.json();
      expect(response.status, `${request.key}: ${JSON.stringify(body)}`).toBe(request.status);
      if (request.schema) expect(schemaValidator(doc)(request.schema, body)).toEqual([]);
    } finally {
      await stop(server.child);
    }
  });

  it("passes mizan-mock's options through: --stateful remembers a write", async () => {
    const server = await startEntrypoint(["--api", "daftra", "--stateful", "--host", "127.0.0.1"]);
    try {
      expect(server.output()).toContain("Stateful mock of daftra");
      const headers = { apikey: "test-key", "content-type": "application/json", "x-mock-session": "image" };
      const base = `http://127.0.0.1:${server.port}/api2/clients`;
      const created = await fetch(`${base}.json`, {
        method: "POST",
        headers,
        body: JSON.stringify({ Client: { business_name: "Image Test Ltd" } }),
      });
      const { id } = await created.json();
      expect(created.status).toBe(202);
      const read = await (await fetch(`${base}/${id}.json`, { headers })).json();
      expect(read.data.Client).toMatchObject({ id, business_name: "Image Test Ltd" });
    } finally {
      await stop(server.child);
    }
  });

  it("takes its arguments from MIZAN_MOCK_ARGS too (an Actions service), those after the image name winning", async () => {
    const server = await startEntrypoint(["--host", "127.0.0.1"], {
      MIZAN_MOCK_ARGS: "--api enkash-ar --stateful --host 0.0.0.0",
    });
    try {
      expect(server.output()).toMatch(/Stateful mock of enkash-ar listening on http:\/\/127\.0\.0\.1:/);
      const health = await fetch(`http://127.0.0.1:${server.port}/__mock/health`);
      expect(health.status).toBe(200);
    } finally {
      await stop(server.child);
    }
  });

  it("runs its HEALTHCHECK command successfully against the server, and not without one", async () => {
    const test = config.Healthcheck!.Test;
    // ["CMD", ...argv] runs argv; ["CMD-SHELL", line] runs it with /bin/sh -c.
    const argv = test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test[1]!] : test.slice(1);
    expect(test[0]).toMatch(/^CMD(-SHELL)?$/);
    const check = (port: number) =>
      spawnSync(
        chrootArgs(argv, imageEnv({ PORT: String(port) }))[0]!,
        chrootArgs(argv, imageEnv({ PORT: String(port) })).slice(1),
        { encoding: "utf8", timeout: 60_000 },
      );
    const server = await startEntrypoint(["--api", "vmsalpha", "--host", "127.0.0.1"]);
    try {
      const healthy = check(server.port);
      expect(healthy.status, healthy.stderr).toBe(0);
    } finally {
      await stop(server.child);
    }
    const unhealthy = check(server.port);
    expect(unhealthy.status).not.toBe(0);
  });

  it("holds production dependencies only: no dev dependency of a @mizan package is installed", () => {
    const nodeModules = path.join(rootfs, config.WorkingDir, "node_modules");
    const installed = new Map<
      string,
      {
        dependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      }
    >();
    const collect = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name.startsWith(".")) continue;
        if (name.startsWith("@")) {
          for (const scoped of readdirSync(path.join(dir, name)))
            collect1(path.join(dir, name, scoped), `${name}/${scoped}`);
        } else collect1(path.join(dir, name), name);
      }
    };
    const collect1 = (dir: string, name: string) => {
      const manifest = path.join(dir, "package.json");
      if (!existsSync(manifest)) return;
      installed.set(name, JSON.parse(readFileSync(manifest, "utf8")));
      if (existsSync(path.join(dir, "node_modules"))) collect(path.join(dir, "node_modules"));
    };
    collect(nodeModules);
    const ours = [...installed].filter(([name]) => name.startsWith("@mizan/"));
    expect(ours.map(([name]) => name)).toContain("@mizan/mock");
    const needed = new Set(
      [...installed.values()].flatMap((m) => [
        ...Object.keys(m.dependencies ?? {}),
        ...Object.keys(m.optionalDependencies ?? {}),
      ]),
    );
    const devOnly = ours.flatMap(([, m]) => Object.keys(m.devDependencies ?? {})).filter((name) => !needed.has(name));
    expect(devOnly.length).toBeGreaterThan(0); // the check below has something to look for
    expect(devOnly.filter((name) => installed.has(name))).toEqual([]);
    expect(ours.map(([, m]) => JSON.stringify(m)).join("")).not.toContain("workspace:");
  });

  it("holds no npm configuration, npm cache, build context or credential", () => {
    const files = [...walk(rootfs)];
    const credentialFiles =
      /(^|\/)(\.npmrc|\.yarnrc(\.yml)?|\.netrc|\.git-credentials|\.pypirc|id_(rsa|ed25519|ecdsa)|\.docker\/config\.json)$/;
    expect(files.filter((file) => credentialFiles.test(file))).toEqual([]);
    // npm's cache (~/.npm/_cacache), the packed tarballs and the build secret's mount point.
    expect(files.filter((file) => /\/_cacache$|^\/tmp\/packs|\.tgz$|^\/run\/secrets\/./.test(file))).toEqual([]);
    // No token, password or secret in the image's environment, and nothing lent to the build in it.
    expect(
      config.Env.filter((kv) => /TOKEN|SECRET|PASSWORD|AUTH|NODE_EXTRA_CA_CERTS|NPM_CONFIG/i.test(kv.split("=")[0]!)),
    ).toEqual([]);
    // npm's credential keys in any file of the app or the users' homes.
    const texts = files.filter(
      (file) =>
        /^\/(opt\/mizan-mock\/[^/]+|root\/.+|home\/.+)$/.test(file) && lstatSync(path.join(rootfs, file)).isFile(),
    );
    for (const file of texts)
      expect(readFileSync(path.join(rootfs, file), "utf8"), file).not.toMatch(/_authToken|_auth\s*=|_password\s*=/);
  });
});
