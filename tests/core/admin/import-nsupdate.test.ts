import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../support/net.ts";
import { eq } from "drizzle-orm";
import { domains, hosts, openColumn, openDatabase, relatedHosts, serviceUpdaterHostConfigs, users, type Db } from "../../../src/db/index.ts";
import { importNsupdate } from "../../../src/core/admin/import-nsupdate.ts";
import { verifySecret } from "../../../src/core/secrets.ts";

const FIXTURE = new URL("../../../../shared/fixtures/nsupdate-0.13.sqlite3", import.meta.url).pathname;

function dump(db: Db): string {
  const tables = ["users", "domains", "hosts", "related_hosts", "service_updaters", "service_updater_host_configs", "blacklisted_hosts"];
  return JSON.stringify(tables.map((t) => db.$client.query(`SELECT * FROM ${t} ORDER BY id`).all()));
}

describe("import nsupdate.info", () => {
  test("creates every object of the fixture with its flags, counters and owners", () => {
    const db = openDatabase(":memory:");
    const r = importNsupdate(db, FIXTURE);
    expect(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.created]))).toEqual({ users: 3, domains: 2, hosts: 5, relatedHosts: 2, serviceUpdaters: 1, hostConfigs: 1, blacklist: 2 });
    const alice = db.select().from(users).where(eq(users.username, "alice")).get()!;
    expect(alice).toMatchObject({ email: "alice@example.test", isStaff: true, isSuperuser: true, isActive: true, language: "de" });
    expect(alice.passwordHash.startsWith("argon2$argon2id$v=19$m=102400,t=2,p=8$")).toBe(true);
    expect(db.select().from(users).where(eq(users.username, "carol")).get()).toMatchObject({ isActive: false, email: "", language: "" });
    const dyn = db.select().from(domains).where(eq(domains.name, "dyn.example.test")).get()!;
    expect(dyn).toMatchObject({ backend: "rfc2136", primary: "192.0.2.53", queryServer: "192.0.2.54", updateKeyName: "dyn.example.test", updateKeyAlgorithm: "hmac-sha256", public: true, available: true, ownerId: alice.id });
    expect(db.select().from(domains).where(eq(domains.name, "home.example.org")).get()).toMatchObject({ queryServer: "", updateKeyAlgorithm: "hmac-sha512", public: false, available: false, comment: "bob's zone" });
    const alpha = db.select().from(hosts).where(eq(hosts.name, "alpha")).get()!;
    expect(alpha).toMatchObject({ comment: "router", netmaskIpv4: 32, netmaskIpv6: 56, clientFaults: 3, serverFaults: 1, tlsUpdateIpv4: true, ownerId: alice.id });
    expect(alpha.lastUpdateIpv4?.toISOString()).toBe("2026-11-26T15:51:56.223Z");
    expect(alpha.clientResultMsg).toMatch(/^2026-11-26 \d\d:\d\d:\d\d /);
    expect(db.select().from(hosts).where(eq(hosts.name, "beta")).get()).toMatchObject({ abuse: true, abuseBlocked: false });
    expect(db.select().from(hosts).where(eq(hosts.name, "gamma")).get()).toMatchObject({ abuseBlocked: true, available: false });
    const rel = db.select().from(relatedHosts).orderBy(relatedHosts.name).all();
    expect(rel.map((x) => [x.name, x.interfaceIdIpv4, x.interfaceIdIpv6, x.available, x.mainHostId])).toEqual([
      ["nas", "0.0.0.10", "::1:2:3:4", true, alpha.id],
      ["printer", "", "::a", false, alpha.id],
    ]);
    // The TSIG secret and the third-party password are kept sealed under the master key, and open to the originals.
    expect(dyn.updateKeySecret).toStartWith("aesgcm1:");
    expect(openColumn(db, dyn.updateKeySecret, "domains.update_key_secret")).toBe("ZnltaHozend2SFA5dGpEa3VVWFRHR2ZHNnh0Wmh6SGM=");
    const forwarder = db.select().from(serviceUpdaterHostConfigs).get()!;
    expect(forwarder).toMatchObject({ hostname: "alpha.other.test", name: "alpha-user", giveIpv4: true, giveIpv6: false, hostId: alpha.id });
    expect(forwarder.password).toStartWith("aesgcm1:");
    expect(openColumn(db, forwarder.password, "service_updater_host_configs.password")).toBe("alpha-remote-pw");
  });

  test("the old update secrets verify as they are: weakargon2 and legacy sha1, and a wrong one fails", async () => {
    const db = openDatabase(":memory:");
    importNsupdate(db, FIXTURE);
    const secretOf = (name: string) => db.select().from(hosts).where(eq(hosts.name, name)).get()!.updateSecret;
    expect(await verifySecret("alpha-secret-1", secretOf("alpha"))).toEqual({ ok: true, needsRehash: true });
    expect(await verifySecret("legacy-secret-4", secretOf("legacy"))).toEqual({ ok: true, needsRehash: true });
    expect((await verifySecret("alpha-secret-1x", secretOf("alpha"))).ok).toBe(false);
    expect((await verifySecret("legacy-secret-4x", secretOf("legacy"))).ok).toBe(false);
  });

  test("a second run changes nothing", () => {
    const db = openDatabase(":memory:");
    importNsupdate(db, FIXTURE);
    const before = dump(db);
    const again = importNsupdate(db, FIXTURE);
    expect(Object.values(again).every((c) => c.created === 0 && c.existing > 0)).toBe(true);
    expect(dump(db)).toBe(before);
  });

  test("a dry run reports the plan and writes nothing", () => {
    const db = openDatabase(":memory:");
    const before = dump(db);
    const r = importNsupdate(db, FIXTURE, { dryRun: true });
    expect(r.hosts.created).toBe(5);
    expect(dump(db)).toBe(before);
  });

  test("all or nothing: a failure part-way leaves the database as it was", () => {
    const db = openDatabase(":memory:");
    // A clashing host name in a pre-existing zone of another kind cannot break the import, but a broken
    // foreign key can: make every insert into hosts fail.
    db.$client.exec("CREATE TRIGGER no_hosts BEFORE INSERT ON hosts BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const before = dump(db);
    expect(() => importNsupdate(db, FIXTURE)).toThrow("disk full");
    expect(dump(db)).toBe(before);
  });

  test("the ownership rules hold: a domain inside another account's zone, or a public suffix, stops the import", () => {
    const db = openDatabase(":memory:");
    const zed = db.insert(users).values({ username: "zed", email: "zed@example.org" }).returning().get();
    db.insert(domains).values({ name: "example.org", backend: "embedded", ownerId: zed.id }).run();
    const before = dump(db);
    expect(() => importNsupdate(db, FIXTURE)).toThrow('domain home.example.org: "home.example.org" is inside example.org, another account\'s zone');
    expect(dump(db)).toBe(before);
    const copy = join(tempDir().path, "suffix.sqlite3");
    copyFileSync(FIXTURE, copy);
    const src = new Database(copy);
    src.run("UPDATE main_domain SET name = 'co.uk' WHERE name = 'dyn.example.test'");
    src.close();
    const empty = openDatabase(":memory:");
    expect(() => importNsupdate(empty, copy)).toThrow('domain co.uk: "co.uk" is a public suffix');
    expect(empty.select().from(domains).all()).toEqual([]);
  });

  test("a file that is not an nsupdate.info database is refused with a clear error", () => {
    const db = openDatabase(":memory:");
    expect(() => importNsupdate(db, "/nonexistent.sqlite3")).toThrow("no such file");
    const other = new URL("../../../package.json", import.meta.url).pathname;
    expect(() => importNsupdate(db, other)).toThrow();
  });
});
