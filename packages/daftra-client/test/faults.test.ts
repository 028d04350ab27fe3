// The client's retry and time-limit handling against the mock's injected faults (a seeded
// failure rate, a requested delay): what users of @mizan/mock do to test their own code.
import { startMock, type RunningMock } from "@mizan/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDaftraClient, type FetchLike } from "../src/index.js";

describe("against a mock that fails half the requests", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra", failureRate: 0.5, seed: 1 });
  });
  afterAll(() => mock.stop());

  /** A client whose every answer, retries included, is counted by status. */
  function countingClient(retry: false | { retries: number; minDelayMs: number; maxDelayMs: number }) {
    const seen: number[] = [];
    const fetch: FetchLike = async (request, init) => {
      const response = await globalThis.fetch(request, init);
      seen.push(response.status);
      return response;
    };
    return { seen, daftra: createDaftraClient({ baseUrl: mock.url, auth: { apiKey: "test-key" }, fetch, retry }) };
  }
  const readClient = (daftra: ReturnType<typeof countingClient>["daftra"]) =>
    daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 512 } } });

  it("gets every read through with retries", async () => {
    const { seen, daftra } = countingClient({ retries: 10, minDelayMs: 1, maxDelayMs: 20 });
    for (let i = 0; i < 12; i++) {
      const { data, error } = await readClient(daftra);
      expect(error).toBeUndefined();
      expect(data?.data.Client.id).toBe(512);
    }
    // The mock did fail some attempts; the client hid them.
    expect(seen.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s === 200)).toHaveLength(12);
  });

  it("reports the injected 503 when retries are off", async () => {
    const { seen, daftra } = countingClient(false);
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await readClient(daftra));
    const failed = results.filter((r) => r.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.response.status === 503)).toBe(true);
    expect(failed[0]!.error).toMatchObject({ result: "failed", code: 503 });
    expect(seen).toHaveLength(12);
  });
});

describe("against a slow answer", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra" });
  });
  afterAll(() => mock.stop());

  it("gives up after its time limit on an answer that comes too late", async () => {
    // The limit is far from both delays, so a busy CI machine (answers late by a second or more)
    // cannot turn the prompt answer into a timeout, nor the late one into an answer.
    const daftra = createDaftraClient({
      baseUrl: mock.url,
      auth: { apiKey: "test-key" },
      timeoutMs: 4000,
      retry: false,
      throwOnError: true,
    });
    await expect(
      daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 512 } }, headers: { Prefer: "delay=30000" } }),
    ).rejects.toMatchObject({ name: "TimeoutError", scope: "attempt" });
    const { data } = await daftra.GET("/api2/clients/{id}.json", {
      params: { path: { id: 512 } },
      headers: { Prefer: "delay=50" },
    });
    expect(data?.data.Client.id).toBe(512);
  });
});
