// What the client's types cost a consumer: tsc on a small program that uses the built package
// (dist/esm .d.ts, as an installed package is read), with and without skipLibCheck. Prints
// tsc's own figures (check time, instantiations, types, memory), the median of several runs.
// Informational: no budget, the figures go into BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, "..", "dist", "esm", "index.js");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const RUNS = Number(process.env.RUNS ?? 3);

// A v1 program: list, read and create, the calls a typical integration makes.
const v1 = `
import { createDaftraClient, paginate } from ${JSON.stringify(entry)};
const daftra = createDaftraClient({ subdomain: "acme", auth: { apiKey: "k" } });
export async function run() {
  const { data } = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
  const name: string | undefined = data?.data.Client.business_name ?? undefined;
  await daftra.POST("/api2/invoices.json", { body: { Invoice: { client_id: 1 }, InvoiceItem: [{ item: "x", unit_price: 1, quantity: 1 }] } });
  for await (const c of paginate(daftra, "/api2/clients.json")) void c.id;
  return name;
}
`;
// The same plus a filtered v2 list.
const v2 = `${v1}
import { querySerializer } from ${JSON.stringify(entry)};
const v2client = createDaftraClient({ subdomain: "acme", auth: { apiKey: "k" }, querySerializer });
export async function runV2() {
  const { data } = await v2client.GET("/v2/api/entity/brand/list/{level}", { params: { path: { level: 1 }, query: { filter: { name: { like: "a" } }, sort: { created: "desc" } } } });
  return data?.data.map((b) => b.name);
}
`;

const dir = mkdtempSync(path.join(here, ".typecheck-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function measure(label, source, skipLibCheck) {
  writeFileSync(path.join(dir, "consumer.ts"), source);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const compilerOptions = {
    noEmit: true,
    strict: true,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    types: [],
    skipLibCheck,
  };
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const args = [tsc, "-p", dir, "--extendedDiagnostics"];
    const res = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`tsc failed for ${label}:\n${res.stdout}${res.stderr}`);
    const figure = (name) =>
      Number(/^(?:\S.*?):\s+([\d.]+)/m.exec(res.stdout.split("\n").find((l) => l.startsWith(name)) ?? "")?.[1]);
    runs.push({
      check: figure("Check time"),
      total: figure("Total time"),
      inst: figure("Instantiations"),
      types: figure("Types"),
      mem: figure("Memory used"),
    });
  }
  const m = (k) => median(runs.map((r) => r[k]));
  console.log(
    `  ${label.padEnd(44)} check ${m("check").toFixed(2)} s  total ${m("total").toFixed(2)} s  ${String(m("inst")).padStart(8)} instantiations  ${String(m("types")).padStart(7)} types  ${(m("mem") / 1024).toFixed(0)} MB`,
  );
}

try {
  console.log(
    `\nType-checking a consumer (tsc ${createRequire(import.meta.url)("typescript/package.json").version}, median of ${RUNS}):`,
  );
  measure("v1 calls, skipLibCheck", v1, true);
  measure("v1 calls, full check", v1, false);
  measure("v1 + filtered v2 list, skipLibCheck", v2, true);
  measure("v1 + filtered v2 list, full check", v2, false);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
