// Contract tests generated from the bundle (see @mizan/testing/contract): every operation's success
// and documented errors, through the typed client, against the Prism mock.
import { defineContractTests } from "@mizan/testing/contract";
import { createDaftraClient, querySerializer, toFormData } from "../src/index.js";

defineContractTests({
  api: "daftra",
  // No retries: error statuses are asked for on purpose and must come back as they are.
  client: (baseUrl) => createDaftraClient({ baseUrl, auth: { apiKey: "test-api-key" }, retry: false, querySerializer }),
  serializers: { "multipart/form-data": toFormData },
});
