// The stale-account job (spec §6.4, with notice first): counts before and after, accounts used recently or
// owning hosts or domains kept, others notified and removed after the grace period unless they sign in.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { domains, sessions, users } from "../../src/db/index.ts";
import { runUsers } from "../../src/jobs/index.ts";
import { haveSmtpSink, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { DAY, makeJobWorld, type JobWorld } from "./fixture.ts";

function user(w: JobWorld, username: string, fields: Partial<typeof users.$inferInsert> = {}): number {
  return w.db.insert(users).values({ username, email: `${username}@example.test`, dateJoined: new Date(w.clock.t - 800 * DAY), ...fields }).returning().get().id;
}
const exists = (w: JobWorld, id: number) => w.db.select().from(users).where(eq(users.id, id)).get() !== undefined;

describe("users --stale-check", () => {
  test("prints the totals before and after, even without --stale-check", async () => {
    const w = makeJobWorld();
    w.host("h");
    const r = await runUsers(w.ctx, {});
    expect(r.lines).toEqual(["before: users: 2, hosts: 1, domains: 1", "after: users: 2, hosts: 1, domains: 1"]);
  });

  test("kept: used within a year, owns hosts, owns domains, staff", async () => {
    const w = makeJobWorld();
    // ann owns the zone; bob gets a host.
    w.host("h", { ownerId: w.bobId });
    const recent = user(w, "recent", { lastLogin: new Date(w.clock.t - 100 * DAY) });
    const staff = user(w, "admin", { isStaff: true });
    const r = await runUsers(w.ctx, { staleCheck: true });
    expect(r.lines).toContain("ann <ann@example.test> kept, has domains. age: 2.74y, domains: 1");
    expect(r.lines).toContain("bob <bob@example.test> kept, has hosts. age: 2.74y, hosts: 1");
    expect(r.lines).toContain("recent <recent@example.test> kept, was used recently.");
    expect(r.lines).toContain("admin <admin@example.test> kept, is staff. age: 2.19y");
    expect(r.notified).toEqual([]);
    expect([exists(w, recent), exists(w, staff)]).toEqual([true, true]);
  });

  test("a session in use counts as use (a kept-signed-in browser does not log in again)", async () => {
    const w = makeJobWorld();
    const id = user(w, "browser", { lastLogin: new Date(w.clock.t - 500 * DAY) });
    w.db.insert(sessions).values({ idHash: "x", userId: id, longLived: true, expiresAt: new Date(w.clock.t + 20 * DAY), lastSeenAt: new Date(w.clock.t - 2 * DAY) }).run();
    const r = await runUsers(w.ctx, { staleCheck: true });
    expect(r.lines).toContain("browser <browser@example.test> kept, was used recently.");
  });

  test("unused with nothing: notified first, kept during the grace period, deleted after it", async () => {
    const w = makeJobWorld();
    w.host("keep", { ownerId: w.bobId });
    const id = user(w, "gone", { lastLogin: new Date(w.clock.t - 400 * DAY) });
    const r1 = await runUsers(w.ctx, { staleCheck: true });
    expect(r1.notified).toEqual(["gone"]);
    expect(r1.lines).toContain("gone <gone@example.test> hasn't logged in for 1.10y, has no hosts and no domains -> notified, deletion after 2026-12-26.");
    expect(w.mails.map((m) => m.to)).toEqual(["gone@example.test"]);
    expect(w.mails[0].text).toContain("https://dyn.example.test/account/login");
    expect(w.mails[0].text).toContain("We will delete it in 30 days");
    w.clock.advance(29 * DAY);
    const r2 = await runUsers(w.ctx, { staleCheck: true });
    expect(r2.deleted).toEqual([]);
    expect(exists(w, id)).toBe(true);
    expect(w.mails).toHaveLength(1); // no second notice
    w.clock.advance(1 * DAY);
    const r3 = await runUsers(w.ctx, { staleCheck: true });
    expect(r3.deleted).toEqual(["gone"]);
    expect(r3.outcome).toEqual({ kind: "users", counts: { notified: 0, deleted: 1 } });
    expect(r3.lines).toContain("gone <gone@example.test> hasn't logged in for 1.18y, has no hosts and no domains -> deleted user.");
    expect(exists(w, id)).toBe(false);
    expect(r3.lines.at(-1)).toBe("after: users: 2, hosts: 1, domains: 1");
  });

  test("signing in after the notice keeps the account and clears the notice", async () => {
    const w = makeJobWorld();
    const id = user(w, "wakes", { lastLogin: new Date(w.clock.t - 400 * DAY) });
    await runUsers(w.ctx, { staleCheck: true });
    w.clock.advance(10 * DAY);
    w.db.update(users).set({ lastLogin: new Date(w.clock.t) }).where(eq(users.id, id)).run();
    w.clock.advance(30 * DAY);
    await runUsers(w.ctx, { staleCheck: true });
    const u = w.db.select().from(users).where(eq(users.id, id)).get()!;
    expect(u.stalenessNotifiedAt).toBeNull();
  });

  test("a domain owner whose domain went is notified like any other", async () => {
    const w = makeJobWorld();
    w.db.delete(domains).run();
    const r = await runUsers(w.ctx, { staleCheck: true });
    expect(r.notified.sort()).toEqual(["ann", "bob"]);
  });
});

const sinkOk = haveSmtpSink();
describe.skipIf(!sinkOk)("the notice through SMTP", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });

  test("tells the person when the account was last used and how to keep it", async () => {
    const w = makeJobWorld({ smtpPort: sink.port });
    user(w, "idle", { lastLogin: new Date("2025-01-02T10:00:00Z") });
    await runUsers(w.ctx, { staleCheck: true });
    const m = await sink.next("idle@example.test");
    expect(m.subject).toBe("Your unused account at dyn.example.test");
    expect(m.text).toContain("Hello idle,");
    expect(m.text).toContain("was last used on 2025-01-02");
    expect(m.text).toContain("https://dyn.example.test/account/login");
  });
});
