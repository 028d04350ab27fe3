// The lint gate: every API lints with zero problems, and each house rule really fires.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { listApis, specDir } from "../scripts/apis.mjs";

const apiRules = (name) => parse(readFileSync(path.join(specDir, "redocly.yaml"), "utf8")).apis[name]?.rules ?? {};

const redocly = path.join(specDir, "node_modules", ".bin", "redocly");

function lint(target, extraArgs = []) {
  const res = spawnSync(redocly, ["lint", target, "--format=json", ...extraArgs], {
    cwd: specDir,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  const start = res.stdout.indexOf("{");
  return { status: res.status, problems: JSON.parse(res.stdout.slice(start)).problems };
}

describe.each(listApis().map((api) => [api.name, api]))("%s", (name, api) => {
  it("lints with no errors and no warnings", () => {
    const { status, problems } = lint(name);
    expect(problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(status).toBe(0);
  });

  // The published bundle differs from the source (derived Record schemas), so it is linted too,
  // with the rules its API turns off in redocly.yaml turned off here as well.
  it("publishes a bundle that passes the same rules", () => {
    const off = Object.entries(apiRules(name))
      .filter(([, v]) => v === "off" || v?.severity === "off")
      .map(([rule]) => rule);
    const { status, problems } = lint(
      path.relative(specDir, api.bundle),
      off.flatMap((rule) => ["--skip-rule", rule]),
    );
    expect(problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(status).toBe(0);
  });
});

describe("house rules", () => {
  const { status, problems } = lint("test/fixtures/breaks-house-rules.yaml");
  const fired = new Set(problems.map((p) => p.ruleId));

  it.each([
    "house/one-tag-per-operation",
    "house/operation-description",
    "house/assumption-is-text",
    "house/assumption-has-kind",
    "house/request-and-response-examples",
    "house/tag-in-a-group",
    "house/most-specific-path-wins",
    "operation-4xx-response",
  ])("%s reports the fixture", (rule) => {
    expect(fired.has(rule)).toBe(true);
  });

  it("names the path that would settle two overlapping templates", () => {
    const overlap = problems.find((p) => p.ruleId === "house/most-specific-path-wins");
    expect(overlap.message).toContain('"/things/{kind}/list" and "/things/x/{id}"');
    expect(overlap.message).toContain('("/things/x/list")');
  });

  it("asks for a known kind beside a readable label", () => {
    const kinds = problems.filter((p) => p.ruleId === "house/assumption-has-kind").map((p) => p.message);
    expect(kinds.some((m) => m.includes('"guess"') && m.includes("gap, override, inference"))).toBe(true);
  });

  it("fails the lint run", () => {
    expect(status).not.toBe(0);
  });
});
