// An independent OpenAPI 3.1 validator (@seriousme/openapi-schema-validator, which checks a
// document against the official JSON schemas of the specification) agrees with our bundles:
// every published JSON and YAML bundle, and the mock's, is valid. Redocly's lint is our own
// tool's opinion; this is a second one.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { listApis } from "../scripts/apis.mjs";

const files = listApis().flatMap((api) =>
  [api.bundle, api.bundleYaml, api.mockBundle].map((file) => [`${api.name}: ${file.split("/").pop()}`, file]),
);

describe("@seriousme/openapi-schema-validator", () => {
  it.each(files)("finds %s valid", async (_label, file) => {
    const validator = new Validator();
    const result = await validator.validate(readFileSync(file, "utf8"));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("refuses a broken document, naming the place", async () => {
    const broken = JSON.parse(readFileSync(listApis()[0].bundle, "utf8"));
    const [first] = Object.values(broken.paths);
    const op = Object.values(first).find((v) => v && typeof v === "object" && v.responses);
    op.responses = "none";
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
    expect(JSON.stringify(result.errors)).toContain("responses");
  });
});
