// The status page's counts (spec §5.1 /status/): periods are "strictly newer than", TLS counted apart.
import { expect, test } from "bun:test";
import { openDatabase, domains, hosts, users } from "../../src/db/index.ts";
import { statusCounts } from "../../src/core/index.ts";

test("counts of domains, hosts, updates per period and users", () => {
  const db = openDatabase(":memory:");
  const now = new Date("2026-06-01T12:00:00Z");
  const ago = (days: number) => new Date(now.getTime() - days * 86400_000);
  const u = db.insert(users).values({ username: "a", lastLogin: ago(1), dateJoined: ago(100) }).returning().get();
  db.insert(users).values({ username: "b", isActive: false, lastLogin: ago(20), dateJoined: ago(1) }).run();
  const d = db.insert(domains).values({ name: "dyn.example.org", public: true, ownerId: u.id }).returning().get();
  db.insert(domains).values({ name: "x.example.org", available: false, ownerId: u.id }).run();
  const h = (name: string, v: Partial<typeof hosts.$inferInsert>) => db.insert(hosts).values({ name, domainId: d.id, ownerId: u.id, ...v }).run();
  h("a", { lastUpdateIpv4: ago(1), tlsUpdateIpv4: true, lastUpdateIpv6: ago(10) });
  h("b", { lastUpdateIpv4: ago(2), abuse: true }); // exactly 2 days: not "newer than 2 days"
  h("c", { lastUpdateIpv4: ago(700), available: false, abuseBlocked: true, abuse: true });
  const s = statusCounts(db, now);
  expect(s.domains).toEqual({ total: 2, public: 1, unavailable: 1 });
  expect(s.hosts).toEqual({ total: 3, unavailable: 1, abuse: 2, abuseBlocked: 1 });
  expect(s.updates).toEqual([
    { period: "2d", ipv4: 1, ipv4Tls: 1, ipv6: 0, ipv6Tls: 0 },
    { period: "2w", ipv4: 2, ipv4Tls: 1, ipv6: 1, ipv6Tls: 0 },
    { period: "2m", ipv4: 2, ipv4Tls: 1, ipv6: 1, ipv6Tls: 0 },
    { period: "2y", ipv4: 3, ipv4Tls: 1, ipv6: 1, ipv6Tls: 0 },
  ]);
  expect(s.users.total).toBe(2);
  expect(s.users.active).toBe(1);
  expect(s.users.periods.map((p) => [p.period, p.loggedIn, p.joined])).toEqual([
    ["2d", 1, 1],
    ["2w", 1, 1],
    ["2m", 2, 1],
    ["2y", 2, 2],
  ]);
});

test("the per-minute series: what the totals grew by lands in the minute it was sampled in, a day long", async () => {
  const { MinuteSeries } = await import("../../src/core/index.ts");
  const t0 = new Date("2026-06-01T12:00:10Z");
  const at = (minutes: number, seconds = 0) => new Date(t0.getTime() + minutes * 60_000 + seconds * 1000);
  const s = new MinuteSeries();
  s.sample(at(0), { updates: 3, updateSeconds: 0.3, queries: 600 });
  s.sample(at(0, 30), { updates: 4, updateSeconds: 0.5, queries: 1200 });
  s.sample(at(2), { updates: 6, updateSeconds: 0.5, queries: 1200 });
  let day = s.series(at(2));
  expect(day.updatesPerMinute).toHaveLength(1440);
  expect(day.updatesPerMinute.slice(-3)).toEqual([4, 0, 2]);
  expect(day.queriesPerSecond.slice(-3)).toEqual([20, 0, 0]);
  expect(day.latencyMs.slice(-3)).toEqual([125, null, 0]);
  // A day later those minutes have left the ring; a slot reused by a new minute starts from 0.
  s.sample(at(1440), { updates: 7, updateSeconds: 0.6, queries: 1200 });
  day = s.series(at(1440));
  expect(day.updatesPerMinute.reduce((a, b) => a + b, 0)).toBe(1 + 2);
  expect(day.updatesPerMinute.at(-1)).toBe(1);
});

test("zone serials: each secondary in sync, behind or silent, asked a few at a time", async () => {
  const { zoneSerials, SERIAL_QUERIES_AT_ONCE } = await import("../../src/core/index.ts");
  const { zoneSecondaries } = await import("../../src/db/index.ts");
  const db = openDatabase(":memory:");
  const a = db.insert(domains).values({ name: "a.example.org", backend: "embedded", serial: 7 }).returning().get();
  db.insert(domains).values({ name: "b.example.org", backend: "embedded", serial: 9 }).run();
  db.insert(domains).values({ name: "r.example.org", backend: "rfc2136", primary: "192.0.2.1" }).run();
  for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) db.insert(zoneSecondaries).values({ domainId: a.id, address }).run();
  for (let i = 0; i < 40; i++) db.insert(zoneSecondaries).values({ domainId: a.id + 1, address: `198.51.100.${i}` }).run();
  let running = 0;
  let most = 0;
  const ask = async (zone: string, address: string) => {
    most = Math.max(most, ++running);
    await Bun.sleep(5);
    running--;
    if (address === "192.0.2.2") return 6;
    if (address === "192.0.2.3") return new Promise<number>(() => {});
    return zone === "a.example.org" ? 7 : 9;
  };
  const zones = await zoneSerials(db, ask, 100);
  expect(zones.map((z) => z.name)).toEqual(["a.example.org", "b.example.org"]);
  expect(zones[0].secondaries).toEqual([
    { address: "192.0.2.1", serial: 7, state: "in-sync", problem: null },
    { address: "192.0.2.2", serial: 6, state: "behind", problem: null },
    { address: "192.0.2.3", serial: null, state: "no-answer", problem: { kind: "timeout", ms: 100 } },
  ]);
  expect(zones[1].secondaries.every((s) => s.state === "in-sync")).toBe(true);
  expect(most).toBe(SERIAL_QUERIES_AT_ONCE);
});
