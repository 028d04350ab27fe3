// The published package as a user gets it: packed with pnpm (which turns `workspace:` ranges
// into versions), installed with npm into an empty folder outside the workspace, then used the
// three documented ways: the CLI for every bundled API, startMock(), and the vitest global
// setup. npm fetches the dependencies from the registry during the install; everything after
// that talks to 127.0.0.1 only. Slow (an install), so its time limits are generous.
import { createHash } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { deref, operationsOf, securityAlternatives } from "@mizan/openapi-tools";
import { exampleRequest, schemaValidator } from "@mizan/openapi-tools/examples";
import { listApis } from "@mizan/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPacked, runCommand, stopChild, userEnv } from "@mizan/test-helpers/packed-install";
import { fakeCredentials } from "./credentials.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
const apis = listApis().map((api) => api.name);

const work = mkdtempSync(path.join(tmpdir(), "mizan-mock-package-"));
const consumer = path.join(work, "consumer");
const installed = path.join(consumer, "node_modules", "@mizan", "mock");
const children = new Set<ChildProcess>();

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return runCommand(command, args, { cwd, timeoutMs, children });
}

interface DocumentedRequest {
  key: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  schema: unknown;
}

/** The first GET of a bundle that can be called with example parameters and faked credentials. */
function documentedRequest(doc: unknown): DocumentedRequest {
  for (const entry of operationsOf(doc)) {
    if (entry.method !== "get") continue;
    const success = Object.keys(entry.op.responses).find((s) => /^2\d\d$/.test(s));
    const alternatives = securityAlternatives(doc, entry.security);
    // Headers only: an alternative with a query key is skipped.
    const headers = alternatives.length
      ? alternatives.map(fakeCredentials).find((found) => found && !Object.keys(found.query).length)?.headers
      : {};
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

/** Starts the installed CLI and resolves with its URL once it says it is listening. */
function startCli(api: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(path.join(consumer, "node_modules", ".bin", "mizan-mock"), ["--api", api, "--port", "0"], {
    cwd: consumer,
    env: userEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`mizan-mock --api ${api} did not start within 120 s:\n${out}`)),
      120_000,
    );
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mizan-mock --api ${api} exited (${code}) before it listened:\n${out}`));
    });
  });
}

beforeAll(async () => {
  // vitest too, at the version this package is tested with, for the global setup below.
  await installPacked(packageDir, work, { extra: [`vitest@${manifest.devDependencies.vitest}`], children });
}, 600_000);

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
  rmSync(work, { recursive: true, force: true });
});

describe("the packed @mizan/mock", () => {
  it("carries every API's mock bundle and no workspace references", () => {
    const packed = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(JSON.stringify(packed)).not.toMatch(/workspace:/);
    expect(packed.private).toBeUndefined();
    const bundles = readdirSync(path.join(installed, "dist", "bundles"));
    expect(bundles.sort()).toEqual(
      apis
        .flatMap((api) => [`${api}.mock.json`, `${api}.mock.operations.json.br`, `${api}.mock.answers.json.br`])
        .sort(),
    );
    // Each with Prism's operation model and answers made from those very bytes, so an installed
    // mock starts without rebuilding the one or loading Prism for the other.
    for (const api of apis) {
      const bundle = readFileSync(path.join(installed, "dist", "bundles", `${api}.mock.json`));
      for (const prepared of ["operations", "answers"]) {
        const model = JSON.parse(
          brotliDecompressSync(
            readFileSync(path.join(installed, "dist", "bundles", `${api}.mock.${prepared}.json.br`)),
          ).toString(),
        );
        expect(model.specSha256, `${api} ${prepared}`).toBe(createHash("sha256").update(bundle).digest("hex"));
      }
    }
    // The installed copy resolves nothing from this repository.
    expect(realpathSync(installed).startsWith(repoRoot)).toBe(false);
  });

  it("installs without the code generator's packages, whose absence generateTypes explains", async () => {
    // openapi-typescript and typescript are optional peers of @mizan/openapi-tools: the mock never generates code.
    for (const name of ["openapi-typescript", "typescript"])
      expect(existsSync(path.join(consumer, "node_modules", name)), name).toBe(false);
    const script = `import("@mizan/openapi-tools/codegen").then((m) => m.generateTypes({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths: {} })).then(() => console.log("generated"), (e) => console.log(e.message));`;
    const said = await run(process.execPath, ["--input-type=module", "-e", script], consumer, 30_000);
    expect(said).toContain("npm install --save-dev openapi-typescript@7.13.0 typescript@5.9.3");
  });

  it("prints its usage and its version through npx, naming every API", async () => {
    const usage = await run("npx", ["--no-install", "mizan-mock", "--help"], consumer, 60_000);
    for (const api of apis) expect(usage).toContain(api);
    const version = await run("npx", ["--no-install", "mizan-mock", "--version"], consumer, 60_000);
    expect(version.trim()).toBe(manifest.version);
  }, 90_000);

  it.each(apis)(
    "serves %s from the CLI: a documented request gets its documented answer",
    async (api) => {
      const doc = JSON.parse(readFileSync(path.join(installed, "dist", "bundles", `${api}.mock.json`), "utf8"));
      const request = documentedRequest(doc);
      const { child, url } = await startCli(api);
      try {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const response = await fetch(`${url}${request.path}`, { headers: request.headers });
        const body = await response.json();
        expect(response.status, `${request.key}: ${JSON.stringify(body)}`).toBe(request.status);
        if (request.schema) expect(schemaValidator(doc)(request.schema, body)).toEqual([]);
        // Ready once Prism has loaded in its worker thread, from the installed package's own file.
        const ready = await fetch(`${url}/__mock/ready`);
        expect(await ready.json()).toMatchObject({ ready: true, checks: { prism: "ok" } });
        expect(ready.status).toBe(200);
      } finally {
        await stopChild(child);
      }
    },
    180_000,
  );

  it("starts and stops with startMock() imported from the installed package", async () => {
    const api = apis[0]!;
    const request = documentedRequest(
      JSON.parse(readFileSync(path.join(installed, "dist", "bundles", `${api}.mock.json`), "utf8")),
    );
    writeFileSync(
      path.join(consumer, "start.mjs"),
      `import { availableApis, startMock } from "@mizan/mock";
const request = ${JSON.stringify(request)};
const mock = await startMock({ api: ${JSON.stringify(api)}, delayMs: 20 });
try {
  const response = await fetch(mock.url + request.path, { headers: request.headers });
  console.log(JSON.stringify({ apis: availableApis(), url: mock.url, status: response.status, expected: request.status }));
} finally {
  await mock.stop();
}
`,
    );
    const result = JSON.parse(
      (await run(process.execPath, ["start.mjs"], consumer, 150_000)).trim().split("\n").pop()!,
    );
    expect(result.apis.sort()).toEqual([...apis].sort());
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.status).toBe(result.expected);
  }, 180_000);

  it("runs a vitest suite against the mock through mockGlobalSetup from @mizan/mock/vitest", async () => {
    const api = apis[apis.length - 1]!;
    const request = documentedRequest(
      JSON.parse(readFileSync(path.join(installed, "dist", "bundles", `${api}.mock.json`), "utf8")),
    );
    writeFileSync(
      path.join(consumer, "vitest.config.mjs"),
      `export default { test: { include: ["mock.test.mjs"], globalSetup: ["./mock.global-setup.mjs"], hookTimeout: 150000 } };\n`,
    );
    writeFileSync(
      path.join(consumer, "mock.global-setup.mjs"),
      `import { mockGlobalSetup } from "@mizan/mock/vitest";\nexport default mockGlobalSetup(${JSON.stringify(api)});\n`,
    );
    writeFileSync(
      path.join(consumer, "mock.test.mjs"),
      `import { expect, inject, it } from "vitest";
const request = ${JSON.stringify(request)};
it("reaches the mock the global setup started", async () => {
  expect(inject("mockUrl")).toMatch(/^http:\\/\\/127\\.0\\.0\\.1:\\d+$/);
  const response = await fetch(inject("mockUrl") + request.path, { headers: request.headers });
  expect(response.status).toBe(request.status);
});
`,
    );
    const output = await run(path.join(consumer, "node_modules", ".bin", "vitest"), ["run"], consumer, 200_000);
    expect(output).toMatch(/1 passed/);
  }, 240_000);
});
