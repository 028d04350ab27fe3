// What stateful mode costs: the same requests, 10 connections, against a stateless and a
// stateful Daftra mock started side by side in this run, in interleaved rounds (the median of the
// per-round ratios, so load from elsewhere on a shared machine hits both alike). A create writes a
// record each time, so creates rotate through sessions to stay under the per-session limit.
// Budget: on answers of the same size, the stateful mock keeps at least 0.8x the stateless mock's
// req/s, with no failed request. A full page of 20 stored clients (the stateless list has the
// example's 2) is shown for information. Prints figures; exits 1 when the budget is broken.
// Loopback only.
import autocannon from "autocannon";
import { SESSION_HEADER, startMock } from "../dist/index.js";

const DURATION = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RATIO = 0.8;
const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 10, duration: DURATION, ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );

const stateless = await startMock({ port: 0 });
const stateful = await startMock({ port: 0, stateful: true });
const json = { apikey: "k", "content-type": "application/json" };
const createBody = JSON.stringify({
  Client: { business_name: "مؤسسة النخبة للتجارة", email: "accounts@alnokhba.example", type: 3 },
});
// Session "full" holds the seed plus 100 clients, so its list answers a page of 20.
for (let i = 0; i < 100; i++)
  await fetch(`${stateful.url}/api2/clients.json`, {
    method: "POST",
    headers: { ...json, [SESSION_HEADER]: "full" },
    body: createBody,
  });

let created = 0;
const scenarios = {
  "GET  /api2/clients.json (list)": { method: "GET", path: "/api2/clients.json", headers: { apikey: "k" } },
  "GET  /api2/clients.json (20 of 102)": {
    method: "GET",
    path: "/api2/clients.json",
    headers: { apikey: "k" },
    statefulHeaders: { apikey: "k", [SESSION_HEADER]: "full" },
    info: true,
  },
  "GET  /api2/clients/512.json": { method: "GET", path: "/api2/clients/512.json", headers: { apikey: "k" } },
  "POST /api2/clients.json (create)": {
    method: "POST",
    path: "/api2/clients.json",
    // A new session every 5,000 creates (10,000 records fit in one).
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...json, [SESSION_HEADER]: `bench-${Math.floor(created++ / 5000)}` },
          body: createBody,
        }),
      },
    ],
  },
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
for (const [name, s] of Object.entries(scenarios)) {
  const rounds = { stateless: [], stateful: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [server, base] of [
      ["stateless", stateless.url],
      ["stateful", stateful.url],
    ]) {
      const headers = (server === "stateful" && s.statefulHeaders) || s.headers || json;
      const r = await run({
        url: base + s.path,
        method: s.method,
        headers,
        body: s.requests ? createBody : undefined,
        requests: s.requests,
      });
      rounds[server].push({ rps: r.requests.average, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts });
    }
  }
  const summary = (list) => ({
    rps: median(list.map((r) => r.rps)),
    p99: median(list.map((r) => r.p99)),
    bad: list.reduce((n, r) => n + r.bad, 0),
  });
  rows.push({
    name,
    info: s.info,
    stateless: summary(rounds.stateless),
    stateful: summary(rounds.stateful),
    ratio: median(rounds.stateful.map((r, i) => r.rps / rounds.stateless[i].rps)),
  });
}
await stateless.stop();
await stateful.stop();

console.log(
  `\nStateful mode, 10 connections, ${ROUNDS} interleaved rounds of ${DURATION} s (Node ${process.version}); medians:`,
);
console.log(
  "  scenario                            stateless req/s  p99 ms   stateful req/s  p99 ms   stateful/stateless   failed",
);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(35)} ${r.stateless.rps.toFixed(0).padStart(15)} ${String(r.stateless.p99).padStart(7)} ${r.stateful.rps.toFixed(0).padStart(16)} ${String(r.stateful.p99).padStart(7)} ${`${r.ratio.toFixed(2)}x`.padStart(20)} ${String(r.stateless.bad + r.stateful.bad).padStart(8)}${r.info ? "   (no budget: 10x the bytes)" : ""}`,
  );
}
const misses = [];
for (const r of rows) {
  if (!r.info && r.ratio < RATIO) misses.push(`${r.name}: ${r.ratio.toFixed(2)}x < ${RATIO}x`);
  if (r.stateful.bad || r.stateless.bad) misses.push(`${r.name}: ${r.stateful.bad + r.stateless.bad} failed requests`);
}
if (misses.length) {
  console.error(`BUDGET BROKEN: ${misses.join("; ")}`);
  process.exit(1);
}
