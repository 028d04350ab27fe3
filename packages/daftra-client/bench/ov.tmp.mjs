import createClient from "openapi-fetch";
import { createDaftraClient } from "/work/main/packages/daftra-client/dist/esm/index.js";
const body = JSON.stringify({ code: 200, result: "successful", data: { Client: { id: 512 } } });
const stub = async () => new Response(body, { status: 200, headers: { "content-type": "application/json", "content-length": String(body.length) } });
const baseUrl = "https://acme.daftra.com"; const params = { params: { path: { id: 512 } } };
const variants = {
  bare: createClient({ baseUrl, fetch: stub }),
  bareMw: (() => { const c = createClient({ baseUrl, fetch: stub }); c.use({ onRequest({ request }) { request.headers.set("apikey", "k"); return request; } }); return c; })(),
  fullNoTimeoutNoRetry: createDaftraClient({ baseUrl, fetch: stub, auth: { apiKey: "k-123" }, timeoutMs: 0, retry: false }),
  fullNoTimeout: createDaftraClient({ baseUrl, fetch: stub, auth: { apiKey: "k-123" }, timeoutMs: 0 }),
  full: createDaftraClient({ baseUrl, fetch: stub, auth: { apiKey: "k-123" } }),
};
async function t(c, n) { const s = process.hrtime.bigint(); for (let i = 0; i < n; i++) await c.GET("/api2/clients/{id}.json", params); return Number(process.hrtime.bigint() - s) / n / 1000; }
for (const c of Object.values(variants)) await t(c, 2000);
for (let r = 0; r < 3; r++) console.log(Object.entries(variants).map(([k, c]) => k).join(" "), (await Promise.all([0])).length && "");
const res = {}; for (const k of Object.keys(variants)) res[k] = [];
for (let r = 0; r < 5; r++) for (const [k, c] of Object.entries(variants)) res[k].push(await t(c, 3000));
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(24), xs.sort((a,b)=>a-b)[2].toFixed(1));
