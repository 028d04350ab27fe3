import createClient from "openapi-fetch";
const body = JSON.stringify({ code: 200, result: "successful", data: { Client: { id: 512, business_name: "x" } } });
const stub = async () => new Response(body, { status: 200, headers: { "content-type": "application/json", "content-length": String(body.length) } });
const baseUrl = "https://acme.daftra.com";
const params = { params: { path: { id: 512 } } };
const mk = (f) => createClient({ baseUrl, fetch: f });
const variants = {
  bare: mk(stub),
  passthrough: mk((r) => stub(r)),
  controller: mk(async (r) => { const c = new AbortController(); const t = setTimeout(() => c.abort(), 30000); const on = () => c.abort(); r.signal.addEventListener("abort", on, { once: true }); try { return await stub(r, { signal: c.signal }); } finally { clearTimeout(t); r.signal.removeEventListener("abort", on); } }),
  timeoutOnly: mk(async (r) => { const t = setTimeout(() => 0, 30000); try { return await stub(r); } finally { clearTimeout(t); } }),
  ctrlOnly: mk(async (r) => { const c = new AbortController(); return stub(r, { signal: c.signal }); }),
  listener: mk(async (r) => { const on = () => 0; r.signal.addEventListener("abort", on, { once: true }); try { return await stub(r); } finally { r.signal.removeEventListener("abort", on); } }),
  textOnly: mk(async (r) => { const res = await stub(r); const text = await res.text(); return new Response(body, { status: res.status, headers: res.headers }); }),
  newResp: mk(async (r) => { const res = await stub(r); return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers }); }),
  lazyWrap: mk(async (r) => { const res = await stub(r); return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers }); }),
  bufWrap: mk(async (r) => { const res = await stub(r); const b = await res.arrayBuffer(); return new Response(b, { status: res.status, statusText: res.statusText, headers: res.headers }); }),
  sigTimeout: mk(async (r) => stub(r, { signal: AbortSignal.timeout(30000) })),
  race: mk(async (r) => { const on = () => 0; r.signal.addEventListener("abort", on, { once: true }); try { return await Promise.race([stub(r), new Promise(() => 0)]); } finally { r.signal.removeEventListener("abort", on); } }),
  settle: mk(async (r) => { const res = await stub(r); const text = await res.text(); JSON.parse(text); return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers }); }),
};
async function timeIt(fn, n) { const s = process.hrtime.bigint(); for (let i = 0; i < n; i++) await fn(); return Number(process.hrtime.bigint() - s) / n / 1000; }
for (const c of Object.values(variants)) await timeIt(() => c.GET("/api2/clients/{id}.json", params), 2000);
const res = {};
for (let r = 0; r < 9; r++) for (const [k, c] of Object.entries(variants)) (res[k] ??= []).push(await timeIt(() => c.GET("/api2/clients/{id}.json", params), 3000));
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(12), xs.sort((a, b) => a - b)[0].toFixed(1), "µs");
