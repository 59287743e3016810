// The clean-up job: expired sessions and tokens, unconfirmed sign-ups, embedded zones' journals beyond their
// configured length (trimmed straight in the database, as a CLI run does), and left-over forwardings.
import { describe, expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { loadConfig } from "../../src/config/index.ts";
import { forwardQueue, serviceUpdaterHostConfigs, serviceUpdaters, sessions, userTokens, users, zoneJournal } from "../../src/db/index.ts";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { EmbeddedBackend, SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../src/dns/zone/index.ts";
import { runCleanup } from "../../src/jobs/index.ts";
import { trimJournalsIn } from "../../src/cli/jobs.ts";
import { DAY, makeJobWorld } from "./fixture.ts";

describe("cleanup", () => {
  test("expired sessions and tokens go; live ones stay", async () => {
    const w = makeJobWorld();
    const t = w.clock.t;
    w.db.insert(sessions).values([
      { idHash: "old", userId: w.annId, expiresAt: new Date(t - 1000), lastSeenAt: new Date(t - DAY) },
      { idHash: "live", userId: w.annId, expiresAt: new Date(t + DAY), lastSeenAt: new Date(t) },
    ]).run();
    w.db.insert(userTokens).values([
      { tokenHash: "a", purpose: "reset_password", userId: w.annId, expiresAt: new Date(t - 1000) },
      { tokenHash: "b", purpose: "verify_email", userId: w.bobId, expiresAt: new Date(t + DAY) },
    ]).run();
    const r = await runCleanup(w.ctx);
    expect([r.sessions, r.tokens]).toEqual([1, 1]);
    expect(w.db.select().from(sessions).all().map((s) => s.idHash)).toEqual(["live"]);
    expect(w.db.select().from(userTokens).all().map((s) => s.tokenHash)).toEqual(["b"]);
  });

  test("sign-ups never confirmed go after a week; confirmed and OAuth-only accounts stay", async () => {
    const w = makeJobWorld();
    const old = new Date(w.clock.t - 8 * DAY);
    w.db.insert(users).values([
      { username: "typo", email: "typo@example.test", passwordHash: "x", emailVerified: false, dateJoined: old },
      { username: "oauth", email: "o@example.test", passwordHash: "", emailVerified: false, dateJoined: old },
      { username: "newbie", email: "n@example.test", passwordHash: "x", emailVerified: false, dateJoined: new Date(w.clock.t - DAY) },
    ]).run();
    const r = await runCleanup(w.ctx);
    expect(r.unverifiedAccounts).toBe(1);
    expect(w.db.select({ u: users.username }).from(users).all().map((u) => u.u).sort()).toEqual(["ann", "bob", "newbie", "oauth"]);
  });

  test("forwardings older than a week are dropped, recent ones kept for the worker", async () => {
    const w = makeJobWorld();
    const hostId = w.host("h");
    const svc = w.db.insert(serviceUpdaters).values({ name: "x", server: "127.0.0.1:9" }).returning().get();
    const hc = w.db.insert(serviceUpdaterHostConfigs).values({ serviceId: svc.id, hostId, name: "n", password: "p" }).returning().get();
    w.db.insert(forwardQueue).values([
      { hostConfigId: hc.id, address: "192.0.2.1", nextAttemptAt: new Date(w.clock.t), created: new Date(w.clock.t - 8 * DAY) },
      { hostConfigId: hc.id, address: "192.0.2.2", nextAttemptAt: new Date(w.clock.t), created: new Date(w.clock.t - DAY) },
    ]).run();
    const r = await runCleanup(w.ctx);
    expect(r.forwards).toBe(1);
    expect(w.db.select().from(forwardQueue).all().map((f) => f.address)).toEqual(["192.0.2.2"]);
  });

  test("the journals of embedded zones are trimmed to [dns] journal_max_changes", async () => {
    const w = makeJobWorld();
    await addEmbeddedZone(w.db, { name: "j.example.test", ns: ["ns1.example.test"] }, async (z) => {
      const store = await ZoneStore.open(new SqliteZoneStorage(w.db, [z.name]));
      await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
    });
    const store = await ZoneStore.open(new SqliteZoneStorage(w.db, ["j.example.test"]));
    const backend = new EmbeddedBackend(() => store);
    const zone = { id: 0, name: "j.example.test", backend: "embedded" as const };
    for (let i = 1; i <= 6; i++) await backend.replace(zone, "h", "A", [`192.0.2.${i}`], 60);
    const journal = () => w.db.select({ n: count() }).from(zoneJournal).get()!.n;
    expect(journal()).toBe(6);
    const cfg = loadConfig({ env: {} });
    cfg.dns.journal_max_changes = 2;
    w.ctx.trimJournals = trimJournalsIn(w.db, cfg, w.clock);
    const r = await runCleanup(w.ctx);
    expect(r.journalEntries).toBe(4);
    expect(journal()).toBe(2);
    expect(r.summary).toContain("4 journal entries");
    expect(r.outcome).toEqual({ kind: "cleanup", counts: { sessions: 0, tokens: 0, signups: 0, journalEntries: 4, forwards: 0 } });
  });

  test("without a zone store the report says the journals were not trimmed", async () => {
    const w = makeJobWorld();
    const r = await runCleanup(w.ctx);
    expect(r.journalEntries).toBeNull();
    expect(r.summary).toContain("journals not trimmed");
    // No journal count at all: the page says "not trimmed" rather than "0 journal entries".
    expect(r.outcome?.counts).not.toHaveProperty("journalEntries");
    // Nothing else to do: the accounts of the fixture are confirmed and stay.
    expect(w.db.select().from(users).where(eq(users.username, "ann")).get()).toBeDefined();
  });
});
