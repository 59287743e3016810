// Signing in the zone store: enabling signs everything, a commit re-signs only what it changed and mends
// the chain, keys are sealed in storage and survive a restart, the re-sign job renews signatures before
// they expire (injected clock), rollovers publish and retire keys, and switching off removes it all.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { type DnssecSettings, MemoryZoneStorage, parseMasterFile, type RR, writeMasterFile, ZoneKeys, ZoneStore } from "../../../src/dns/zone/index.ts";
import { checkSignedZone } from "../../support/dnssec.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { havePeers, tempDir, which } from "../../support/net.ts";
import { ALL_TYPES_TEXT, ALL_TYPES_ZONE } from "./all-types.ts";

const ZONE = "example.org";
const TEXT = `
$ORIGIN example.org.
$TTL 300
@      IN SOA ns1 hostmaster 1 60 30 3600 60
@      IN NS  ns1
@      IN MX  10 mail
ns1    IN A   192.0.2.53
www    IN A   192.0.2.80
mail   IN A   192.0.2.25
*.wild IN A   192.0.2.99
alias  IN CNAME www
a.b.c  IN TXT "deep"
sub    IN NS  ns.sub
ns.sub IN A   192.0.2.1
`;

async function signedStore(settings: DnssecSettings = {}, clock = { t: Date.now() }) {
  const storage = new MemoryZoneStorage();
  const masterKey = randomBytes(32);
  const zoneKeys = await ZoneKeys.open(storage, { now: () => new Date(clock.t), dnssec: { masterKey } });
  const store = zoneKeys.store;
  await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE), "unixtime");
  await zoneKeys.enableDnssec(ZONE, settings);
  return { store, zoneKeys, storage, masterKey, clock };
}

const sigRows = (rrs: RR[]) => rrs.filter((r) => r.type === "RRSIG").map((r) => `${r.name} ${r.data.split(" ")[0]}`).sort();

describe("switching DNSSEC on", () => {
  for (const [alg, denial, keys] of [[13, "nsec3", "csk"], [15, "nsec", "csk"], [13, "nsec", "split"], [15, "nsec3", "split"]] as const) {
    test(`alg ${alg}, ${denial}, ${keys}: every authoritative set is signed and the chain is complete`, async () => {
      const { store, zoneKeys } = await signedStore({ algorithm: alg, denial, keys });
      const z = store.zone(ZONE)!;
      expect(checkSignedZone(z)).toEqual([]);
      expect(z.get(ZONE, "DNSKEY")!.data.length).toBe(keys === "csk" ? 1 : 2);
      expect(!!z.get(ZONE, "NSEC3PARAM")).toBe(denial === "nsec3");
      // Glue and the delegation's NS stay unsigned (RFC 4035 §2.2).
      expect(z.get("ns.sub.example.org", "A")!.sigs).toBeUndefined();
      expect(z.get("sub.example.org", "NS")!.sigs).toBeUndefined();
      expect(z.get(ZONE, "CDS")!.data).toEqual(zoneKeys.dsRecords(ZONE));
    });
  }
});

describe("a commit on a signed zone", () => {
  test("re-signs only the changed set, the SOA and the chain records it touched (NSEC3)", async () => {
    const { store, zoneKeys } = await signedStore();
    const cs = (await store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "A", 300, ["192.0.2.81"])))!;
    // The address changed: its signature and the SOA's; no chain change (same name, same types).
    expect(sigRows(cs.added)).toEqual(["example.org SOA", "www.example.org A"]);
    expect(sigRows(cs.removed)).toEqual(["example.org SOA", "www.example.org A"]);
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
  });
  test("a new name gets its NSEC3 and its predecessor's is rewritten; deleting it undoes that", async () => {
    const { store, zoneKeys } = await signedStore();
    const before = [...store.zone(ZONE)!.records()].filter((r) => r.type === "NSEC3");
    const cs = (await store.transaction(ZONE, (tx) => tx.replaceRRset("new.example.org", "A", 60, ["192.0.2.7"])))!;
    expect(cs.added.filter((r) => r.type === "NSEC3").length).toBe(2);
    expect(cs.removed.filter((r) => r.type === "NSEC3").length).toBe(1);
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
    await store.transaction(ZONE, (tx) => tx.deleteName("new.example.org"));
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
    expect([...store.zone(ZONE)!.records()].filter((r) => r.type === "NSEC3").map((r) => r.data).sort()).toEqual(before.map((r) => r.data).sort());
  });
  test("deep names with empty non-terminals, a CNAME, a new delegation and its removal keep the zone valid (NSEC and NSEC3)", async () => {
    for (const denial of ["nsec", "nsec3"] as const) {
      const { store, zoneKeys } = await signedStore({ denial });
      await store.transaction(ZONE, (tx) => {
        tx.replaceRRset("x.y.z.example.org", "AAAA", 60, ["2001:db8::1"]);
        tx.replaceRRset("c2.example.org", "CNAME", 60, ["x.y.z.example.org."]);
        tx.deleteRRset("a.b.c.example.org", "TXT");
      });
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      await store.transaction(ZONE, (tx) => {
        tx.replaceRRset("y.z.example.org", "NS", 60, ["ns.y.z.example.org."]);
        tx.replaceRRset("ns.y.z.example.org", "A", 60, ["192.0.2.9"]);
      });
      const z = store.zone(ZONE)!;
      expect(checkSignedZone(z)).toEqual([]);
      expect(z.get("x.y.z.example.org", "AAAA")!.sigs).toBeUndefined(); // now below a cut: glue-like, unsigned
      await store.transaction(ZONE, (tx) => tx.deleteRRset("y.z.example.org", "NS"));
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      // A cut above an empty non-terminal (y.z between z and x.y.z): its NSEC3 goes and comes back.
      await store.transaction(ZONE, (tx) => tx.replaceRRset("z.example.org", "NS", 60, ["ns1.example.org."]));
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      await store.transaction(ZONE, (tx) => tx.deleteRRset("z.example.org", "NS"));
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
    }
  });
  test("a type coming to or leaving an existing name rewrites its chain record's bitmap; a new address does not (NSEC and NSEC3)", async () => {
    for (const denial of ["nsec", "nsec3"] as const) {
      const { store } = await signedStore({ denial });
      const chainType = denial === "nsec" ? "NSEC" : "NSEC3";
      const chainOf = () => [...store.zone(ZONE)!.records()].filter((r) => r.type === chainType).map((r) => r.data).sort();
      const before = chainOf();
      // Two transactions of one group commit: a new address at www, and a TXT that www did not have.
      await Promise.all([
        store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "A", 300, ["192.0.2.82"])),
        store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "TXT", 300, ['"web"'])),
      ]);
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      const withTxt = chainOf();
      expect(withTxt.filter((d) => !before.includes(d)).map((d) => d.includes(" TXT "))).toEqual([true]);
      const cs = (await store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "A", 300, ["192.0.2.83"])))!;
      expect(cs.added.filter((r) => r.type === chainType)).toEqual([]);
      expect(chainOf()).toEqual(withTxt);
      await store.transaction(ZONE, (tx) => tx.deleteRRset("www.example.org", "TXT"));
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      expect(chainOf()).toEqual(before);
    }
  });
  test("the journal holds the signed change (what IXFR sends)", async () => {
    const { store, zoneKeys } = await signedStore();
    const from = store.zone(ZONE)!.serial;
    await store.transaction(ZONE, (tx) => tx.replaceRRset("h.example.org", "A", 60, ["192.0.2.5"]));
    const [cs] = (await store.journalSince(ZONE, from))!;
    expect(sigRows(cs.added)).toContain("h.example.org A");
    expect(cs.added.some((r) => r.type === "NSEC3")).toBe(true);
  });
});

describe("master files of signed zones", () => {
  test("an exported signed zone imports: its DNSSEC records are dropped and the zone signed with our keys", async () => {
    const { store, zoneKeys } = await signedStore();
    const text = writeMasterFile(ZONE, store.zone(ZONE)!.records());
    const records = parseMasterFile(text, ZONE);
    expect(records.some((r) => r.type === "RRSIG")).toBe(true);
    const other = await signedStore({ denial: "nsec" });
    await other.store.importZone(ZONE, records.map((r) => (r.name === `www.${ZONE}` && r.type === "A" ? { ...r, data: "192.0.2.99" } : r)));
    const z = other.store.zone(ZONE)!;
    expect(z.get(`www.${ZONE}`, "A")!.data).toEqual(["192.0.2.99"]);
    expect(z.get(ZONE, "NSEC3PARAM")).toBeUndefined();
    expect(checkSignedZone(z)).toEqual([]);
    const fresh = await ZoneStore.open(new MemoryZoneStorage());
    await fresh.createZoneFromRecords("example.org", records);
    expect([...fresh.zone(ZONE)!.records()].some((r) => r.type === "RRSIG" || r.type === "NSEC3")).toBe(false);
  });
});

describe("storage and restart", () => {
  test("private keys are stored sealed; a restart with the master key keeps signing, another key is refused", async () => {
    const { store, zoneKeys, storage, masterKey } = await signedStore();
    const wrong = await ZoneKeys.open(storage, { dnssec: { masterKey: randomBytes(32) } }).catch((e) => e);
    expect(String(wrong)).toMatch(/wrong master key/);
    for (const row of storage.keyRows()) {
      expect(row.secret.startsWith("aesgcm1:")).toBe(true);
      expect(row.secret).not.toContain("MIG"); // no clear PKCS#8
    }
    const tag = zoneKeys.dnssecStatus(ZONE)!.keys[0].keyTag;
    const again = await ZoneKeys.open(storage, { dnssec: { masterKey } });
    expect(again.isSigned(ZONE)).toBe(true);
    await again.store.transaction(ZONE, (tx) => tx.replaceRRset("after.example.org", "A", 60, ["192.0.2.6"]));
    const z = again.store.zone(ZONE)!;
    expect(checkSignedZone(z)).toEqual([]);
    expect(z.get("after.example.org", "A")!.sigs![0].split(" ")[6]).toBe(String(tag));
  });
  test("without a master key a signed zone is served as stored but changes are refused", async () => {
    const { storage } = await signedStore();
    const logs: string[] = [];
    const bare = (await ZoneKeys.open(storage, { log: (m) => logs.push(m) })).store;
    expect(logs.join()).toMatch(/no DNSSEC master key/);
    expect(checkSignedZone(bare.zone(ZONE)!)).toEqual([]);
    await expect(bare.transaction(ZONE, (tx) => tx.replaceRRset("x.example.org", "A", 60, ["192.0.2.1"]))).rejects.toThrow(/master key/);
  });
});

describe("re-signing and rollovers (injected clock)", () => {
  test("signatures close to expiry are renewed by dnssecTick; fresh ones are left alone", async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { store, zoneKeys } = await signedStore({}, clock);
    expect(await zoneKeys.dnssecTick(ZONE)).toEqual([{ zone: ZONE, renewed: false, steps: [] }]);
    const serial = store.zone(ZONE)!.serial;
    clock.t += 10 * 86400_000; // 14-day validity minus jitter: within the 7-day refresh window now
    expect(checkSignedZone(store.zone(ZONE)!, clock.t / 1000)).toEqual([]);
    const [r] = await zoneKeys.dnssecTick(ZONE);
    expect(r.renewed).toBe(true);
    expect(store.zone(ZONE)!.serial).not.toBe(serial);
    // Nothing expires: 20 more days of ticking every day keep every signature valid.
    for (let d = 0; d < 20; d++) {
      clock.t += 86400_000;
      await zoneKeys.dnssecTick(ZONE);
      expect(checkSignedZone(store.zone(ZONE)!, clock.t / 1000)).toEqual([]);
    }
  });
  test("ZSK pre-publish rollover: published, then signing, then the old key goes", async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { store, zoneKeys } = await signedStore({ keys: "split" }, clock);
    const oldZsk = zoneKeys.dnssecStatus(ZONE)!.keys.find((k) => k.role === "zsk")!;
    await zoneKeys.rollZsk(ZONE);
    let keys = zoneKeys.dnssecStatus(ZONE)!.keys;
    expect(keys.map((k) => `${k.role}:${k.state}`).sort()).toEqual(["ksk:active", "zsk:active", "zsk:published"]);
    expect(store.zone(ZONE)!.get(ZONE, "DNSKEY")!.data.length).toBe(3);
    clock.t += 2 * 3600_000;
    expect((await zoneKeys.dnssecTick(ZONE))[0].steps).toEqual(["zsk-activated"]);
    const z = store.zone(ZONE)!;
    expect(checkSignedZone(z, clock.t / 1000)).toEqual([]);
    expect(z.get("www.example.org", "A")!.sigs!.map((s) => s.split(" ")[6])).not.toContain(String(oldZsk.keyTag));
    clock.t += 2 * 86400_000;
    expect((await zoneKeys.dnssecTick(ZONE))[0].steps).toEqual(["key-removed"]);
    keys = zoneKeys.dnssecStatus(ZONE)!.keys;
    expect(keys.map((k) => k.keyTag)).not.toContain(oldZsk.keyTag);
    expect(store.zone(ZONE)!.get(ZONE, "DNSKEY")!.data.length).toBe(2);
    expect(checkSignedZone(store.zone(ZONE)!, clock.t / 1000)).toEqual([]);
  });
  test("CSK rollover: the new key signs beside the old, CDS/CDNSKEY name it, completion retires the old", async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { store, zoneKeys } = await signedStore({}, clock);
    const [oldDs] = zoneKeys.dsRecords(ZONE);
    clock.t += 1000;
    await zoneKeys.rollKsk(ZONE);
    const z = store.zone(ZONE)!;
    expect(z.get(ZONE, "DNSKEY")!.data.length).toBe(2);
    expect(z.get("www.example.org", "A")!.sigs!.length).toBe(2);
    const cds = z.get(ZONE, "CDS")!.data;
    expect(cds.length).toBe(1);
    expect(cds[0]).not.toBe(oldDs);
    expect(zoneKeys.dsRecords(ZONE)).toContain(cds[0]);
    expect(checkSignedZone(z, clock.t / 1000)).toEqual([]);
    await zoneKeys.completeKskRollover(ZONE);
    expect(zoneKeys.dsRecords(ZONE)).toEqual([...cds]);
    expect(store.zone(ZONE)!.get("www.example.org", "A")!.sigs!.length).toBe(1);
    expect(checkSignedZone(store.zone(ZONE)!, clock.t / 1000)).toEqual([]);
  });
});

describe("switching DNSSEC off", () => {
  test("first the signed RFC 8078 delete CDS/CDNSKEY, kept across a restart, and undone on request", async () => {
    const { store, zoneKeys, storage, masterKey } = await signedStore();
    await zoneKeys.requestDsRemoval(ZONE);
    let z = store.zone(ZONE)!;
    expect(z.get(ZONE, "CDS")!.data).toEqual(["0 0 0 00"]);
    expect(z.get(ZONE, "CDNSKEY")!.data).toEqual(["0 3 0 AA=="]);
    expect(checkSignedZone(z)).toEqual([]);
    const again = await ZoneKeys.open(storage, { dnssec: { masterKey } });
    await again.rollKsk(ZONE);
    expect(again.store.zone(ZONE)!.get(ZONE, "CDS")!.data).toEqual(["0 0 0 00"]);
    await again.requestDsRemoval(ZONE, true);
    z = again.store.zone(ZONE)!;
    expect(z.get(ZONE, "CDS")!.data).not.toEqual(["0 0 0 00"]);
    expect(again.dsRecords(ZONE)).toContain(z.get(ZONE, "CDS")!.data[0]);
  });
  test("signatures, chain, key records and keys are gone; the zone is as before", async () => {
    const { store, zoneKeys, storage } = await signedStore();
    await zoneKeys.disableDnssec(ZONE);
    const types = new Set([...store.zone(ZONE)!.records()].map((r) => r.type));
    for (const t of ["RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "DNSKEY", "CDS", "CDNSKEY"]) expect(types.has(t as never)).toBe(false);
    expect(storage.keyRows()).toEqual([]);
    expect(zoneKeys.isSigned(ZONE)).toBe(false);
    await store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "A", 300, ["192.0.2.82"]));
    expect(store.zone(ZONE)!.get("www.example.org", "A")!.sigs).toBeUndefined();
  });
  test("users cannot write the signer's types", async () => {
    const { store, zoneKeys } = await signedStore();
    await expect(store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "RRSIG" as never, 60, ["A 13 3 60 20300101000000 20200101000000 1 example.org. AAAA"]))).rejects.toThrow(/not served/);
  });
});

describe.if(havePeers("dnssec-verify", "ldns-verify-zone"))("signing every record type", () => {
  // RFC 4034 §6.2 lowercases the rdata names of the types it lists (NAPTR, RP, DNAME here) for signing; the
  // newer types keep theirs as written (RFC 6840 §5.1). Two independent validators check every signature.
  test("a signed zone with every type, names in rdata in mixed case, verifies with BIND's and ldns's tools", async () => {
    const zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
    const store = zoneKeys.store;
    const mixed = 'case IN SVCB 1 Svc.Types.EXAMPLE. alpn=h2\ncase IN NAPTR 1 1 "" "" "" Repl.TYPES.example.\ncase IN RP Admin.Types.Example. @\ncase2 IN DNAME Target.EXAMPLE.net.\n';
    await store.createZoneFromRecords(ALL_TYPES_ZONE, parseMasterFile(ALL_TYPES_TEXT + mixed, ALL_TYPES_ZONE));
    await zoneKeys.enableDnssec(ALL_TYPES_ZONE);
    const dir = tempDir();
    try {
      const file = join(dir.path, "signed.zone");
      writeFileSync(file, writeMasterFile(ALL_TYPES_ZONE, store.zone(ALL_TYPES_ZONE)!.records()));
      const bind = Bun.spawnSync([which("dnssec-verify")!, "-z", "-o", ALL_TYPES_ZONE, file], { stdout: "pipe", stderr: "pipe" });
      expect(bind.stderr.toString() + bind.stdout.toString()).toContain("Zone fully signed");
      expect(bind.exitCode).toBe(0);
      const ldns = Bun.spawnSync([which("ldns-verify-zone")!, file], { stdout: "pipe", stderr: "pipe" });
      expect(ldns.stdout.toString() + ldns.stderr.toString()).toContain("Zone is verified and complete");
      expect(ldns.exitCode).toBe(0);
    } finally {
      dir.cleanup();
    }
  });
});
