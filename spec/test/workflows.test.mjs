// The GitHub Actions workflows against action-validator (the workflow schema plus its own
// checks, compiled to WebAssembly: no download, no network), and the house rules for them.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { specDir } from "../scripts/apis.mjs";

const root = path.join(specDir, "..");
const workflowsDir = path.join(root, ".github", "workflows");
const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const read = (file) => readFileSync(path.join(workflowsDir, file), "utf8");
const steps = (workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

describe("GitHub workflows", () => {
  it("has ci, release and docs", () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "release.yml", "docs.yml"]));
  });

  it("the validator rejects a misspelt key", () => {
    const { errors } = validateWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each(files)("%s is a valid workflow", (file) => {
    const { errors } = validateWorkflow(read(file));
    expect(errors).toEqual([]);
  });

  it.each(files)("%s pins every action to a version", (file) => {
    for (const step of steps(parse(read(file)))) {
      if (step.uses) expect(step.uses).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    }
  });

  it("ci runs the README's Quick start on Node 20, 22 and 24, and the gate on pull requests", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)[1].trim().split("\n");
    const ci = parse(read("ci.yml"));
    expect(ci.jobs.test.strategy.matrix.node).toEqual([20, 22, 24]);
    const runs = steps(ci)
      .map((s) => s.run)
      .filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(quickStart));
    const gate = steps(ci).find((s) => s.run === "npm run spec:breaking");
    expect(gate.if).toContain("pull_request");
  });

  it("release publishes with provenance", () => {
    const release = parse(read("release.yml"));
    expect(release.permissions["id-token"]).toBe("write");
    expect(steps(release).some((s) => s.uses?.startsWith("changesets/action@"))).toBe(true);
  });
});
