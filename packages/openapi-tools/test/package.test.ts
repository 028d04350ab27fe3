// The published package as a user gets it: packed with pnpm, installed with npm into an empty
// folder outside the workspace (with the optional peer the code generator needs, as the README
// says), then used the documented ways: every entry imported by Node, the mizan-codegen CLI run
// through npx, and a strict TypeScript program type-checked against the generated declarations.
// npm fetches the dependencies from the registry (or its cache) during the install; nothing
// after that leaves the machine. Slow (an install), so its time limits are generous.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { installPacked, runCommand, stopChild } from "@mizan/test-helpers/packed-install";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
const work = mkdtempSync(path.join(tmpdir(), "mizan-openapi-tools-package-"));
const consumer = path.join(work, "consumer");
const installed = path.join(consumer, "node_modules", "@mizan", "openapi-tools");
const children = new Set<ChildProcess>();

const run = (command: string, args: string[], timeoutMs: number) =>
  runCommand(command, args, { cwd: consumer, timeoutMs, children });

/** Every entry of the package and a function each must export. */
const ENTRIES: [string, string][] = [
  ["@mizan/openapi-tools", "operationsOf"],
  ["@mizan/openapi-tools/transform", "loosenResponses"],
  ["@mizan/openapi-tools/examples", "schemaValidator"],
  ["@mizan/openapi-tools/codegen", "generateOperations"],
  ["@mizan/openapi-tools/diff", "diffDocuments"],
  ["@mizan/openapi-tools/query", "readBracketQuery"],
];

const doc = {
  openapi: "3.1.0",
  info: { title: "Shop", version: "1" },
  security: [{ key: [] }],
  components: { securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Key" } } },
  paths: {
    "/items/{id}": {
      get: {
        operationId: "getItem",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" }, example: 7 }],
        responses: {
          200: {
            description: "ok",
            content: {
              "application/json": {
                schema: { type: "object", properties: { id: { type: "integer" } } },
                example: { id: 7 },
              },
            },
          },
        },
      },
    },
  },
};

beforeAll(async () => {
  // The code generator's optional peer, at the version the README names, with the TypeScript it prints with.
  const peers = [
    `openapi-typescript@${manifest.devDependencies["openapi-typescript"]}`,
    `typescript@${manifest.devDependencies.typescript}`,
  ];
  await installPacked(packageDir, work, { extra: peers, children });
  writeFileSync(path.join(consumer, "shop.json"), JSON.stringify(doc));
}, 600_000);

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
  rmSync(work, { recursive: true, force: true });
});

describe("the packed @mizan/openapi-tools", () => {
  it("carries the compiled code and its declarations, not the sources or tests", () => {
    const packed = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(JSON.stringify(packed)).not.toMatch(/workspace:/);
    for (const entry of Object.values(packed.exports) as (string | { types: string; default: string })[]) {
      if (typeof entry === "string") continue;
      expect(existsSync(path.join(installed, entry.types)), entry.types).toBe(true);
      expect(existsSync(path.join(installed, entry.default)), entry.default).toBe(true);
    }
    expect(existsSync(path.join(installed, "src"))).toBe(false);
    expect(existsSync(path.join(installed, "test"))).toBe(false);
    expect(realpathSync(installed).startsWith(repoRoot)).toBe(false);
  });

  it("imports every entry in Node", async () => {
    const script = `const entries = ${JSON.stringify(ENTRIES)};
for (const [entry, name] of entries) {
  const module = await import(entry);
  if (typeof module[name] !== "function") throw new Error(entry + " has no " + name);
}
const { operationsOf } = await import("@mizan/openapi-tools");
console.log(operationsOf(JSON.parse((await import("node:fs")).readFileSync("shop.json", "utf8"))).map((o) => o.key).join());`;
    expect(await run(process.execPath, ["--input-type=module", "-e", script], 30_000)).toBe("GET /items/{id}\n");
  });

  it("generates a client's sources with mizan-codegen, run through npx", async () => {
    const said = await run("npx", ["--no-install", "mizan-codegen", "shop.json", "generated"], 120_000);
    expect(said).toContain("generated generated/{shop,operations}.ts from shop.json");
    expect(readFileSync(path.join(consumer, "generated", "shop.ts"), "utf8")).toContain('"/items/{id}": {');
    const operations = readFileSync(path.join(consumer, "generated", "operations.ts"), "utf8");
    expect(operations).toContain('"GET /items/{id}": { operationId: "getItem" }');
  }, 180_000);

  it("type-checks a strict program against its declarations, which are types and not any", async () => {
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          noEmit: true,
          types: [],
        },
        files: ["program.ts"],
      }),
    );
    writeFileSync(
      path.join(consumer, "program.ts"),
      `import { type OperationEntry, operationsOf, pathTemplateRegex } from "@mizan/openapi-tools";
import { generateOperations } from "@mizan/openapi-tools/codegen";
import { type ApiChange, diffDocuments } from "@mizan/openapi-tools/diff";
import { exampleRequest, schemaValidator } from "@mizan/openapi-tools/examples";
import { readBracketQuery } from "@mizan/openapi-tools/query";
import { loosenResponses } from "@mizan/openapi-tools/transform";

const doc: unknown = { openapi: "3.1.0", paths: {} };
const entries: OperationEntry[] = operationsOf(doc);
const keys: string[] = entries.map((entry) => entry.key);
const changes: ApiChange[] = diffDocuments(doc, loosenResponses(doc));
const problems: string[] = entries.flatMap((entry) => schemaValidator(doc)(entry.requestBody, exampleRequest(doc, entry).body));
const code: string = generateOperations(doc);
const { problems: queryProblems } = readBracketQuery(new Map([["filter[a]", "1"]]), ["filter"]);
// @ts-expect-error a path template is a string
pathTemplateRegex(42);
// @ts-expect-error an operation's key is a string, not a number
const wrong: number = entries[0]?.key ?? 0;
export { changes, code, keys, problems, queryProblems, wrong };
`,
    );
    const output = await run("npx", ["--no-install", "tsc", "-p", "."], 120_000).catch((error: Error) => error.message);
    expect(output).toBe("");
  }, 180_000);
});
