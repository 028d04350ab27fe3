import { clientTestConfig } from "@mizan/testing";
import { defineConfig } from "vitest/config";

export default defineConfig(clientTestConfig());
