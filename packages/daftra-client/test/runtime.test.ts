// The shared runtime's behaviour against misbehaving servers (see @mizan/testing/runtime).
import { defineRuntimeTests } from "@mizan/testing/runtime";
import { createDaftraClient } from "../src/index.js";

defineRuntimeTests({ api: "daftra", secret: "daftra-key-123456", client: (options) => createDaftraClient({ ...options, auth: { apiKey: "daftra-key-123456" } }) });
