// `domains --check` and `--stale-check` (spec §6.2): against a real BIND primary that answers and then is
// stopped (→ unavailable, not public, owner mailed), an embedded zone with a real NSD secondary in step and
// then behind (reported per secondary, owner told once, zone stays available), and the rules with a stub checker.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { join } from "node:path";
import { domains, hosts, openDatabase, users, type Db } from "../../src/db/index.ts";
import { addRfc2136Zone } from "../../src/core/admin/domains.ts";
import { EmbeddedBackend, SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../src/dns/zone/index.ts";
import { runDomains, zoneChecker, type JobContext, type ZoneChecker } from "../../src/jobs/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, waitFor } from "../support/net.ts";
import { startBind, type RunningPrimary } from "../support/primaries.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { haveSmtpSink, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { makeJobWorld, ZONE, type JobWorld } from "./fixture.ts";
import { startEmbeddedWorld, type EmbeddedWorld } from "./embedded.ts";

const domain = (db: Db, name: string) => db.select().from(domains).where(eq(domains.name, name)).get();
const fast = zoneChecker({ timeoutMs: 700, retries: 0 });

describe("the rules, with a stub checker", () => {
  function withChecker(w: JobWorld, verdict: Record<string, { ok: boolean; broken: boolean; message: string }>): string[] {
    const asked: string[] = [];
    const checker: ZoneChecker = async (_db, d) => {
      asked.push(d.name);
      const v = verdict[d.name] ?? { ok: true, broken: false, message: "fine" };
      return { ok: v.ok, broken: v.broken, steps: [{ step: "soa", ok: v.ok, message: v.message }] };
    };
    w.ctx.checkZone = checker;
    return asked;
  }

  test("only available domains are checked; each gets its time and result stored", async () => {
    const w = makeJobWorld();
    w.db.insert(domains).values({ name: "off.example.test", available: false, ownerId: w.annId }).run();
    const asked = withChecker(w, {});
    const r = await runDomains(w.ctx, { check: true });
    expect(asked).toEqual([ZONE]);
    expect(r.checked.map((c) => c.domain)).toEqual([ZONE]);
    const d = domain(w.db, ZONE)!;
    expect(d.lastCheckAt?.getTime()).toBe(w.clock.t);
    expect(d.lastCheckResult).toBe("ok: soa: fine");
    expect(d.available).toBe(true);
  });

  test("a broken zone becomes unavailable and not public; the owner is mailed only with --notify-user", async () => {
    const w = makeJobWorld();
    withChecker(w, { [ZONE]: { ok: false, broken: true, message: "timeout after 1 s" } });
    const r = await runDomains(w.ctx, { check: true });
    expect(r.outcome).toEqual({ kind: "domains", counts: { checked: 1, unavailable: 1, behind: 0 } });
    expect(r.lines).toEqual([`Setting unavailable flag for domain ${ZONE} (created by ann): timeout after 1 s`]);
    expect(domain(w.db, ZONE)).toMatchObject({ available: false, public: false, lastCheckResult: "FAILED: soa: timeout after 1 s" });
    expect(w.mails).toHaveLength(0);
    w.db.update(domains).set({ available: true, public: true }).run();
    await runDomains(w.ctx, { check: true, notifyUser: true });
    expect(w.mails.map((m) => [m.to, m.subject])).toEqual([["ann@example.test", `Issue with your domain ${ZONE}`]]);
  });

  test("a checker that throws counts as a broken zone, and the others are still checked", async () => {
    const w = makeJobWorld();
    w.db.insert(domains).values({ name: "b.example.test", ownerId: w.bobId }).run();
    w.ctx.checkZone = async (_db, d) => {
      if (d.name === "b.example.test") throw new Error("boom");
      return { ok: true, broken: false, steps: [] };
    };
    const r = await runDomains(w.ctx, { check: true });
    expect(r.checked.map((c) => [c.domain, c.madeUnavailable])).toEqual([["b.example.test", true], [ZONE, false]]);
  });

  test("an embedded zone with no records in the database does not load: unavailable", async () => {
    const w = makeJobWorld();
    w.ctx.checkZone = fast;
    const r = await runDomains(w.ctx, { check: true });
    expect(r.checked[0]).toMatchObject({ domain: ZONE, ok: false, madeUnavailable: true });
    expect(r.checked[0].steps[0].message).toMatch(/^does not load/);
  });

  test("--stale-check: available kept, unavailable with hosts kept, unavailable and empty deleted", async () => {
    const w = makeJobWorld();
    const [withHosts] = w.db.insert(domains).values({ name: "busy.example.test", available: false }).returning().all();
    w.db.insert(hosts).values({ name: "h", domainId: withHosts.id, ownerId: w.annId }).run();
    w.db.insert(domains).values({ name: "empty.example.test", available: false }).run();
    const r = await runDomains(w.ctx, { staleCheck: true });
    expect(r.lines).toEqual([
      "Domain busy.example.test is not available, but has 1 host.",
      "Domain dyn.example.test is available.",
      "Domain empty.example.test is not available and has no hosts -> deleted domain.",
    ]);
    expect(r.deleted).toEqual(["empty.example.test"]);
    expect(domain(w.db, "empty.example.test")).toBeUndefined();
    expect(domain(w.db, "busy.example.test")).toBeDefined();
  });
});

const bindOk = havePeers("named", "dig") && haveSmtpSink();
describe.skipIf(!bindOk)("an rfc2136 zone on a real BIND primary", () => {
  let bind: RunningPrimary;
  let sink: SmtpSink;
  let w: JobWorld;
  beforeAll(async () => {
    [bind, sink] = await Promise.all([startBind(), startSmtpSink()]);
    w = makeJobWorld({ smtpPort: sink.port });
    w.db.delete(domains).run(); // only the BIND zone
    const key = bind.key("hmac-sha256");
    addRfc2136Zone(w.db, { name: bind.zone, ownerId: w.annId, public: true, primary: `127.0.0.1:${bind.port}`, keyName: key.name, algorithm: key.algorithm, secret: key.secret });
    w.db.update(domains).set({ comment: "my home zone" }).run();
    w.ctx.checkZone = fast;
  });
  afterAll(async () => {
    await bind?.stop();
    await sink?.stop();
  });

  test("while BIND answers, the zone stays available and public", async () => {
    const r = await runDomains(w.ctx, { check: true, notifyUser: true });
    expect(r.checked[0]).toMatchObject({ domain: bind.zone, ok: true, madeUnavailable: false });
    expect(r.checked[0].steps[0].message).toContain(`is authoritative for ${bind.zone}, SOA serial`);
    expect(domain(w.db, bind.zone)).toMatchObject({ available: true, public: true });
    expect(sink.messages()).toHaveLength(0);
  });

  test("once BIND is stopped: unavailable, not public, and the owner gets the mail", async () => {
    await bind.stop();
    const r = await runDomains(w.ctx, { check: true, notifyUser: true });
    expect(r.checked[0]).toMatchObject({ domain: bind.zone, ok: false, madeUnavailable: true });
    expect(domain(w.db, bind.zone)).toMatchObject({ available: false, public: false });
    expect(domain(w.db, bind.zone)!.lastCheckResult).toMatch(/^FAILED: soa: /);
    const m = await sink.next("ann@example.test");
    expect(m.subject).toBe(`Issue with your domain ${bind.zone}`);
    expect(m.text).toContain(`${bind.zone} (your comment: my home zone)`);
    expect(m.text).toContain("could not be reached or did not answer");
    expect(m.text).toContain("accepts dynamic updates");
    expect(m.text).toContain("delete it; this deletes its hosts too");
    // The next run skips it: only available domains are checked, so nobody is mailed again.
    const again = await runDomains(w.ctx, { check: true, notifyUser: true });
    expect(again.checked).toEqual([]);
  });
});

const nsdOk = havePeers("nsd", "dig");
describe.skipIf(!nsdOk)("an embedded zone with a real NSD secondary", () => {
  const zone = "sec.example.test";
  let w: EmbeddedWorld;
  let nsd: Secondary;
  let db2: Db | undefined;
  beforeAll(async () => {
    w = await startEmbeddedWorld(zone, { transferAcl: "127.0.0.1/32" });
    nsd = await startSecondary("nsd", zone, w.server.dnsPort, null);
    w.addSecondary(`127.0.0.1:${nsd.port}`);
    w.ctx.checkZone = fast;
  });
  afterAll(async () => {
    db2?.$client.close();
    await nsd?.stop();
    await w?.server.close();
  });

  const serialOn = async (port: number) => Number(rdata(await dig("127.0.0.1", port, zone, "SOA"), "SOA")[0]?.split(" ")[2]);

  test("in step: every step ok, the secondary reported at our serial", async () => {
    const ours = await serialOn(w.server.dnsPort);
    await waitFor("NSD to load the zone", async () => (await serialOn(nsd.port)) === ours, 10_000, 100);
    const r = await runDomains(w.ctx, { check: true, notifyUser: true });
    expect(r.checked[0].ok).toBe(true);
    expect(r.checked[0].steps).toEqual([
      { step: "zone", ok: true, message: `loads, serial ${ours}` },
      { step: `secondary 127.0.0.1:${nsd.port}`, ok: true, message: `serves serial ${ours}` },
    ]);
    expect(w.mails).toHaveLength(0);
  });

  test("behind (the primary went away before a change reached it): reported, owner told once, zone stays available", async () => {
    const before = await serialOn(nsd.port);
    await w.server.stop();
    db2 = openDatabase(join(w.server.dataDir, "updns.sqlite3"));
    const store = await ZoneStore.open(new SqliteZoneStorage(db2, [zone]));
    await new EmbeddedBackend(() => store).replace({ id: 0, name: zone, backend: "embedded" }, "h", "A", ["192.0.2.7"], 60);
    const ours = store.snapshot().zones.get(zone)!.serial;
    expect(ours).not.toBe(before);
    const ctx: JobContext = { ...w.ctx, db: db2, log: memoryLogger() };
    const r = await runDomains(ctx, { check: true, notifyUser: true });
    expect(r.checked[0]).toMatchObject({ ok: false, madeUnavailable: false });
    expect(r.checked[0].steps[1]).toEqual({ step: `secondary 127.0.0.1:${nsd.port}`, ok: false, message: `serves serial ${before}, ours is ${ours}` });
    expect(r.lines).toEqual([`Domain ${zone}: secondary 127.0.0.1:${nsd.port} serves serial ${before}, ours is ${ours}`]);
    expect(domain(db2, zone)).toMatchObject({ available: true, public: true });
    expect(w.mails).toHaveLength(1);
    expect(w.mails[0].subject).toBe(`Issue with the secondaries of your domain ${zone}`);
    expect(w.mails[0].text).toContain(`secondary 127.0.0.1:${nsd.port}: serves serial ${before}, ours is ${ours}`);
    expect(w.mails[0].text).toContain("The domain stays available.");
    await runDomains(ctx, { check: true, notifyUser: true });
    expect(w.mails).toHaveLength(1);
    const owner = db2.select().from(users).where(eq(users.username, "ann")).get();
    expect(owner).toBeDefined();
  });
});
