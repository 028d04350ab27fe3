// What this client owns on the shared runtime: credentials, error bodies, host (see @mizan/testing/runtime).
import { defineRuntimeTests } from "@mizan/testing/runtime";
import { createEnkashArClient } from "../src/index.js";

defineRuntimeTests({
  api: "enkash-ar",
  secret: "enkash-token-123456",
  client: (options) => createEnkashArClient({ ...options, auth: { accessToken: "enkash-token-123456" } }),
});
