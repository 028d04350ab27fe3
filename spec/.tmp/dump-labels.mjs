import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { parse } from "yaml";
const files = execSync("grep -rl 'x-assumption:' daftra vmsalpha enkash-ar", { encoding: "utf8" }).trim().split("\n");
const out = [];
for (const f of files) {
  const doc = parse(readFileSync(f, "utf8"));
  const walk = (n, p) => {
    if (!n || typeof n !== "object") return;
    if (!Array.isArray(n) && "x-assumption" in n) out.push({ f, p: p.join("."), kind: n["x-assumption-kind"], t: n["x-assumption"] });
    for (const [k, v] of Object.entries(n)) walk(v, [...p, k]);
  };
  walk(doc, []);
}
console.log(JSON.stringify(out));
