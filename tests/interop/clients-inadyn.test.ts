// Debian's inadyn 2.10 with a `custom` provider section (as UniFi and OpenWrt generate it) against our dyndns2
// API: IPv4 and IPv6 updates, quiet on an unchanged address (its cache), and after a nameserver outage (503:
// "Will retry again in 600 sec") it retries and succeeds without the host being flagged.
//
// DNS data is read back from the in-memory fake backend. When the embedded backend lands, build the world
// with it instead (backendFor in tests/core/fixture.ts) and check the answers with tests/support/dig.ts.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { listenHttp } from "../../src/http/index.ts";
import { Inadyn, serveForClients, waitForOutput, type SeenRequest } from "../support/clients.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { HOST, SECRET, makeWorld, type World } from "../core/fixture.ts";

const run = havePeers("inadyn");
const dirs: { cleanup: () => void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

let w: World;
let api: { server: string; seen: SeenRequest[]; stop: () => Promise<void> };
beforeEach(async () => {
  await api?.stop();
  w = await makeWorld();
  api = await serveForClients(w.app.handle.bind(w.app), (h) => listenHttp(h, { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 }));
});
afterAll(async () => api?.stop());

function inadyn(address: string) {
  const d = tempDir("updns-inadyn-");
  dirs.push(d);
  return new Inadyn({ dir: d.path, server: api.server, username: HOST, password: SECRET, hostname: HOST, address });
}

const UA = "inadyn/2.10.0 https://github.com/troglobit/inadyn/issues";

describe.if(run)("inadyn 2.10", () => {
  test("IPv4: good, then nothing sent while the address is unchanged", async () => {
    const c = inadyn("192.0.2.70");
    const first = await c.run();
    expect(first.code).toBe(0);
    expect(first.output).toContain(`Successful alias table update for ${HOST} => new IP# 192.0.2.70`);
    expect(api.seen).toEqual([{ path: `/nic/update?hostname=${HOST}&myip=192.0.2.70`, ua: UA, status: 200, body: "good 192.0.2.70" }]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.70"]);
    const second = await c.run();
    expect(second.output).toContain("No IP# change detected");
    expect(api.seen.length).toBe(1);
    expect(w.host()).toMatchObject({ clientFaults: 0, serverFaults: 0 });
  });

  test("its 30-day forced update gets nochg without a fault", async () => {
    const c = inadyn("192.0.2.74");
    await c.run();
    w.clock.advance(30 * 24 * 3600 * 1000);
    const forced = await c.run(20_000, true);
    expect(forced.output).toContain("Successful alias table update");
    expect(api.seen.map((s) => s.body)).toEqual(["good 192.0.2.74", "nochg 192.0.2.74"]);
    expect(w.host().clientFaults).toBe(0);
  });

  test("IPv6 (sent percent-encoded): the AAAA is set, the A is left alone", async () => {
    w.backend.set(HOST, "A", ["198.51.100.1"]);
    const c = inadyn("2001:db8:70::1");
    expect((await c.run()).output).toContain("Successful alias table update");
    expect(api.seen.map((s) => [s.path, s.body])).toEqual([[`/nic/update?hostname=${HOST}&myip=2001%3adb8%3a70%3a%3a1`, "good 2001:db8:70::1"]]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8:70::1"]);
    expect(w.backend.get(HOST, "A")).toEqual(["198.51.100.1"]);
    expect((await c.run()).output).toContain("No IP# change detected");
    expect(api.seen.length).toBe(1);
  });

  test("nameserver outage: 503 makes inadyn wait and retry (not exit); it succeeds once DNS is back", async () => {
    const c = inadyn("192.0.2.71");
    w.backend.fail({ transient: true });
    const p = c.start();
    try {
      await waitForOutput(p, /Will retry again in \d+ sec/);
      expect(api.seen.map((s) => [s.status, s.body])).toEqual([[503, "dnserr"]]);
      w.backend.fail(null);
      // Its retry timer is 600 s; SIGUSR2 is "check now", what the timer would do.
      p.checkNow();
      expect(await Promise.race([p.exited, Bun.sleep(15_000).then(() => "still running")])).toBe(0);
    } finally {
      p.kill();
    }
    expect(p.output()).toContain(`Successful alias table update for ${HOST} => new IP# 192.0.2.71`);
    expect(api.seen.map((s) => [s.status, s.body])).toEqual([
      [503, "dnserr"],
      [200, "good 192.0.2.71"],
    ]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.71"]);
    expect(w.host()).toMatchObject({ clientFaults: 0, serverFaults: 1, abuse: false });
    expect((await c.run()).output).toContain("No IP# change detected");
    await waitFor("no further request", () => api.seen.length === 2, 1000);
  });
});
