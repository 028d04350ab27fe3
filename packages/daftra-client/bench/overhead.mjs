// Per-call overhead with a stubbed transport (no network): raw fetch of a hand-built Request,
// bare openapi-fetch, and the full Daftra client with its defaults (auth, retry policy, time
// limit). Budget: full client <= 1.3x bare openapi-fetch. Prints figures; exits 1 over budget.
import createClient from "openapi-fetch";
import { createDaftraClient } from "../dist/esm/index.js";

const BUDGET = 1.3;
const body = JSON.stringify({
  code: 200,
  result: "successful",
  data: { Client: { id: 512, business_name: "مؤسسة النخبة" } },
});
const stub = async () =>
  new Response(body, {
    status: 200,
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
  });
const baseUrl = "https://acme.daftra.com";
const params = { params: { path: { id: 512 } } };

const bare = createClient({ baseUrl, fetch: stub });
const full = createDaftraClient({ baseUrl, fetch: stub, auth: { apiKey: "bench-key-0000" } });

const subjects = {
  "raw fetch (stub)": async () => {
    const res = await stub(new Request(`${baseUrl}/api2/clients/512.json`, { headers: { apikey: "bench-key-0000" } }));
    return res.json();
  },
  "bare openapi-fetch": () => bare.GET("/api2/clients/{id}.json", params),
  "full Daftra client": () => full.GET("/api2/clients/{id}.json", params),
};

async function timeIt(fn, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - start) / n; // ns per call
}

const N = 2000;
const ROUNDS = 25;
for (const fn of Object.values(subjects)) await timeIt(fn, 2000); // warm up
const results = {};
for (const name of Object.keys(subjects)) results[name] = [];
// Interleave rounds so drift on a shared machine hits every subject alike.
for (let r = 0; r < ROUNDS; r++)
  for (const [name, fn] of Object.entries(subjects)) results[name].push(await timeIt(fn, N));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`\nPer-call time, median of ${ROUNDS} rounds x ${N} calls (Node ${process.version}):`);
const base = median(results["bare openapi-fetch"]);
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(
    `  ${name.padEnd(22)} ${(m / 1000).toFixed(2).padStart(7)} µs/call   ${(m / base).toFixed(2)}x bare openapi-fetch`,
  );
}
// The budget is judged on the median of per-round ratios: both subjects of a round ran seconds
// apart, so drift on a shared machine cancels out.
const ratios = results["full Daftra client"].map((t, i) => t / results["bare openapi-fetch"][i]);
const ratio = median(ratios);
console.log(
  `  per-round ratios: min ${Math.min(...ratios).toFixed(2)}x, median ${ratio.toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x`,
);
console.log(`  full client overhead budget: ${ratio.toFixed(2)}x of ${BUDGET}x`);
if (ratio > BUDGET) {
  console.error("OVER BUDGET");
  process.exit(1);
}
