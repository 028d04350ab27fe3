// The client against a server that misbehaves at random, per seed (see @mizan/testing/chaos).
import { defineChaosTests } from "@mizan/testing/chaos";
import { createDaftraClient, querySerializer } from "../src/index.js";

// With the v2 query serialiser: the operations' example filters are nested.
defineChaosTests({
  api: "daftra",
  secrets: ["daftra-key-123456"],
  client: (options) => createDaftraClient({ ...options, querySerializer, auth: { apiKey: "daftra-key-123456" } }),
});
