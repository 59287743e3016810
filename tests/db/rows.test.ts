// db/rows.ts reads hot-path rows without drizzle's query builder: what it returns must be exactly what
// drizzle's select returns for the same row (dates, booleans, nulls, text), for the tables it serves.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { domains, hosts, openDatabase, rowReader, users } from "../../src/db/index.ts";

function world() {
  const db = openDatabase(":memory:");
  const [u] = db.insert(users).values({ username: "ops", email: "ops@example.test" }).returning().all();
  const [d] = db.insert(domains).values({ name: "dyn.example.test", backend: "rfc2136", ownerId: u.id, public: true, primary: "127.0.0.1:5300", updateKeyName: "k", updateKeySecret: "c2VjcmV0" }).returning().all();
  const [h] = db
    .insert(hosts)
    .values({ name: "home", domainId: d.id, ownerId: u.id, updateSecret: "$hmac-sha256$x$y", netmaskIpv4: 29, lastUpdateIpv4: new Date(1_700_000_000_123), tlsUpdateIpv4: true, abuse: false, comment: "über" })
    .returning()
    .all();
  return { db, d, h };
}

describe("rowReader", () => {
  test("a host row reads the same as drizzle's select: Date, boolean, null and text columns", () => {
    const { db, d } = world();
    const read = rowReader(db, hosts, `"name" = ? AND "domain_id" = ?`);
    const viaDrizzle = db.select().from(hosts).where(eq(hosts.name, "home")).get();
    const row = read("home", d.id);
    expect(row).toEqual(viaDrizzle!);
    expect(row!.lastUpdateIpv4).toBeInstanceOf(Date);
    expect(row!.lastUpdateIpv4!.getTime()).toBe(1_700_000_000_123);
    expect(row!.tlsUpdateIpv4).toBe(true);
    expect(row!.lastUpdateIpv6).toBeNull();
  });

  test("a domain row reads the same as drizzle's select", () => {
    const { db } = world();
    const read = rowReader(db, domains, `"name" = ?`);
    expect(read("dyn.example.test")).toEqual(db.select().from(domains).where(eq(domains.name, "dyn.example.test")).get()!);
  });

  test("no row is undefined, and a later change is read, not cached", () => {
    const { db, d, h } = world();
    const read = rowReader(db, hosts, `"name" = ? AND "domain_id" = ?`);
    expect(read("nobody", d.id)).toBeUndefined();
    db.update(hosts).set({ available: false }).where(eq(hosts.id, h.id)).run();
    expect(read("home", d.id)!.available).toBe(false);
  });
});
