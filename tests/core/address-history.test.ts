// A host's address history (core/address-history.ts): one row per real change, the newest HISTORY_MAX kept.
import { expect, test } from "bun:test";
import { openDatabase, domains, hosts, users } from "../../src/db/index.ts";
import { addressHistory, HISTORY_MAX, HostLedger } from "../../src/core/index.ts";
import { TRIM_EVERY } from "../../src/core/address-history.ts";

test("each host keeps only its newest changes, and another host's rows are untouched", () => {
  const db = openDatabase(":memory:");
  const u = db.insert(users).values({ username: "a" }).returning().get();
  const d = db.insert(domains).values({ name: "dyn.example.org", ownerId: u.id }).returning().get();
  const [h1, h2] = ["one", "two"].map((name) => db.insert(hosts).values({ name, domainId: d.id, ownerId: u.id }).returning().get());
  const t0 = Date.parse("2026-06-01T00:00:00Z");
  const other = new HostLedger(h2.id, "two.dyn.example.org", new Date(t0));
  other.addressChanged("AAAA", "2001:db8::1");
  other.flush(db);
  for (let i = 0; i < HISTORY_MAX + 7; i++) {
    const l = new HostLedger(h1.id, "one.dyn.example.org", new Date(t0 + i * 60_000));
    l.addressChanged("A", `192.0.2.${i}`);
    l.flush(db);
  }
  const rows = addressHistory(db, h1.id);
  expect(rows).toHaveLength(HISTORY_MAX);
  expect(rows[0].address).toBe("192.0.2.7");
  expect(rows.at(-1)).toEqual({ type: "A", address: `192.0.2.${HISTORY_MAX + 6}`, at: new Date(t0 + (HISTORY_MAX + 6) * 60_000) });
  expect(addressHistory(db, h2.id)).toEqual([{ type: "AAAA", address: "2001:db8::1", at: new Date(t0) }]);
});

test("a host deleted before its bookkeeping is written records nothing and fails nobody", () => {
  const db = openDatabase(":memory:");
  const u = db.insert(users).values({ username: "a" }).returning().get();
  const d = db.insert(domains).values({ name: "dyn.example.org", ownerId: u.id }).returning().get();
  const gone = db.insert(hosts).values({ name: "gone", domainId: d.id, ownerId: u.id }).returning().get();
  const l = new HostLedger(gone.id, "gone.dyn.example.org", new Date());
  l.addressChanged("A", "192.0.2.1");
  db.delete(hosts).run();
  expect(() => l.flush(db)).not.toThrow();
  expect(addressHistory(db, gone.id)).toEqual([]);
});

test("a host changing all the time keeps a bounded number of rows: trimmed every TRIM_EVERY changes", () => {
  const db = openDatabase(":memory:");
  const u = db.insert(users).values({ username: "a" }).returning().get();
  const d = db.insert(domains).values({ name: "dyn.example.org", ownerId: u.id }).returning().get();
  const h = db.insert(hosts).values({ name: "busy", domainId: d.id, ownerId: u.id }).returning().get();
  const rows = () => (db.$client.query("SELECT count(*) AS n FROM host_addresses WHERE host_id = ?").get(h.id) as { n: number }).n;
  let most = 0;
  for (let i = 0; i < 10 * HISTORY_MAX; i++) {
    const l = new HostLedger(h.id, "busy.dyn.example.org", new Date(Date.parse("2026-06-01T00:00:00Z") + i * 1000));
    l.addressChanged("A", `10.0.${i >> 8}.${i & 255}`);
    l.flush(db);
    most = Math.max(most, rows());
  }
  expect(most).toBeLessThanOrEqual(HISTORY_MAX + TRIM_EVERY);
  const shown = addressHistory(db, h.id);
  expect(shown).toHaveLength(HISTORY_MAX);
  expect(shown.at(-1)!.address).toBe(`10.0.${(10 * HISTORY_MAX - 1) >> 8}.${(10 * HISTORY_MAX - 1) & 255}`);
});
