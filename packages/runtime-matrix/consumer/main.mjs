// Node, Bun and Deno: the mock's URL is the first argument; the result is printed as one JSON line.
import { runCalls } from "./calls.mjs";

const baseUrl = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2];
console.log(JSON.stringify(await runCalls(baseUrl)));
