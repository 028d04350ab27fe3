// The generated code samples: built from each operation's examples, for every operation.
import { describe, expect, it } from "vitest";
import { readBundle } from "@mizan/spec";
import { operationsOf } from "@mizan/openapi-tools";
import {
  addCodeSamples,
  connectionOptions,
  curlSample,
  formatCodeSamples,
  SAMPLE_WIDTH,
  serverUrl,
  typescriptSample,
} from "../scripts/samples.mjs";

const doc = readBundle("daftra");
const entry = (key) => operationsOf(doc).find((e) => e.key === key);

describe("code samples", () => {
  it("resolves the server URL with its defaults", () => {
    expect(serverUrl(doc)).toBe("https://your-account.daftra.com");
  });

  it("builds a curl call with the path parameter, the credential and the JSON body", () => {
    const sample = curlSample(doc, entry("PUT /api2/clients/{id}.json"));
    expect(sample).toMatch(/^curl -X PUT 'https:\/\/your-account\.daftra\.com\/api2\/clients\/512\.json'/);
    expect(sample).toContain("-H 'apikey: YOUR_API_KEY'");
    expect(sample).toContain("-H 'Content-Type: application/json'");
    expect(sample).toMatch(/-d '\{"Client":\{/);
  });

  it("sends the token request as the documented multipart form, without credentials", () => {
    const sample = curlSample(doc, entry("POST /v2/oauth/token"));
    expect(sample).toContain("-F 'grant_type=password'");
    expect(sample).not.toContain("apikey");
    expect(typescriptSample("daftra", doc, entry("POST /v2/oauth/token"))).toContain("bodySerializer: toFormData");
  });

  it("writes a TypeScript call with the typed client", () => {
    const sample = typescriptSample("daftra", doc, entry("GET /api2/invoices/{id}.json"));
    expect(sample).toContain('import { createDaftraClient } from "@mizan/daftra-client";');
    expect(sample).toContain('await client.GET("/api2/invoices/{id}.json", {\n  params: {"path":{"id":512}}');
  });

  it("adds both samples to every operation, and only curl when the API has no client", () => {
    const withClient = addCodeSamples("daftra", structuredClone(doc), { hasClient: true });
    const ops = operationsOf(withClient);
    expect(ops.every((e) => e.op["x-codeSamples"].map((s) => s.label).join() === "TypeScript,curl")).toBe(true);
    const curlOnly = addCodeSamples("daftra", structuredClone(doc), { hasClient: false });
    expect(operationsOf(curlOnly).every((e) => e.op["x-codeSamples"].length === 1)).toBe(true);
  });
});

describe("the TypeScript samples as the reference shows them", () => {
  it("connect as the client's README teaches: Daftra by subdomain, the others by baseUrl", () => {
    expect(connectionOptions("daftra", doc)).toEqual({ subdomain: "your-account" });
    expect(typescriptSample("daftra", doc, entry("GET /api2/invoices/{id}.json"))).not.toContain("baseUrl");
    expect(connectionOptions("vmsalpha", readBundle("vmsalpha"))).toEqual({
      baseUrl: serverUrl(readBundle("vmsalpha")),
    });
  });

  it("are laid out to fit the sample panel, and print the answer", async () => {
    const formatted = await formatCodeSamples(addCodeSamples("daftra", structuredClone(doc), { hasClient: true }));
    const sources = operationsOf(formatted).map(
      (e) => e.op["x-codeSamples"].find((s) => s.lang === "TypeScript").source,
    );
    // Only a string Prettier cannot break (a long path or example text) may pass the width.
    const overflowing = sources
      .flatMap((s) => s.split("\n"))
      .filter((line) => line.length > SAMPLE_WIDTH && !/"[^"]{30,}"/.test(line));
    expect(overflowing).toEqual([]);
    for (const source of sources) {
      expect(source).toMatch(/^if \(error\) console\.error\(error\);\nelse console\.log\(data\);$/m);
      expect(source).toMatch(/subdomain: "your-account"/);
    }
  });
});

describe("file uploads", () => {
  it("sends binary multipart fields as files in curl", () => {
    const vms = readBundle("vmsalpha");
    const add = operationsOf(vms).find((e) => e.key === "POST /v1/add/");
    const sample = curlSample(vms, add);
    expect(sample).toContain("-F 'image=@/path/to/image'");
    expect(sample).toContain("-F 'access_token=");
  });
});
