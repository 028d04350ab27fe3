// The one graceful stop (src/pipeline/lifecycle.ts), which the CLI and startMock's child run on
// SIGTERM (or when their launcher is gone): stop accepting, let the requests in flight finish
// within the bound, exit 0. Tested here on a real server in this process, with `exit` recorded
// instead of ending the process; test/operations.test.ts sends SIGTERM to the real CLI.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { lifecycle, stopGracefully } from "../src/pipeline/lifecycle.js";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

/** A server whose requests are answered only when `release()` is called; `arrived` resolves on the first. */
async function slowServer() {
  const flight = lifecycle();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    flight.guard({ req, res, url: new URL("http://x/"), pathname: "/", method: "GET" });
    arrived();
    void released.then(() => res.end("done"));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { flight, server, url, release, firstArrived };
}

describe("stopGracefully", () => {
  it("refuses new connections, lets the request in flight finish, and exits 0 without a warning", async () => {
    const { flight, server, url, release, firstArrived } = await slowServer();
    const inFlight = fetch(url).then(async (r) => ({ status: r.status, text: await r.text() }));
    await firstArrived;
    const exits: number[] = [];
    const warnings: string[] = [];
    const stopped = stopGracefully({ shutdown: () => flight.drain(server, 60_000) }, 60_000, {
      exit: (code) => exits.push(code),
      warn: (line) => warnings.push(line),
    });
    // Stopped accepting: a new connection is refused while the first request is still in flight.
    await expect(fetch(url)).rejects.toThrow();
    expect(flight.draining()).toBe(true);
    expect(exits).toEqual([]);
    release();
    expect(await inFlight).toEqual({ status: 200, text: "done" });
    await stopped;
    expect(exits).toEqual([0]);
    expect(warnings).toEqual([]);
  });

  it("cuts what is still in flight after the bound, says so, and still exits 0", async () => {
    const { flight, server, url, firstArrived } = await slowServer();
    const inFlight = fetch(url).then(
      () => "answered",
      () => "cut",
    );
    await firstArrived;
    const exits: number[] = [];
    const warnings: string[] = [];
    // A bound, not a timing assumption: the request is never released, so it is cut whatever the machine's speed.
    await stopGracefully({ shutdown: () => flight.drain(server, 100) }, 100, {
      exit: (code) => exits.push(code),
      warn: (line) => warnings.push(line),
    });
    expect(await inFlight).toBe("cut");
    expect(exits).toEqual([0]);
    expect(warnings).toEqual(["mizan-mock: stopped; 1 request(s) still in flight after 100 ms were cut\n"]);
  });

  it("exits 0 also when the shutdown itself fails", async () => {
    const exits: number[] = [];
    await expect(
      stopGracefully({ shutdown: () => Promise.reject(new Error("boom")) }, 100, { exit: (code) => exits.push(code) }),
    ).rejects.toThrow("boom");
    expect(exits).toEqual([0]);
  });
});
