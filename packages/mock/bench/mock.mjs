// Mock figures, all in one run on the Daftra bundle, each server in its own process and the load
// generator (autocannon) in this one:
//   - start-up: from spawning the CLI to its first answer, for mizan-mock and for Prism's own
//     CLI (`prism mock`) on the same bundle, five times each; for mizan-mock also to its first
//     answer made by Prism (a request without credentials), which its worker thread loads after
//     the server is up;
//   - throughput and latency at 10 connections for a list GET and a validated create POST, for
//     mizan-mock, Prism's CLI, and a plain node:http server answering the same bytes (the
//     ceiling: no routing, validation or mocking at all), mizan-mock and the plain server in
//     alternating rounds.
// Targets: start-up median under 1,000 ms (issue #20; judge it on an idle machine, as a busy
// one can double it);
// mizan-mock at >= 0.45 of the plain server's req/s on the list GET and >= 0.35 on the validated
// POST (issue #20), with no failed request. Prints figures; exits 1 when one is missed.
// Loopback only.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, "..");
const bundle = path.join(packageDir, "dist", "bundles", "daftra.mock.json");
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STARTS = 5;
const TARGET_START_MS = 1000;
const TARGET_RATIO = { GET: 0.45, POST: 0.35 };

const LIST = { method: "GET", path: "/api2/clients.json", headers: { apikey: "bench-key" } };
/** No credentials: the fast path leaves it to Prism, which refuses it (401). */
const NEEDS_PRISM = { method: "GET", path: "/api2/clients.json", headers: {} };
const CREATE = {
  method: "POST",
  path: "/api2/clients.json",
  headers: { apikey: "bench-key", "content-type": "application/json" },
  body: JSON.stringify({
    Client: { business_name: "مؤسسة النخبة للتجارة", email: "accounts@alnokhba.example", type: 3 },
  }),
};

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const servers = {
  "mizan-mock": (port) => [
    process.execPath,
    [path.join(packageDir, "bin", "mizan-mock.js"), "--api", "daftra", "--port", String(port)],
  ],
  // Prism logs every request at its default level; warn keeps it as quiet as mizan-mock.
  "prism CLI": (port) => [
    path.join(packageDir, "node_modules", ".bin", "prism"),
    ["mock", bundle, "--host", "127.0.0.1", "--port", String(port), "--verboseLevel", "warn"],
  ],
};

/** Spawns a server and resolves once it answers `probe` with a 2xx; returns the process and the time it took. */
async function start(command, args, port, probe = LIST) {
  const t0 = performance.now();
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (b) => (stderr += b));
  const exited = new Promise((_, reject) =>
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}) before answering:\n${stderr}`))),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${command} did not answer within 60 s:\n${stderr}`);
    const answered = await Promise.race([
      fetch(`http://127.0.0.1:${port}${probe.path}`, {
        method: probe.method,
        headers: probe.headers,
        body: probe.body,
      }).then(
        (r) => r.arrayBuffer().then(() => r.ok),
        () => false,
      ),
      exited,
    ]);
    if (answered) return { child, ms: performance.now() - t0, stop: () => stop(child) };
    await new Promise((r) => setTimeout(r, 10));
  }
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => {
      children.delete(child);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

// Servers do not outlive the benchmark, even when it fails half-way.
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Start-up, the servers in turns.
const startups = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
const prismReady = [];
for (let i = 0; i < STARTS; i++) {
  for (const [name, command] of Object.entries(servers)) {
    const port = await freePort();
    const t0 = performance.now();
    const server = await start(...command(port), port);
    startups[name].push(server.ms);
    if (name === "mizan-mock") {
      // The same process, at once: the answer waits until Prism's thread has loaded Prism.
      const r = await fetch(`http://127.0.0.1:${port}${NEEDS_PRISM.path}`, { headers: NEEDS_PRISM.headers });
      await r.arrayBuffer();
      if (r.status !== 401) throw new Error(`Expected 401 without credentials, got ${r.status}`);
      prismReady.push(performance.now() - t0);
    }
    await server.stop();
  }
}

// The bytes the plain server sends: mizan-mock's own answers to the two requests.
const running = {};
for (const [name, command] of Object.entries(servers)) {
  const port = await freePort();
  running[name] = { ...(await start(...command(port), port)), url: `http://127.0.0.1:${port}` };
}
const listBody = await (await fetch(running["mizan-mock"].url + LIST.path, { headers: LIST.headers })).text();
const createResponse = await fetch(running["mizan-mock"].url + CREATE.path, {
  method: "POST",
  headers: CREATE.headers,
  body: CREATE.body,
});
const createBody = await createResponse.text();
if (createResponse.status !== 202)
  throw new Error(`The create answered ${createResponse.status}, not 202: ${createBody}`);

const plainPort = await freePort();
const plainScript = `
  const list = ${JSON.stringify(listBody)}, created = ${JSON.stringify(createBody)};
  require("node:http").createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = req.method === "POST" ? created : list;
      res.writeHead(req.method === "POST" ? 202 : 200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(${plainPort}, "127.0.0.1");`;
running["plain node"] = {
  ...(await start(process.execPath, ["-e", plainScript], plainPort)),
  url: `http://127.0.0.1:${plainPort}`,
};

const load = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 10, duration: DURATION, ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );
// mizan-mock and the plain server take turns, ROUNDS times, and the target is judged on the
// median of the per-round ratios: a shared machine's speed moves by half between minutes (the
// plain server alone went from 23,000 to 44,000 req/s), and turns a few seconds apart see the
// same machine. Prism's CLI, shown for comparison only, has one round.
const rows = [];
for (const scenario of [LIST, CREATE]) {
  const request = { method: scenario.method, headers: scenario.headers, body: scenario.body };
  // A second's warm-up each (compiled validators, JIT).
  for (const { url } of Object.values(running)) await load({ url: url + scenario.path, ...request, duration: 1 });
  const rounds = Object.fromEntries(Object.keys(running).map((server) => [server, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [server, { url }] of Object.entries(running)) {
      if (server === "prism CLI" && round > 0) continue;
      const r = await load({ url: url + scenario.path, ...request });
      rounds[server].push({
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        failed: r.non2xx + r.errors + r.timeouts,
      });
    }
  const ratios = rounds["mizan-mock"].map((r, i) => r.rps / rounds["plain node"][i].rps);
  for (const [server, list] of Object.entries(rounds))
    rows.push({
      scenario: `${scenario.method.padEnd(4)} ${scenario.path}`,
      server,
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      failed: list.reduce((n, r) => n + r.failed, 0),
      ...(server === "mizan-mock" ? { ratio: median(ratios), ratios } : {}),
    });
}
await Promise.all(Object.values(running).map((s) => s.stop()));

console.log(`\nStart-up on the Daftra bundle (spawn -> first answer), ${STARTS} runs, Node ${process.version}:`);
for (const [name, times] of Object.entries(startups))
  console.log(
    `  ${name.padEnd(11)} median ${median(times).toFixed(0).padStart(5)} ms  [${times.map((t) => t.toFixed(0)).join(", ")}]`,
  );
console.log(
  `  mizan-mock, to its first answer made by Prism: median ${median(prismReady).toFixed(0)} ms  [${prismReady.map((t) => t.toFixed(0)).join(", ")}]`,
);
console.log(
  `\nThroughput, 10 connections, each server in its own process; mizan-mock and plain node in ${ROUNDS} alternating rounds of ${DURATION} s (medians; "of plain" is the median of the per-round ratios), Prism's CLI one round:`,
);
console.log("  request                   server        req/s   of plain   p50 ms   p99 ms   failed");
for (const r of rows) {
  const plain = rows.find((x) => x.scenario === r.scenario && x.server === "plain node");
  const ratio = r.ratio ?? r.rps / plain.rps;
  const spread = r.ratios ? `   (rounds ${Math.min(...r.ratios).toFixed(2)}-${Math.max(...r.ratios).toFixed(2)})` : "";
  console.log(
    `  ${r.scenario.padEnd(25)} ${r.server.padEnd(11)} ${r.rps.toFixed(0).padStart(7)} ${ratio.toFixed(2).padStart(10)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.failed).padStart(8)}${spread}`,
  );
}
const ours = (scenario) => rows.find((r) => r.scenario === scenario && r.server === "mizan-mock");
const prisms = (scenario) => rows.find((r) => r.scenario === scenario && r.server === "prism CLI");
for (const scenario of new Set(rows.map((r) => r.scenario)))
  console.log(`  ${scenario}: mizan-mock ${(ours(scenario).rps / prisms(scenario).rps).toFixed(1)}x Prism's CLI`);

const misses = [];
const startMedian = median(startups["mizan-mock"]);
if (startMedian >= TARGET_START_MS)
  misses.push(`start-up median ${startMedian.toFixed(0)} ms >= ${TARGET_START_MS} ms`);
for (const r of rows.filter((x) => x.server === "mizan-mock")) {
  const target = TARGET_RATIO[r.scenario.split(" ")[0]];
  if (r.ratio < target) misses.push(`${r.scenario}: ${r.ratio.toFixed(2)} of the plain server < ${target}`);
  if (r.failed) misses.push(`${r.scenario}: ${r.failed} failed requests`);
}
if (misses.length) {
  console.error(`TARGETS MISSED: ${misses.join("; ")}`);
  process.exit(1);
}
console.log(
  `Targets met: start-up < ${TARGET_START_MS} ms, >= ${TARGET_RATIO.GET} (GET) and ${TARGET_RATIO.POST} (POST) of the plain server, no failed request.`,
);
