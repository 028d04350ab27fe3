// The TypeScript snippets of the READMEs and guides, as files `tsc` can check, so a snippet a user
// copies compiles against the packages as they are. Each ```ts (or js) block of a Markdown file
// becomes a module of its own (top-level await allowed). Conventions, written in the Markdown:
//   - a block whose lines include `// <name>.ts` headings is several files, one per heading
//     (a config file, a global setup and a test, say), written side by side;
//   - an HTML comment right above the block, `<!-- snippet-context: declare const redis: Redis; -->`,
//     is code put before the block for the check only: the names a fragment takes as given;
//   - `<!-- snippet-skip: <why> -->` right above the block leaves it out, with the reason said;
//   - `<!-- snippet-expect-error: TS2322 <why> -->` says the block does not compile yet, with
//     that error only: the check fails once it compiles, so the mark is removed with the fix.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const FENCE = /^```(ts|typescript|js|javascript|mjs|mts)\s*$/;
const FILE_HEADING = /^\/\/ ([\w./-]+\.(?:ts|mts|js|mjs))\s*$/;

/** The Markdown files whose snippets are checked, relative to the repository root. */
export const SNIPPET_SOURCES = ["README.md", "packages/*/README.md", "apps/*/README.md", "apps/docs/guides/*.md"];

/** The Markdown files of SNIPPET_SOURCES, sorted (a `*` stands for one folder or file name; Node 20 has no fs glob). */
export function snippetFiles(root) {
  const expand = (parts, at) => {
    if (!parts.length) return [at];
    const [head, ...rest] = parts;
    if (!head.includes("*")) return existsSync(path.join(root, at, head)) ? expand(rest, path.join(at, head)) : [];
    const match = new RegExp(`^${head.replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`);
    const dir = path.join(root, at);
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => match.test(name))
          .flatMap((name) => expand(rest, path.join(at, name)))
      : [];
  };
  return SNIPPET_SOURCES.flatMap((pattern) => expand(pattern.split("/"), "")).sort();
}

/**
 * The code blocks of a Markdown text: `{ line, code, context, skip }`, `line` being the 1-based
 * line of the block's first code line.
 */
export function snippetsOf(markdown) {
  const lines = markdown.split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === "") above--;
    const comment = /^<!--\s*snippet-(context|skip|expect-error):\s*([\s\S]*?)\s*-->$/.exec(lines[above]?.trim() ?? "");
    found.push({
      line: i + 2,
      code: lines.slice(i + 1, end).join("\n"),
      context: comment?.[1] === "context" ? comment[2] : "",
      skip: comment?.[1] === "skip" ? comment[2] : undefined,
      expectError: comment?.[1] === "expect-error" ? /^TS\d+/.exec(comment[2])?.[0] : undefined,
    });
    i = end;
  }
  return found;
}

/** A snippet's files: `{ name, code, firstLine }`, split at its `// <name>.ts` headings. */
export function filesOf(snippet) {
  const lines = snippet.code.split("\n");
  const starts = lines.map((l, i) => (FILE_HEADING.test(l) ? i : -1)).filter((i) => i >= 0);
  if (!starts.length || lines.slice(0, starts[0]).some((l) => l.trim()))
    return [{ name: "snippet.ts", code: snippet.code, firstLine: snippet.line }];
  return starts.map((start, k) => ({
    name: FILE_HEADING.exec(lines[start])[1].replace(/\.(m?)js$/, ".$1ts"),
    code: lines.slice(start + 1, starts[k + 1] ?? lines.length).join("\n"),
    firstLine: snippet.line + start + 1,
  }));
}

/**
 * Writes every snippet of the sources under `outDir` (emptied first), one folder per block, and
 * returns where each written file's code comes from: `{ file, source, firstLine, offset,
 * expectError }` (`offset`: the lines of context put before the code), plus the skipped blocks.
 */
export function writeSnippets(root, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const written = [];
  const skipped = [];
  for (const source of snippetFiles(root)) {
    const slug = source
      .replace(/\.md$/i, "")
      .replace(/[^\w]+/g, "-")
      .toLowerCase();
    snippetsOf(readFileSync(path.join(root, source), "utf8")).forEach((snippet, n) => {
      if (snippet.skip !== undefined) {
        skipped.push({ source, line: snippet.line, reason: snippet.skip });
        return;
      }
      const dir = path.join(outDir, slug, String(n + 1));
      for (const file of filesOf(snippet)) {
        const target = path.join(dir, file.name);
        const context = snippet.context ? `${snippet.context}\n` : "";
        mkdirSync(path.dirname(target), { recursive: true });
        // `export {}` makes a file with no import or export a module too (top-level await).
        writeFileSync(target, `${context}${file.code}\nexport {};\n`);
        written.push({
          file: target,
          source,
          firstLine: file.firstLine,
          offset: context.split("\n").length - 1,
          expectError: snippet.expectError,
        });
      }
    });
  }
  return { written, skipped };
}
