// Debian's ddclient 3.10 against our dyndns2 API on a loopback port: it updates, stays quiet on an unchanged
// address, sends several hosts in one request, and after a nameserver outage (503) retries on its next run
// and succeeds without the host being flagged.
//
// DNS data is read back from the in-memory fake backend. When the embedded backend lands, build the world
// with it instead (backendFor in tests/core/fixture.ts) and check the answers with tests/support/dig.ts.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { apiTokens, hosts } from "../../src/db/index.ts";
import { generateApiToken, hashApiToken } from "../../src/core/index.ts";
import { listenHttp } from "../../src/http/index.ts";
import { Ddclient, serveForClients, type SeenRequest } from "../support/clients.ts";
import { havePeers, tempDir } from "../support/net.ts";
import { HOST, SECRET, ZONE, makeWorld, type World } from "../core/fixture.ts";

const run = havePeers("ddclient");
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

function ddclient(opts: { hosts?: string[]; login?: string; password?: string; address: string }) {
  const d = tempDir("updns-ddclient-");
  dirs.push(d);
  return new Ddclient({ dir: d.path, server: api.server, login: opts.login ?? HOST, password: opts.password ?? SECRET, hosts: opts.hosts ?? [HOST], address: opts.address });
}

describe.if(run)("ddclient 3.10", () => {
  test("IPv4: good, then nothing sent while the address is unchanged, then good on a change", async () => {
    const c = ddclient({ address: "192.0.2.44" });
    const first = await c.run();
    expect(first.code).toBe(0);
    expect(first.output).toContain("good: IP address set to 192.0.2.44");
    expect(api.seen).toEqual([{ path: `/nic/update?system=dyndns&hostname=${HOST}&myip=192.0.2.44`, ua: "ddclient/3.10.0", status: 200, body: "good 192.0.2.44" }]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.44"]);

    const second = await c.run();
    expect(second.output).toContain("skipped: IP address was already set to 192.0.2.44");
    expect(api.seen.length).toBe(1);
    expect(w.host().clientFaults).toBe(0);

    // ddclient's min-interval: at most one update per 30 s.
    c.setAddress("192.0.2.45");
    c.ageCache(31);
    expect((await c.run()).output).toContain("good: IP address set to 192.0.2.45");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.45"]);
    expect(w.host()).toMatchObject({ clientFaults: 0, serverFaults: 0 });
  });

  test("its keep-alive (a forced update after 25 days) gets nochg without a fault; a forced update right after is a fault", async () => {
    const c = ddclient({ address: "192.0.2.46" });
    await c.run();
    w.clock.advance(25 * 24 * 3600 * 1000);
    const keepalive = await c.run(20_000, true);
    expect(keepalive.output).toContain("nochg");
    expect(api.seen.map((s) => s.body)).toEqual(["good 192.0.2.46", "nochg 192.0.2.46"]);
    expect(w.host().clientFaults).toBe(0);
    await c.run(20_000, true);
    expect(w.host().clientFaults).toBe(1);
  });

  test("IPv6: the AAAA is set, the A is left alone", async () => {
    w.backend.set(HOST, "A", ["198.51.100.1"]);
    const c = ddclient({ address: "2001:db8:44::1" });
    expect((await c.run()).output).toContain("good: IP address set to 2001:db8:44::1");
    expect(api.seen[0].path).toBe(`/nic/update?system=dyndns&hostname=${HOST}&myip=2001:db8:44::1`);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8:44::1"]);
    expect(w.backend.get(HOST, "A")).toEqual(["198.51.100.1"]);
    expect((await c.run()).output).toContain("skipped");
    expect(api.seen.length).toBe(1);
  });

  test("several hosts in one request (account API token as the password): one answer line per host", async () => {
    const token = generateApiToken();
    w.db.insert(apiTokens).values({ userId: w.userId, tokenHash: hashApiToken(token) }).run();
    w.db.insert(hosts).values({ name: "test3", domainId: w.zoneId, ownerId: w.userId }).run();
    const c = ddclient({ login: "test", password: token, hosts: [HOST, `test3.${ZONE}`], address: "192.0.2.50" });
    const out = await c.run();
    expect(api.seen.map((s) => [s.path, s.body])).toEqual([[`/nic/update?system=dyndns&hostname=${HOST},test3.${ZONE}&myip=192.0.2.50`, "good 192.0.2.50\ngood 192.0.2.50"]]);
    expect(out.output).toContain(`updating ${HOST}: good: IP address set to 192.0.2.50`);
    expect(out.output).toContain(`updating test3.${ZONE}: good: IP address set to 192.0.2.50`);
    expect(w.backend.get(`test3.${ZONE}`, "A")).toEqual(["192.0.2.50"]);
    expect((await c.run()).output).toContain("skipped");
    expect(api.seen.length).toBe(1);
  });

  test("nameserver outage: 503, then the next run retries and succeeds; the host is not flagged", async () => {
    const c = ddclient({ address: "192.0.2.60" });
    w.backend.fail({ transient: true });
    await c.run();
    expect(api.seen.map((s) => [s.status, s.body])).toEqual([[503, "dnserr"]]);
    // ddclient did not record the address as set.
    expect(readFileSync(join(c.cache), "utf8")).not.toContain("status=good");
    w.backend.fail(null);
    // Within its min-error-interval ddclient holds back; five minutes later it retries.
    expect((await c.run()).output).toContain("Wait at least 5 minutes between update attempts");
    expect(api.seen.length).toBe(1);
    c.ageCache(301);
    const retry = await c.run();
    expect(retry.output).toContain("good: IP address set to 192.0.2.60");
    expect(api.seen.map((s) => [s.status, s.body])).toEqual([
      [503, "dnserr"],
      [200, "good 192.0.2.60"],
    ]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.60"]);
    expect(w.host()).toMatchObject({ clientFaults: 0, serverFaults: 1, abuse: false });
    expect((await c.run()).output).toContain("skipped");
  });

  test("an outage after the update reached the nameserver: the retry's nochg is not a fault", async () => {
    const c = ddclient({ address: "192.0.2.61" });
    w.backend.fail({ afterApply: true });
    await c.run();
    w.backend.fail(null);
    c.ageCache(301);
    const retry = await c.run();
    expect(api.seen.map((s) => [s.status, s.body])).toEqual([
      [503, "dnserr"],
      [200, "nochg 192.0.2.61"],
    ]);
    expect(retry.output).toContain("nochg");
    expect(w.host()).toMatchObject({ clientFaults: 0, serverFaults: 1 });
  });
});
