// Contract tests generated from the bundle (see @mizan/testing/contract): every operation's success
// and documented errors, through the typed client, against the Prism mock.
import { defineContractTests } from "@mizan/testing/contract";
import { createEnkashArClient, toFormData, toUrlEncoded } from "../src/index.js";

defineContractTests({
  api: "enkash-ar",
  client: (baseUrl) =>
    createEnkashArClient({
      baseUrl,
      auth: { basic: { username: "your-client-id", password: "your-client-secret" }, accessToken: "test-access-token" },
    }),
  serializers: { "multipart/form-data": toFormData, "application/x-www-form-urlencoded": toUrlEncoded },
});
