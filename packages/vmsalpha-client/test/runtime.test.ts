// What this client owns on the shared runtime: credentials, error bodies, host (see @mizan/testing/runtime).
import { defineRuntimeTests } from "@mizan/testing/runtime";
import { createVmsalphaClient } from "../src/index.js";

defineRuntimeTests({
  api: "vmsalpha",
  secret: "vms-token-123456",
  client: (options) => createVmsalphaClient({ ...options, auth: { accessToken: "vms-token-123456" } }),
});
