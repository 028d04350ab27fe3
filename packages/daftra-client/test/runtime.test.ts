// What this client owns on the shared runtime: credentials, error bodies, host (see @mizan/testing/runtime).
import { defineRuntimeTests } from "@mizan/testing/runtime";
import { createDaftraClient } from "../src/index.js";

defineRuntimeTests({
  api: "daftra",
  secret: "daftra-key-123456",
  client: (options) => createDaftraClient({ ...options, auth: { apiKey: "daftra-key-123456" } }),
});
