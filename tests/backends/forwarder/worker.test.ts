// The forwarder against a tiny fake third-party dyndns2 service on a loopback port: what it sends, how it
// retries, what it stores on the host config, and that the third party's password never reaches the log.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Server } from "bun";
import { createForwardWorker, pendingForwards } from "../../../src/backends/forwarder/index.ts";
import { forwardQueue, serviceUpdaterHostConfigs, serviceUpdaters } from "../../../src/db/index.ts";
import { freePort } from "../../support/net.ts";
import { makeWorld, type World } from "../../core/fixture.ts";

interface Seen {
  path: string;
  auth: string | null;
  ua: string | null;
}
let seen: Seen[] = [];
let reply: () => Response | Promise<Response> = () => new Response("good 1.2.3.4");
let server: Server<unknown>;
let w: World;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const u = new URL(req.url);
      seen.push({ path: u.pathname + u.search, auth: req.headers.get("authorization"), ua: req.headers.get("user-agent") });
      return reply();
    },
  });
});
afterAll(() => server.stop(true));

beforeEach(async () => {
  seen = [];
  reply = () => new Response("good 1.2.3.4");
  w = await makeWorld();
  w.db.update(serviceUpdaters).set({ server: `127.0.0.1:${server.port}` }).run();
});

const hc = (world: World) => world.db.select().from(serviceUpdaterHostConfigs).where(eq(serviceUpdaterHostConfigs.id, world.hostConfigId)).get()!;
const worker = (world: World, extra = {}) => createForwardWorker({ db: world.db, log: world.log, clock: world.clock, timeoutMs: 2000, ...extra });

describe("forwarding a good update", () => {
  test("one GET with Basic auth and myip; hostname only when set; result stored, row gone", async () => {
    expect((await w.call("/nic/update?myip=1.2.3.4")).body).toBe("good 1.2.3.4");
    expect(await worker(w).runOnce()).toBe(1);
    expect(seen).toEqual([{ path: "/nic/update?myip=1.2.3.4", auth: "Basic " + Buffer.from("other-user:other-pass").toString("base64"), ua: "updns-forwarder/0.1" }]);
    expect(hc(w).lastResult).toBe("1.2.3.4 ok: HTTP 200 good 1.2.3.4");
    expect(hc(w).lastResultAt?.getTime()).toBe(w.clock.t);
    expect(pendingForwards(w.db)).toBe(0);

    w.db.update(serviceUpdaterHostConfigs).set({ hostname: "me.other.example" }).run();
    await w.call("/nic/update?myip=1.2.3.5");
    await worker(w).runOnce();
    expect(seen[1].path).toBe("/nic/update?hostname=me.other.example&myip=1.2.3.5");
    for (const line of w.log.lines) expect(line).not.toContain("other-pass");
  });
});

describe("failures", () => {
  test("a 5xx is retried with exponential back-off, then succeeds", async () => {
    reply = () => new Response("911", { status: 503 });
    await w.call("/nic/update?myip=1.2.3.4");
    const fw = worker(w, { baseDelayMs: 60_000 });
    await fw.runOnce();
    let row = w.db.select().from(forwardQueue).get()!;
    expect(row.attempts).toBe(1);
    expect(row.nextAttemptAt.getTime()).toBe(w.clock.t + 60_000);
    expect(hc(w).lastResult).toBe("1.2.3.4 retrying (attempt 1): HTTP 503 911");
    expect(await fw.runOnce()).toBe(0); // not due yet
    w.clock.advance(60_000);
    await fw.runOnce();
    row = w.db.select().from(forwardQueue).get()!;
    expect(row.nextAttemptAt.getTime()).toBe(w.clock.t + 120_000);
    reply = () => new Response("nochg 1.2.3.4");
    w.clock.advance(120_000);
    await fw.runOnce();
    expect(pendingForwards(w.db)).toBe(0);
    expect(hc(w).lastResult).toBe("1.2.3.4 ok: HTTP 200 nochg 1.2.3.4");
    expect(seen.length).toBe(3);
  });

  test("badauth is not retried", async () => {
    reply = () => new Response("badauth", { status: 401 });
    await w.call("/nic/update?myip=1.2.3.4");
    await worker(w).runOnce();
    expect(pendingForwards(w.db)).toBe(0);
    expect(hc(w).lastResult).toBe("1.2.3.4 refused: HTTP 401 badauth");
  });

  test("a timeout and a refused connection are retried; after maxAttempts it gives up", async () => {
    reply = () => Bun.sleep(1000).then(() => new Response("good"));
    await w.call("/nic/update?myip=1.2.3.4");
    await worker(w, { timeoutMs: 100 }).runOnce();
    expect(hc(w).lastResult).toBe("1.2.3.4 retrying (attempt 1): timeout after 0.1 s");
    w.db.update(serviceUpdaters).set({ server: `127.0.0.1:${await freePort()}` }).run();
    const fw = worker(w, { maxAttempts: 2, baseDelayMs: 1 });
    w.clock.advance(60_000);
    await fw.runOnce();
    expect(pendingForwards(w.db)).toBe(0);
    expect(hc(w).lastResult).toStartWith("1.2.3.4 gave up after 2 attempts: connection failed");
  });

  test("a newer address replaces a pending one; rounds never overlap", async () => {
    reply = () => new Response("good");
    await w.call("/nic/update?myip=1.2.3.4");
    await w.call("/nic/update?myip=1.2.3.5");
    const fw = worker(w);
    const [a, b] = await Promise.all([fw.runOnce(), fw.runOnce()]);
    expect([a, b]).toEqual([1, 1]); // the same round, shared
    expect(seen.map((s) => s.path)).toEqual(["/nic/update?myip=1.2.3.5"]);
  });
});
