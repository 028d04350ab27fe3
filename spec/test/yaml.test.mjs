// The YAML bundles must read exactly like the JSON bundles in every tool: under YAML 1.2 and
// under YAML 1.1, whose readers (PyYAML among them) take an unquoted `no` for false and an
// unquoted `2026-03-01` for a date.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listApis } from "../scripts/apis.mjs";

/** JSON-pointer-like places where two documents differ, with both values (dates shown as such). */
function differences(expected, actual, at = "") {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (expected && actual && typeof expected === "object" && typeof actual === "object" && !(actual instanceof Date)) {
    return [...new Set([...Object.keys(expected), ...Object.keys(actual)])].flatMap((k) =>
      differences(expected[k], actual[k], `${at}/${k}`),
    );
  }
  return [
    `${at}: ${JSON.stringify(expected)} read as ${actual instanceof Date ? `a date (${actual.toISOString()})` : JSON.stringify(actual)}`,
  ];
}

describe.each(listApis().map((api) => [api.name, api]))("%s.yaml", (_name, api) => {
  const json = JSON.parse(readFileSync(api.bundle, "utf8"));
  const text = readFileSync(api.bundleYaml, "utf8");
  it.each(["1.1", "1.2"])("reads like the JSON bundle under YAML %s", (version) => {
    expect(differences(json, parse(text, { version }))).toEqual([]);
  });
});

describe("the check itself", () => {
  it("catches what a YAML 1.1 reader would change", () => {
    const text = "name: no\nexample: 2026-03-01\n";
    expect(differences({ name: "no", example: "2026-03-01" }, parse(text, { version: "1.1" }))).toHaveLength(2);
  });
});
