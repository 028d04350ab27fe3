import { readFileSync, writeFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { parse } from "yaml";
import { classify } from "./classify.mjs";
const files = execSync("grep -rl 'x-assumption:' daftra vmsalpha enkash-ar", { encoding: "utf8" }).trim().split("\n");
const counts = {};
for (const f of files) {
  const lines = readFileSync(f, "utf8").split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\s*)x-assumption:/.exec(lines[i]);
    if (!m) continue;
    const ind = m[1].length;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() && lines[j].length - lines[j].trimStart().length > ind) j++;
    if (lines[j] && /^\s*x-assumption-kind:/.test(lines[j])) continue;
    const text = parse(lines.slice(i, j).map((l) => l.slice(ind)).join("\n"))["x-assumption"];
    const kind = classify(text);
    counts[kind] = (counts[kind] ?? 0) + 1;
    lines.splice(j, 0, `${m[1]}x-assumption-kind: ${kind}`);
  }
  writeFileSync(f, lines.join("\n"));
}
console.log(counts);
