// SqliteZoneStorage keeps DNSSEC keys in dnssec_keys: sealed private keys only, a signed zone restarts from
// the database and keeps signing, switching DNSSEC off or deleting the zone removes its keys.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { SqliteZoneStorage } from "../../../src/backends/embedded/index.ts";
import { dnssecKeys, domains, openDatabase } from "../../../src/db/index.ts";
import { parseMasterFile, ZoneKeys } from "../../../src/dns/zone/index.ts";
import { checkSignedZone } from "../../support/dnssec.ts";

const ZONE = "dyn.example.test";
const TEXT = `
$ORIGIN ${ZONE}.
@    300 IN SOA ns1 hostmaster 1 3600 600 86400 60
@    300 IN NS  ns1
ns1  300 IN A   192.0.2.53
home  60 IN A   192.0.2.1
`;

async function world() {
  const db = openDatabase(":memory:");
  db.insert(domains).values({ name: ZONE, backend: "embedded", available: true }).run();
  const masterKey = randomBytes(32);
  const zoneKeys = await ZoneKeys.open(new SqliteZoneStorage(db), { dnssec: { masterKey } });
  await zoneKeys.store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE));
  return { db, store: zoneKeys.store, zoneKeys, masterKey };
}

describe("DNSSEC keys in SQLite", () => {
  test("rows hold sealed keys; a restart from the database keeps the zone signed and signing", async () => {
    const { db, zoneKeys, masterKey } = await world();
    await zoneKeys.enableDnssec(ZONE, { keys: "split", algorithm: 15 });
    const rows = db.select().from(dnssecKeys).all();
    expect(rows.map((r) => r.role).sort()).toEqual(["ksk", "zsk"]);
    for (const r of rows) expect(r.secret.startsWith("aesgcm1:")).toBe(true);
    const again = await ZoneKeys.open(new SqliteZoneStorage(db), { dnssec: { masterKey } });
    expect(checkSignedZone(again.store.zone(ZONE)!)).toEqual([]);
    await again.store.transaction(ZONE, (tx) => tx.replaceRRset(`home.${ZONE}`, "A", 60, ["192.0.2.2"]));
    expect(checkSignedZone(again.store.zone(ZONE)!)).toEqual([]);
    expect(again.dsRecords(ZONE)).toEqual(zoneKeys.dsRecords(ZONE));
  });
  test("after changes that replace, add, drop and re-time records and their signatures, the rows are exactly the zone served", async () => {
    const { db, zoneKeys, masterKey } = await world();
    await zoneKeys.enableDnssec(ZONE);
    const store = zoneKeys.store;
    const home = `home.${ZONE}`;
    await store.transaction(ZONE, (tx) => tx.replaceRRset(home, "A", 60, ["192.0.2.2"]));
    await store.transaction(ZONE, (tx) => tx.replaceRRset(home, "A", 60, ["192.0.2.3", "192.0.2.4"]));
    await Promise.all([
      store.transaction(ZONE, (tx) => tx.replaceRRset(home, "A", 120, ["192.0.2.4"])),
      store.transaction(ZONE, (tx) => tx.replaceRRset(`new.${ZONE}`, "TXT", 60, ['"x"'])),
    ]);
    await store.transaction(ZONE, (tx) => tx.deleteName(`new.${ZONE}`));
    const lines = (rrs: Iterable<{ name: string; type: string; ttl: number; data: string }>) => [...rrs].map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`).sort();
    const served = lines(store.zone(ZONE)!.records());
    const rows = db.$client.query("SELECT r.name, r.type, r.ttl, r.data FROM zone_records r JOIN domains d ON d.id = r.domain_id WHERE d.name = ?").all(ZONE) as { name: string; type: string; ttl: number; data: string }[];
    expect(lines(rows)).toEqual(served);
    const again = await ZoneKeys.open(new SqliteZoneStorage(db), { dnssec: { masterKey } });
    expect(lines(again.store.zone(ZONE)!.records())).toEqual(served);
    expect(checkSignedZone(again.store.zone(ZONE)!)).toEqual([]);
  });
  test("a rollover step updates the row's state; switching off deletes the keys", async () => {
    const { db, zoneKeys } = await world();
    await zoneKeys.enableDnssec(ZONE, { keys: "split" });
    await zoneKeys.rollZsk(ZONE);
    expect(db.select().from(dnssecKeys).all().map((r) => `${r.role}:${r.state}`).sort()).toEqual(["ksk:active", "zsk:active", "zsk:published"]);
    await zoneKeys.disableDnssec(ZONE);
    expect(db.select().from(dnssecKeys).all()).toEqual([]);
  });
});

describe("another process switches DNSSEC (a CLI command while the server runs)", () => {
  test("the server's store reloads the zone and its keys, signs its next commit, and stops after switch-off", async () => {
    const { db, zoneKeys: cli, masterKey } = await world();
    const storage = new SqliteZoneStorage(db);
    const server = await ZoneKeys.open(storage, { dnssec: { masterKey } });
    await cli.enableDnssec(ZONE);
    server.store.reload(storage.loadZones([ZONE]));
    // A commit queued right after the reload waits for the keys, so it is signed.
    await server.store.transaction(ZONE, (tx) => tx.replaceRRset(`home.${ZONE}`, "A", 60, ["192.0.2.3"]));
    expect(server.isSigned(ZONE)).toBe(true);
    expect(checkSignedZone(server.store.zone(ZONE)!)).toEqual([]);
    const cli2 = await ZoneKeys.open(new SqliteZoneStorage(db), { dnssec: { masterKey } });
    await cli2.disableDnssec(ZONE);
    server.store.reload(storage.loadZones([ZONE]));
    await server.store.transaction(ZONE, (tx) => tx.replaceRRset(`home.${ZONE}`, "A", 60, ["192.0.2.4"]));
    expect(server.isSigned(ZONE)).toBe(false);
    expect([...server.store.zone(ZONE)!.records()].some((r) => r.type === "RRSIG")).toBe(false);
  });
});
