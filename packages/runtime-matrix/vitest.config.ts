import { clientTestConfig } from "@mizan/testing";
import { defineConfig } from "vitest/config";

const base = clientTestConfig();
// Each runtime starts a process (or a browser) on a 2-core machine: generous limits.
export default defineConfig({ ...base, test: { ...base.test, testTimeout: 120_000, hookTimeout: 600_000 } });
