// What stateful mode costs: the same requests, 10 connections, against a stateless and a
// stateful Daftra mock started side by side in this run, in interleaved rounds (the median of the
// per-round ratios, so load from elsewhere on a shared machine hits both alike). A create writes a
// record each time, so creates rotate through sessions to stay under the per-session limit.
// Budget: on answers of the same size, the stateful mock keeps at least 0.8x the stateless mock's
// req/s, with no failed request. A full page of 20 stored clients (the stateless list has the
// example's 2) is shown for information. Where Debian's redis-server is installed, a third mock
// keeps its state in Redis (--state-store, a redis-server started here on a free port, no
// persistence), shown against the memory store for information: the price of sharing state
// between replicas. Prints figures; exits 1 when the budget is broken. Loopback only.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { SESSION_HEADER, startMock } from "../dist/index.js";

const DURATION = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RATIO = 0.8;
const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 10, duration: DURATION, ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );

/** redis-server on a free loopback port, ended with this process (scripts/tether.mjs); undefined where it is not installed. */
async function startRedis() {
  const server = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(existsSync);
  if (!server) return undefined;
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const dir = mkdtempSync(path.join(tmpdir(), "mizan-bench-redis-"));
  const tether = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "scripts", "tether.mjs");
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const child = spawn(process.execPath, [tether, server, ...args, "--loglevel", "warning"], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" });
    if (ping.stdout?.trim() === "PONG") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

const redis = await startRedis();
if (!redis) console.log("redis-server is not installed: the Redis store is not measured (npm run setup installs it).");
const stateless = await startMock({ port: 0 });
const stateful = await startMock({ port: 0, stateful: true });
const shared = redis && (await startMock({ port: 0, stateful: true, stateStore: redis.url }));
const json = { apikey: "k", "content-type": "application/json" };
const createBody = JSON.stringify({
  Client: { business_name: "مؤسسة النخبة للتجارة", email: "accounts@alnokhba.example", type: 3 },
});
// Session "full" holds the seed plus 100 clients, so its list answers a page of 20.
for (const mock of [stateful, shared].filter(Boolean))
  for (let i = 0; i < 100; i++)
    await fetch(`${mock.url}/api2/clients.json`, {
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
  const rounds = { stateless: [], stateful: [], redis: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [server, base] of [
      ["stateless", stateless.url],
      ["stateful", stateful.url],
      ...(shared ? [["redis", shared.url]] : []),
    ]) {
      const headers = (server !== "stateless" && s.statefulHeaders) || s.headers || json;
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
    redis: shared && summary(rounds.redis),
    redisRatio: shared && median(rounds.redis.map((r, i) => r.rps / rounds.stateful[i].rps)),
  });
}
await stateless.stop();
await stateful.stop();
await shared?.stop();
await redis?.stop();

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
if (shared) {
  console.log(`\nThe Redis store (one mock, redis-server on loopback), same rounds; redis/memory is its cost:`);
  console.log("  scenario                            redis req/s  p99 ms   redis/memory   failed");
  for (const r of rows)
    console.log(
      `  ${r.name.padEnd(35)} ${r.redis.rps.toFixed(0).padStart(11)} ${String(r.redis.p99).padStart(7)} ${`${r.redisRatio.toFixed(2)}x`.padStart(14)} ${String(r.redis.bad).padStart(8)}`,
    );
}
const misses = [];
for (const r of rows) {
  if (!r.info && r.ratio < RATIO) misses.push(`${r.name}: ${r.ratio.toFixed(2)}x < ${RATIO}x`);
  if (r.stateful.bad || r.stateless.bad) misses.push(`${r.name}: ${r.stateful.bad + r.stateless.bad} failed requests`);
  if (r.redis?.bad) misses.push(`${r.name}: ${r.redis.bad} failed requests on the Redis store`);
}
if (misses.length) {
  console.error(`BUDGET BROKEN: ${misses.join("; ")}`);
  process.exit(1);
}
