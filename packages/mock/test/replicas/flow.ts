// The stateful flow of the replica test, written once: concurrent sessions create, read, update,
// list and delete Daftra clients through `url` (a balancer in front of replicas sharing Redis, or
// one mock with the memory store), then one session is reset and every replica is asked directly.
// Bounded by count: `sessions` x `creates`, all sessions at once.
import { expect } from "vitest";
import { SESSION_HEADER } from "../../src/index.js";

export interface FlowTarget {
  /** Where the flow's requests go: the balancer, or the one mock. */
  url: string;
  /** The replicas alive now, each reached directly (for the reset check). */
  replicas: () => string[];
  /** Called once, when half the creates are answered (the replica test kills a replica then). */
  midway?: () => Promise<void>;
}

export interface FlowCounts {
  sessions: number;
  creates: number;
}

interface Answer {
  status: number;
  body: any;
  /** How many times the request was sent (a replica killed mid-request: the balancer says 502). */
  tries: number;
}

/** A JSON request; sent again while a balancer answers 502-504 (its replica died mid-request) or the connection fails. */
export async function call(base: string, session: string, method: string, path: string, body?: unknown) {
  for (let tries = 1; ; tries++) {
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          apikey: "flow-key",
          [SESSION_HEADER]: session,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A request must never hang the test: a stopped replica is cut off after this long.
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if ([502, 503, 504].includes(response.status) && tries < 10) throw new Error(`balancer: ${response.status}`);
      return { status: response.status, body: text ? JSON.parse(text) : undefined, tries } as Answer;
    } catch (error) {
      if (tries >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * tries));
    }
  }
}

const clientIds = (list: Answer) => (list.body.data as { Client: { id: number } }[]).map((item) => item.Client.id);

/** Runs the flow and checks it; answers each session's name and the ids it kept. */
export async function statefulFlow(target: FlowTarget, { sessions, creates }: FlowCounts) {
  // Session names with the characters a key scheme could trip on.
  const names = Array.from({ length: sessions }, (_, i) => `flow ${i}:*{s}:meta/../${"é".length}#${i}`);
  const seed = clientIds(await call(target.url, "flow-seed-probe", "GET", "/api2/clients.json?limit=1000"));
  const total = sessions * creates;
  let answered = 0;
  let midway: Promise<void> | undefined;

  const kept = await Promise.all(
    names.map(async (session) => {
      const ids = await Promise.all(
        Array.from({ length: creates }, async (_, n) => {
          const name = `${session} client ${n}`;
          const created = await call(target.url, session, "POST", "/api2/clients.json", {
            Client: { business_name: name, email: `c${n}@flow.example` },
          });
          expect(created.status).toBe(202);
          if (++answered === Math.floor(total / 2) && target.midway) midway = target.midway();
          // Whatever replica answers, the write is there.
          const read = await call(target.url, session, "GET", `/api2/clients/${created.body.id}.json`);
          expect(read.status).toBe(200);
          expect(read.body.data.Client).toMatchObject({ id: created.body.id, business_name: name });
          return created.body.id as number;
        }),
      );
      // Unique ids, none of the seeded ones.
      expect(new Set(ids).size).toBe(creates);
      for (const id of ids) expect(seed).not.toContain(id);

      const updated = ids.slice(0, Math.ceil(creates / 3));
      await Promise.all(
        updated.map(async (id) => {
          const put = await call(target.url, session, "PUT", `/api2/clients/${id}.json`, { Client: { city: "جدة" } });
          expect(put.status).toBe(200);
          const read = await call(target.url, session, "GET", `/api2/clients/${id}.json`);
          expect(read.body.data.Client).toMatchObject({ id, city: "جدة", business_name: expect.any(String) });
        }),
      );

      // The list holds every answered create once (a create sent twice after a 502 may add one more).
      const list = await call(target.url, session, "GET", "/api2/clients.json?limit=1000");
      const listed = clientIds(list);
      expect(new Set(listed).size).toBe(listed.length);
      for (const id of [...seed, ...ids]) expect(listed).toContain(id);
      expect(list.body.pagination.total_results).toBe(listed.length);
      const cities = new Map(
        (list.body.data as { Client: { id: number; city?: string } }[]).map((item) => [
          item.Client.id,
          item.Client.city,
        ]),
      );
      for (const id of updated) expect(cities.get(id)).toBe("جدة");

      const deleted = ids.slice(-Math.ceil(creates / 5));
      await Promise.all(
        deleted.map(async (id) => {
          const gone = await call(target.url, session, "DELETE", `/api2/clients/${id}.json`);
          // Sent twice (the first answer lost with its replica): the second finds nothing.
          expect(gone.tries > 1 ? [200, 404] : [200]).toContain(gone.status);
          expect((await call(target.url, session, "GET", `/api2/clients/${id}.json`)).status).toBe(404);
        }),
      );
      const after = clientIds(await call(target.url, session, "GET", "/api2/clients.json?limit=1000"));
      for (const id of deleted) expect(after).not.toContain(id);
      expect(after.length).toBe(listed.length - deleted.length);
      return { session, ids: ids.filter((id) => !deleted.includes(id)) };
    }),
  );
  await midway;

  // A reset of one session, sent to one replica, reaches them all; the other sessions keep theirs.
  const [first, second] = kept;
  const reset = await fetch(`${target.url}/__mock/reset`, {
    method: "POST",
    headers: { "x-mock-control": "1", [SESSION_HEADER]: first!.session },
  });
  expect(reset.status).toBe(204);
  for (const replica of target.replicas()) {
    expect(clientIds(await call(replica, first!.session, "GET", "/api2/clients.json?limit=1000"))).toEqual(seed);
    expect((await call(replica, first!.session, "GET", `/api2/clients/${first!.ids[0]}.json`)).status).toBe(404);
    if (second) {
      const listed = clientIds(await call(replica, second.session, "GET", "/api2/clients.json?limit=1000"));
      for (const id of second.ids) expect(listed).toContain(id);
    }
  }
  return kept;
}
