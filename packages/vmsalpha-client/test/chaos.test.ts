// The client against a server that misbehaves at random, per seed (see @mizan/testing/chaos).
import { defineChaosTests } from "@mizan/testing/chaos";
import { createVmsalphaClient } from "../src/index.js";

defineChaosTests({
  api: "vmsalpha",
  secrets: ["vms-token-123456"],
  client: (options) => createVmsalphaClient({ ...options, auth: { accessToken: "vms-token-123456" } }),
});
