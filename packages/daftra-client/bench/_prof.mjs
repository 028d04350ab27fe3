import { createDaftraClient } from "../dist/esm/index.js";
const body = JSON.stringify({ code: 200, result: "successful", data: { Client: { id: 512, business_name: "x" } } });
const stub = async () => new Response(body, { status: 200, headers: { "content-type": "application/json", "content-length": String(body.length) } });
const full = createDaftraClient({ baseUrl: "https://acme.daftra.com", fetch: stub, auth: { apiKey: "bench-key-0000" } });
for (let i = 0; i < 40000; i++) await full.GET("/api2/clients/{id}.json", { params: { path: { id: 512 } } });
