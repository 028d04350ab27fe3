// Fault injection: delays and failures, per request (Prefer header) and per mock (options and
// CLI flags), decided by a seed so that a run repeats. Timings are only checked from below
// ("at least the delay"), never from above, so a busy machine cannot fail them.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  faultInjector,
  FaultOptionError,
  parseDelay,
  parseFailureRate,
  preference,
  requestedCode,
  requestedDelay,
} from "../src/faults.js";
import { MAX_DELAY_MS } from "../src/index.js";
import { startMock, type RunningMock } from "./serve.js";

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "mizan-mock.js");
const auth = { apikey: "test-key" };

/** Sends a request and measures how long the whole answer took. */
async function timed(url: string, init: RequestInit = {}) {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}

/** The statuses of `count` requests sent one after the other. */
async function statusSequence(mock: RunningMock, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++)
    statuses.push((await timed(`${mock.url}/api2/clients/512.json`, { headers: auth })).status);
  return statuses;
}

describe("fault options", () => {
  it("parses the CLI's --delay and --failure-rate, and names what is wrong otherwise", () => {
    expect(parseDelay("200")).toBe(200);
    expect(parseDelay("100-500")).toEqual({ min: 100, max: 500 });
    expect(() => parseDelay("fast")).toThrow(/--delay must be milliseconds \(200\) or a range \(100-500\), got "fast"/);
    expect(() => parseDelay("500-100")).toThrow(/from the shorter to the longer delay/);
    expect(() => parseDelay(String(MAX_DELAY_MS + 1))).toThrow(/at most 300000 ms/);
    expect(parseFailureRate("0.2")).toBe(0.2);
    expect(parseFailureRate("1")).toBe(1);
    for (const bad of ["1.5", "-0.1", "20%", ""]) expect(() => parseFailureRate(bad)).toThrow(FaultOptionError);
  });

  it("reads the forced code of a Prefer header against the operation's statuses", () => {
    expect(requestedCode(undefined, ["200"])).toBeUndefined();
    expect(requestedCode("code=503", ["200"])).toBe(503);
    expect(requestedCode("code=201", ["201", "4XX"])).toBe(201);
    expect(requestedCode("code=302", ["200", "3XX"])).toBe(302);
    expect(requestedCode("code=302", ["200", "default"])).toBe(302);
    expect(() => requestedCode("code=302", ["200", "4XX"])).toThrow(
      'Prefer: code must be a status this operation documents (200, 4XX) or an error status from 400 to 599, got "302".',
    );
    expect(() => requestedCode("code=999", ["200"])).toThrow(FaultOptionError);
    expect(() => requestedCode("code=4xx", ["200"])).toThrow(FaultOptionError);
  });

  it("reads a preference out of a Prefer header", () => {
    expect(preference("code=503, delay=200", "delay")).toBe("200");
    expect(preference(['example=a; delay="50"'], "delay")).toBe("50");
    expect(preference("code=503", "delay")).toBeUndefined();
    expect(preference(undefined, "delay")).toBeUndefined();
    expect(requestedDelay("delay=0")).toBe(0);
    expect(() => requestedDelay("delay=soon")).toThrow(
      /Prefer: delay must be a whole number of milliseconds from 0 to 300000, got "soon"/,
    );
    expect(() => requestedDelay("delay=-5")).toThrow(FaultOptionError);
  });

  it("fails the same requests for the same seed, other ones for another seed, at about the rate asked", () => {
    const fates = (seed: number, delayMs?: number | { min: number; max: number }) => {
      const faults = faultInjector({ failureRate: 0.2, seed, delayMs });
      return Array.from({ length: 10_000 }, () => faults.next().fail);
    };
    const a = fates(42);
    expect(fates(42)).toEqual(a);
    expect(fates(43)).not.toEqual(a);
    // Whether delays are random does not change which requests fail.
    expect(fates(42, { min: 0, max: 1000 })).toEqual(a);
    const share = a.filter(Boolean).length / a.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });

  it("draws random delays within the range, and a fixed delay every time", () => {
    const random = faultInjector({ delayMs: { min: 100, max: 110 }, seed: 1 });
    const delays = Array.from({ length: 2000 }, () => random.next().delayMs);
    expect(new Set(delays)).toEqual(new Set([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110]));
    const fixed = faultInjector({ delayMs: 250, seed: 1 });
    expect(Array.from({ length: 100 }, () => fixed.next())).toEqual(
      Array.from({ length: 100 }, () => ({ delayMs: 250, fail: false })),
    );
    expect(faultInjector({ seed: 1 }).active).toBe(false);
  });

  it("refuses bad startMock options before starting a process", async () => {
    await expect(startMock({ failureRate: 2 })).rejects.toThrow(/failureRate must be a number from 0 to 1, got 2/);
    await expect(startMock({ delayMs: { min: 500, max: 100 } })).rejects.toThrow(
      /delayMs\.min \(500\) must not be larger than delayMs\.max \(100\)/,
    );
    await expect(startMock({ delayMs: -1 })).rejects.toThrow(FaultOptionError);
  });
});

describe("per request, on a mock without global faults", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ api: "daftra" });
  });
  afterAll(() => mock.stop());

  it("answers after the delay a request asks for, with the usual answer", async () => {
    const { status, body, ms } = await timed(`${mock.url}/api2/clients/512.json`, {
      headers: { ...auth, prefer: "delay=400" },
    });
    expect(status).toBe(200);
    expect(JSON.parse(body).data.Client.id).toBe(512);
    expect(ms).toBeGreaterThanOrEqual(395); // timers may fire a millisecond early
  });

  it("refuses a delay that is not a number, in Daftra's error shape", async () => {
    const { status, body } = await timed(`${mock.url}/api2/clients/512.json`, {
      headers: { ...auth, prefer: "delay=later" },
    });
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({
      result: "failed",
      code: 400,
      message: expect.stringMatching(/Prefer: delay must be a whole number/),
    });
  });

  it("fails with a status the operation does not document, before checking the request", async () => {
    // Prism alone answers an undocumented code with 404 ("not defined in the document"). The
    // request has no credentials: a gateway's failure comes before the API looks at it.
    const { status, body } = await timed(`${mock.url}/api2/clients/512.json`, { headers: { prefer: "code=503" } });
    expect(status).toBe(503);
    // The API's error frame (its documented 400's), without the field map a server failure cannot fill.
    expect(JSON.parse(body)).toEqual({
      result: "failed",
      code: 503,
      message: "Forced by Prefer: code=503; this operation does not document that status.",
    });
  });

  it("still serves the documented example for a documented status", async () => {
    const { status, body } = await timed(`${mock.url}/api2/clients/512.json`, {
      headers: { ...auth, prefer: "code=404" },
    });
    expect(status).toBe(404);
    expect(JSON.parse(body).message).toBe("Item not found");
  });

  it("refuses a code that is neither documented nor an error status, naming what is allowed", async () => {
    // Prism alone answered these with a misleading 404 "not defined".
    for (const code of ["999", "302", "abc", "20", "600"]) {
      const { status, body } = await timed(`${mock.url}/api2/clients/512.json`, {
        headers: { ...auth, prefer: `code=${code}` },
      });
      expect(status, code).toBe(400);
      expect(JSON.parse(body)).toMatchObject({
        result: "failed",
        code: 400,
        message: `Prefer: code must be a status this operation documents (200, 400, 401, 403, 404, 429, 500) or an error status from 400 to 599, got "${code}".`,
      });
    }
    expect(
      (await timed(`${mock.url}/api2/clients/512.json`, { headers: { ...auth, prefer: "code=200" } })).status,
    ).toBe(200);
  });

  it("stops waiting when the client gives up, and goes on serving", async () => {
    const gaveUp = fetch(`${mock.url}/api2/clients/512.json`, {
      headers: { ...auth, prefer: "delay=60000" },
      signal: AbortSignal.timeout(300),
    });
    await expect(gaveUp).rejects.toThrow(/abort|timeout/i);
    expect((await timed(`${mock.url}/api2/clients/512.json`, { headers: auth })).status).toBe(200);
  });
});

describe("a failure rate with a seed", () => {
  const mocks: RunningMock[] = [];
  afterAll(() => Promise.all(mocks.map((m) => m.stop())));
  const start = async (options: Parameters<typeof startMock>[0]) => {
    const mock = await startMock({ api: "daftra", ...options });
    mocks.push(mock);
    return mock;
  };

  it("repeats the same failures for the seed a run reported, and others for another seed", async () => {
    // No seed: the mock picks one and reports it, so a failing run can be repeated.
    const first = await start({ failureRate: 0.5 });
    expect(Number.isInteger(first.faultSeed)).toBe(true);
    const sequence = await statusSequence(first, 24);
    expect(new Set(sequence)).toEqual(new Set([200, 503]));
    const again = await start({ failureRate: 0.5, seed: first.faultSeed });
    expect(again.faultSeed).toBe(first.faultSeed);
    expect(await statusSequence(again, 24)).toEqual(sequence);
    const other = await start({ failureRate: 0.5, seed: first.faultSeed + 1 });
    expect(await statusSequence(other, 24)).not.toEqual(sequence);
  });

  it("answers every request late with a random delay, and failures in the API's error shape", async () => {
    const mock = await start({ failureRate: 0.5, seed: 7, delayMs: { min: 200, max: 300 } });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await timed(`${mock.url}/api2/clients/512.json`, { headers: auth }));
    for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(195);
    const failure = answers.find((a) => a.status === 503);
    expect(failure, "seed 7 fails at least one of six requests").toBeDefined();
    expect(JSON.parse(failure!.body)).toMatchObject({
      result: "failed",
      code: 503,
      message: expect.stringMatching(/^Injected failure: .*failure rate 0\.5, seed 7/),
    });
    // Daftra v1's validation_errors is optional and names no field of a server failure: left out.
    expect(JSON.parse(failure!.body)).not.toHaveProperty("validation_errors");
    // The mock's own endpoints are never delayed or failed.
    expect((await fetch(`${mock.url}/__mock/health`)).status).toBe(200);
  });

  it("fails with a real 503 even for an API that reports its errors with 200 (VMSAlpha)", async () => {
    const mock = await start({ api: "vmsalpha", failureRate: 1, seed: 1 });
    const { status, body } = await timed(`${mock.url}/v1/get/`, { headers: { token: "t" } });
    expect(status).toBe(503);
    expect(JSON.parse(body)).toMatchObject({
      success: false,
      errors: { message: expect.stringMatching(/^Injected failure/) },
    });
  });
});

describe("CLI", () => {
  it("lists the fault options in its usage and refuses bad values", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 20_000 });
    const help = run("--help");
    expect(help.stdout).toMatch(/--delay <ms> .*100-500/);
    expect(help.stdout).toMatch(/--failure-rate <r>/);
    expect(help.stdout).toMatch(/Prefer: delay=<ms>/);
    for (const [args, message] of [
      [["--delay", "soon"], /--delay must be milliseconds/],
      [["--delay", "900-100"], /from the shorter to the longer/],
      [["--failure-rate", "1.5"], /--failure-rate must be a number from 0 to 1/],
    ] as const) {
      const res = run(...args);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });

  it("serves with a delay and a failure rate, and prints the seed that repeats the run", async () => {
    const child = spawn(
      process.execPath,
      [cli, "--port", "0", "--delay", "150", "--failure-rate", "0.5", "--seed", "42"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout!.on("data", (b: Buffer) => {
          text += b.toString();
          if (/Faults: .*\n/.test(text)) resolve(text);
        });
        child.on("exit", (code) => reject(new Error(`CLI exited early (${code}): ${text}`)));
      });
      expect(out).toMatch(/Faults: delay 150 ms, failure rate 0\.5, seed 42 \(--seed 42 repeats this run\)/);
      const url = /listening on (\S+)/.exec(out)![1]!;
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await timed(`${url}/api2/clients/512.json`, { headers: auth }));
      expect(answers.every((a) => a.ms >= 145)).toBe(true);
      // The same seed through startMock gives the same sequence as through the CLI.
      const mock = await startMock({ api: "daftra", failureRate: 0.5, seed: 42 });
      try {
        expect(await statusSequence(mock, 8)).toEqual(answers.map((a) => a.status));
      } finally {
        await mock.stop();
      }
    } finally {
      child.kill("SIGTERM");
    }
  });
});
