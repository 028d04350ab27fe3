// Mock figures: start-up time on the full Daftra spec, and throughput with latency percentiles
// for a list GET and a create POST at 10 connections, next to a plain Node server answering
// the same JSON (the ceiling). Targets: start-up <= 3 s; >= 1,500 req/s with p99 <= 25 ms
// (static examples). Prints figures; exits 1 when a target is missed. Loopback only.
import autocannon from "autocannon";
import { createServer } from "node:http";
import { startMock } from "../dist/index.js";

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const run = (opts) => new Promise((resolve, reject) => autocannon({ connections: 10, duration: DURATION, ...opts }, (e, r) => (e ? reject(e) : resolve(r))));

// Start-up: from startMock() to the first answered request, five times.
const starts = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const mock = await startMock({ port: 0 });
  await fetch(`${mock.url}/api2/clients.json`, { headers: { apikey: "k" } });
  starts.push(performance.now() - t0);
  await mock.stop();
}
starts.sort((a, b) => a - b);
const startMedian = starts[2];

const mock = await startMock({ port: 0 });
const listBody = await (await fetch(`${mock.url}/api2/clients.json`, { headers: { apikey: "k" } })).text();
const createBody = JSON.stringify({ Client: { business_name: "مؤسسة النخبة للتجارة", email: "accounts@alnokhba.example", type: 3 } });
const createdBody = await (await fetch(`${mock.url}/api2/clients.json`, { method: "POST", headers: { apikey: "k", "content-type": "application/json" }, body: createBody })).text();

// The ceiling: a bare Node server that answers the same bytes.
const plain = createServer((req, res) => {
  const body = req.method === "POST" ? createdBody : listBody;
  req.resume();
  req.on("end", () => {
    res.writeHead(req.method === "POST" ? 202 : 200, { "content-type": "application/json" });
    res.end(body);
  });
});
await new Promise((r) => plain.listen(0, "127.0.0.1", r));
const plainUrl = `http://127.0.0.1:${plain.address().port}`;

const scenarios = {
  "GET  /api2/clients.json": { method: "GET", path: "/api2/clients.json", headers: { apikey: "k" } },
  "POST /api2/clients.json": { method: "POST", path: "/api2/clients.json", headers: { apikey: "k", "content-type": "application/json" }, body: createBody },
};
const rows = [];
for (const [name, s] of Object.entries(scenarios)) {
  for (const [server, base] of [["mock", mock.url], ["plain node", plainUrl]]) {
    const r = await run({ url: base + s.path, method: s.method, headers: s.headers, body: s.body });
    const bad = r.non2xx + r.errors + r.timeouts;
    rows.push({ name, server, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad });
  }
}
await mock.stop();
plain.close();

console.log(`\nMock start-up (startMock -> first answer), 5 runs: median ${startMedian.toFixed(0)} ms [${starts.map((s) => s.toFixed(0)).join(", ")}]`);
console.log(`Throughput, 10 connections, ${DURATION} s each (Node ${process.version}):`);
console.log("  scenario                  server        req/s    p50 ms   p99 ms   non-2xx/errors");
for (const r of rows) console.log(`  ${r.name.padEnd(25)} ${r.server.padEnd(11)} ${r.rps.toFixed(0).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)}   ${r.bad}`);
const mockRows = rows.filter((r) => r.server === "mock");
const misses = [];
if (startMedian > 3000) misses.push(`start-up ${startMedian.toFixed(0)} ms > 3000 ms`);
for (const r of mockRows) {
  if (r.rps < 1500) misses.push(`${r.name}: ${r.rps.toFixed(0)} req/s < 1500`);
  if (r.p99 > 25) misses.push(`${r.name}: p99 ${r.p99} ms > 25 ms`);
  if (r.bad) misses.push(`${r.name}: ${r.bad} failed requests`);
}
for (const r of mockRows) {
  const ceiling = rows.find((x) => x.name === r.name && x.server === "plain node");
  console.log(`  ${r.name}: mock at ${((r.rps / ceiling.rps) * 100).toFixed(0)}% of the plain server`);
}
if (misses.length) {
  console.error(`TARGETS MISSED: ${misses.join("; ")}`);
  process.exit(1);
}
