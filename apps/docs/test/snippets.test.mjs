// Every TypeScript (and JavaScript) snippet of the READMEs and guides compiles under `strict`
// against the workspace's packages, as the generated code samples do: written out by
// scripts/snippets.mjs, then checked by tsc. (The packed packages and other TypeScript versions
// are checked by packages/runtime-matrix's first-hour test.)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { filesOf, snippetFiles, snippetsOf, writeSnippets } from "../scripts/snippets.mjs";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(appDir, "..", "..");

describe("snippetsOf", () => {
  it("finds ts and js blocks with the comment right above them, and nothing else", () => {
    const markdown = [
      "text",
      "```sh",
      "npm test",
      "```",
      "<!-- snippet-context: declare const apiKey: string; -->",
      "",
      "```ts",
      "use(apiKey);",
      "```",
      "<!-- snippet-skip: needs a generated file -->",
      "```js",
      "import x from './generated.js';",
      "```",
      "<!-- snippet-expect-error: TS2322 until the fix -->",
      "```typescript",
      "const n: number = '1';",
      "```",
    ].join("\n");
    expect(snippetsOf(markdown)).toEqual([
      {
        line: 8,
        code: "use(apiKey);",
        context: "declare const apiKey: string;",
        skip: undefined,
        expectError: undefined,
      },
      {
        line: 12,
        code: "import x from './generated.js';",
        context: "",
        skip: "needs a generated file",
        expectError: undefined,
      },
      { line: 16, code: "const n: number = '1';", context: "", skip: undefined, expectError: "TS2322" },
    ]);
  });

  it("splits a block at its `// <file>.ts` headings, keeping each part's line", () => {
    const code = ["// vitest.config.ts", "export default {};", "", "// test/a.test.js", "it();"].join("\n");
    expect(filesOf({ code, line: 10 })).toEqual([
      { name: "vitest.config.ts", code: "export default {};\n", firstLine: 11 },
      { name: "test/a.test.ts", code: "it();", firstLine: 14 },
    ]);
    // A comment naming a file below code is no heading.
    expect(filesOf({ code: "run();\n// a.ts", line: 1 })).toEqual([
      { name: "snippet.ts", code: "run();\n// a.ts", firstLine: 1 },
    ]);
  });
});

describe("the snippets of the READMEs and guides", () => {
  it("reads the root README, every package's README and every guide", () => {
    const files = snippetFiles(root);
    for (const expected of ["README.md", "packages/daftra-client/README.md", "apps/docs/guides/daftra.md"])
      expect(files).toContain(expected);
    expect(files.some((f) => /^(apps|packages)\/mock\/README\.md$/.test(f))).toBe(true);
  });

  it("compile under strict, or fail only as their expect-error mark says", () => {
    const outDir = path.join(appDir, "generated", "snippets");
    const { written, skipped } = writeSnippets(root, outDir);
    expect(written.length).toBeGreaterThanOrEqual(15);
    // A skip is an exception with its reason said; keep them few.
    expect(skipped.length).toBeLessThanOrEqual(2);
    const tsc = spawnSync(
      process.execPath,
      [
        path.join(appDir, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.snippets.json",
        "--pretty",
        "false",
      ],
      {
        cwd: appDir,
        encoding: "utf8",
      },
    );
    const byFile = new Map(written.map((w) => [path.resolve(w.file), w]));
    const errors = [...tsc.stdout.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map(
      ([, file, line, code, message]) => {
        const origin = byFile.get(path.resolve(appDir, file));
        return {
          origin,
          code,
          at: origin ? `${origin.source}:${origin.firstLine + Number(line) - 1 - origin.offset}` : file,
          message,
        };
      },
    );
    const unexpected = errors
      .filter((e) => e.code !== e.origin?.expectError)
      .map((e) => `${e.at}: ${e.code} ${e.message}`);
    expect(unexpected).toEqual([]);
    // A snippet marked as failing must still fail: once it compiles, the mark goes.
    for (const marked of written.filter((w) => w.expectError)) {
      expect(
        errors.some((e) => e.origin === marked),
        `${marked.source}:${marked.firstLine} compiles now: remove its snippet-expect-error mark`,
      ).toBe(true);
    }
    expect(tsc.status === 0 || errors.length > 0, tsc.stdout + tsc.stderr).toBe(true);
  }, 180_000);
});
