// The client against a server that misbehaves at random, per seed (see @mizan/testing/chaos).
import { defineChaosTests } from "@mizan/testing/chaos";
import { createEnkashArClient } from "../src/index.js";

// Basic credentials for the token endpoint and a Bearer token for the rest: neither may leak.
defineChaosTests({
  api: "enkash-ar",
  secrets: ["enkash-token-123456", "enkash-secret-654321"],
  client: (options) =>
    createEnkashArClient({
      ...options,
      auth: { accessToken: "enkash-token-123456", basic: { username: "CEKCLIENT1", password: "enkash-secret-654321" } },
    }),
});
