// Replays the corpus of real integrations' traffic (spec/daftra/corpus/) against the Daftra mock:
// every request the live server accepts must be accepted, and every one marked refused (a bug of
// the integration, or a route the vendor does not document) must get a 4xx. What the fixtures
// read from responses is checked against the bundle in spec/test/corpus.test.mjs.
import { corpusRequest, readCorpus } from "@mizan/spec/corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type RunningMock } from "./serve.js";

const fixtures = readCorpus("daftra");

describe("Daftra corpus replayed against the mock", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", port: 0 });
  });
  afterAll(() => mock.stop());

  it.each(fixtures.map((fixture) => [fixture.id, fixture] as const))("%s", async (_id, fixture) => {
    const { url, init } = corpusRequest(fixture, mock.url);
    const response = await fetch(url, init);
    const body = await response.text();
    const said = `${fixture.request.method} ${fixture.request.path}: ${response.status} ${body.slice(0, 500)}`;
    if (fixture.outcome === "accepted") {
      expect(response.status, said).toBeGreaterThanOrEqual(200);
      expect(response.status, said).toBeLessThan(300);
    } else {
      expect(response.status, said).toBeGreaterThanOrEqual(400);
      expect(response.status, said).toBeLessThan(500);
    }
  });
});
