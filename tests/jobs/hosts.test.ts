// The stale-host job (spec §6.3) with a moved clock: reminders once per reaction window, unavailable (and out
// of DNS, as dig shows on an embedded zone) at staleness 3, deleted at 5, back to 0 after an update; mails.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { hosts } from "../../src/db/index.ts";
import { createHost } from "../../src/core/admin/hosts.ts";
import { runHosts } from "../../src/jobs/index.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers } from "../support/net.ts";
import { haveSmtpSink, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { DAY, makeJobWorld, ZONE } from "./fixture.ts";
import { startEmbeddedWorld, type EmbeddedWorld } from "./embedded.ts";

const stale = { staleCheck: true, notifyUser: true };

describe("staleness, step by step", () => {
  test("a stale host blocked for abuse goes at 5 too: the owner may not delete it, but it is abandoned", async () => {
    const w = makeJobWorld();
    const id = w.host("blocked", { lastUpdateIpv4: new Date(w.clock.t - 400 * DAY), staleness: 4, abuse: true, abuseBlocked: true });
    w.backend.set(`blocked.${ZONE}`, "A", ["192.0.2.1"]);
    const r = await runHosts(w.ctx, stale);
    expect(r.events).toEqual([{ fqdn: `blocked.${ZONE}`, staleness: 5, stage: "deleted" }]);
    expect(w.row(id)).toBeUndefined();
    expect(w.backend.get(`blocked.${ZONE}`, "A")).toEqual([]);
  });

  test("325 days without an update: reminded, then nothing within 8 days, then the next step", async () => {
    const w = makeJobWorld();
    const id = w.host("old", { lastUpdateIpv4: new Date(w.clock.t - 400 * DAY) });
    const r1 = await runHosts(w.ctx, stale);
    expect(w.row(id)!.staleness).toBe(1);
    expect(r1.lines).toEqual([`old.${ZONE} has not seen IP updates for a long time; staleness: 1 -> please fix!`]);
    // The run's counts as data (the status page says them in its reader's language), beside the English line.
    expect(r1.outcome).toEqual({ kind: "hosts", counts: { hosts: 1, reminded: 1, unavailable: 0, deleted: 0, recovered: 0 } });
    expect(r1.summary).toBe("1 host, 1 reminded, 0 made unavailable, 0 deleted, 0 recovered");
    expect(w.row(id)!.stalenessNotificationTimestamp?.getTime()).toBe(w.clock.t);
    w.clock.advance(7 * DAY);
    const r2 = await runHosts(w.ctx, stale);
    expect(r2.events).toEqual([]);
    expect(w.row(id)!.staleness).toBe(1);
    w.clock.advance(1 * DAY);
    await runHosts(w.ctx, stale);
    expect(w.row(id)!.staleness).toBe(2);
    expect(w.row(id)!.available).toBe(true);
    expect(w.mails).toHaveLength(2);
  });

  test("staleness 3 makes the host unavailable and removes its records; 5 deletes it", async () => {
    const w = makeJobWorld();
    const id = w.host("old", { lastUpdateIpv6: new Date(w.clock.t - 400 * DAY), staleness: 2 });
    w.backend.set(`old.${ZONE}`, "AAAA", ["2001:db8::1"]);
    const r3 = await runHosts(w.ctx, stale);
    expect(r3.lines).toEqual([`old.${ZONE} IP has still not been updated, staleness: 3 -> made host unavailable.`]);
    expect(w.row(id)!.available).toBe(false);
    expect(w.backend.get(`old.${ZONE}`, "AAAA")).toEqual([]);
    w.clock.advance(8 * DAY);
    await runHosts(w.ctx, stale);
    expect(w.row(id)!.staleness).toBe(4);
    w.clock.advance(8 * DAY);
    const r5 = await runHosts(w.ctx, stale);
    expect(r5.lines).toEqual([`old.${ZONE} IP has still not been updated, staleness: 5 -> deleted host.`]);
    expect(w.row(id)).toBeUndefined();
    expect(w.mails.map((m) => m.subject)).toEqual(Array(3).fill(`Issue with your host old.${ZONE}`));
    expect(w.mails[0].text).toContain("We made the host unavailable");
    expect(w.mails[2].text).toContain("so we deleted it");
  });

  test("an update in the meantime sets staleness back to 0", async () => {
    const w = makeJobWorld();
    const id = w.host("back", { lastUpdateIpv4: new Date(w.clock.t - 3 * DAY), staleness: 2, stalenessNotificationTimestamp: new Date(w.clock.t - 10 * DAY) });
    const r = await runHosts(w.ctx, stale);
    expect(w.row(id)!.staleness).toBe(0);
    expect(r.recovered).toBe(1);
    expect(r.outcome?.counts).toMatchObject({ hosts: 1, recovered: 1 });
    expect(w.mails).toHaveLength(0);
  });

  test("the newer of the IPv4 and IPv6 updates counts", async () => {
    const w = makeJobWorld();
    const id = w.host("dual", { lastUpdateIpv4: new Date(w.clock.t - 900 * DAY), lastUpdateIpv6: new Date(w.clock.t - 30 * DAY) });
    await runHosts(w.ctx, stale);
    expect(w.row(id)!.staleness).toBe(0);
  });

  test("a host never updated counts from its creation: new is fine, created long ago is stale", async () => {
    const w = makeJobWorld();
    const fresh = w.host("fresh", { created: new Date(w.clock.t - 2 * DAY) });
    const ancient = w.host("ancient", { created: new Date(w.clock.t - 326 * DAY) });
    await runHosts(w.ctx, stale);
    expect(w.row(fresh)!.staleness).toBe(0);
    expect(w.row(ancient)!.staleness).toBe(1);
  });

  test("without --notify-user the events happen but nobody is mailed", async () => {
    const w = makeJobWorld();
    const id = w.host("old", { lastUpdateIpv4: new Date(w.clock.t - 400 * DAY) });
    await runHosts(w.ctx, { staleCheck: true });
    expect(w.row(id)!.staleness).toBe(1);
    expect(w.mails).toHaveLength(0);
  });

  test("without --stale-check nothing happens", async () => {
    const w = makeJobWorld();
    const id = w.host("old", { lastUpdateIpv4: new Date(w.clock.t - 400 * DAY) });
    await runHosts(w.ctx, {});
    expect(w.row(id)!.staleness).toBe(0);
  });
});

const sinkOk = haveSmtpSink();
describe.skipIf(!sinkOk)("the stale-host mail through SMTP", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });

  test("names the host, its comment, the issue, the causes and the way out", async () => {
    const w = makeJobWorld({ smtpPort: sink.port });
    w.host("cabin", { comment: "weekend house", lastUpdateIpv4: new Date(w.clock.t - 400 * DAY) });
    await runHosts(w.ctx, stale);
    const m = await sink.next("ann@example.test");
    expect(m.subject).toBe(`Issue with your host cabin.${ZONE}`);
    expect(m.text).toContain(`cabin.${ZONE} (your comment: weekend house)`);
    expect(m.text).toContain(`cabin.${ZONE} has not seen IP updates for a long time; staleness: 1 -> please fix!`);
    expect(m.text).toContain("its address is static");
    expect(m.text).toContain("an update with the same address is fine here");
    expect(m.text).toContain("one update every month");
  });
});

const peersOk = havePeers("dig");
describe.skipIf(!peersOk)("on an embedded zone, seen with dig", () => {
  const zone = "stale.example.test";
  let w: EmbeddedWorld;
  beforeAll(async () => {
    w = await startEmbeddedWorld(zone);
  });
  afterAll(async () => {
    await w?.server.close();
  });

  test("the name resolves until the host is made unavailable, then NXDOMAIN; the host goes at 5", async () => {
    const h = await createHost(w.server.db, { fqdn: `nas.${zone}`, owner: "ann" });
    const zoneRef = { id: 0, name: zone, backend: "embedded" as const };
    await w.backend.replace(zoneRef, "nas", "A", ["192.0.2.44"], 60);
    await w.backend.replace(zoneRef, "_acme-challenge.nas", "TXT", ["tok"], 60);
    w.server.db.update(hosts).set({ lastUpdateIpv4: new Date(w.clock.t - 330 * DAY), created: new Date(w.clock.t - 400 * DAY) }).where(eq(hosts.id, h.id)).run();
    const port = w.server.dnsPort;
    expect(rdata(await dig("127.0.0.1", port, `nas.${zone}`, "A"), "A")).toEqual(["192.0.2.44"]);
    for (const level of [1, 2]) {
      await runHosts(w.ctx, stale);
      w.clock.advance(8 * DAY);
      expect(w.server.db.select().from(hosts).where(eq(hosts.id, h.id)).get()!.staleness).toBe(level);
      expect(rdata(await dig("127.0.0.1", port, `nas.${zone}`, "A"), "A")).toEqual(["192.0.2.44"]);
    }
    await runHosts(w.ctx, stale);
    expect((await dig("127.0.0.1", port, `nas.${zone}`, "A")).status).toBe("NXDOMAIN");
    expect((await dig("127.0.0.1", port, `_acme-challenge.nas.${zone}`, "TXT")).status).toBe("NXDOMAIN");
    for (let i = 0; i < 2; i++) {
      w.clock.advance(8 * DAY);
      await runHosts(w.ctx, stale);
    }
    expect(w.server.db.select().from(hosts).where(eq(hosts.id, h.id)).get()).toBeUndefined();
    expect(w.mails.map((m) => m.to)).toEqual(Array(5).fill("ann@example.test"));
  });
});
