import { clientTestConfig } from "@mizan/mock/vitest";
import { defineConfig } from "vitest/config";

export default defineConfig(clientTestConfig() as never);
